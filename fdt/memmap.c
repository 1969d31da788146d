// SPDX-License-Identifier: BSD-2-Clause
/*
 * Memory map from a device tree: RAM (memory nodes) and what of it is taken
 * (/memreserve/, /reserved-memory, initrd, the blob itself).
 *
 * Pure module: no hardware access, no allocation, builds for the host.
 * The blob is untrusted: every length is checked before it is used, every
 * range is checked for wrap-around with a subtraction that cannot itself
 * wrap, and a full table is an error, never a silent drop.
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/error.h>
#include <kaslrboot/fmt.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/memmap.h>

#define PATH_LEN 64

void kb_memmap_init(struct kb_memmap *m, struct kb_region *mem,
		    unsigned int mem_cap, struct kb_region *resv,
		    unsigned int resv_cap)
{
	m->mem = mem;
	m->nmem = 0;
	/* A NULL table has no room, whatever capacity was claimed. */
	m->mem_cap = mem ? mem_cap : 0;
	m->resv = resv;
	m->nresv = 0;
	m->resv_cap = resv ? resv_cap : 0;
#if KB_PHYS_BITS < 64
	m->nclipped = 0;
#endif
}

/* ---- validation ---------------------------------------------------- */

int kb_fdt_validate(const void *fdt, size_t bufsize, struct kb_diag *d)
{
	struct fdt_header h;
	uint32_t magic, version, last_comp, totalsize;
	int r;

	if (fdt == NULL)
		return kb_diag_set(d, KB_EFDT, "dtb: no blob (NULL pointer)");
	/* The header is read before anything else: it must be readable. */
	if (bufsize < sizeof(h))
		return kb_diag_set(d, KB_ERANGE,
				   "dtb: buffer of %zu bytes is too small for a header (%zu bytes)",
				   bufsize, sizeof(h));

	/* Copy the header out so that a misaligned blob can still be
	 * identified before the alignment check refuses it. */
	memcpy(&h, fdt, sizeof(h));
	magic = fdt32_to_cpu(h.magic);
	version = fdt32_to_cpu(h.version);
	last_comp = fdt32_to_cpu(h.last_comp_version);
	totalsize = fdt32_to_cpu(h.totalsize);

	if (magic != FDT_MAGIC)
		return kb_diag_set(d, KB_EFDT,
				   "dtb: bad magic 0x%08" PRIx32 " (expected 0x%08x)",
				   magic, (unsigned int)FDT_MAGIC);
	/* Versions before 16 (2006-era tools) store full paths as node
	 * names.  Older copies of fdt_check_full() (U-Boot 2023.01's, which
	 * kaslrboot linked until dtc 1.7.2) dereference a NULL name for a
	 * root node named without a '/' (found by tests/fuzz/fuzz_plan);
	 * dtc 1.7.2's returns -FDT_ERR_BADSTRUCTURE, but a vendor LIBFDT_DIR
	 * may hold an older copy, and nothing needs these blobs: accept only
	 * 16 and later. */
	if (version < 16)
		return kb_diag_set(d, KB_EFDT,
				   "dtb: version %" PRIu32 " predates version 16 and is not accepted",
				   version);
	/* Same window as libfdt: newer layouts are not parsed. */
	if (version < FDT_FIRST_SUPPORTED_VERSION ||
	    last_comp > FDT_LAST_SUPPORTED_VERSION || version < last_comp)
		return kb_diag_set(d, KB_EFDT,
				   "dtb: unsupported version %" PRIu32 " (last compatible %" PRIu32 ")",
				   version, last_comp);
	/* libfdt reads the blob with aligned 32/64-bit accesses. */
	if ((uintptr_t)fdt & 7)
		return kb_diag_set(d, KB_EALIGN,
				   "dtb: blob at %p is not 8-byte aligned", fdt);
	/* Nothing beyond the readable buffer may be trusted or touched. */
	if (totalsize > bufsize)
		return kb_diag_set(d, KB_ERANGE,
				   "dtb: totalsize %" PRIu32 " exceeds the buffer size %zu",
				   totalsize, bufsize);
	/* The spec aligns these blocks and libfdt relies on it (64-bit
	 * reservation entries, 32-bit tag loads); fdt_check_full() does not
	 * check it, and a misaligned load can trap on the target. */
	if (fdt32_to_cpu(h.off_mem_rsvmap) & 7)
		return kb_diag_set(d, KB_EALIGN,
				   "dtb: memory reservation block at offset 0x%" PRIx32
				   " is not 8-byte aligned", fdt32_to_cpu(h.off_mem_rsvmap));
	if (fdt32_to_cpu(h.off_dt_struct) & 3)
		return kb_diag_set(d, KB_EALIGN,
				   "dtb: structure block at offset 0x%" PRIx32
				   " is not 4-byte aligned", fdt32_to_cpu(h.off_dt_struct));
	/* Every block offset, tag, name and string offset in bounds. */
	r = fdt_check_full(fdt, totalsize);
	if (r)
		return kb_diag_set(d, KB_EFDT, "dtb: structure check failed: %s",
				   fdt_strerror(r));
	return KB_OK;
}

