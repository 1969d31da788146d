/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * KARL at load time (pure module: loader/lib/karl.c; host-buildable, used
 * by the host tool karlplan, kbimage -t karl and the loader (CONFIG_KARL)): shuffle the function
 * sections of a full ELF64 RISC-V or AArch64 (or ELF32 rv32) payload with random gaps and re-apply
 * every static relocation against the new addresses.  The payload contract
 * is docs/karl.md.
 *
 *  1. kb_karl_parse: section headers, .symtab, the .rela.<sec> sections
 *     kept by `ld --emit-relocs`; classifies every SHF_ALLOC section:
 *       head  below the shuffled region, kept in place (the startup code:
 *             `.text` and `.text.kb_fixed*`; anything else linked first);
 *       move  `.text.*` except `.text.kb_fixed*` (one function each,
 *             `-ffunction-sections` + `ld --unique=.text.*`), contiguous;
 *             on AArch64 aligned to at least 4 (instructions);
 *       data  after them, a data object (`-fdata-sections` + `ld
 *             --unique=.rodata.*` ...): `.rodata.*`, `.srodata.*`,
 *             `.data.*`, `.sdata.*`, `.bss.*`, `.sbss.*` except
 *             `*.kb_fixed*`, in one of three classes by its flags
 *             (read-only, writable, writable NOBITS); each class's
 *             objects form one region of their own;
 *       tail  everything else after them (`.rodata`, `.data`, `.bss`,
 *             ...): moved by `tail_delta` and the growth of every data
 *             region below it, each a multiple of the largest alignment
 *             and of 4 KiB.
 *  2. kb_karl_layout: Fisher-Yates over the movable sections with the
 *     caller's uniform() (the planner's unbiased draw: kb_drbg_uniform),
 *     then for each, in the new order, a gap of uniform(max_gap / align + 1)
 *     times its alignment before it; the first gap follows the head.  Then
 *     each data region in address order: its objects in a Fisher-Yates
 *     order among themselves, each after such a gap, from the region's
 *     moved start; what follows the region moves by its growth.
 *  3. kb_karl_apply: validate every relocation against the new layout
 *     (type known, place inside its section, symbol inside a section,
 *     PCREL_LO12 paired with its PCREL_HI20, instruction opcode as the type
 *     expects, every field in range), and only then copy and write; the
 *     machine (e_machine) chooses the RISC-V switch or the AArch64 table.
 *
 * Every function returns 0 or a negative KB_E* code with a one-line diag
 * naming what was wrong ("karl: ...").  No allocation, no floating point.
 */
#ifndef KASLRBOOT_KARL_H
#define KASLRBOOT_KARL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>

enum kb_karl_kind {
	KB_KARL_OTHER = 0,	/* not loaded (no SHF_ALLOC) */
	KB_KARL_HEAD = 1,	/* kept at its link address (+ bias) */
	KB_KARL_MOVE = 2,	/* shuffled */
	KB_KARL_TAIL = 3,	/* moved by tail_delta and the data growth before it (+ bias) */
	KB_KARL_DATA = 4,	/* a data object: shuffled within its class */
};

/* The classes of data objects (KB_KARL_DATA), each shuffled within its
 * own region so that the permission structure stays: read-only, writable
 * with contents, writable without (BSS). */
enum kb_karl_class {
	KB_KARL_RODATA = 0,	/* .rodata.*, .srodata.*: no SHF_WRITE */
	KB_KARL_RWDATA = 1,	/* .data.*, .sdata.*: SHF_WRITE, PROGBITS */
	KB_KARL_BSS = 2,	/* .bss.*, .sbss.*: SHF_WRITE, NOBITS */
	KB_KARL_NCLASS = 3,
};

struct kb_karl_group {
	uint64_t lo, hi;	/* link-time [first, last end) of the class's objects */
	uint64_t grow;		/* kb_karl_layout: what follows moves by this much more */
	uint32_t first, n;	/* order[first .. first + n) */
};

struct kb_karl_sec {
	uint64_t old_addr;	/* sh_addr */
	uint64_t new_addr;	/* after kb_karl_layout (bias included) */
	uint64_t size;		/* sh_size */
	uint64_t align;		/* sh_addralign, at least 1 */
	uint64_t gap;		/* KB_KARL_MOVE: the gap drawn before it, bytes */
	uint32_t name;		/* offset in .shstrtab */
	uint8_t kind;		/* enum kb_karl_kind */
	uint8_t cls;		/* KB_KARL_DATA: enum kb_karl_class */
	bool nobits;		/* SHT_NOBITS */
};

struct kb_karl {
	const uint8_t *file;
	size_t len;
	struct kb_karl_sec *sec;	/* caller's table, indexed by section */
	uint32_t *order;		/* caller's table: movable sections, in order */
	unsigned int cap;		/* entries of both tables */
	unsigned int nsec;		/* e_shnum */
	unsigned int nmove;		/* movable function sections: order[0 .. nmove) */
	unsigned int ndata;		/* data objects: order[nmove .. nmove + ndata) */
	struct kb_karl_group grp[KB_KARL_NCLASS];	/* by enum kb_karl_class */
	unsigned int symtab;		/* index of .symtab */
	uint16_t machine;		/* e_machine: EM_RISCV (243) or EM_AARCH64 (183) */
	bool elf32;			/* ELFCLASS32 (rv32): every address below 2^32 */
	uint64_t shstr_off, shstr_size;	/* .shstrtab, checked */
	uint64_t link_base;		/* lowest SHF_ALLOC address */
	uint64_t link_end;		/* highest SHF_ALLOC end */
	uint64_t region, region_end;	/* [first movable, last movable end) */
	uint64_t nrela;			/* relocations in loaded sections */
	uint64_t entry;			/* e_entry: in a head section, kept */
	/* kb_karl_layout: */
	uint64_t bias;			/* every section moves by it too */
	uint64_t max_gap;
	uint64_t tail_delta;
	uint64_t new_base, new_end;	/* the loaded image: [new_base, new_end) */
	bool laid_out;
};

