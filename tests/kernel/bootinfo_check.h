/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test payloads' check of a boot-info block (kaslrboot/bootinfo.h,
 * version 1; docs/bootinfo.md "The payload's checks"), shared by the
 * Cortex-M test firmware (tests/kernel/arm-m/fw.c) and the RISC-V test
 * kernel on an M-mode board (tests/kernel/main.c): every field is checked
 * before it is used, byte by byte (no struct, no libc), independently of
 * the loader's own definitions.  tk_bi_check() returns NULL, with the
 * fields in *v, or a short reason ("bi: ...") for the first check that
 * failed; the caller prints.
 */
#ifndef TK_BOOTINFO_CHECK_H
#define TK_BOOTINFO_CHECK_H

#include <stdint.h>

#define TK_BI_MAGIC	0x4942424bu	/* "KBBI" */
#define TK_BI_KASLR	1u
#define TK_BI_RNG_SEED	2u
#define TK_BI_BOOTARGS	4u
#define TK_BI_SLOT	8u

struct tk_bi {
	uint32_t version, size, flags;
	uint32_t kseed_lo, kseed_hi;		/* the kaslr-seed, TK_BI_KASLR */
	uint32_t image_version;			/* low word, TK_BI_SLOT */
	uint32_t payload_base, payload_size, dtb;
	const uint8_t *rng_seed;		/* TK_BI_RNG_SEED, else 0 */
	uint32_t rng_seed_len;
	const char *bootargs;			/* TK_BI_BOOTARGS: NUL-terminated */
	uint32_t bootargs_len;
	const char *slot;			/* TK_BI_SLOT */
};

static inline uint32_t tk_bi_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* blk: the block's address (a register); the payload runs at
 * [base, end). */
static inline const char *tk_bi_check(uintptr_t blk, uintptr_t base, uintptr_t end,
				      struct tk_bi *v)
{
	const uint8_t *b = (const uint8_t *)blk;
	uint32_t hsize, soff, aoff;

	if (blk == 0 || (blk & 7) || tk_bi_le32(b) != TK_BI_MAGIC)
		return "bi: not an aligned boot-info block";
	v->version = (uint32_t)b[4] | (uint32_t)b[5] << 8;
	hsize = (uint32_t)b[6] | (uint32_t)b[7] << 8;
	v->size = tk_bi_le32(b + 8);
	v->flags = tk_bi_le32(b + 12);
	v->kseed_lo = tk_bi_le32(b + 16);
	v->kseed_hi = tk_bi_le32(b + 20);
	v->image_version = tk_bi_le32(b + 24);
	v->payload_base = tk_bi_le32(b + 32);
	v->payload_size = tk_bi_le32(b + 36);
	v->dtb = tk_bi_le32(b + 40);
	soff = tk_bi_le32(b + 44);
	v->rng_seed_len = tk_bi_le32(b + 48);
	aoff = tk_bi_le32(b + 52);
	v->bootargs_len = tk_bi_le32(b + 56);
	v->rng_seed = 0;
	v->bootargs = 0;
	v->slot = (const char *)b + 60;
	if (v->version != 1)
		return "bi: version";
	if (hsize != 64 || v->size < hsize + 1 || v->size > 1024 || (v->size & 7))
		return "bi: sizes";
	if (blk < end && base < blk + v->size)
		return "bi: overlap";
	if (v->flags & ~0xfu)
		return "bi: flags";
	if (v->payload_base != base || v->payload_size < end - base)
		return "bi: payload_base/size";
	if ((v->flags & TK_BI_KASLR) && (v->kseed_lo | v->kseed_hi) == 0)
		return "bi: kaslr-seed 0";
	if (!(v->flags & TK_BI_KASLR) && (v->kseed_lo | v->kseed_hi))
		return "bi: kaslr-seed unflagged";
	if (v->flags & TK_BI_RNG_SEED) {
		if (v->rng_seed_len == 0 || soff < hsize || soff > v->size ||
		    v->rng_seed_len > v->size - soff)
			return "bi: rng-seed";
		v->rng_seed = b + soff;
	} else if (soff | v->rng_seed_len) {
		return "bi: rng-seed unflagged";
	}
	if (v->flags & TK_BI_BOOTARGS) {
		if (aoff < hsize || aoff > v->size || v->bootargs_len >= v->size - aoff ||
		    b[aoff + v->bootargs_len] != 0)
			return "bi: bootargs";
		v->bootargs = (const char *)b + aoff;
	} else if (aoff | v->bootargs_len) {
		return "bi: bootargs unflagged";
	}
	if ((v->flags & TK_BI_SLOT) && b[63] != 0)
		return "bi: slot";
	return 0;
}

#endif
