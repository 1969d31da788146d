// SPDX-License-Identifier: BSD-2-Clause
/*
 * Small, checked device-tree helpers on top of libfdt.
 *
 * Pure module: no hardware access, no allocation, builds for the host.
 * The blob is untrusted input; every property length is checked for
 * "absent or broken" (NULL / negative) before it is used as a size, and
 * all address arithmetic is written as subtractions that cannot wrap.
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/error.h>
#include <kaslrboot/fmt.h>
#include <kaslrboot/fdt_util.h>

/* Enough for the usual paths while leaving room in a KB_DIAG_LEN line. */
#define PATH_LEN 64

bool kb_fdt_node_enabled(const void *fdt, int node)
{
	const char *st;
	int len;

	st = fdt_getprop(fdt, node, "status", &len);
	if (st == NULL || len < 0)
		/* Absent means enabled; any other libfdt error means we
		 * cannot tell, so do not use the node. */
		return len == -FDT_ERR_NOTFOUND;

	/* Compare including the terminating NUL, so that an unterminated
	 * value is never read past its length. */
	if (len == (int)sizeof("okay") && memcmp(st, "okay", sizeof("okay")) == 0)
		return true;
	if (len == (int)sizeof("ok") && memcmp(st, "ok", sizeof("ok")) == 0)
		return true;
	return false;
}

int kb_fdt_get_cells(const void *fdt, int node, const char *prop,
		     uint32_t dflt, uint32_t *cells, struct kb_diag *d)
{
	char path[PATH_LEN];
	const fdt32_t *p;
	uint32_t v;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (p == NULL || len < 0) {
		if (len == -FDT_ERR_NOTFOUND) {
			*cells = dflt;
			return KB_OK;
		}
		return kb_diag_set(d, KB_EINVAL, "dtb: %s: cannot read %s: %s",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   prop, fdt_strerror(len));
	}
	/* Exactly one cell: anything else cannot be read as a u32. */
	if (len != (int)sizeof(fdt32_t))
		return kb_diag_set(d, KB_EINVAL,
				   "dtb: %s: %s has length %d, expected 4",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   prop, len);
	v = fdt32_ld(p);
	/* 0 would make every entry empty and > 2 cannot be held in a u64
	 * address: both are refused rather than misread. */
	if (v != 1 && v != 2)
		return kb_diag_set(d, KB_EINVAL,
				   "dtb: %s: %s = %" PRIu32 " is not supported (must be 1 or 2)",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   prop, v);
	*cells = v;
	return KB_OK;
}

int kb_fdt_get_reg_cells(const void *fdt, int node, uint32_t *ac, uint32_t *sc,
			 struct kb_diag *d)
{
	int r = kb_fdt_get_cells(fdt, node, "#address-cells", 2, ac, d);

	if (r)
		return r;
	return kb_fdt_get_cells(fdt, node, "#size-cells", 1, sc, d);
}

uint64_t kb_fdt_read_cells(const void *p, uint32_t cells)
{
	const fdt32_t *c = p;

	/* fdt32_ld() loads byte-wise: p need not be aligned. */
	if (cells == 1)
		return fdt32_ld(c);
	if (cells == 2)
		return ((uint64_t)fdt32_ld(c) << 32) | fdt32_ld(c + 1);
	return 0;
}

/* Append n bytes of s at *pos, keeping room for the NUL; false if cut. */
static bool path_append(char *buf, size_t len, size_t *pos, const char *s,
			size_t n)
{
	size_t room = len - 1 - *pos;	/* *pos <= len - 1 always holds */
	bool fits = n <= room;

	if (!fits)
		n = room;
	memcpy(buf + *pos, s, n);
	*pos += n;
	return fits;
}

