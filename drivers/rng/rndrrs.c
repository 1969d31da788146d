// SPDX-License-Identifier: BSD-2-Clause
/*
 * Arm FEAT_RNG entropy source: the RNDRRS register (s3_3_c2_c4_1).
 *
 * RNDRRS returns 64 bits from the implementation's DRBG after reseeding
 * it from the hardware TRNG; NZCV.Z = 1 (and a zero value) means no
 * random number could be returned in reasonable time.  That flag is
 * never ignored: a failed read is retried up to RNDRRS_MAX_TRIES times in
 * a row, then reported as an I/O error.
 *
 * Entropy claim: the output is conditioned by the implementation (a DRBG
 * reseeded per read), whose noise source the loader cannot observe, so it
 * assumes half of full entropy: H = 32 bits per 64-bit sample, like the
 * 4 bits per byte assumed for virtio-rng.
 *
 * Used only when ID_AA64ISAR0_EL1.RNDR (bits 63:60) is non-zero; the ID
 * register is readable at EL1 and above.
 */
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/rng.h>

#define RNDRRS_MAX_TRIES	1000u

static int rndrrs_once(uint64_t *v)
{
	uint64_t val, fail;

	/* cset: 1 when Z is set (failure). */
	__asm__ volatile("mrs %0, s3_3_c2_c4_1\n\t"
			 "cset %1, eq"
			 : "=r"(val), "=r"(fail) : : "cc");
	*v = val;
	return fail ? -1 : 0;
}

static int rndrrs_read(struct kb_rng *rng, uint64_t *out, unsigned int n,
		       struct kb_diag *d)
{
	unsigned int got = 0, fails = 0;
	uint64_t v;

	(void)rng;
	while (got < n) {
		if (rndrrs_once(&v) == 0) {
			out[got++] = v;
			fails = 0;
			continue;
		}
		if (++fails >= RNDRRS_MAX_TRIES)
			return kb_diag_set(d, KB_EIO,
					   "rndrrs: RNDRRS failed %u times in a row", fails);
	}
	v = 0;
	return (int)got;
}

static int rndrrs_probe(const void *fdt, const struct kb_boot_info *bi,
			struct kb_rng *rng, struct kb_diag *d)
{
	uint64_t isar0;

	(void)fdt;
	(void)bi;
	(void)d;
	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	if ((isar0 >> 60) == 0)
		return KB_ENODEV;
	rng->name = "rndrrs";
	strcpy(rng->where, "RNDRRS (FEAT_RNG)");
	rng->health = KB_HEALTH_PARAMS(32000);
	rng->sample_bytes = 8;
	rng->read = rndrrs_read;
	rng->release = NULL;
	return 0;
}

KB_RNG_DRIVER(10, rndrrs_driver) = {
	.name = "rndrrs",
	.probe = rndrrs_probe,
};
