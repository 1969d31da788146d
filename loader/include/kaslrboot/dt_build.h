/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The linked tree's devices, read at build time (CONFIG_DT_DEVICES_AT_BUILD,
 * docs/device-tree.md): tools/kbdtmap runs the driver-independent part of
 * the console and TRNG lookups on the host with the loader's own
 * fdt/fdt_util.c (stdout-path, the node enabled, its compatible, reg[0]
 * translated through the buses' ranges) and writes kb_dt_devices
 * (<O>/gen/kb_dt_memmap.c).  At boot the drivers are matched by compatible
 * from this data and take their parameters from it; no tree walker is
 * linked for them.
 */
#ifndef KASLRBOOT_DT_BUILD_H
#define KASLRBOOT_DT_BUILD_H

#include <stdbool.h>
#include <stdint.h>

struct kb_dt_dev_build {
	const char *path;	/* the node's full path, for the log */
	const char *compat;	/* its compatible property: NUL-separated strings */
	uint32_t compat_len;	/* bytes of compat, the last NUL included */
	uint64_t addr, size;	/* reg[0], as a CPU physical address */
	uint32_t reg_shift;	/* "reg-shift", 0 if absent */
	uint32_t reg_io_width;	/* "reg-io-width", 0 if absent */
	uint32_t has;		/* KB_DT_HAS_*: which of the two are present */
};

#define KB_DT_HAS_REG_SHIFT	1u
#define KB_DT_HAS_REG_IO_WIDTH	2u
/* Hart ids whose riscv,isa lists zkr, as bits of zkr_harts: 0..31. */
#define KB_DT_ZKR_HARTS		32u

struct kb_dt_devices_build {
	struct kb_dt_dev_build console;	/* the stdout-path node, enabled */
	const struct kb_dt_dev_build *rng;	/* enabled TRNG nodes, tree order */
	unsigned int nrng;
	int chosen;	/* fdt_path_offset(blob, "/chosen") (a negative FDT_ERR_*) */
	/* /chosen/bootargs: its value's offset in the blob and its length as
	 * fdt_getprop() gives them (offset -1: absent); the loader checks it
	 * is a terminated string exactly as for a tree read at boot. */
	int bootargs_off, bootargs_len;
	/* /chosen holds a kaslr-seed or an rng-seed (the boot-info handoff
	 * refuses such a tree: docs/bootinfo.md). */
	bool chosen_seed;
	uint32_t zkr_harts;	/* bit h: hart h's riscv,isa lists zkr (--zkr) */
};

/* Whether the compatible list of dev holds compat (as
 * fdt_node_check_compatible() answers on the node).  Pure. */
bool kb_dt_dev_compatible(const struct kb_dt_dev_build *dev, const char *compat);

/* The first of b's TRNG nodes compatible with compat, or NULL. */
const struct kb_dt_dev_build *kb_dt_rng_find(const struct kb_dt_devices_build *b,
					     const char *compat);

/* gen/kb_dt_memmap.c */
extern const struct kb_dt_devices_build kb_dt_devices;

#endif
