/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory map: what RAM the device tree describes and what of it is taken.
 *
 * Pure module (fdt/memmap.c): no hardware access, builds for the host.
 * All addresses are physical addresses of type kb_phys_t
 * (kaslrboot/phys.h: 64 bits, or 32 with CONFIG_PHYS_ADDR_32BIT, where
 * 2^32 and KB_PHYS_MAX stand for 2^64 and UINT64_MAX below), ranges are half-open
 * [base, base + size) and never wrap: a range whose last byte would pass
 * 2^64 - 1 (size - 1 > UINT64_MAX - base, size >= 1) is rejected with
 * KB_ERANGE when it is added.  A range may end exactly at 2^64 (include
 * the very last byte, 2^64 - 1), so base + size itself need not be
 * representable: arithmetic works on the inclusive last byte,
 * last = base + size - 1, which always is.
 *
 * The tables are supplied by the caller with their capacity; when one is
 * full, adding to it fails with KB_ENOSPC and a diagnostic.  Nothing is ever
 * dropped silently.
 */
#ifndef KASLRBOOT_MEMMAP_H
#define KASLRBOOT_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/phys.h>

/* CONFIG_REGION_NAME_LEN (fdt/Kconfig), 48 in host builds */
#ifdef CONFIG_REGION_NAME_LEN
#define KB_REGION_NAME_LEN CONFIG_REGION_NAME_LEN
#else
#define KB_REGION_NAME_LEN 48
#endif

enum kb_region_kind {
	KB_REGION_MEMORY = 0,		/* a memory node's reg entry */
	KB_REGION_MEMRESERVE,		/* /memreserve/ (header reservation block) */
	KB_REGION_RESERVED_MEMORY,	/* /reserved-memory child with a static reg */
	KB_REGION_INITRD,		/* /chosen linux,initrd-start/end */
	KB_REGION_DTB,			/* the device tree blob itself */
	KB_REGION_LOADER,		/* kaslrboot's own image (text, data, bss) */
	KB_REGION_STACK,		/* kaslrboot's stack */
	KB_REGION_PAYLOAD,		/* where the loader put (or stages) a payload */
	KB_REGION_OTHER,		/* anything else a caller adds */
};

/* flags */
#define KB_REGION_NOMAP		(1u << 0)	/* reserved-memory "no-map" */

struct kb_region {
	kb_phys_t base;
	kb_phys_t size;
	uint32_t merged;	/* memory: how many further ranges were merged into it */
	uint8_t kind;		/* enum kb_region_kind */
	uint8_t flags;		/* KB_REGION_* flags */
	char name[KB_REGION_NAME_LEN];	/* node path or short label; cut: "..." and its end */
};

/* Bit for kind k in the `own` mask of kb_memmap_check_write(). */
#define KB_KIND(k)		(1u << (k))

struct kb_memmap {
	/* Memory ranges: sorted by base, disjoint and not touching.  Ranges
	 * that meet or overlap are one stretch of RAM (as Linux's memblock
	 * sees them) and are merged when added, so that "inside memory" means
	 * the same thing to the planner and to every check. */
	struct kb_region *mem;
	unsigned int nmem;
	unsigned int mem_cap;
	struct kb_region *resv;	/* reservations, in discovery order */
	unsigned int nresv;
	unsigned int resv_cap;
#if KB_PHYS_BITS < 64
	/* CONFIG_PHYS_ADDR_32BIT: device tree ranges cut at 4 GiB or
	 * dropped above it (kb_memmap_from_fdt), for the caller's line */
	unsigned int nclipped;
#endif
};

/* How many device tree ranges kb_memmap_from_fdt() cut at 4 GiB or
 * dropped because they lie above it (CONFIG_PHYS_ADDR_32BIT); always 0
 * with 64-bit addresses. */
static inline unsigned int kb_memmap_clipped(const struct kb_memmap *m)
{
#if KB_PHYS_BITS < 64
	return m->nclipped;
#else
	(void)m;
	return 0;
#endif
}

/* Point the map at caller-owned tables and empty it.  A NULL table gets
 * capacity 0 whatever was passed. */
void kb_memmap_init(struct kb_memmap *m, struct kb_region *mem,
		    unsigned int mem_cap, struct kb_region *resv,
		    unsigned int resv_cap);