/* ---- tables --------------------------------------------------------- */

/* Copy a name; a longer one keeps its end (a node path's last component:
 * the node's name and unit address) behind "...", so that a cut is
 * visible and the line still names the node. */
void kb_region_name_cut(char *dst, const char *src, size_t len)
{
	const char *tail, *p;
	size_t n;

	if (src == NULL)
		src = "";
	n = strlen(src);
	if (n < len) {
		memcpy(dst, src, n + 1);
		return;
	}
	/* the last len - 4 characters, from their first '/' */
	tail = src + n - (len - 4);
	for (p = tail; *p && *p != '/'; p++)
		;
	if (*p == '/')
		tail = p;
	memcpy(dst, "...", 3);
	memcpy(dst + 3, tail, (size_t)(src + n - tail) + 1);
}

static void copy_name(char *dst, const char *src)
{
	kb_region_name_cut(dst, src, KB_REGION_NAME_LEN);
}

/* The last byte, base + size - 1, must be representable (a range may end
 * exactly at 2^64); size >= 1, so size - 1 cannot wrap. */
static bool wraps(kb_phys_t base, kb_phys_t size, const char *name, struct kb_diag *d)
{
	if (size - 1 <= KB_PHYS_MAX - base)
		return false;
	kb_diag_set(d, KB_ERANGE, "memmap: %s 0x%" PRIxPHYS "+0x%" PRIxPHYS " wraps past " KB_PHYS_TOP,
		    name ? name : "?", base, size);
	return true;
}

static void set_region(struct kb_region *r, kb_phys_t base, kb_phys_t size,
		       uint32_t kind, uint32_t flags, const char *name)
{
	r->base = base;
	r->size = size;
	r->kind = kind;
	r->flags = flags;
	r->merged = 0;
	copy_name(r->name, name);
}

static int add_region(struct kb_region *tab, unsigned int *n, unsigned int cap,
		      const char *what, kb_phys_t base, kb_phys_t size,
		      uint32_t kind, uint32_t flags, const char *name,
		      struct kb_diag *d)
{
	struct kb_region *r;

	if (size == 0)
		return KB_OK;
	if (wraps(base, size, name, d))
		return KB_ERANGE;
	/* Never drop a region: a lost reservation could be overwritten. */
	if (*n >= cap)
		return kb_diag_set(d, KB_ENOSPC,
				   "memmap: %s table full (%u entries), cannot add %s 0x%" PRIxPHYS
				   "+0x%" PRIxPHYS, what, cap, name ? name : "?", base, size);
	r = &tab[*n];
	set_region(r, base, size, kind, flags, name);
	(*n)++;
	return KB_OK;
}

/* Inclusive last byte of a table entry (never wraps: checked when added). */
static kb_phys_t last_of(const struct kb_region *r)
{
	return r->base + (r->size - 1);
}

/*
 * Memory ranges are kept sorted, disjoint and not touching: a new range
 * absorbs every range it overlaps or meets, so two memory nodes that meet
 * are one stretch of RAM for every later question ("does this window lie
 * in memory?"), asked by the planner and by the write check alike.
 */