const char *kb_fdt_path(const void *fdt, int node, char *buf, size_t len)
{
	struct kb_fdt_walk w;
	size_t pos = 0;
	bool fits = true;
	int i;

	if (buf == NULL || len == 0)
		return buf;

	/* The ancestors from one walk (kb_fdt_walk_to(), which the reg
	 * translation uses too), then their names, cut to fit. */
	if (kb_fdt_walk_to(fdt, node, &w, NULL) != KB_OK)
		goto broken;
	if (w.depth == 0)
		fits = path_append(buf, len, &pos, "/", 1);
	for (i = 1; i <= w.depth && fits; i++) {
		int nlen;
		const char *name = fdt_get_name(fdt, w.chain[i], &nlen);

		if (name == NULL || nlen < 0)
			goto broken;
		fits = path_append(buf, len, &pos, "/", 1) &&
		       path_append(buf, len, &pos, name, (size_t)nlen);
	}
	buf[pos] = '\0';
	if (!fits && len >= 4)
		memcpy(buf + len - 4, "...", 4);
	return buf;

broken: {
	char num[12], *p;

	num[11] = '\0';
	p = kb_fmt_dec(num + 11, node < 0 ? -(uint64_t)node : (uint64_t)node);
	if (node < 0)
		*--p = '-';
	return kb_fmt_cat(buf, len, "<node ", p, ">");
	}
}

/* Is [a, a + s) inside the ranges entry [cba, cba + rsz)?  Written so that
 * nothing wraps: a - cba is only formed once a >= cba. */
static bool range_contains(uint64_t cba, uint64_t rsz, uint64_t a, uint64_t s)
{
	if (a < cba || a - cba >= rsz)
		return false;
	return s <= rsz - (a - cba);
}

int kb_fdt_get_reg(const void *fdt, int node, uint32_t ac, uint32_t sc,
		   const void **reg, int *n, struct kb_diag *d)
{
	char path[PATH_LEN];
	uint32_t entry = (ac + sc) * (uint32_t)sizeof(fdt32_t);
	int len;
	const void *p = fdt_getprop(fdt, node, "reg", &len);

	/* NULL or a negative length: absent or unreadable, never a size. */
	if (p == NULL || len < 0) {
		if (len == -FDT_ERR_NOTFOUND)
			return KB_ENOENT;
		return kb_diag_set(d, KB_EINVAL, "dtb: %s: cannot read reg: %s",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   fdt_strerror(len));
	}
	/* A partial trailing entry would be read past the property. */
	if ((uint32_t)len % entry != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "dtb: %s: reg length %d is not a multiple of %" PRIu32
				   " (#address-cells=%" PRIu32 ", #size-cells=%" PRIu32 ")",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   len, entry, ac, sc);
	*reg = p;
	*n = (int)((uint32_t)len / entry);
	return KB_OK;
}

/* One step of a walk in tree order: w->chain follows w->node's depth. */
static int walk_step(const void *fdt, struct kb_fdt_walk *w, struct kb_diag *d)
{
	int depth = w->depth, off;

	off = fdt_next_node(fdt, w->node, &depth);
	if (off == -FDT_ERR_NOTFOUND || (off >= 0 && depth <= 0))
		return KB_ENOENT;	/* past the root's last descendant */
	if (off < 0)
		return kb_diag_set(d, KB_EFDT, "dtb: walking the tree failed: %s",
				   fdt_strerror(off));
	/* Deeper than the chain can hold: refuse rather than lose a level. */
	if (depth >= KB_FDT_MAX_DEPTH)
		return kb_diag_set(d, KB_ERANGE, "dtb: node at offset %d is nested %d deep (at most %d)",
				   off, depth, KB_FDT_MAX_DEPTH - 1);
	w->node = off;
	w->depth = depth;
	w->chain[depth] = off;
	w->ac[depth] = 0;
	return KB_OK;
}

int kb_fdt_walk_to(const void *fdt, int node, struct kb_fdt_walk *w,
		   struct kb_diag *d)
{
	int err;

	w->node = 0;
	w->depth = 0;
	w->chain[0] = 0;
	w->ac[0] = 0;
	while (w->node < node) {
		err = walk_step(fdt, w, d);
		if (err == KB_ENOENT)
			break;
		if (err)
			return err;
	}
	if (w->node != node)
		return kb_diag_set(d, KB_EINVAL, "dtb: no node at offset %d", node);
	return KB_OK;
}

