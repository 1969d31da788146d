/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-256 for the loader, the host tools, tests and fuzzers: the one place
 * that names mbedTLS's SHA-256 API (3.6: mbedtls_sha256_starts/update/
 * finish and mbedtls_sha256(); 2.28 had *_ret names), so that a change of
 * mbedTLS version touches this header only.  Every function returns 0 or
 * non-zero on failure; callers treat a failure as a mismatch (fail closed).
 */
#ifndef KASLRBOOT_SHA256_H
#define KASLRBOOT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/sha256.h>

#define KB_SHA256_LEN 32

typedef mbedtls_sha256_context kb_sha256_ctx;

/* Not inlined: with LTO, mbedTLS's starts (its eight initial hash words
 * in a literal pool) would otherwise be copied into every caller; the
 * compiler folds the copies of this one (identical code). */
static __attribute__((noinline, unused)) int kb_sha256_start(kb_sha256_ctx *c)
{
	mbedtls_sha256_init(c);
	return mbedtls_sha256_starts(c, 0);
}

static inline int kb_sha256_update(kb_sha256_ctx *c, const void *p, size_t n)
{
	return mbedtls_sha256_update(c, p, n);
}

/* Writes the digest and wipes the context. */
static inline int kb_sha256_finish(kb_sha256_ctx *c, uint8_t out[KB_SHA256_LEN])
{
	int err = mbedtls_sha256_finish(c, out);

	mbedtls_sha256_free(c);
	return err;
}

/* Wipes a context given up before kb_sha256_finish(). */
static inline void kb_sha256_free(kb_sha256_ctx *c)
{
	mbedtls_sha256_free(c);
}

/* One-shot, through the three calls above (what mbedtls_sha256() does,
 * without its own copy of the start). */
static inline int kb_sha256(const void *p, size_t n, uint8_t out[KB_SHA256_LEN])
{
	kb_sha256_ctx c;
	int err = kb_sha256_start(&c);

	if (err == 0)
		err = kb_sha256_update(&c, p, n);
	if (err == 0)
		return kb_sha256_finish(&c, out);
	kb_sha256_free(&c);
	return err;
}

/* Equal digests?  Constant time (nothing secret here, but it costs
 * nothing). */
static inline int kb_sha256_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;

	for (unsigned int i = 0; i < KB_SHA256_LEN; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

#endif
