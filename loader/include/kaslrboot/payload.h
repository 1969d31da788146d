/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Payload formats and relocation (pure: loader/lib/elf.c, image.c,
 * reloc.c; host-buildable).  Everything here treats the payload as hostile:
 * every offset and size is checked against the buffer with subtractions
 * that cannot wrap, before it is used, and the loader never jumps into an
 * image that did not pass every check.
 *
 * Addresses inside a payload are expressed as offsets from the image
 * start: the aligned base the planner chooses plus `offset` (arm64
 * text_offset; 0 otherwise).  Segment i is copied to start + seg[i].dst_off,
 * the image occupies [start, start + footprint), the entry is at
 * start + entry_off, and kb_payload_copy / kb_reloc_apply take the start.
 */
#ifndef KASLRBOOT_PAYLOAD_H
#define KASLRBOOT_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/phys.h>

#define KB_EM_RISCV	243
#define KB_EM_AARCH64	183
#define KB_EM_ARM	40	/* 32-bit Arm: Cortex-M payloads (Thumb) */

enum kb_payload_type {
	KB_PAYLOAD_AUTO = 0,		/* container: detect from the bytes */
	KB_PAYLOAD_ELF = 1,		/* ELF ET_DYN (PIE): ELFCLASS64, or ELFCLASS32 for RV32 */
	KB_PAYLOAD_RISCV_IMAGE = 2,	/* Linux RISC-V Image */
	KB_PAYLOAD_ARM64_IMAGE = 3,	/* Linux arm64 Image */
	KB_PAYLOAD_KARL = 4,		/* full riscv64 ELF to docs/karl.md's contract:
					 * shuffled by loader/lib/karl.c (CONFIG_KARL);
					 * never detected, only named (kbimage -t karl) */
};

/* The base alignment of a Linux arm64 Image (booting.rst). */
#define KB_ARM64_IMAGE_ALIGN	(UINT64_C(2) << 20)

/* CONFIG_PAYLOAD_MAX_SEGMENTS in a loader (16 by default; a board with a
 * few KiB of SRAM sets fewer); 16 in host tools and tests. */
#ifdef CONFIG_PAYLOAD_MAX_SEGMENTS
#define KB_MAX_SEGMENTS CONFIG_PAYLOAD_MAX_SEGMENTS
#else
#define KB_MAX_SEGMENTS 16
#endif

struct kb_segment {
	kb_phys_t file_off;	/* in the payload buffer */
	kb_phys_t filesz;	/* bytes copied */
	kb_phys_t dst_off;	/* from the image base */
	kb_phys_t memsz;	/* filesz <= memsz; the rest is zeroed (BSS) */
	uint32_t flags;		/* ELF p_flags (PF_X 1, PF_W 2, PF_R 4); Images: 0 */
};

struct kb_payload_info {
	uint32_t type;		/* enum kb_payload_type */
	uint16_t machine;	/* KB_EM_* */
	uint8_t xlen;		/* 32 or 64: the payload's address width (ELF class;
				 * Images: the loader's); 32 keeps it below 4 GiB */
	kb_phys_t footprint;	/* bytes from the start the image occupies (incl. BSS) */
	kb_phys_t align;	/* required alignment of the base (power of two) */
	kb_phys_t offset;	/* image start above the aligned base (arm64 text_offset), else 0 */
	kb_phys_t entry_off;	/* entry point, from the start */
	bool placement_anywhere; /* arm64 flags bit 3; true for ELF and RISC-V */
	unsigned int nseg;
	struct kb_segment seg[KB_MAX_SEGMENTS];
	/* ELF dynamic relocations, as offsets from the base into the loaded
	 * image (0 size = none).  Entry sizes were checked by the parser. */
	kb_phys_t rela_off, rela_size;
	/* true: the RELA table is an Elf32_Rel table (DT_REL, 32-bit Arm:
	 * the linker emits no other), each addend the word at r_offset. */
	bool rel_implicit;
	kb_phys_t relr_off, relr_size;
	/* ELF PT_GNU_RELRO, from the base (0 size = none): inside one
	 * segment's memory; read-only once relocated. */
	kb_phys_t relro_off, relro_size;
	/* ELF: the link-time address of the image base (the lowest PT_LOAD
	 * p_vaddr rounded down to align); r_offset, RELR addresses and
	 * RELATIVE addends are link-time addresses, so the engine subtracts
	 * it.  0 for Images. */
	kb_phys_t link_base;
};