int kb_fdt_next_compatible(const void *fdt, struct kb_fdt_walk *w,
			   const char *compat, struct kb_diag *d)
{
	int err;

	if (w->node < 0) {
		w->node = 0;
		w->depth = 0;
		w->chain[0] = 0;
		w->ac[0] = 0;
	}
	for (;;) {
		err = walk_step(fdt, w, d);
		if (err)
			return err;
		if (fdt_node_check_compatible(fdt, w->node, compat) == 0)
			return KB_OK;
	}
}

int kb_fdt_reg_cpu(const void *fdt, int node, int idx, uint64_t *addr,
		   uint64_t *size, struct kb_diag *d)
{
	struct kb_fdt_walk w;
	int err = kb_fdt_walk_to(fdt, node, &w, d);

	if (err)
		return err;
	return kb_fdt_reg_cpu_walk(fdt, &w, idx, addr, size, d);
}

/* The cells of the walk's ancestor at level, read once per node. */
static int walk_cells(const void *fdt, struct kb_fdt_walk *w, int level,
		      uint32_t *ac, uint32_t *sc, struct kb_diag *d)
{
	int r;

	if (w->ac[level] != 0) {
		*ac = w->ac[level];
		*sc = w->sc[level];
		return KB_OK;
	}
	r = kb_fdt_get_reg_cells(fdt, w->chain[level], ac, sc, d);
	if (r)
		return r;
	/* kb_fdt_get_cells() accepts 1 and 2 only: never 0. */
	w->ac[level] = (uint8_t)*ac;
	w->sc[level] = (uint8_t)*sc;
	return KB_OK;
}

int kb_fdt_reg_cpu_walk(const void *fdt, struct kb_fdt_walk *w, int idx,
			uint64_t *addr, uint64_t *size, struct kb_diag *d)
{
	char path[PATH_LEN];	/* the one line of an error: the node's or its bus's */
	const fdt32_t *reg;
	const void *regp;
	uint32_t ac, sc;
	uint64_t a, s;
	int node = w->node, level = w->depth - 1, bus, n, r;

	/* The ancestors come from the walk: no fdt_parent_offset(), which
	 * walks the tree from the root again for every level. */
	if (level < 0)
		return kb_diag_set(d, KB_EINVAL,
				   "dtb: %s: no parent to read reg with: %s",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   fdt_strerror(-FDT_ERR_NOTFOUND));
	bus = w->chain[level];

	r = walk_cells(fdt, w, level, &ac, &sc, d);
	if (r)
		return r;

	r = kb_fdt_get_reg(fdt, node, ac, sc, &regp, &n, d);
	if (r == KB_ENOENT)
		return kb_diag_set(d, KB_ENOENT, "dtb: %s: no reg property",
				   kb_fdt_path(fdt, node, path, sizeof(path)));
	if (r)
		return r;
	reg = regp;
	/* idx is checked against the count before it is multiplied. */
	if (idx < 0 || idx >= n)
		return kb_diag_set(d, KB_ENOENT, "dtb: %s: no reg entry %d (it has %d)",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   idx, n);

	reg += (size_t)idx * (ac + sc);
	a = kb_fdt_read_cells(reg, ac);
	s = kb_fdt_read_cells(reg + ac, sc);
	/* [a, a + s) must be representable for every later comparison. */
	if (s > UINT64_MAX - a)
		return kb_diag_set(d, KB_ERANGE,
				   "dtb: %s: reg entry %d 0x%" PRIx64 "+0x%" PRIx64 " wraps past 2^64",
				   kb_fdt_path(fdt, node, path, sizeof(path)),
				   idx, a, s);

	/* Translate up through every bus between the node and the root. */
	while (bus > 0) {
		const fdt32_t *rng;
		uint32_t pac, psc, rentry;
		int parent, rlen, i, nr;
		bool found = false;

		/* bus > 0 is not the root, so level >= 1 here. */
		parent = w->chain[--level];
		r = walk_cells(fdt, w, level, &pac, &psc, d);
		if (r)
			return r;

		rng = fdt_getprop(fdt, bus, "ranges", &rlen);
		if (rng == NULL || rlen < 0) {
			if (rlen != -FDT_ERR_NOTFOUND)
				return kb_diag_set(d, KB_EINVAL,
						   "dtb: %s: cannot read ranges: %s",
						   kb_fdt_path(fdt, bus, path, sizeof(path)),
						   fdt_strerror(rlen));
			rlen = 0;	/* absent: identity, as documented */
		}
		if (rlen > 0) {
			rentry = (ac + pac + sc) * (uint32_t)sizeof(fdt32_t);
			/* A partial trailing entry would be read past the end. */
			if ((uint32_t)rlen % rentry != 0)
				return kb_diag_set(d, KB_EINVAL,
						   "dtb: %s: ranges length %d is not a multiple of %" PRIu32,
						   kb_fdt_path(fdt, bus, path, sizeof(path)),
						   rlen, rentry);
			nr = (int)((uint32_t)rlen / rentry);
			for (i = 0; i < nr && !found; i++) {
				const fdt32_t *e = rng + (size_t)i * (ac + pac + sc);
				uint64_t cba = kb_fdt_read_cells(e, ac);
				uint64_t pba = kb_fdt_read_cells(e + ac, pac);
				uint64_t rsz = kb_fdt_read_cells(e + ac + pac, sc);
				uint64_t off;

				if (!range_contains(cba, rsz, a, s))
					continue;
				off = a - cba;	/* a >= cba: checked above */
				/* The translated range must not wrap either. */
				if (off > UINT64_MAX - pba ||
				    s > UINT64_MAX - (pba + off))
					return kb_diag_set(d, KB_ERANGE,
							   "dtb: %s: ranges entry %d maps 0x%" PRIx64
							   " past 2^64",
							   kb_fdt_path(fdt, bus, path, sizeof(path)),
							   i, a);
				a = pba + off;
				found = true;
			}
			if (!found)
				return kb_diag_set(d, KB_ERANGE,
						   "dtb: %s: reg entry %d 0x%" PRIx64 "+0x%" PRIx64
						   " is outside the ranges of its bus",
						   kb_fdt_path(fdt, node, path, sizeof(path)),
						   idx, a, s);
		}
		ac = pac;
		sc = psc;
		bus = parent;
	}

	*addr = a;
	*size = s;
	return KB_OK;
}