/* The section name at shstrtab offset `name` (checked NUL-terminated at
 * parse time), for tools and diags. */
const char *kb_karl_name(const struct kb_karl *k, unsigned int shndx);

/*
 * Parse and check a little-endian ELF64 EM_RISCV or EM_AARCH64 file (or ELF32 EM_RISCV: rv32)
 * (ET_EXEC or ET_DYN)
 * of len bytes: section headers (inside the file, sh_entsize 64, ELF32 40), one
 * .symtab (entsize 24, its strtab), every loaded section inside the file
 * (unless NOBITS), not wrapping, aligned to a power of two, no two
 * non-empty loaded sections overlapping; at least one movable section, the
 * movable sections forming one region with no other loaded section inside
 * it; each data class's objects likewise (no executable data object; on
 * RISC-V no `__global_pointer$` when data moves: gp-relative accesses
 * cannot follow); the entry point inside a head section; SHT_RELA sections for
 * loaded sections (entsize 24, linked to the .symtab), at least one
 * relocation.  sec and order: cap entries each (cap >= e_shnum, else
 * KB_ENOSPC).  The file must stay unchanged until kb_karl_apply returns.
 */
int kb_karl_parse(struct kb_karl *k, const void *file, size_t len,
		  struct kb_karl_sec *sec, uint32_t *order, unsigned int cap,
		  struct kb_diag *d);

/*
 * Choose a layout: the movable sections in a uniformly random order
 * (Fisher-Yates; uniform(ctx, bound, &out) returns 0 and out in
 * [0, bound), anything else is a failure; an out of range is KB_ERANGE),
 * each preceded by a gap of a uniformly random multiple of its alignment
 * in [0, max_gap]; then each data class the same way within its region.
 * uniform == NULL: every section at its link address
 * (nokaslr; plus the bias).  bias: added to every address (a multiple of the largest
 * section alignment and of 4 KiB, else KB_EALIGN).
 */
int kb_karl_layout(struct kb_karl *k, uint64_t max_gap, uint64_t bias,
		   int (*uniform)(void *ctx, uint64_t bound, uint64_t *out),
		   void *ctx, struct kb_diag *d);

/*
 * An upper bound of new_end - new_base for any layout kb_karl_layout may
 * draw with this max_gap (the link-time footprint, plus per movable
 * section and data object its alignment - 1 and max_gap, plus the largest
 * alignment once for the text and once per data class), so
 * that the loader can choose a slot before drawing the layout.
 * UINT64_MAX when the values are too large to lay out.
 */
uint64_t kb_karl_max_footprint(const struct kb_karl *k, uint64_t max_gap);

/*
 * log2 of the number of equally likely layouts for max_gap, in 1/65536
 * bits: log2(nmove!) + log2(n!) for each data class's n objects + sum
 * over movable sections and data objects of log2(max_gap / align + 1).
 */
uint64_t kb_karl_entropy_q16(const struct kb_karl *k, uint64_t max_gap);

/* One range of the laid-out image to lock (kb_karl_ranges), permissions
 * as ELF p_flags. */
#define KB_KARL_X	1
#define KB_KARL_W	2
#define KB_KARL_R	4
struct kb_karl_range {
	uint64_t start, end;	/* new addresses, [start, end) */
	uint32_t perm;		/* KB_KARL_R | _W | _X */
	const char *what;	/* "text", "rodata", "data" */
};

/*
 * The laid-out image's permissions for a memory lock (PMP on the M-mode
 * boards, docs/karl.md), from the layout actually produced: by
 * sh_flags, "text" (SHF_EXECINSTR: R+X) is the hull of every executable
 * section (the startup code, the shuffled functions and the zeroed gaps
 * between them), "rodata" (R) that of the read-only ones, "data" (R+W)
 * that of the writable ones (BSS included); empty classes are left out
 * (*n <= 3).  A section that is writable and executable is KB_ENOTSUP; one
 * inside another class's hull is KB_EOVERLAP (it would take that class's
 * permissions).  Call after kb_karl_layout.
 */
int kb_karl_ranges(const struct kb_karl *k, struct kb_karl_range r[3], unsigned int *n,
		   struct kb_diag *d);

/*
 * Validate every relocation of every loaded section against the layout,
 * then build the image at out (out_len >= new_end - new_base, else
 * KB_ENOSPC): zeroes, every loaded PROGBITS section copied to its new
 * address (out[0] is new_base), every relocation re-applied.  Types:
 * R_RISCV_NONE, 32, 64, BRANCH, JAL, CALL, CALL_PLT, PCREL_HI20,
 * PCREL_LO12_I/S, HI20, LO12_I/S, ADD32, SUB32, RVC_BRANCH, RVC_JUMP;
 * RELAX and ALIGN are refused (linker relaxation).  AArch64 (one table
 * row per type): R_AARCH64_NONE, ABS64/32/16, PREL64/32/16, CALL26,
 * JUMP26, CONDBR19, TSTBR14, LD_PREL_LO19, ADR_PREL_LO21,
 * ADR_PREL_PG_HI21(_NC), ADD_ABS_LO12_NC, LDST8/16/32/64/128_ABS_LO12_NC
 * (the scaled forms' target aligned to the access size, else KB_EALIGN).
 * Any other type is KB_ENOTSUP.  A field that does not fit is KB_ERANGE; nothing is
 * written to out on any failure.
 */
int kb_karl_apply(const struct kb_karl *k, void *out, uint64_t out_len,
		  struct kb_diag *d);

#endif