/*
 * ELF little-endian ET_DYN for `machine`, of the class xlen names (64:
 * ELFCLASS64; 32: ELFCLASS32, RV32 only; the other class is KB_EINVAL
 * "payload: ELF class ELFCLASS32 (a 32-bit payload), but this loader boots
 * 64-bit payloads"; an ELF32 segment must end below 4 GiB).  The same
 * checks for both classes, with the class's field sizes: PT_LOAD segments (non-empty,
 * in ascending p_vaddr order, non-overlapping, p_filesz <= p_memsz, file
 * ranges inside the buffer, p_offset % p_align == p_vaddr % p_align), laid
 * out relative to the lowest p_vaddr rounded down to the alignment; align =
 * the largest p_align, at least min_align; entry inside a loaded
 * executable segment; at most one PT_GNU_RELRO, inside one
 * PT_LOAD's memory (pi->relro_off/size; p_flags in seg[].flags);
 * relocations from PT_DYNAMIC (DT_RELA / DT_RELASZ /
 * DT_RELAENT == 24 (ELF32: 12), DT_RELR / DT_RELRSZ / DT_RELRENT == 8
 * (ELF32: 4; only with KB_PAYLOAD_HAS_RELR, below, else KB_ENOTSUP)), their tables
 * inside a loaded segment's file-backed part.  ET_EXEC and anything not
 * relocatable is KB_ENOTSUP ("payload: ELF type ET_EXEC is not
 * relocatable"), as are big-endian ELF, PT_INTERP, DT_NEEDED,
 * DT_REL and PLT relocations; more than KB_MAX_SEGMENTS PT_LOADs is
 * KB_ENOSPC.  Other faults KB_EINVAL with a one-line diag.  link_base is
 * the lowest p_vaddr rounded down to align; every offset in pi is from it.
 */
int kb_elf_parse(const void *buf, size_t len, uint16_t machine,
		 unsigned int xlen, uint64_t min_align,
		 struct kb_payload_info *pi, struct kb_diag *d);

/*
 * Linux RISC-V Image (Documentation/arch/riscv/boot-image-header.rst):
 * magic2 "RSC\x05" (or the deprecated "RISCV\0\0\0"), image_size mandatory
 * (>= the file size), align 2 MiB (rv64) or 4 MiB (rv32), entry at 0, one
 * segment.  KB_EINVAL with a diag otherwise.
 */
int kb_riscv_image_parse(const void *buf, size_t len, bool rv32,
			 struct kb_payload_info *pi, struct kb_diag *d);

/*
 * Linux arm64 Image (Documentation/arch/arm64/booting.rst): magic
 * "ARM\x64", little-endian (flags bit 0 clear), image_size (0 only for
 * pre-3.17 kernels: rejected), text_offset, page-size bits, placement bit 3.
 * align 2 MiB, offset = text_offset, footprint = image_size (from the
 * start, like every other offset here), entry at 0, one segment.
 * Big-endian kernels are KB_ENOTSUP, pre-3.17 ones (image_size 0) too.
 */
int kb_arm64_image_parse(const void *buf, size_t len,
			 struct kb_payload_info *pi, struct kb_diag *d);

/*
 * The formats built in: Kconfig (CONFIG_PAYLOAD_ELF, _RISCV_IMAGE,
 * _ARM64_IMAGE) in a target build; every one in host tools and tests,
 * unless a test defines these to 0 to see the refusal.  A format not built
 * in is still recognized (its magic), and refused by name.
 */