int kb_memmap_add_mem(struct kb_memmap *m, kb_phys_t base, kb_phys_t size,
		      const char *name, struct kb_diag *d)
{
	unsigned int i = 0, j, absorbed = 0;
	kb_phys_t last;
	struct kb_region *r;

	if (m == NULL)
		return kb_diag_set(d, KB_EINVAL, "memmap: no map");
	if (size == 0)
		return KB_OK;
	if (wraps(base, size, name, d))
		return KB_ERANGE;
	last = base + (size - 1);
	/* Ranges entirely below with a gap of at least one byte stay:
	 * last_of(r) + 1 < base, written without the + 1. */
	while (i < m->nmem && last_of(&m->mem[i]) < base &&
	       base - last_of(&m->mem[i]) > 1)
		i++;
	/* Every range from i on that starts at or before last + 1 meets or
	 * overlaps [base, last] (it does not lie below, see above). */
	for (j = i; j < m->nmem && (m->mem[j].base <= last ||
				    m->mem[j].base - last == 1); j++)
		;
	if (j == i) {
		/* Touches nothing: a new entry at i. */
		if (m->nmem >= m->mem_cap || m->mem == NULL)
			return kb_diag_set(d, KB_ENOSPC,
					   "memmap: memory table full (%u entries), cannot add %s 0x%" PRIxPHYS
					   "+0x%" PRIxPHYS, m->mem_cap, name ? name : "?", base, size);
		memmove(&m->mem[i + 1], &m->mem[i], (m->nmem - i) * sizeof(m->mem[0]));
		m->nmem++;
		set_region(&m->mem[i], base, size, KB_REGION_MEMORY, 0, name);
		return KB_OK;
	}
	/* Merge [base, last] and mem[i..j) into mem[i]. */
	r = &m->mem[i];
	for (unsigned int k = i; k < j; k++) {
		absorbed += m->mem[k].merged + (k > i);
		if (last_of(&m->mem[k]) > last)
			last = last_of(&m->mem[k]);
	}
	/* Both ends lie in [0, 2^64 - 1]: the size may be 2^64, which is the
	 * one size a kb_phys_t cannot hold (the whole space). */
	if ((base < r->base ? base : r->base) == 0 && last == KB_PHYS_MAX)
		return kb_diag_set(d, KB_ERANGE,
				   "memmap: merged memory would cover all " KB_PHYS_TOP " bytes, which a size cannot express");
	/* The lowest piece names the range. */
	if (base < r->base)
		copy_name(r->name, name);
	else
		base = r->base;
	r->merged = absorbed + 1;
	r->base = base;
	r->size = last - base + 1;
	memmove(&m->mem[i + 1], &m->mem[j], (m->nmem - j) * sizeof(m->mem[0]));
	m->nmem -= j - i - 1;
	return KB_OK;
}

int kb_memmap_add_resv(struct kb_memmap *m, kb_phys_t base, kb_phys_t size,
		       enum kb_region_kind kind, uint32_t flags,
		       const char *name, struct kb_diag *d)
{
	if (m == NULL)
		return kb_diag_set(d, KB_EINVAL, "memmap: no map");
	/* Only known kinds and flags: the print and the planner switch on them. */
	if ((uint32_t)kind > KB_REGION_OTHER || (flags & ~KB_REGION_NOMAP) != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "memmap: %s: bad kind %u or flags 0x%" PRIx32,
				   name ? name : "?", (unsigned int)kind, flags);
	return add_region(m->resv, &m->nresv, m->resv_cap, "reservation", base,
			  size, kind, flags, name, d);
}

/* ---- device tree ---------------------------------------------------- */

/*
 * A range read from the tree (64-bit cells, already checked
 * not to wrap past 2^64) into the map.  With 32-bit addresses
 * (CONFIG_PHYS_ADDR_32BIT) what lies above 4 GiB is cut off, a range
 * starting above it dropped, each counted in m->nclipped (the caller
 * prints one line): nothing is placed or written up there, so a
 * reservation up there protects nothing the loader could touch.
 */