int kb_fdt_stdout_node(const void *fdt, const char **opts, struct kb_diag *d)
{
	const char *prop = "stdout-path";
	const char *p, *colon;
	int chosen, len, plen, node;

	if (opts)
		*opts = "";

	chosen = fdt_subnode_offset(fdt, 0, "chosen");
	if (chosen < 0)
		return kb_diag_set(d, chosen == -FDT_ERR_NOTFOUND ? KB_ENOENT : KB_EINVAL,
				   "dtb: no /chosen node: %s", fdt_strerror(chosen));

	p = fdt_getprop(fdt, chosen, prop, &len);
	if (p == NULL || len < 0) {
		if (len != -FDT_ERR_NOTFOUND)
			goto unreadable;
		prop = "linux,stdout-path";
		p = fdt_getprop(fdt, chosen, prop, &len);
		if (p == NULL || len < 0) {
			if (len != -FDT_ERR_NOTFOUND)
				goto unreadable;
			return kb_diag_set(d, KB_ENOENT,
					   "dtb: /chosen: no stdout-path or linux,stdout-path");
		}
	}
	/* It must be a string that ends inside the property: nothing below
	 * may read past len. */
	if (len == 0 || memchr(p, '\0', (size_t)len) == NULL)
		return kb_diag_set(d, KB_EINVAL,
				   "dtb: /chosen: %s is not a NUL-terminated string", prop);

	colon = strchr(p, ':');
	plen = colon ? (int)(colon - p) : (int)strlen(p);
	if (plen == 0)
		return kb_diag_set(d, KB_EINVAL, "dtb: /chosen: %s has an empty path",
				   prop);

	if (p[0] != '/') {
		const char *slash = memchr(p, '/', (size_t)plen);
		int alen = slash ? (int)(slash - p) : plen;

		if (fdt_get_alias_namelen(fdt, p, alen) == NULL)
			return kb_diag_set(d, KB_ENOENT,
					   "dtb: /chosen: %s alias '%.*s' is not in /aliases",
					   prop, alen > 40 ? 40 : alen, p);
	}
	node = fdt_path_offset_namelen(fdt, p, plen);
	if (node < 0)
		return kb_diag_set(d, node == -FDT_ERR_NOTFOUND ? KB_ENOENT : KB_EINVAL,
				   "dtb: /chosen: %s '%.*s' does not name a node: %s",
				   prop, plen > 64 ? 64 : plen, p, fdt_strerror(node));

	if (opts)
		*opts = colon ? colon + 1 : "";
	return node;

unreadable:
	return kb_diag_set(d, KB_EINVAL, "dtb: /chosen: cannot read %s: %s",
			   prop, fdt_strerror(len));
}