#ifdef CONFIG_ARCH
#define KB_PAYLOAD_HAS_ELF		IS_ENABLED(CONFIG_PAYLOAD_ELF)
#define KB_PAYLOAD_HAS_RISCV_IMAGE	IS_ENABLED(CONFIG_PAYLOAD_RISCV_IMAGE)
#define KB_PAYLOAD_HAS_ARM64_IMAGE	IS_ENABLED(CONFIG_PAYLOAD_ARM64_IMAGE)
#if !KB_PAYLOAD_HAS_ELF && !KB_PAYLOAD_HAS_RISCV_IMAGE && !KB_PAYLOAD_HAS_ARM64_IMAGE
#error "no payload format built in: enable CONFIG_PAYLOAD_ELF, CONFIG_PAYLOAD_RISCV_IMAGE or CONFIG_PAYLOAD_ARM64_IMAGE"
#endif
#else
#ifndef KB_PAYLOAD_HAS_ELF
#define KB_PAYLOAD_HAS_ELF		1
#endif
#ifndef KB_PAYLOAD_HAS_RISCV_IMAGE
#define KB_PAYLOAD_HAS_RISCV_IMAGE	1
#endif
#ifndef KB_PAYLOAD_HAS_ARM64_IMAGE
#define KB_PAYLOAD_HAS_ARM64_IMAGE	1
#endif
#endif

/*
 * The machines and ELF classes whose code the ELF parser and the
 * relocation engine carry, and DT_RELR.  In a target build only the
 * loader's own machine and class (KB_ARCH_MACHINE, KB_ARCH_XLEN): it is
 * the only one it is ever asked to boot, and a payload for any other is
 * refused from its e_ident class or e_machine ("payload: ELF machine 243
 * (RISC-V), but this loader boots ARM (40)") before any machine- or
 * class-specific code would run, so the compiler drops the rest (on
 * Cortex-M: the RISC-V and AArch64 relocation types, the ELF64 layout).
 * DT_RELR: CONFIG_PAYLOAD_ELF_RELR (off on Cortex-M, whose GNU ld writes
 * none); without it a payload with a RELR table is refused by name.  Host
 * tools and tests: everything, unless a test defines these to 0.
 */
#ifdef CONFIG_ARCH
#define KB_PAYLOAD_FOR_RISCV		IS_ENABLED(CONFIG_ARCH_RISCV)
#define KB_PAYLOAD_FOR_AARCH64		IS_ENABLED(CONFIG_ARCH_ARM64)
#define KB_PAYLOAD_FOR_ARM		IS_ENABLED(CONFIG_ARCH_ARM_M)
#if defined(__aarch64__) || (defined(__riscv_xlen) && __riscv_xlen == 64)
#define KB_PAYLOAD_ELF32		0
#define KB_PAYLOAD_ELF64		1
#else
#define KB_PAYLOAD_ELF32		1
#define KB_PAYLOAD_ELF64		0
#endif
#define KB_PAYLOAD_HAS_RELR		IS_ENABLED(CONFIG_PAYLOAD_ELF_RELR)
#else
#ifndef KB_PAYLOAD_FOR_RISCV
#define KB_PAYLOAD_FOR_RISCV		1
#endif
#ifndef KB_PAYLOAD_FOR_AARCH64
#define KB_PAYLOAD_FOR_AARCH64		1
#endif
#ifndef KB_PAYLOAD_FOR_ARM
#define KB_PAYLOAD_FOR_ARM		1
#endif
#ifndef KB_PAYLOAD_ELF32
#define KB_PAYLOAD_ELF32		1
#endif
#ifndef KB_PAYLOAD_ELF64
#define KB_PAYLOAD_ELF64		1
#endif
#ifndef KB_PAYLOAD_HAS_RELR
#define KB_PAYLOAD_HAS_RELR		1
#endif
#endif

