/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot-info block (CONFIG_HANDOFF_BOOTINFO; pure: loader/lib/bootinfo.c;
 * the contract: docs/bootinfo.md).  What a payload
 * without a kernel boot protocol gets in r0 instead of a rewritten device
 * tree: its seeds, where it runs, its bootargs, the slot, and the device
 * tree as the loader found it (read-only, unchanged).
 *
 * Version 1, little-endian (the core's order), 8-byte aligned, 32-bit
 * addresses (the boards it is offered on: Cortex-M, in r0, and RISC-V
 * M-mode, in a2; a payload or tree above 4 GiB is refused):
 *
 *   offset  size  field
 *   0       4     magic 0x4942424b ("KBBI" in memory)
 *   4       2     version (1)
 *   6       2     header_size: 64, the offset of the first trailing byte
 *   8       4     size: the whole block, header and trailing data, a
 *                 multiple of 8
 *   12      4     flags: KB_BOOTINFO_KASLR, _RNG_SEED, _BOOTARGS, _SLOT
 *   16      8     kaslr_seed: non-zero with KB_BOOTINFO_KASLR, else 0
 *                 (KASLR off: nokaslr)
 *   24      8     image_version: the container's (KB_BOOTINFO_SLOT), else 0
 *   32      4     payload_base: the payload's lowest address (its vector
 *                 table on a Cortex-M): where it runs
 *   36      4     payload_size: its footprint (text, data, BSS, stack)
 *   40      4     dtb: the device tree as the loader found it (the linked
 *                 one in flash on a microcontroller): not rewritten; its
 *                 /chosen holds no seed (the loader refuses one that does)
 *   44      4     rng_seed_off: from the block's start (KB_BOOTINFO_RNG_SEED)
 *   48      4     rng_seed_len: bytes (CONFIG_RNG_SEED_SIZE), else 0
 *   52      4     bootargs_off: from the block's start (KB_BOOTINFO_BOOTARGS)
 *   56      4     bootargs_len: without the terminating NUL, which follows
 *   60      4     slot: the slot's name, NUL-padded ("a", "b": KB_BOOTINFO_SLOT)
 *   64      ...   the rng-seed bytes, then the bootargs and their NUL, then
 *                 zeros up to size
 */
#ifndef KASLRBOOT_BOOTINFO_H
#define KASLRBOOT_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>

#define KB_BOOTINFO_MAGIC	0x4942424bu	/* "KBBI" */
#define KB_BOOTINFO_VERSION	1
#define KB_BOOTINFO_ALIGN	8

#define KB_BOOTINFO_KASLR	(1u << 0)	/* kaslr_seed is set */
#define KB_BOOTINFO_RNG_SEED	(1u << 1)	/* rng-seed bytes follow */
#define KB_BOOTINFO_BOOTARGS	(1u << 2)	/* bootargs follow */
#define KB_BOOTINFO_SLOT	(1u << 3)	/* slot, image_version are set */

struct kb_bootinfo {
	uint32_t magic;
	uint16_t version;
	uint16_t header_size;
	uint32_t size;
	uint32_t flags;
	uint64_t kaslr_seed;
	uint64_t image_version;
	uint32_t payload_base;
	uint32_t payload_size;
	uint32_t dtb;
	uint32_t rng_seed_off;
	uint32_t rng_seed_len;
	uint32_t bootargs_off;
	uint32_t bootargs_len;
	char slot[4];
};

_Static_assert(sizeof(struct kb_bootinfo) == 64, "struct kb_bootinfo: the documented layout");

/* What goes into the block.  Addresses are the payload's (the loader's
 * own: no MMU on the boards it is offered on). */
struct kb_bootinfo_args {
	uint64_t kaslr_seed;		/* 0: none (KASLR off) */
	const uint8_t *rng_seed;	/* NULL: none */
	size_t rng_seed_len;
	const char *bootargs;		/* NULL: none; bootargs_len bytes, no NUL among them */
	size_t bootargs_len;
	const char *slot;		/* NULL: one slot only; else at most 3 characters */
	uint64_t image_version;
	uint64_t payload_base, payload_size;
	uint64_t dtb;
};

/* The block's size for these lengths: header, seed, bootargs + NUL,
 * rounded up to KB_BOOTINFO_ALIGN. */
size_t kb_bootinfo_size(size_t rng_seed_len, size_t bootargs_len);

/*
 * Write the block into [blk, blk + room), the memory the loader claimed
 * for it.  Refused, with one line and nothing written: blk not 8-byte
 * aligned, a block larger than room, room overlapping the payload, an
 * address above 4 GiB, a slot name longer than 3 characters.
 */
int kb_bootinfo_build(void *blk, size_t room, const struct kb_bootinfo_args *a,
		      struct kb_diag *d);

#endif