static int add_dt_range(struct kb_memmap *m, uint64_t base, uint64_t size,
			bool resv, enum kb_region_kind kind, uint32_t flags,
			const char *name, struct kb_diag *d)
{
#if KB_PHYS_BITS < 64
	uint64_t whole = size;

	if (size == 0)		/* an empty initrd: nothing to add */
		return KB_OK;
	if (base > KB_PHYS_MAX) {
		m->nclipped++;
		return KB_OK;
	}
	/* base <= KB_PHYS_MAX, so KB_PHYS_MAX - base cannot wrap; size >= 1,
	 * so size - 1 cannot: the last byte passes 4 GiB - 1 exactly when
	 * size - 1 > KB_PHYS_MAX - base.  What is left, in 64 bits, is at
	 * most 2^32. */
	if (size - 1 > KB_PHYS_MAX - base)
		size = (uint64_t)KB_PHYS_MAX - base + 1;
	if (!kb_phys_fits(size)) {
		/* [0, 4 GiB): one byte more than a 32-bit size says.
		 * Memory loses its top byte; a reservation must not
		 * shrink, so it is refused. */
		if (resv)
			return kb_diag_set(d, KB_ERANGE,
					   "dtb: %s: reservation covers all of the 4 GiB a 32-bit loader can address (CONFIG_PHYS_ADDR_32BIT)",
					   name);
		size = KB_PHYS_MAX;
	}
	if (size != whole)
		m->nclipped++;
#endif
	if (resv)
		return kb_memmap_add_resv(m, (kb_phys_t)base, (kb_phys_t)size,
					  kind, flags, name, d);
	return kb_memmap_add_mem(m, (kb_phys_t)base, (kb_phys_t)size, name, d);
}

/* Does the node have device_type = "memory" (as its first string)? */
static bool is_memory_node(const void *fdt, int node)
{
	const char *t;
	int len;

	t = fdt_getprop(fdt, node, "device_type", &len);
	if (t == NULL || len < 0)
		return false;
	/* Compare with the NUL so that nothing past len is read. */
	return len >= (int)sizeof("memory") &&
	       memcmp(t, "memory", sizeof("memory")) == 0;
}

/*
 * Add every entry of node's reg, read with ac/sc cells, as a memory range
 * (resv == false) or a KB_REGION_RESERVED_MEMORY reservation.
 * A missing reg is reported as KB_ENOENT without a diagnostic: the callers
 * decide whether that is an error.
 */
static int add_reg(struct kb_memmap *m, const void *fdt, int node,
		   uint32_t ac, uint32_t sc, bool resv, uint32_t flags,
		   struct kb_diag *d)
{
	char path[PATH_LEN];
	const fdt32_t *reg;
	const void *regp;
	int n, i, r;

	r = kb_fdt_get_reg(fdt, node, ac, sc, &regp, &n, d);
	if (r)
		return r;
	reg = regp;
	kb_fdt_path(fdt, node, path, sizeof(path));
	for (i = 0; i < n; i++, reg += ac + sc) {
		uint64_t base = kb_fdt_read_cells(reg, ac);
		uint64_t size = kb_fdt_read_cells(reg + ac, sc);

		if (size == 0)
			continue;
		/* Ranges must not wrap: later arithmetic relies on
		 * base + size - 1 (size >= 1 here). */
		if (size - 1 > UINT64_MAX - base)
			return kb_diag_set(d, KB_ERANGE,
					   "dtb: %s: reg entry %d 0x%" PRIx64 "+0x%" PRIx64
					   " wraps past 2^64", path, i, base, size);
		r = add_dt_range(m, base, size, resv,
				 KB_REGION_RESERVED_MEMORY, flags, path, d);
		if (r)
			return r;
	}
	return KB_OK;
}

/* The root's children the scans below need, found in scan_memory()'s one
 * pass over them: every fdt_subnode_offset() walks all the nodes before
 * its match (the whole tree when there is none), and QEMU's arm64 tree
 * puts /chosen last. */
struct root_nodes {
	int reserved_memory, chosen;	/* -FDT_ERR_NOTFOUND if absent */
};

/* Does node name (len bytes) match s as fdt_subnode_offset() matches: the
 * whole name, or s without a unit address and the name's part before '@'? */
static bool node_name_is(const char *name, int len, const char *s)
{
	size_t n = strlen(s);

	if (name == NULL || len < 0 || (size_t)len < n || memcmp(name, s, n) != 0)
		return false;
	return (size_t)len == n || (memchr(s, '@', n) == NULL && name[n] == '@');
}

static int scan_memory(struct kb_memmap *m, const void *fdt,
		       struct root_nodes *rn, struct kb_diag *d)
{
	char path[PATH_LEN];
	const char *name;
	uint32_t ac, sc;
	int node, r, len;