/* Is machine one this build carries code for (above)? */
#define KB_PAYLOAD_MACHINE_BUILT(m) \
	((KB_PAYLOAD_FOR_RISCV && (m) == KB_EM_RISCV) || \
	 (KB_PAYLOAD_FOR_AARCH64 && (m) == KB_EM_AARCH64) || \
	 (KB_PAYLOAD_FOR_ARM && (m) == KB_EM_ARM))

/*
 * What a loader may ask the parsers for: a machine this build carries code
 * for, with a payload width it can boot (RISC-V 32 or 64, AArch64 64, Arm
 * 32).  0, else KB_EINVAL with "payload: unknown loader machine 62" or
 * "payload: a AArch64 loader with 32-bit payloads is not a thing (...)".
 * Both entry points check it (kb_payload_parse() and kb_elf_parse(), which
 * the load calls directly); a loader passes constants, and it folds away.
 */
static inline int kb_payload_check_loader(uint16_t machine, unsigned int xlen,
					  struct kb_diag *d)
{
	if (!KB_PAYLOAD_MACHINE_BUILT(machine))
		return kb_diag_set(d, KB_EINVAL, "payload: unknown loader machine %u", machine);
	if (machine == KB_EM_ARM ? xlen != 32 :
	    xlen != 64 && (xlen != 32 || machine != KB_EM_RISCV))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: a %s loader with %u-bit payloads is not a thing (RISC-V: 32 or 64, AArch64: 64, Arm: 32)",
				   machine == KB_EM_RISCV ? "RISC-V" :
				   machine == KB_EM_AARCH64 ? "AArch64" : "Arm", xlen);
	return 0;
}

/* 0 if the format of this type is built in (or the type is unknown:
 * the parsers report that); else KB_ENOTSUP with the line "payload: <format>
 * support is not built into this loader (CONFIG_PAYLOAD_<FORMAT>)". */
int kb_payload_check_builtin(uint32_t type, struct kb_diag *d);

/* The format the bytes announce: KB_PAYLOAD_ELF (ELF magic), then the
 * Image magics; KB_PAYLOAD_AUTO if none.  Reads at most
 * KB_PAYLOAD_HDR_SIZE bytes, and only those of the len given. */
#define KB_PAYLOAD_HDR_SIZE 64
uint32_t kb_payload_detect(const void *buf, size_t len);

/*
 * Images only: the layout of a file_len-byte Image from a copy of its
 * first hdr_len (>= 64) bytes, the header being all an Image's layout
 * depends on.  Same checks and results as kb_payload_parse() on the whole
 * file; an ELF payload is KB_EINVAL here (its layout needs the whole file).
 * The loader uses it to place an Image before reading the rest of it, so
 * that each byte goes from flash straight to its final place.
 */
int kb_payload_parse_header(const void *hdr, size_t hdr_len, uint64_t file_len,
			    uint32_t type, uint16_t machine, unsigned int xlen,
			    uint64_t min_align, struct kb_payload_info *pi,
			    struct kb_diag *d);

/*
 * Whether this loader can parse an Image of `type` (a container's, or what
 * kb_payload_detect() found) for `machine`: 0, else KB_EINVAL or
 * KB_ENOTSUP with the line kb_payload_parse_header() gives for it ("payload:
 * unrecognized format (N bytes; ...)" for KB_PAYLOAD_AUTO, "payload: RISC-V
 * Image, but this loader boots Arm", the format not built in, named by its
 * option, an unknown type).  A loader with no Image format built in
 * (Cortex-M, the mcu profile) calls only this on a non-ELF payload, for the
 * refusal line: the Image parsers and their alignment rules are not linked.
 */
int kb_payload_image_check(uint32_t type, uint16_t machine, uint64_t file_len,
			   struct kb_diag *d);