uint32_t kb_fdt_used_size(const void *fdt)
{
	uint32_t total = fdt_totalsize(fdt), end, e;
	int n = fdt_num_mem_rsv(fdt);

	if (fdt_version(fdt) < 17 || n < 0)
		return total;
	/* Each block lies inside totalsize (fdt_check_full()): none of these
	 * sums can exceed it, but a 32-bit sum is kept from wrapping anyway
	 * by comparing against totalsize first. */
	end = fdt_off_dt_strings(fdt);
	if (fdt_size_dt_strings(fdt) > total - (end < total ? end : total))
		return total;
	end += fdt_size_dt_strings(fdt);
	e = fdt_off_dt_struct(fdt);
	if (e > total || fdt_size_dt_struct(fdt) > total - e)
		return total;
	e += fdt_size_dt_struct(fdt);
	if (e > end)
		end = e;
	/* (n + 1) entries of 16 bytes, the last one the terminator */
	e = fdt_off_mem_rsvmap(fdt);
	if (e > total || (uint64_t)(n + 1) * 16 > total - e)
		return total;
	e += (uint32_t)(n + 1) * 16;
	if (e > end)
		end = e;
	return end;
}

/* Is ext one of the multi-letter extensions of a riscv,isa string
 * ("rv64imac_zicsr_zknh")?  Only whole names after a '_' count. */
static bool isa_string_has(const char *isa, int len, const char *ext)
{
	size_t n = strlen(ext);
	int i = 0;

	/* Skip the base ISA and single-letter extensions. */
	while (i < len && isa[i] && isa[i] != '_')
		i++;
	while (i < len && isa[i] == '_') {
		int start = ++i;

		while (i < len && isa[i] && isa[i] != '_')
			i++;
		if ((size_t)(i - start) == n && strncmp(&isa[start], ext, n) == 0)
			return true;
	}
	return false;
}

bool kb_fdt_hart_has_isa_ext(const void *fdt, unsigned long hartid,
			     const char *ext)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	size_t n = strlen(ext);
	int cpu, len;

	if (cpus < 0)
		return false;
	fdt_for_each_subnode(cpu, fdt, cpus) {
		const fdt32_t *reg = fdt_getprop(fdt, cpu, "reg", &len);
		const char *p;

		/* Check NULL and the sign before using len as a size. */
		if (reg == NULL || len < 4)
			continue;
		if (fdt32_to_cpu(reg[len / 4 - 1]) != hartid)
			continue;
		p = fdt_getprop(fdt, cpu, "riscv,isa-extensions", &len);
		if (p != NULL && len > 0) {
			/* a string list: "i\0m\0zkr\0..." */
			for (int off = 0; off < len;) {
				size_t l = strnlen(p + off, len - off);

				if (l == n && strncmp(p + off, ext, n) == 0)
					return true;
				off += l + 1;
			}
		}
		p = fdt_getprop(fdt, cpu, "riscv,isa", &len);
		return p != NULL && len > 0 && isa_string_has(p, len, ext);
	}
	return false;
}

