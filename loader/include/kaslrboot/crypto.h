/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cryptography (crypto/crypto.c): mbedTLS 2.28 CTR_DRBG (AES-256, with
 * derivation function) and SHA-256, in the minimal configuration of
 * crypto/mbedtls_config.h.  The DRBG API (seed from the health-tested TRNG,
 * draw, uniform integer, wipe) arrives with the entropy work.
 */
#ifndef KASLRBOOT_CRYPTO_H
#define KASLRBOOT_CRYPTO_H

/* Known-answer self-test of CTR_DRBG (mbedTLS's NIST vectors, with and
 * without prediction resistance), run before first use as SP 800-90A
 * section 11.3 asks of a DRBG.  0 or KB_EFAIL.  (mbedTLS's SHA-256
 * self-test needs a heap, which the loader does not have.) */
int kb_crypto_selftest(void);

/* "mbedTLS 2.28.3" */
const char *kb_crypto_version(void);

#endif