	rn->reserved_memory = rn->chosen = -FDT_ERR_NOTFOUND;
	r = kb_fdt_get_reg_cells(fdt, 0, &ac, &sc, d);
	if (r)
		return r;

	fdt_for_each_subnode(node, fdt, 0) {
		/* The first match, as fdt_subnode_offset() would find. */
		name = fdt_get_name(fdt, node, &len);
		if (rn->chosen < 0 && node_name_is(name, len, "chosen"))
			rn->chosen = node;
		else if (rn->reserved_memory < 0 && node_name_is(name, len, "reserved-memory"))
			rn->reserved_memory = node;
		if (!is_memory_node(fdt, node) || !kb_fdt_node_enabled(fdt, node))
			continue;
		r = add_reg(m, fdt, node, ac, sc, false, 0, d);
		/* reg is required for a memory node (Devicetree spec 3.4). */
		if (r == KB_ENOENT)
			return kb_diag_set(d, KB_EINVAL,
					   "dtb: %s: memory node has no reg",
					   kb_fdt_path(fdt, node, path, sizeof(path)));
		if (r)
			return r;
	}
	/* The walk must end at the end of the children, not on an error. */
	if (node != -FDT_ERR_NOTFOUND)
		return kb_diag_set(d, KB_EFDT, "dtb: walking / failed: %s",
				   fdt_strerror(node));
	return KB_OK;
}

static int scan_memreserve(struct kb_memmap *m, const void *fdt,
			   struct kb_diag *d)
{
	char name[32], num[11];
	int n, i, r;

	n = fdt_num_mem_rsv(fdt);
	/* Negative: the block runs past totalsize without a terminator. */
	if (n < 0)
		return kb_diag_set(d, KB_EFDT,
				   "dtb: memory reservation block: %s",
				   fdt_strerror(n));
	for (i = 0; i < n; i++) {
		uint64_t base, size;

		r = fdt_get_mem_rsv(fdt, i, &base, &size);
		if (r)
			return kb_diag_set(d, KB_EFDT,
					   "dtb: /memreserve/ %d: %s", i,
					   fdt_strerror(r));
		if (size == 0)
			continue;
		/* Ranges must not wrap: later arithmetic relies on
		 * base + size - 1 (size >= 1 here). */
		if (size - 1 > UINT64_MAX - base)
			return kb_diag_set(d, KB_ERANGE,
					   "dtb: /memreserve/ %d 0x%" PRIx64 "+0x%" PRIx64
					   " wraps past 2^64", i, base, size);
		num[sizeof(num) - 1] = '\0';
		kb_fmt_cat(name, sizeof(name), "/memreserve/ ",
			   kb_fmt_dec(num + sizeof(num) - 1, (unsigned int)i), "");
		r = add_dt_range(m, base, size, true, KB_REGION_MEMRESERVE, 0,
				 name, d);
		if (r)
			return r;
	}
	return KB_OK;
}

static int scan_reserved_memory(struct kb_memmap *m, const void *fdt,
				const struct root_nodes *rn, struct kb_diag *d)
{
	uint32_t ac, sc;
	int rm = rn->reserved_memory, child, r;

	if (rm == -FDT_ERR_NOTFOUND)
		return KB_OK;
	if (rm < 0)
		return kb_diag_set(d, KB_EFDT, "dtb: /reserved-memory: %s",
				   fdt_strerror(rm));

	r = kb_fdt_get_reg_cells(fdt, rm, &ac, &sc, d);
	if (r)
		return r;

	fdt_for_each_subnode(child, fdt, rm) {
		uint32_t flags = 0;
		int len;

		if (!kb_fdt_node_enabled(fdt, child))
			continue;
		if (fdt_getprop(fdt, child, "no-map", &len) != NULL && len >= 0)
			flags |= KB_REGION_NOMAP;
		r = add_reg(m, fdt, child, ac, sc, true, flags, d);
		/* No reg: a dynamic (size / alloc-ranges) region that the
		 * kernel allocates itself later; nothing is there yet. */
		if (r == KB_ENOENT)
			continue;
		if (r)
			return r;
	}
	if (child != -FDT_ERR_NOTFOUND)
		return kb_diag_set(d, KB_EFDT, "dtb: walking /reserved-memory failed: %s",
				   fdt_strerror(child));
	return KB_OK;
}