/*
 * Validate a blob before anything else touches it: magic, version,
 * 8-byte alignment, totalsize <= bufsize, then libfdt's fdt_check_full()
 * over every tag.  bufsize is the number of bytes the caller knows to be
 * readable at fdt.  Errors: KB_EFDT / KB_EALIGN / KB_ERANGE with a diag line
 * naming what was wrong ("dtb: bad magic 0x12345678 ...").  Checked in this
 * order, one distinct message each:
 *   fdt NULL                              KB_EFDT   "dtb: no blob ..."
 *   bufsize < 40 (header)                 KB_ERANGE "dtb: buffer of N bytes is too small for a header ..."
 *   magic                                 KB_EFDT   "dtb: bad magic 0x... (expected 0xd00dfeed)"
 *   version outside libfdt's window       KB_EFDT   "dtb: unsupported version V (last compatible L)"
 *   fdt not 8-byte aligned                KB_EALIGN "dtb: blob at P is not 8-byte aligned"
 *   totalsize > bufsize                   KB_ERANGE "dtb: totalsize T exceeds the buffer size B"
 *   reservation block offset not 8-aligned KB_EALIGN "dtb: memory reservation block at offset 0x... is not 8-byte aligned"
 *   structure block offset not 4-aligned  KB_EALIGN "dtb: structure block at offset 0x... is not 4-byte aligned"
 *   fdt_check_full(fdt, totalsize) fails  KB_EFDT   "dtb: structure check failed: FDT_ERR_..."
 * The header is copied out before it is decoded, so magic and version are
 * reported even for a misaligned blob.
 */
int kb_fdt_validate(const void *fdt, size_t bufsize, struct kb_diag *d);

/*
 * Fill the map from a blob that passed kb_fdt_validate():
 *  - every enabled node with device_type = "memory" (status absent, "okay"
 *    or "ok"), each reg entry one KB_REGION_MEMORY region, zero-size entries
 *    skipped;
 *  - every /memreserve/ entry (KB_REGION_MEMRESERVE, zero-size skipped);
 *  - every enabled /reserved-memory child with a static reg
 *    (KB_REGION_RESERVED_MEMORY, KB_REGION_NOMAP if it has "no-map");
 *    children with only size/alloc-ranges (dynamic) are skipped;
 *  - /chosen linux,initrd-start/end (KB_REGION_INITRD), each 4 or 8 bytes;
 *  - the blob itself at dtb_addr, fdt_totalsize() bytes (KB_REGION_DTB).
 * With 32-bit addresses (CONFIG_PHYS_ADDR_32BIT) every range read from
 * the tree (memory, /memreserve/, /reserved-memory, initrd) that reaches
 * above 4 GiB is cut there, one that starts above it is dropped (nothing
 * is placed or written up there), and each is counted in
 * kb_memmap_clipped(); a memory range [0, 4 GiB) loses its top byte (a
 * 32-bit size cannot say 4 GiB), a reservation that covers all 4 GiB is
 * KB_ERANGE.
 * #address-cells and #size-cells must be 1 or 2 where they apply (root for
 * memory nodes, /reserved-memory for its children); absent means the
 * Devicetree-spec defaults (2 and 1).  A reg whose length is not a
 * multiple of the entry size, a property whose length cannot be read, an
 * entry that wraps past 2^64, or an initrd whose end is below its start
 * is an error (KB_EINVAL / KB_ERANGE).  A full table is KB_ENOSPC.
 *
 * Details:
 *  - the regions are added to what m already holds (a caller may add
 *    its own first); on error m holds whatever was added before it;
 *    memory ranges are merged as kb_memmap_add_mem() does;
 *  - memory nodes are looked for among the root's children only (their
 *    reg is read with the root's cells); device_type is compared as a
 *    NUL-terminated string; an enabled memory node without reg is
 *    KB_EINVAL (reg is required); an empty reg adds nothing;
 *  - /reserved-memory's own "ranges" is not applied (the binding requires
 *    it to be empty, i.e. identity); zero-size entries are skipped;
 *  - initrd: both properties or neither (one alone is KB_EINVAL); the two
 *    may have different widths; end == start adds nothing;
 *  - libfdt errors while walking the tree are KB_EFDT;
 *  - names: memory and reserved-memory regions get the node path,
 *    /memreserve/ entries "/memreserve/ <index>", the initrd "/chosen", the
 *    blob "dtb";
 *  - order: the memory table is sorted by address; the reservation table
 *    is in discovery order: /memreserve/, /reserved-memory, initrd, dtb.
 */
int kb_memmap_from_fdt(struct kb_memmap *m, const void *fdt, kb_phys_t dtb_addr,
		       struct kb_diag *d);

/*
 * The memory map of a tree read at build time (CONFIG_DT_MEMMAP_AT_BUILD):
 * tools/kbdtmap ran kb_fdt_validate() and kb_memmap_from_fdt() on the
 * tree linked into the loader and wrote what they produced, the blob's
 * own entry left out (its address is known only at the link), into a
 * generated C file that defines one of these (kb_dt_memmap).
 */
struct kb_memmap_build {
	const struct kb_region *mem;	/* sorted and merged, as in a kb_memmap */
	const struct kb_region *resv;	/* in discovery order */
	unsigned int nmem, nresv;
	unsigned int nclipped;		/* kb_memmap_clipped() of that map */
};

/* Fill an empty map (just kb_memmap_init()ed) with b's tables, then add
 * the blob itself at dtb_addr, totalsize bytes (KB_REGION_DTB, "dtb"),
 * exactly as kb_memmap_from_fdt() ends: the same map as that function
 * gives on the same tree.  KB_EINVAL for a NULL argument or a map that is
 * not empty, KB_ENOSPC if b's tables do not fit m's, KB_ERANGE if the
 * blob's range wraps. */
