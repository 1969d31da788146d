/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small, checked device-tree helpers on top of libfdt (pure; fdt/fdt_util.c).
 * Every helper treats a NULL property or a negative length as "absent or
 * broken" before looking at the length as a size (barebox once compared a
 * negative fdt_getprop() length against size_t).
 */
#ifndef KASLRBOOT_FDT_UTIL_H
#define KASLRBOOT_FDT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>

#ifdef KB_MSG_DICT
/* CONFIG_LOG_DICTIONARY: libfdt's fdt_strerror() with its words in the
 * dictionary (kaslrboot/msg.h) instead of in the image; the same words. */
const char *kb_fdt_strerror(int err);
#define fdt_strerror(err) kb_fdt_strerror(err)
#endif

/* True when the node has no status, or status is "okay" / "ok" (with its
 * NUL; an unterminated or unreadable status is not enabled). */
bool kb_fdt_node_enabled(const void *fdt, int node);

/* Read #address-cells / #size-cells of node (for its children).  Absent:
 * *cells = dflt.  Present but not exactly 4 bytes, or a value other than 1
 * or 2: KB_EINVAL with a diag naming the node and the value. */
int kb_fdt_get_cells(const void *fdt, int node, const char *prop,
		     uint32_t dflt, uint32_t *cells, struct kb_diag *d);

/* Both of the above for node's children, with the Devicetree-spec defaults
 * (#address-cells 2, #size-cells 1). */
int kb_fdt_get_reg_cells(const void *fdt, int node, uint32_t *ac, uint32_t *sc,
			 struct kb_diag *d);

/* The reg property of node as *n entries of (ac + sc) cells at *reg.
 * KB_ENOENT (no diag) if absent; KB_EINVAL with a diag if it cannot be read
 * or is not a whole number of entries. */
int kb_fdt_get_reg(const void *fdt, int node, uint32_t ac, uint32_t sc,
		   const void **reg, int *n, struct kb_diag *d);

/* Read a big-endian number of 1 or 2 cells (p need not be aligned).  Any
 * other count returns 0: validate it with kb_fdt_get_cells() first. */
uint64_t kb_fdt_read_cells(const void *p, uint32_t cells);

/* Full path of node into buf; returns buf.  If too long, the first len - 4
 * characters followed by "..." (len < 4: just cut).  "<node N>" if node is
 * not a node, or is nested KB_FDT_MAX_DEPTH deep or more (as
 * kb_fdt_walk_to(), which finds its ancestors, and which refuses such a
 * node).  len == 0 or buf == NULL: nothing is written. */
const char *kb_fdt_path(const void *fdt, int node, char *buf, size_t len);

/*
 * A walk through the tree in order that carries each node's ancestors,
 * so that reg translation needs no fdt_parent_offset() (which walks from
 * the root again for every level): a scan for compatible nodes with a
 * translation of each costs one pass over the tree.  chain[0] is the
 * root, chain[depth] the node.
 */
#define KB_FDT_MAX_DEPTH 16
struct kb_fdt_walk {
	int node;		/* -1: not started */
	int depth;
	int chain[KB_FDT_MAX_DEPTH];
	/* #address-cells / #size-cells of chain[i] once read (0: not yet):
	 * a walk over many devices on one bus reads the bus's cells once. */
	uint8_t ac[KB_FDT_MAX_DEPTH], sc[KB_FDT_MAX_DEPTH];
};

/* The walk from the root to node (its ancestors).  KB_EINVAL if there is
 * no node at that offset, KB_ERANGE if nested KB_FDT_MAX_DEPTH deep. */
int kb_fdt_walk_to(const void *fdt, int node, struct kb_fdt_walk *w,
		   struct kb_diag *d);

/* Advance w (start with w->node = -1) to the next node, in tree order,
 * whose compatible list has compat.  KB_OK, KB_ENOENT at the end, or
 * KB_EFDT / KB_ERANGE with a diag. */
int kb_fdt_next_compatible(const void *fdt, struct kb_fdt_walk *w,
			   const char *compat, struct kb_diag *d);

/* kb_fdt_reg_cpu() for the node a walk stands on. */
int kb_fdt_reg_cpu_walk(const void *fdt, struct kb_fdt_walk *w, int idx,
			uint64_t *addr, uint64_t *size, struct kb_diag *d);

/*
 * Reg entry idx of node, as a CPU physical address: the entry is read with
 * the parent's cells and translated up through every ancestor's "ranges"
 * (absent or empty ranges = identity mapping).  KB_ENOENT if there is no
 * such entry, KB_EINVAL / KB_ERANGE on malformed reg/ranges or an address
 * outside every range, with a diag.
 * The whole [addr, addr + size) must lie inside one ranges entry at every
 * level, and must not wrap before or after translation (KB_ERANGE).  A
 * reg on the root node (no parent) is KB_EINVAL.  *addr / *size are only
 * written on success.
 */
int kb_fdt_reg_cpu(const void *fdt, int node, int idx, uint64_t *addr,
		   uint64_t *size, struct kb_diag *d);

/*
 * Resolve /chosen/stdout-path (or linux,stdout-path): the path or alias
 * before any ':' options.  Returns the node offset, or KB_ENOENT / KB_EINVAL
 * with a diag.  *opts points at the option string after ':' (or ""; also
 * "" on error; opts may be NULL).  stdout-path is used when present, else
 * linux,stdout-path.  No /chosen, no property, an alias missing from
 * /aliases or a path naming no node: KB_ENOENT.  A value that is not a
 * NUL-terminated string or has an empty path: KB_EINVAL.
 */
int kb_fdt_stdout_node(const void *fdt, const char **opts, struct kb_diag *d);

/*
 * Bytes of a validated blob that hold something: the end of its last
 * block (reservation map with its terminator, structure, strings), at
 * most totalsize.  A tree grown with fdt_open_into() carries free space
 * up to totalsize (QEMU pads its arm64 tree to 1 MiB); hashing only the
 * used bytes covers every property for a fraction of the work.  Version
 * 16 blobs do not record the structure size: totalsize.
 */
uint32_t kb_fdt_used_size(const void *fdt);

/*
 * Does the RISC-V hart whose /cpus child has reg = hartid list the
 * multi-letter extension ext ("zkr", "zknh")?  In riscv,isa-extensions
 * (a string list) or as a whole '_'-separated name in riscv,isa.  No
 * /cpus, no such hart, an unreadable property: false.
 */
bool kb_fdt_hart_has_isa_ext(const void *fdt, unsigned long hartid,
			     const char *ext);

#endif