/* Read a 4- or 8-byte /chosen property; KB_ENOENT (no diag) if absent. */
static int chosen_u64(const void *fdt, int chosen, const char *prop,
		      uint64_t *val, struct kb_diag *d)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, chosen, prop, &len);
	if (p == NULL || len < 0) {
		if (len == -FDT_ERR_NOTFOUND)
			return KB_ENOENT;
		return kb_diag_set(d, KB_EINVAL, "dtb: /chosen: cannot read %s: %s",
				   prop, fdt_strerror(len));
	}
	/* Only one or two whole cells can be read as an address. */
	if (len != 4 && len != 8)
		return kb_diag_set(d, KB_EINVAL,
				   "dtb: /chosen: %s has length %d, expected 4 or 8",
				   prop, len);
	*val = kb_fdt_read_cells(p, (uint32_t)len / 4);
	return KB_OK;
}

static int scan_initrd(struct kb_memmap *m, const void *fdt,
		       const struct root_nodes *rn, struct kb_diag *d)
{
	uint64_t start = 0, end = 0;
	int chosen = rn->chosen, rs, re;

	if (chosen == -FDT_ERR_NOTFOUND)
		return KB_OK;
	if (chosen < 0)
		return kb_diag_set(d, KB_EFDT, "dtb: /chosen: %s",
				   fdt_strerror(chosen));

	rs = chosen_u64(fdt, chosen, "linux,initrd-start", &start, d);
	if (rs && rs != KB_ENOENT)
		return rs;
	re = chosen_u64(fdt, chosen, "linux,initrd-end", &end, d);
	if (re && re != KB_ENOENT)
		return re;
	if (rs == KB_ENOENT && re == KB_ENOENT)
		return KB_OK;
	/* Half an initrd cannot be protected: refuse rather than guess. */
	if (rs == KB_ENOENT || re == KB_ENOENT)
		return kb_diag_set(d, KB_EINVAL, "dtb: /chosen: %s without %s",
				   rs ? "linux,initrd-end" : "linux,initrd-start",
				   rs ? "linux,initrd-start" : "linux,initrd-end");
	/* end - start below must not wrap. */
	if (end < start)
		return kb_diag_set(d, KB_EINVAL,
				   "dtb: /chosen: linux,initrd-end 0x%" PRIx64
				   " is below linux,initrd-start 0x%" PRIx64, end, start);
	return add_dt_range(m, start, end - start, true, KB_REGION_INITRD, 0,
			    "/chosen", d);
}

/* The blob itself, last: kb_memmap_from_fdt() and kb_memmap_from_build(). */
static int add_dtb(struct kb_memmap *m, kb_phys_t dtb_addr, uint32_t totalsize,
		   struct kb_diag *d)
{
	/* The blob's own range must not wrap either (totalsize >= 1: the
	 * header check passed, so totalsize - 1 cannot wrap). */
	if (totalsize != 0 && (uint64_t)totalsize - 1 > KB_PHYS_MAX - dtb_addr)
		return kb_diag_set(d, KB_ERANGE,
				   "dtb: blob at 0x%" PRIxPHYS " (%" PRIu32 " bytes) wraps past " KB_PHYS_TOP,
				   dtb_addr, totalsize);
	return kb_memmap_add_resv(m, dtb_addr, totalsize, KB_REGION_DTB, 0,
				  "dtb", d);
}

int kb_memmap_from_fdt(struct kb_memmap *m, const void *fdt, kb_phys_t dtb_addr,
		       struct kb_diag *d)
{
	struct root_nodes rn;
	uint32_t totalsize;
	int r;

	if (m == NULL || fdt == NULL)
		return kb_diag_set(d, KB_EINVAL, "memmap: no map or no blob");
	/* Cheap re-check of the precondition (kb_fdt_validate passed). */
	r = fdt_check_header(fdt);
	if (r)
		return kb_diag_set(d, KB_EFDT, "dtb: bad header: %s",
				   fdt_strerror(r));

	r = scan_memory(m, fdt, &rn, d);
	if (r)
		return r;
	r = scan_memreserve(m, fdt, d);
	if (r)
		return r;
	r = scan_reserved_memory(m, fdt, &rn, d);
	if (r)
		return r;
	r = scan_initrd(m, fdt, &rn, d);
	if (r)
		return r;