int kb_memmap_from_build(struct kb_memmap *m, const struct kb_memmap_build *b,
			 kb_phys_t dtb_addr, uint32_t totalsize, struct kb_diag *d);

/* Add a memory range / append a reservation supplied by the caller.  A
 * memory range that overlaps or touches ranges already in the table is
 * merged with them (the merged range keeps the lowest piece's name and
 * counts the others in `merged`), so a merge never needs a new entry.
 * size 0 is a no-op.  Fails with KB_ERANGE if the range passes 2^64 (ending exactly at
 * 2^64 is fine), KB_ENOSPC if full,
 * KB_EINVAL if m is NULL or (add_resv) kind / flags are unknown.  name may
 * be NULL (""); a longer name keeps its end: "..." and its last
 * KB_REGION_NAME_LEN - 4 characters at most, from a '/' if one is among
 * them (".../retained@20003fc0": the node's own name and unit address). */
/* The cut above, for a table of len-byte names (len >= 8): dst holds
 * len bytes.  Cutting a name already cut for a longer table gives the
 * same as cutting the whole name (the kept end is a suffix of both):
 * tools/kbdtmap relies on it. */
void kb_region_name_cut(char *dst, const char *src, size_t len);
int kb_memmap_add_mem(struct kb_memmap *m, kb_phys_t base, kb_phys_t size,
		      const char *name, struct kb_diag *d);
int kb_memmap_add_resv(struct kb_memmap *m, kb_phys_t base, kb_phys_t size,
		       enum kb_region_kind kind, uint32_t flags,
		       const char *name, struct kb_diag *d);

/* True if [base, base + size) lies entirely inside one memory range
 * (size 0: base inside one).  False if the range passes 2^64 (ending
 * exactly at 2^64 is fine).  Ranges are merged, so a window that crosses
 * from one memory node into an adjacent one is covered. */
bool kb_memmap_covers(const struct kb_memmap *m, kb_phys_t base, kb_phys_t size);

/*
 * THE rule for every byte the loader writes (a copy, the device tree's
 * growth or move, the wipe of itself): [base, base + size), size >= 1,
 * lies inside memory and overlaps no reservation, except reservations of
 * the kinds in `own` (a mask of KB_KIND(kind): the loader may wipe its own
 * image and stack, grow the tree it was handed).  Errors, each one line
 * naming `what` and the range:
 *   size 0 or wraps past 2^64   KB_ERANGE   "<what>: ... wraps past 2^64"
 *   not inside memory           KB_ERANGE   "<what>: 0x...-0x... is outside memory"
 *   overlaps a reservation      KB_EOVERLAP "<what>: 0x...-0x... overlaps <kind> <name>"
 */
int kb_memmap_check_write(const struct kb_memmap *m, kb_phys_t base,
			  kb_phys_t size, uint32_t own, const char *what,
			  struct kb_diag *d);

/* kb_memmap_check_write(own = 0), then record the range as a reservation
 * of `kind` named `name`, so that nothing placed or written later can
 * overlap it.  What the loader places (payload, initrd, a moved device
 * tree, a staging copy) is claimed this way before a byte is written. */
int kb_memmap_claim(struct kb_memmap *m, kb_phys_t base, kb_phys_t size,
		    enum kb_region_kind kind, const char *name,
		    struct kb_diag *d);

/* Short label for a kind: "memory", "memreserve", "reserved-memory",
 * "initrd", "dtb", "loader", "stack", "payload", "other".  For printing
 * only: with CONFIG_LOG_DICTIONARY it points into the dictionary, which
 * is not in the image (kaslrboot/msg.h, KB_MSG_STR). */
const char *kb_region_kind_name(enum kb_region_kind kind);

/* Print the map, one region per line, through a printf-like callback:
 *   "<prefix>mem   0x0000000080000000-0x00000000a0000000  512 MiB  /memory@80000000"
 *   "<prefix>mem   0x0000000080000000-0x00000000c0000000  1 GiB  /memory@80000000 (+1 merged)"
 *   "<prefix>resv  0x0000000080000000-0x0000000080040000  256 KiB  reserved-memory no-map /reserved-memory/mmode_resv0@80000000"
 * (end exclusive, sizes in the largest unit that divides them exactly,
 * else bytes, e.g. "4660 B"; units B KiB MiB GiB TiB PiB EiB).  Exactly:
 *   "%smem   0x%016"PRIx64"-0x%016"PRIx64"  <size>  <name>[ (+N merged)]\n"
 *   "%sresv  0x%016"PRIx64"-0x%016"PRIx64"  <size>  <kind>[ no-map] <name>\n"
 * except that an end of 2^64 prints as 0x10000000000000000.
 * memory ranges first, then reservations, each in table order.  A NULL m
 * or pr prints nothing; a NULL prefix is "".
 * The format is stable: tests parse it. */
void kb_memmap_print(const struct kb_memmap *m, const char *prefix,
		     int (*pr)(const char *fmt, ...));

#endif
