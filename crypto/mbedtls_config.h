/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot's whole mbedTLS 3.6 configuration (MBEDTLS_CONFIG_FILE
 * replaces mbedTLS's default mbedtls_config.h entirely; build_info.h then
 * derives what follows from it and includes check_config.h itself).
 *
 * Only what the loader uses: AES for CTR_DRBG (AES-256 with derivation
 * function), SHA-256 for payload digests.  No ENTROPY_C: the DRBG is seeded
 * straight from the health-tested TRNG callback (crypto/), so no entropy
 * pool, no platform entropy, no time source, no heap (no PLATFORM_C, no
 * PLATFORM_MEMORY: nothing calls calloc/free), and no PSA crypto (CTR_DRBG
 * uses the AES module directly when MBEDTLS_AES_C is set).
 *
 * Read by the loader's objects (which see the Kconfig CONFIG_* symbols)
 * and by the host tests and tools (which do not).
 */
#ifndef KASLRBOOT_MBEDTLS_CONFIG_H
#define KASLRBOOT_MBEDTLS_CONFIG_H

/* build_info.h defines the version before it includes this file; 2.x's
 * config.h does not. */
#if !defined(MBEDTLS_VERSION_MAJOR) || MBEDTLS_VERSION_MAJOR != 3 || \
	MBEDTLS_VERSION_MINOR != 6
#error "crypto/mbedtls_config.h is written for mbedTLS 3.6.x (LTS): MBEDTLS_DIR holds another version"
#endif

/* Primitives */
#define MBEDTLS_AES_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_SHA256_C

/* Size over speed: tables in flash, one table instead of four, compact
 * SHA-256, and no AES decryption (CTR_DRBG only ever encrypts).  The
 * loader hashes and draws little; a few KiB matter more on a
 * microcontroller than a few microseconds. */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT

/* The most seed material the DRBG takes (Kconfig
 * CONFIG_CTR_DRBG_MAX_SEED_INPUT, default mbedTLS's 384): two stack
 * buffers of this size while it seeds or reseeds, which matters in a few
 * KiB of SRAM.  crypto/drbg.c refuses a seeding that does not fit, by
 * name.  Host builds (no CONFIG_*) keep mbedTLS's default. */
#if defined(CONFIG_CTR_DRBG_MAX_SEED_INPUT)
#define MBEDTLS_CTR_DRBG_MAX_SEED_INPUT CONFIG_CTR_DRBG_MAX_SEED_INPUT
#endif

/* arm64: SHA-256 with the ARMv8-A Cryptographic Extension instructions,
 * unconditionally (Kconfig CONFIG_SHA256_ARMV8_CE_ONLY; the _IF_PRESENT
 * variant detects them through the operating system, which the loader does
 * not have).  The loader checks ID_AA64ISAR0_EL1 before its first hash. */
#if defined(CONFIG_SHA256_ARMV8_CE_ONLY) && CONFIG_SHA256_ARMV8_CE_ONLY
#define MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_ONLY
#endif

/* RISC-V: kaslrboot's own compression function, unrolled C or Zknh
 * (Kconfig CONFIG_SHA256_KB_BLOCK, crypto/sha256_block.c); mbedTLS keeps
 * the padding and streaming.  Host builds (no CONFIG_*) never set it. */
#if defined(CONFIG_SHA256_KB_BLOCK) && CONFIG_SHA256_KB_BLOCK
#define MBEDTLS_SHA256_PROCESS_ALT
#endif

/* CONFIG_AES_ARMV8_CE_ONLY: AES from the ARMv8-A AES instructions, no C
 * fallback (whose run-time detection would ask Linux's getauxval()): the
 * loader checks ID_AA64ISAR0_EL1 itself (kb_crypto_cpu_check()). */
#if defined(CONFIG_AES_ARMV8_CE_ONLY) && CONFIG_AES_ARMV8_CE_ONLY
#define MBEDTLS_AESCE_C
#define MBEDTLS_AES_USE_HARDWARE_ONLY
#endif

/* mbedTLS's built-in known-answer tests: the host tests run the CTR_DRBG
 * one (test_drbg); the loader runs its own with one of its NIST CAVP
 * vectors (kb_ctr_drbg_selftest, the mode it uses; LTO drops mbedTLS's),
 * and SHA-256 against a FIPS 180-4 vector (kb_sha256_selftest), since
 * mbedTLS's SHA-256 self-test needs a heap. */
#define MBEDTLS_SELF_TEST

/* Their verbose output (unused: kb_crypto_selftest passes verbose 0, but
 * the calls are compiled in) goes through the loader's own console
 * printf, so that the C library's printf is never linked (the link checks
 * it: scripts/check-libc-printf.sh).  mbedTLS only takes a printf macro
 * with MBEDTLS_PLATFORM_C, which otherwise changes nothing here: no
 * platform.c is built, calloc/free/snprintf stay the C library's names
 * (none is called).  Host builds (no CONFIG_*) keep the host's printf. */
#if defined(CONFIG_ARCH)
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_PRINTF_MACRO kb_printf
int kb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif

/* No OS: nothing may reach for /dev/urandom, time() or malloc(). */
#define MBEDTLS_NO_PLATFORM_ENTROPY

#endif