	totalsize = fdt_totalsize(fdt);
	return add_dtb(m, dtb_addr, totalsize, d);
}

int kb_memmap_from_build(struct kb_memmap *m, const struct kb_memmap_build *b,
			 kb_phys_t dtb_addr, uint32_t totalsize, struct kb_diag *d)
{
	if (m == NULL || b == NULL || m->nmem != 0 || m->nresv != 0)
		return kb_diag_set(d, KB_EINVAL, "memmap: no map, no tables, or a map not empty");
	/* The generator ran with the loader's capacities; a table built for
	 * another configuration is refused, never cut. */
	if (b->nmem > m->mem_cap || b->nresv > m->resv_cap)
		return kb_diag_set(d, KB_ENOSPC,
				   "memmap: the build-time tables (%u memory, %u reservations) exceed the tables (%u, %u)",
				   b->nmem, b->nresv, m->mem_cap, m->resv_cap);
	memcpy(m->mem, b->mem, b->nmem * sizeof(m->mem[0]));
	memcpy(m->resv, b->resv, b->nresv * sizeof(m->resv[0]));
	m->nmem = b->nmem;
	m->nresv = b->nresv;
#if KB_PHYS_BITS < 64
	m->nclipped = b->nclipped;
#endif
	return add_dtb(m, dtb_addr, totalsize, d);
}

/* ---- printing ------------------------------------------------------- */

/* Only ever printed (a %s argument): with CONFIG_LOG_DICTIONARY the names
 * are dictionary strings (KB_MSG_STR), not in the image. */
const char *kb_region_kind_name(enum kb_region_kind kind)
{
	switch (kind) {
	case KB_REGION_MEMORY:		return KB_MSG_STR("memory");
	case KB_REGION_MEMRESERVE:	return KB_MSG_STR("memreserve");
	case KB_REGION_RESERVED_MEMORY:	return KB_MSG_STR("reserved-memory");
	case KB_REGION_INITRD:		return KB_MSG_STR("initrd");
	case KB_REGION_DTB:		return KB_MSG_STR("dtb");
	case KB_REGION_LOADER:		return KB_MSG_STR("loader");
	case KB_REGION_STACK:		return KB_MSG_STR("stack");
	case KB_REGION_PAYLOAD:		return KB_MSG_STR("payload");
	case KB_REGION_OTHER:		return KB_MSG_STR("other");
	}
	return KB_MSG_STR("unknown");
}

static void print_region(const struct kb_region *r, const char *prefix,
			 const char *tag, bool resv,
			 int (*pr)(const char *fmt, ...))
{
	char size[32];
	const char *top = "";
	uint64_t end = (uint64_t)r->base + r->size;

	/* End exclusive.  A range whose last byte is 2^64 - 1 ends at 2^64,
	 * printed as a "1" before 16 zeros; a hand-made one that would wrap
	 * is clamped there too.  size - 1 >= KB_PHYS_MAX - base <=>
	 * base + size - 1 reaches (or passes) the top, without wrapping.
	 * (32-bit addresses: base + size <= 2^33 holds in 64 bits.) */
#if KB_PHYS_BITS == 64
	if (r->size != 0 && r->size - 1 >= KB_PHYS_MAX - r->base) {
		top = "1";
		end = 0;
	}
#endif

	/* The formats are dictionary strings with CONFIG_LOG_DICTIONARY
	 * (KB_MSG_STR): pr, the console's kb_printf, prints a record. */
	kb_size_str(r->size, size, sizeof(size));
	if (resv)
		pr(KB_MSG_STR("%s%s0x%016" PRIxPHYS "-0x%s%016" PRIx64 "  %s  %s%s %.*s\n"),
		   prefix, tag, r->base, top, end, size,
		   kb_region_kind_name((enum kb_region_kind)r->kind),
		   (r->flags & KB_REGION_NOMAP) ? KB_MSG_STR(" no-map") : "",
		   (int)strnlen(r->name, sizeof(r->name)), r->name);
	else if (r->merged)
		pr(KB_MSG_STR("%s%s0x%016" PRIxPHYS "-0x%s%016" PRIx64 "  %s  %.*s (+%" PRIu32 " merged)\n"),
		   prefix, tag, r->base, top, end, size,
		   (int)strnlen(r->name, sizeof(r->name)), r->name, r->merged);
	else
		pr(KB_MSG_STR("%s%s0x%016" PRIxPHYS "-0x%s%016" PRIx64 "  %s  %.*s\n"),
		   prefix, tag, r->base, top, end, size,
		   (int)strnlen(r->name, sizeof(r->name)), r->name);
}

