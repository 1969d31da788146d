/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot's whole mbedTLS 2.28 configuration (MBEDTLS_CONFIG_FILE
 * replaces mbedTLS's default config.h entirely).
 *
 * Only what the loader uses: AES for CTR_DRBG (AES-256 with derivation
 * function), SHA-256 for payload digests.  No ENTROPY_C: the DRBG is seeded
 * straight from the health-tested TRNG callback (crypto/), so no entropy
 * pool, no platform entropy, no time source, no heap.
 */
#ifndef KASLRBOOT_MBEDTLS_CONFIG_H
#define KASLRBOOT_MBEDTLS_CONFIG_H

/* Primitives */
#define MBEDTLS_AES_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_SHA256_C

/* Size over speed: tables in flash, one table instead of four, compact
 * SHA-256.  The loader hashes and draws little; a few KiB matter more on a
 * microcontroller than a few microseconds. */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_SHA256_SMALLER

/* Known-answer tests of the primitives (NIST CAVP vectors built into
 * mbedTLS), run at every boot by kb_crypto_selftest(). */
#define MBEDTLS_SELF_TEST

/* No OS: nothing may reach for /dev/urandom, time() or malloc(). */
#define MBEDTLS_NO_PLATFORM_ENTROPY

#include "mbedtls/check_config.h"

#endif
