/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TRNG drivers (drivers/rng/) and the entropy step that uses them
 * (loader/entropy.c).
 *
 * A driver hands out raw noise-source samples, before any conditioning;
 * every sample goes through the SP 800-90B health tests (kaslrboot/health.h)
 * with the min-entropy H the driver documents.  Drivers are registered in a
 * linker-section table in priority order (KB_RNG_DRIVER(prio, sym)); the
 * first one whose probe finds its hardware is used.
 */
#ifndef KASLRBOOT_RNG_H
#define KASLRBOOT_RNG_H

#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/arch.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/health.h>

struct kb_rng {
	const char *name;		/* "virtio-rng", "zkr", ... */
	char where[48];			/* node path or CPU register, for the log */
	struct kb_health_params health;	/* H per sample and the cutoffs */
	unsigned int sample_bytes;	/* bytes of output per sample: 1, 2, 8 */
	/* Read up to n samples into out[]; returns how many (>= 1) or a
	 * negative KB_E* code with a diag.  Must not block forever. */
	int (*read)(struct kb_rng *rng, uint64_t *out, unsigned int n,
		    struct kb_diag *d);
	/* Leave the device as the kernel expects to find it (reset). */
	void (*release)(struct kb_rng *rng);
	uintptr_t base;			/* driver-private */
	uint32_t priv;			/* driver-private */
};

struct kb_rng_driver {
	const char *name;
	/* 0: found and ready; KB_ENODEV: not present (try the next driver);
	 * anything else: present but unusable (fatal, with a diag). */
	int (*probe)(const void *fdt, const struct kb_boot_info *bi,
		     struct kb_rng *rng, struct kb_diag *d);
};

#define KB_RNG_DRIVER(prio, sym)					\
	static const struct kb_rng_driver sym				\
	__attribute__((used, aligned(sizeof(void *)),			\
		       section(".kb_drivers.rng." #prio "_" #sym)))

/* loader/entropy.c */

/* Probe the TRNGs, run the start-up health test; logs one line each. */
int kb_entropy_init(const void *fdt, const struct kb_boot_info *bi,
		    struct kb_diag *d);
/* mbedTLS entropy callback over the chosen TRNG (health-tested). */
int kb_entropy_read(void *ctx, unsigned char *buf, size_t len);
/* Bytes that carry 256 bits of min-entropy from the chosen source. */
size_t kb_entropy_len_for_256_bits(void);
/* The diag of the last kb_entropy_read() failure. */
const struct kb_diag *kb_entropy_last_error(void);
/* Release the device and zeroize every buffer that held samples. */
void kb_entropy_finish(void);

#endif
