/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cryptography: the loader's DRBG (crypto/drbg.c: seed from the
 * health-tested TRNG, draw, uniform integer, wipe) and the boot-time
 * self-test and version string (crypto/crypto.c), over mbedTLS 3.6 in the
 * minimal configuration of crypto/mbedtls_config.h (AES-256 CTR_DRBG with
 * derivation function, SHA-256).  SHA-256 itself: <kaslrboot/sha256.h>.
 */
#ifndef KASLRBOOT_CRYPTO_H
#define KASLRBOOT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>

/*
 * The loader's one DRBG: mbedTLS CTR_DRBG, AES-256, derivation function,
 * no prediction resistance, seeded once per boot.
 *
 * entropy(ctx, buf, len) must fill buf with len bytes of health-tested raw
 * TRNG output and return 0, or return non-zero on any failure (which makes
 * seeding fail: MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED).
 * entropy_len is how many such bytes carry the 256 bits of min-entropy
 * AES-256 CTR_DRBG needs: 32 for a full-entropy source, 256 / H (H in bits
 * of min-entropy per byte, rounded up: kb_entropy_len_for_256_bits()) in
 * general (32..256).  mbedTLS then asks for entropy_len bytes of entropy
 * input and (entropy_len + 1) / 2 bytes of nonce, in two calls (the nonce
 * length is set explicitly: left alone, mbedTLS takes no nonce at all once
 * entropy_len >= 48, assuming full-entropy bytes).  Entropy + nonce +
 * personalization must fit mbedTLS's 384-byte seed input.
 * The callback and ctx must stay valid until kb_drbg_wipe(): mbedTLS
 * reseeds from it by itself after its reseed interval.
 * pers/pers_len: personalization string (device-unique data), may be empty.
 * Any earlier state is wiped first.  0; KB_EINVAL for bad arguments;
 * KB_EFAIL if mbedTLS cannot seed (the DRBG is left wiped).
 */
int kb_drbg_seed(int (*entropy)(void *ctx, unsigned char *buf, size_t len),
		 void *ctx, size_t entropy_len, const void *pers,
		 size_t pers_len, struct kb_diag *d);

/* True once kb_drbg_seed() succeeded and until kb_drbg_wipe(). */
int kb_drbg_ready(void);

/* len random bytes (any length; requests are split as mbedTLS needs).
 * KB_EFAIL with a diag if the DRBG is not seeded or mbedTLS fails (a failed
 * generate or automatic reseed zeroes what was written of buf and wipes
 * the DRBG: no partial output, no further use); KB_EINVAL for a NULL buf with len > 0. */
int kb_drbg_random(void *buf, size_t len, struct kb_diag *d);

/* A uniform integer in [0, bound), bound >= 1, by rejection sampling on
 * full N-bit big-endian draws (no modulo bias): a draw x is rejected while
 * x < 2^N mod bound.  N is the address width (kaslrboot/phys.h): 64, or
 * 32 with CONFIG_PHYS_ADDR_32BIT, where a bound above 2^32 is KB_ERANGE
 * ("crypto: uniform draw with bound N, above 2^32 ...") and 2^32 takes
 * every draw.  KB_EINVAL for bound 0 or a NULL out; otherwise
 * kb_drbg_random()'s errors. */
int kb_drbg_uniform(uint64_t bound, uint64_t *out, struct kb_diag *d);

/* Zeroize the DRBG state (mbedtls_ctr_drbg_free + platform_zeroize);
 * kb_drbg_ready() is false afterwards. */
void kb_drbg_wipe(void);

/* Known-answer self-tests run before first use: CTR_DRBG
 * (kb_ctr_drbg_selftest; SP 800-90A section 11.3), then SHA-256
 * (kb_sha256_selftest).  0 or KB_EFAIL. */
int kb_crypto_selftest(void);

/* CTR_DRBG (AES-256, derivation function, no prediction resistance, as
 * the loader uses it) against the NIST CAVP vector mbedTLS's own
 * self-test uses for that mode: instantiate, reseed, generate twice.
 * 0 or KB_EFAIL. */
int kb_ctr_drbg_selftest(void);

/* SHA-256 against the FIPS 180-4 two-block example (the 448-bit message),
 * one-shot and streamed in two pieces; our own vector because mbedTLS's
 * SHA-256 self-test needs a heap.  0 or KB_EFAIL. */
int kb_sha256_selftest(void);

/* Can this CPU run the SHA-256 this build was compiled for, and which
 * implementation runs?  Called before the self-tests.
 *  - arm64 with CONFIG_SHA256_ARMV8_CE_ONLY: mbedTLS executes the ARMv8-A
 *    SHA-256 instructions unconditionally; on a CPU without them
 *    (ID_AA64ISAR0_EL1.SHA2 = 0) the first hash would take an undefined
 *    instruction exception: KB_EFAIL with a diag saying what to rebuild.
 *  - RISC-V with CONFIG_SHA256_RISCV_ZKNH_*: Zknh is used when the device
 *    tree lists zknh for hart hartid; CONFIG_SHA256_RISCV_ZKNH_ONLY without
 *    it is KB_EFAIL.
 * *sha256_impl (if not NULL) names the implementation for the boot log.
 * 0 or KB_EFAIL. */
int kb_crypto_cpu_check(const void *fdt, unsigned long hartid,
			const char **sha256_impl, struct kb_diag *d);

/* "mbedTLS 3.6.6" */
const char *kb_crypto_version(void);

#endif
