/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RISC-V PMP region planning (pure: loader/lib/pmp.c, host-buildable).
 *
 * Input: the placed payload's memory, as physical ranges with the
 * permissions the payload gets there (text R+X, rodata and PT_GNU_RELRO R,
 * data/BSS/stack/device tree R+W), and what the hart offers (how many
 * entries, the granularity, the width of pmpaddr).  Output: the entries to
 * write, in priority order (entry 0 first), every one locked (L), so that
 * they bind M-mode too and nothing, not even the payload in M-mode, can
 * change them until reset.  loader/arch/riscv/pmp.c writes them
 * (kb_arch_pmp_apply); docs/pmp.md explains the layout and the threat model.
 *
 * M-mode semantics the plan relies on (privileged spec, "Physical Memory
 * Protection"): the lowest-numbered entry that matches an address decides;
 * a matching locked entry's R/W/X bind M-mode; a matching unlocked entry
 * lets M-mode do anything; no match lets M-mode do anything.  Hence the
 * plan
 *   - uses entries 0 .. n-1 contiguously, all locked (an unlocked entry of
 *     higher priority than a locked one would let the payload re-program it
 *     to cover its own text with L clear, and so undo the lock);
 *   - ends, when params->background is not KB_PMP_NO_BACKGROUND, with one
 *     locked NAPOT entry over the whole physical address space carrying the
 *     background permissions (R+W for an M-mode firmware: MMIO and free RAM
 *     stay readable and writable, nothing outside the payload's text is
 *     executable); ranges whose permissions equal the background need no
 *     entry of their own and get none.
 */
#ifndef KASLRBOOT_PMP_H
#define KASLRBOOT_PMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/phys.h>

/* pmpcfg byte fields (privileged spec). */
#define KB_PMP_R	0x01
#define KB_PMP_W	0x02
#define KB_PMP_X	0x04
#define KB_PMP_A_SHIFT	3
#define KB_PMP_A_MASK	(3u << KB_PMP_A_SHIFT)
#define KB_PMP_A_OFF	(0u << KB_PMP_A_SHIFT)
#define KB_PMP_A_TOR	(1u << KB_PMP_A_SHIFT)
#define KB_PMP_A_NA4	(2u << KB_PMP_A_SHIFT)
#define KB_PMP_A_NAPOT	(3u << KB_PMP_A_SHIFT)
#define KB_PMP_L	0x80

/* The permission classes of a payload (docs/pmp.md). */
#define KB_PMP_TEXT	(KB_PMP_R | KB_PMP_X)	/* PF_X segments */
#define KB_PMP_RODATA	(KB_PMP_R)		/* read-only segments, PT_GNU_RELRO */
#define KB_PMP_DATA	(KB_PMP_R | KB_PMP_W)	/* data, BSS, stack, device tree */

#define KB_PMP_NO_BACKGROUND	(-1)

/* ELF p_flags bits, as struct kb_segment keeps them. */
#define KB_PF_X		1
#define KB_PF_W		2
#define KB_PF_R		4

/* Most segments one plan takes: what kb_pmp_payload_segs() makes of a
 * payload (its PT_LOADs, one of them split in three by RELRO); it is also
 * the planner's working array (on the stack). */
#define KB_PMP_MAX_SEGS		(KB_MAX_SEGMENTS + 2)
/* The architecture's maximum number of PMP entries. */
#define KB_PMP_MAX_ENTRIES	64
/* The widest pmpaddr the planner takes: an unsigned long holds it (rv32:
 * 32 bits, a 34-bit physical space; rv64: at most 54). */
#define KB_PMP_MAX_ADDR_BITS	(sizeof(unsigned long) < 8 ? 32u : 54u)

struct kb_pmp_seg {
	kb_phys_t start;	/* physical address */
	kb_phys_t size;		/* bytes; 0 = nothing (ignored) */
	unsigned int perm;	/* KB_PMP_R | KB_PMP_W | KB_PMP_X */
	const char *name;	/* for the diagnostics ("text", "stack", ...) */
};

struct kb_pmp_params {
	unsigned int nr_entries; /* entries the plan may use, from entry 0
				  * (1 .. KB_PMP_MAX_ENTRIES): the hart's
				  * count minus any the caller keeps */
	unsigned int g;		/* granularity G: the granule is 2^(G+2)
				 * bytes (QEMU: 0; real parts often 10 = 4 KiB) */
	unsigned int addr_bits;	/* implemented pmpaddr bits: 32 on rv32
				 * (34-bit physical), at most 54 on rv64
				 * (8 .. KB_PMP_MAX_ADDR_BITS) */
	int background;		/* permissions of the final catch-all entry,
				 * or KB_PMP_NO_BACKGROUND */
};

struct kb_pmp_entry {
	uint8_t cfg;		/* pmpNcfg byte, L always set */
	unsigned long addr;	/* pmpaddrN (the value it reads back as) */
};

/*
 * Plan the entries for segs[0 .. n) (any order; zero-size ones ignored).
 * Every segment must start and end on a granule boundary, inside the
 * 2^(addr_bits+2)-byte physical space; segments that overlap must have
 * the same permissions (they are merged), as are adjacent ones that do.
 * Each remaining range takes one NAPOT (or NA4) entry when it is a
 * naturally aligned power of two, else one TOR entry whose bottom is the
 * previous entry's address when that TOR ends where this range starts
 * (or 0 for entry 0), else an OFF entry holding the bottom plus the TOR;
 * the choice between NAPOT and TOR is made over the whole list so that the
 * total is smallest.  out must hold params->nr_entries entries.
 *
 * 0 and *n_out set on success.  KB_EALIGN (a segment off the granule),
 * KB_ERANGE (a segment outside the physical space or wrapping, or ending
 * at its very top where no TOR can reach), KB_EOVERLAP (two segments with
 * different permissions overlap), KB_ENOSPC (more entries needed than
 * nr_entries), KB_EINVAL (bad params, a permission outside R/W/X, too
 * many segments), each with a one-line diag naming the segment.
 */
int kb_pmp_plan(const struct kb_pmp_seg *segs, size_t n,
		const struct kb_pmp_params *p, struct kb_pmp_entry *out,
		size_t *n_out, struct kb_diag *d);

/*
 * The segments of an ELF payload placed at `start` (its image start), as
 * kb_pmp_plan() takes them: each PT_LOAD by its p_flags (X: "text", R+X;
 * W: "data", R+W; else "rodata", R), rounded outward to the 2^(g+2)-byte
 * granule (a granule shared by two classes then shows up as the
 * planner's overlap error, naming both), and the PT_GNU_RELRO part of a
 * writable segment as "relro", R, rounded inward (a RELRO smaller than a
 * granule stays writable).  The caller adds the stack and the device
 * tree.  KB_ENOTSUP for a segment both writable and executable (it cannot
 * be locked either way) or without flags (an Image: no layout to lock by), KB_ENOSPC if more than max, KB_ERANGE if a
 * segment wraps; one-line diag.
 */
int kb_pmp_payload_segs(const struct kb_payload_info *pi, kb_phys_t start,
			unsigned int g, struct kb_pmp_seg *out, size_t max,
			size_t *n, struct kb_diag *d);

/* "r-x", "rw-", "---": perm's R/W/X bits, for the log. */
const char *kb_pmp_perm_str(unsigned int perm);

#endif
