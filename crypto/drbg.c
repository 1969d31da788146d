// SPDX-License-Identifier: BSD-2-Clause
/*
 * The loader's DRBG: one static mbedTLS 3.6 CTR_DRBG context (AES-256,
 * derivation function, no prediction resistance), seeded once per boot from
 * the health-tested TRNG callback (see <kaslrboot/crypto.h>).
 *
 * Seeding material, in the order mbedTLS gathers it:
 *   entropy(entropy_len) || entropy((entropy_len + 1) / 2) || pers
 * The nonce length is set explicitly: left to itself mbedTLS (3.6 as 2.28) takes no
 * nonce at all once entropy_len >= 48 (it assumes entropy_len counts
 * full-entropy bytes), whereas here entropy_len is just enough bytes for 256
 * bits of min-entropy, so the nonce's 128 bits must come on top.
 *
 * The entropy callback and its ctx stay registered in the context until
 * kb_drbg_wipe(): mbedTLS reseeds by itself (entropy_len more bytes) after
 * MBEDTLS_CTR_DRBG_RESEED_INTERVAL generate requests.  A failed generate
 * (a failed automatic reseed included) wipes the DRBG: it fails closed.
 */
#include <stdint.h>
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/error.h>
#include <mbedtls/platform_util.h>

#include <kaslrboot/crypto.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/phys.h>

#define KB_DRBG_ENTROPY_MIN	32	/* 256 bits even from a full-entropy source */
#define KB_DRBG_ENTROPY_MAX	256

/* The uniform draw's width: the address width (kaslrboot/phys.h).  A
 * 32-bit loader's bounds are at most 2^32, and 32-bit draws need no
 * 64-bit division (libgcc's __udivmoddi4 on Cortex-M0). */
#if KB_PHYS_BITS == 32
typedef uint32_t kb_uniform_t;
#else
typedef uint64_t kb_uniform_t;
#endif
#define KB_UNIFORM_BITS KB_PHYS_BITS

static mbedtls_ctr_drbg_context kb_drbg;
static int kb_drbg_seeded;

/* Words for the mbedTLS error codes CTR_DRBG (and the AES under it) can
 * return; never NULL (in the dictionary with CONFIG_LOG_DICTIONARY). */
static const char *mbedtls_err_str(int ret)
{
	switch (ret) {
	case MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED:
		return KB_MSG_STR("entropy source failed");
	case MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG:
		return KB_MSG_STR("request too big");
	case MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG:
		return KB_MSG_STR("input too big");
	case MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR:
		return KB_MSG_STR("file I/O error");
	case MBEDTLS_ERR_AES_INVALID_KEY_LENGTH:
		return KB_MSG_STR("AES: invalid key length");
	case MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH:
		return KB_MSG_STR("AES: invalid input length");
	case MBEDTLS_ERR_AES_BAD_INPUT_DATA:
		return KB_MSG_STR("AES: bad input data");
	case MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED:
		return KB_MSG_STR("hardware accelerator failed");
	case MBEDTLS_ERR_PLATFORM_FEATURE_UNSUPPORTED:
		return KB_MSG_STR("feature unsupported");
	case MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED:
		return KB_MSG_STR("internal corruption detected");
	case MBEDTLS_ERR_ERROR_GENERIC_ERROR:
		return KB_MSG_STR("generic error");
	default:
		return KB_MSG_STR("unknown mbedTLS error");
	}
}

/* -ret as an unsigned value for "-0x%04x" (mbedTLS codes are small
 * negatives; computed without overflowing on INT_MIN). */
static unsigned int mbedtls_err_abs(int ret)
{
	return ret < 0 ? 0u - (unsigned int)ret : (unsigned int)ret;
}

void kb_drbg_wipe(void)
{
	/* free zeroizes the context, then re-arms two fields for a later
	 * mbedtls_ctr_drbg_seed(); the second pass leaves no byte set (the
	 * next kb_drbg_seed() starts with mbedtls_ctr_drbg_init() anyway). */
	mbedtls_ctr_drbg_free(&kb_drbg);
	mbedtls_platform_zeroize(&kb_drbg, sizeof(kb_drbg));
	mbedtls_platform_zeroize(&kb_drbg_seeded, sizeof(kb_drbg_seeded));
}