/* Dispatch on type (KB_PAYLOAD_AUTO: ELF magic, then the Image magics).
 * The loader boots `machine` payloads of xlen bits (its own XLEN:
 * KB_ARCH_XLEN; RISC-V 32 or 64, AArch64 64; anything else KB_EINVAL).
 * An Image for the other machine is KB_EINVAL; RISC-V Images are taken as
 * rv32 (4 MiB alignment) when xlen is 32; min_align (0 = none, else a
 * power of two) raises every format's align. */
int kb_payload_parse(const void *buf, size_t len, uint32_t type,
		     uint16_t machine, unsigned int xlen, uint64_t min_align,
		     struct kb_payload_info *pi, struct kb_diag *d);

/* The highest address any byte of the image (or what it is handed, such
 * as its initrd) may have: UINT32_MAX for a 32-bit payload (pi->xlen 32),
 * else UINT64_MAX.  The planner's free map must be clipped to it. */
uint64_t kb_payload_ceiling(const struct kb_payload_info *pi);

/*
 * The alignment of the kernel's base for this boot: pi->align (the
 * format's, already raised to the loader's minimum), except for an arm64
 * Image that may be placed anywhere (flags bit 3) with KASLR on, whose
 * base may be as finely aligned as a relocatable kernel allows (the
 * kernel's EFI stub uses EFI_KIMG_ALIGN, 64 KiB, then): container_align
 * (the container's KASLR alignment) if not 0, else cfg_default
 * (CONFIG_ARM64_IMAGE_KASLR_ALIGN; 0 = none).  That value counts only if
 * it is a power of two of at least 4 KiB; it is raised to min_align and
 * never exceeds pi->align.  With KASLR off the fixed base keeps the
 * format's alignment, as the stub keeps 2 MiB under nokaslr.
 */
uint64_t kb_payload_base_align(const struct kb_payload_info *pi,
			       uint32_t container_align, uint64_t cfg_default,
			       uint64_t min_align, bool kaslr);

/*
 * Where the initrd may go once the kernel starts at `start`: [*floor,
 * *ceiling], inclusive.  arm64 Images: the 1 GiB-aligned 32 GiB window
 * that covers the kernel (booting.rst); every other format: anywhere
 * below kb_payload_ceiling() (0, UINT64_MAX; a 32-bit payload: below 4 GiB).
 */
void kb_payload_initrd_window(const struct kb_payload_info *pi, uint64_t start,
			      uint64_t *floor, uint64_t *ceiling);

/* Copy every segment from buf to dst (footprint bytes, already checked to
 * be free memory by the caller) and zero the rest of the footprint. */
void kb_payload_copy(const struct kb_payload_info *pi, const void *buf,
		     void *dst);

/*
 * Relocate the loaded image at dst (footprint bytes) for run address base.
 * First a validation pass over every entry (type supported for the
 * machine and class: R_RISCV_RELATIVE, R_RISCV_64 (ELF64), R_RISCV_32
 * (ELF32), R_RISCV_NONE; R_AARCH64_RELATIVE, R_AARCH64_ABS64,
 * R_AARCH64_NONE; RELR (ELF32: 4-byte entries, 31-bit bitmaps); symbol index
 * 0 where the type requires no symbol, the ABS types only against symbol 0
 * with an addend (static PIE); offset and width inside the image and not
 * inside a relocation table), then the writes.  One bad entry rejects the
 * payload with nothing written: KB_ENOTSUP for a type or symbol, else
 * KB_EINVAL.  Written value: addend - link_base + base (RELA; an ABS type
 * against symbol 0 like RELATIVE, as glibc's static-PIE start-up does),
 * word + base - link_base (RELR); words of pi->xlen bits.  ELF64 values
 * wrap modulo 2^64; for a 32-bit payload the image must end below 4 GiB
 * (base + footprint <= 2^32) and a value that does not fit in 32 bits is
 * KB_EINVAL ("payload: relocation 3 value ... does not fit in 32 bits").
 */
int kb_reloc_apply(const struct kb_payload_info *pi, void *dst, kb_phys_t base,
		   struct kb_diag *d);

#endif
