/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory map: what RAM the device tree describes and what of it is taken.
 *
 * Pure module (fdt/memmap.c): no hardware access, builds for the host.
 * All addresses are 64-bit physical addresses, ranges are half-open
 * [base, base + size) and never wrap: a range whose end would pass 2^64 is
 * rejected when it is added, so later arithmetic can rely on base + size
 * being representable (size == 2^64 - base is allowed only through
 * KB_RANGE_TOP, see below).
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

#define KB_REGION_NAME_LEN 48

enum kb_region_kind {
	KB_REGION_MEMORY = 0,		/* a memory node's reg entry */
	KB_REGION_MEMRESERVE,		/* /memreserve/ (header reservation block) */
	KB_REGION_RESERVED_MEMORY,	/* /reserved-memory child with a static reg */
	KB_REGION_INITRD,		/* /chosen linux,initrd-start/end */
	KB_REGION_DTB,			/* the device tree blob itself */
	KB_REGION_LOADER,		/* kaslrboot's own image (text, data, bss) */
	KB_REGION_STACK,		/* kaslrboot's stack */
	KB_REGION_OTHER,		/* anything else a caller adds */
};

/* flags */
#define KB_REGION_NOMAP		(1u << 0)	/* reserved-memory "no-map" */

struct kb_region {
	uint64_t base;
	uint64_t size;
	uint32_t kind;		/* enum kb_region_kind */
	uint32_t flags;		/* KB_REGION_* flags */
	char name[KB_REGION_NAME_LEN];	/* node path or short label, truncated */
};

struct kb_memmap {
	struct kb_region *mem;	/* memory ranges, in device-tree order */
	unsigned int nmem;
	unsigned int mem_cap;
	struct kb_region *resv;	/* reservations, in discovery order */
	unsigned int nresv;
	unsigned int resv_cap;
};

/* Point the map at caller-owned tables and empty it. */
void kb_memmap_init(struct kb_memmap *m, struct kb_region *mem,
		    unsigned int mem_cap, struct kb_region *resv,
		    unsigned int resv_cap);

/*
 * Validate a blob before anything else touches it: magic, version,
 * 8-byte alignment, totalsize <= bufsize, then libfdt's fdt_check_full()
 * over every tag.  bufsize is the number of bytes the caller knows to be
 * readable at fdt.  Errors: KB_EFDT / KB_EALIGN / KB_ERANGE with a diag line
 * naming what was wrong ("dtb: bad magic 0x12345678 ...").
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
 * #address-cells and #size-cells must be 1 or 2 where they apply (root for
 * memory nodes, /reserved-memory for its children); absent means the
 * Devicetree-spec defaults (2 and 1).  A reg whose length is not a
 * multiple of the entry size, a property whose length cannot be read, an
 * entry that wraps past 2^64, or an initrd whose end is below its start
 * is an error (KB_EINVAL / KB_ERANGE).  A full table is KB_ENOSPC.
 */
int kb_memmap_from_fdt(struct kb_memmap *m, const void *fdt, uint64_t dtb_addr,
		       struct kb_diag *d);

/* Append a memory range / reservation supplied by the caller.  size 0 is a
 * no-op.  Fails with KB_ERANGE if base + size wraps, KB_ENOSPC if full. */
int kb_memmap_add_mem(struct kb_memmap *m, uint64_t base, uint64_t size,
		      const char *name, struct kb_diag *d);
int kb_memmap_add_resv(struct kb_memmap *m, uint64_t base, uint64_t size,
		       enum kb_region_kind kind, uint32_t flags,
		       const char *name, struct kb_diag *d);

/* True if [base, base + size) lies entirely inside one memory range
 * (size 0: base inside one).  False if the range wraps past 2^64. */
bool kb_memmap_covers(const struct kb_memmap *m, uint64_t base, uint64_t size);

/* Short label for a kind: "memory", "memreserve", "reserved-memory",
 * "initrd", "dtb", "loader", "stack", "other". */
const char *kb_region_kind_name(enum kb_region_kind kind);

/* Print the map, one region per line, through a printf-like callback:
 *   "<prefix>mem   0x0000000080000000-0x00000000a0000000  512 MiB  /memory@80000000"
 *   "<prefix>resv  0x0000000080000000-0x0000000080040000  256 KiB  reserved-memory no-map /reserved-memory/mmode_resv0@80000000"
 * (end exclusive, sizes in the largest unit that divides them exactly,
 * else bytes).  The format is stable: tests parse it. */
void kb_memmap_print(const struct kb_memmap *m, const char *prefix,
		     int (*pr)(const char *fmt, ...));

#endif