int kb_drbg_seed(int (*entropy)(void *ctx, unsigned char *buf, size_t len),
		 void *ctx, size_t entropy_len, const void *pers,
		 size_t pers_len, struct kb_diag *d)
{
	size_t nonce_len;
	int ret;

	/* Never leave an earlier state behind, whatever happens next. */
	kb_drbg_wipe();

	if (entropy == NULL)
		return kb_diag_set(d, KB_EINVAL,
				   "crypto: CTR_DRBG seeding: no entropy source");
	if (entropy_len < KB_DRBG_ENTROPY_MIN ||
	    entropy_len > KB_DRBG_ENTROPY_MAX)
		return kb_diag_set(d, KB_EINVAL,
				   "crypto: CTR_DRBG seeding: entropy length %zu not in %d..%d bytes",
				   entropy_len, KB_DRBG_ENTROPY_MIN,
				   KB_DRBG_ENTROPY_MAX);
	if (pers == NULL && pers_len != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "crypto: CTR_DRBG seeding: personalization string is NULL but %zu bytes long",
				   pers_len);

	nonce_len = (entropy_len + 1) / 2;
	if (pers_len > MBEDTLS_CTR_DRBG_MAX_SEED_INPUT - entropy_len - nonce_len)
		return kb_diag_set(d, KB_EINVAL,
				   "crypto: CTR_DRBG seeding: entropy %zu + nonce %zu + personalization %zu bytes exceed %d",
				   entropy_len, nonce_len, pers_len,
				   MBEDTLS_CTR_DRBG_MAX_SEED_INPUT);

	mbedtls_ctr_drbg_init(&kb_drbg);
	mbedtls_ctr_drbg_set_entropy_len(&kb_drbg, entropy_len);
	ret = mbedtls_ctr_drbg_set_nonce_len(&kb_drbg, nonce_len);
	if (ret == 0)
		ret = mbedtls_ctr_drbg_seed(&kb_drbg, entropy, ctx,
					    (const unsigned char *)pers,
					    pers_len);
	if (ret != 0) {
		kb_drbg_wipe();
		return kb_diag_set(d, KB_EFAIL,
				   "crypto: CTR_DRBG seeding failed: %s (-0x%04x)",
				   mbedtls_err_str(ret), mbedtls_err_abs(ret));
	}
	/* Already the default; stated because the design depends on it. */
	mbedtls_ctr_drbg_set_prediction_resistance(&kb_drbg,
						   MBEDTLS_CTR_DRBG_PR_OFF);
	kb_drbg_seeded = 1;
	return 0;
}

int kb_drbg_ready(void)
{
	return kb_drbg_seeded;
}

int kb_drbg_random(void *buf, size_t len, struct kb_diag *d)
{
	unsigned char *p = buf;
	size_t n;
	int ret;

	if (!kb_drbg_seeded)
		return kb_diag_set(d, KB_EFAIL,
				   "crypto: CTR_DRBG used before it was seeded");
	if (buf == NULL && len != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "crypto: CTR_DRBG output buffer is NULL");

	while (len > 0) {
		n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ?
			len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
		ret = mbedtls_ctr_drbg_random(&kb_drbg, p, n);
		if (ret != 0) {
			/* No partial output, and no further use of a DRBG
			 * whose reseed or generate failed. */
			mbedtls_platform_zeroize(buf, (size_t)(p - (unsigned char *)buf) + n);
			kb_drbg_wipe();
			return kb_diag_set(d, KB_EFAIL,
					   "crypto: CTR_DRBG generate failed: %s (-0x%04x)",
					   mbedtls_err_str(ret),
					   mbedtls_err_abs(ret));
		}
		p += n;
		len -= n;
	}
	return 0;
}

int kb_drbg_uniform(uint64_t bound, uint64_t *out, struct kb_diag *d)
{
	unsigned char b[KB_UNIFORM_BITS / 8];
	kb_uniform_t threshold, x = 0, m;
	unsigned int i;
	int ret;

	if (bound == 0)
		return kb_diag_set(d, KB_EINVAL,
				   "crypto: uniform draw with bound 0");
	if (out == NULL)
		return kb_diag_set(d, KB_EINVAL,
				   "crypto: uniform draw with no output");
	/* 32-bit draws (a 32-bit loader): 2^32 is the largest bound there
	 * (a slot count: 2^32 one-byte slots fill the address space), and
	 * it is m = 0 below, every draw taken as it is. */
	if (KB_UNIFORM_BITS == 32 && bound > (UINT64_C(1) << 32))
		return kb_diag_set(d, KB_ERANGE,
				   "crypto: uniform draw with bound %llu, above 2^32 (32-bit draws: CONFIG_PHYS_ADDR_32BIT)",
				   (unsigned long long)bound);
	m = (kb_uniform_t)bound;

	/* 2^N mod bound (N = KB_UNIFORM_BITS, the draw's width), in N-bit
	 * arithmetic.  Draws below it are the partial last copy of
	 * [0, bound) and are rejected, which leaves exactly
	 * floor(2^N / bound) copies: no modulo bias.  At most half of all
	 * draws are rejected (bound = 2^(N-1) + 1). */
	threshold = m ? (0 - m) % m : 0;
	do {
		ret = kb_drbg_random(b, sizeof(b), d);
		if (ret != 0)
			goto out;
		x = 0;
		for (i = 0; i < sizeof(b); i++)
			x = (x << 8) | b[i];
	} while (x < threshold);
	*out = m ? x % m : x;
out:
	mbedtls_platform_zeroize(b, sizeof(b));
	mbedtls_platform_zeroize(&x, sizeof(x));
	return ret;
}

#ifdef KB_HOST_TEST
/* Test-only view of the context (to check that kb_drbg_wipe() leaves no
 * byte of it set). */
const void *kb_drbg_test_state(size_t *len);
const void *kb_drbg_test_state(size_t *len)
{
	*len = sizeof(kb_drbg);
	return &kb_drbg;
}
#endif