void kb_memmap_print(const struct kb_memmap *m, const char *prefix,
		     int (*pr)(const char *fmt, ...))
{
	unsigned int i;

	if (m == NULL || pr == NULL)
		return;
	if (prefix == NULL)
		prefix = "";
	for (i = 0; i < m->nmem; i++)
		print_region(&m->mem[i], prefix, "mem   ", false, pr);
	for (i = 0; i < m->nresv; i++)
		print_region(&m->resv[i], prefix, "resv  ", true, pr);
}

/* ---- queries -------------------------------------------------------- */

bool kb_memmap_covers(const struct kb_memmap *m, kb_phys_t base, kb_phys_t size)
{
	kb_phys_t last;

	/* Work on inclusive last bytes: a range may end exactly at 2^64,
	 * where base + size itself is not representable.  size 0 asks
	 * whether the single address base lies inside a range. */
	if (size == 0)
		last = base;
	else if (size - 1 > KB_PHYS_MAX - base)
		return false;		/* a wrapping range is covered by nothing */
	else
		last = base + (size - 1);
	for (unsigned int i = 0; i < m->nmem; i++) {
		const struct kb_region *r = &m->mem[i];

		/* Empty or wrapping (hand-made) ranges cover nothing. */
		if (r->size == 0 || r->size - 1 > KB_PHYS_MAX - r->base)
			continue;
		/* r->base + r->size - 1 cannot wrap after the check above. */
		if (base >= r->base && last <= r->base + (r->size - 1))
			return true;
	}
	return false;
}

int kb_memmap_check_write(const struct kb_memmap *m, kb_phys_t base,
			  kb_phys_t size, uint32_t own, const char *what,
			  struct kb_diag *d)
{
	kb_phys_t last;

	if (what == NULL)
		what = "write";
	if (m == NULL)
		return kb_diag_set(d, KB_EINVAL, "%s: no memory map", what);
	/* Inclusive last byte; size - 1 <= KB_PHYS_MAX - base <=> no wrap. */
	if (size == 0 || size - 1 > KB_PHYS_MAX - base)
		return kb_diag_set(d, KB_ERANGE,
				   "%s: 0x%" PRIxPHYS "+0x%" PRIxPHYS " is empty or wraps past " KB_PHYS_TOP,
				   what, base, size);
	last = base + (size - 1);
	if (!kb_memmap_covers(m, base, size))
		return kb_diag_set(d, KB_ERANGE,
				   "%s: 0x%" PRIxPHYS "-0x%" PRIxPHYS " is outside memory",
				   what, base, last);
	for (unsigned int i = 0; i < m->nresv; i++) {
		const struct kb_region *r = &m->resv[i];

		/* Reservations never wrap (checked when added); empty ones
		 * hold nothing. */
		if (r->size == 0 || r->kind >= 32 || (own & KB_KIND(r->kind)))
			continue;
		/* [base, last] and [r->base, last_of(r)] share a byte. */
		if (base <= last_of(r) && r->base <= last)
			return kb_diag_set(d, KB_EOVERLAP,
					   "%s: 0x%" PRIxPHYS "-0x%" PRIxPHYS " overlaps %s %.*s",
					   what, base, last,
					   kb_region_kind_name((enum kb_region_kind)r->kind),
					   (int)strnlen(r->name, sizeof(r->name)), r->name);
	}
	return KB_OK;
}

int kb_memmap_claim(struct kb_memmap *m, kb_phys_t base, kb_phys_t size,
		    enum kb_region_kind kind, const char *name,
		    struct kb_diag *d)
{
	int err = kb_memmap_check_write(m, base, size, 0, name, d);

	if (err)
		return err;
	return kb_memmap_add_resv(m, base, size, kind, 0, name, d);
}
