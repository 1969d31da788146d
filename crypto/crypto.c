// SPDX-License-Identifier: BSD-2-Clause
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/version.h>

#include <stdbool.h>
#include <string.h>

#include <kaslrboot/crypto.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/sha256.h>
#include <kaslrboot/sha256_block.h>

/* The FIPS 180-4 / NIST CAVP two-block SHA-256 example (the 448-bit
 * message): one vector for the primitive.  It was one of three; the empty
 * message and "abc" added no coverage the loader relies on: "abc" runs the
 * same one compression and padding as this message's first block and its
 * tail, and the loader never hashes an empty input (a part of size 0 is
 * not read; the DTB and the header never are).  This one pads into a
 * second block (448 bits leave no room for the length), so both
 * compressions, the padding spill and, streamed in two pieces of 28
 * bytes, the partial-block buffering run; the unit tests keep the other
 * vectors (tests/host). */
static const char sha256_kat_msg[] =
	"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const uint8_t sha256_kat_digest[KB_SHA256_LEN] = {
	0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93,
	0x0c, 0x3e, 0x60, 0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67,
	0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1,
};

/* The vector one-shot and streamed in two pieces (the loader hashes
 * parts chunk by chunk as they arrive from flash). */
int kb_sha256_selftest(void)
{
	const char *m = sha256_kat_msg;
	const size_t n = sizeof(sha256_kat_msg) - 1, half = n / 2;
	uint8_t got[KB_SHA256_LEN];
	kb_sha256_ctx c;

	if (kb_sha256(m, n, got) != 0 || !kb_sha256_equal(got, sha256_kat_digest))
		return KB_EFAIL;
	memset(got, 0, sizeof(got));
	if (kb_sha256_start(&c) != 0 || kb_sha256_update(&c, m, half) != 0 ||
	    kb_sha256_update(&c, m + half, n - half) != 0 ||
	    kb_sha256_finish(&c, got) != 0 ||
	    !kb_sha256_equal(got, sha256_kat_digest))
		return KB_EFAIL;
	return 0;
}

int kb_crypto_cpu_check(const void *fdt, unsigned long hartid,
			const char **sha256_impl, struct kb_diag *d)
{
	/* printed only (main.c): a dictionary string with CONFIG_LOG_DICTIONARY */
	const char *impl = KB_MSG_STR("mbedTLS's portable C");

	(void)fdt;
	(void)hartid;
#if (defined(CONFIG_SHA256_ARMV8_CE_ONLY) || defined(CONFIG_AES_ARMV8_CE_ONLY)) && \
	defined(__aarch64__)
	uint64_t isar0;

	/* One read, readable at EL1 and above. */
	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
#if defined(CONFIG_SHA256_ARMV8_CE_ONLY)
	/* ID_AA64ISAR0_EL1.SHA2, bits 15:12: 0 none, 1 SHA-256, 2 also
	 * SHA-512. */
	if (((isar0 >> 12) & 0xf) == 0)
		return kb_diag_set(d, KB_EFAIL,
				   "crypto: the CPU lacks the SHA-256 instructions this build uses (ID_AA64ISAR0_EL1.SHA2 = 0): rebuild with CONFIG_SHA256_ARMV8_CE_NONE");
	impl = KB_MSG_STR("mbedTLS with the ARMv8-A SHA-256 instructions");
#endif
#if defined(CONFIG_AES_ARMV8_CE_ONLY)
	/* ID_AA64ISAR0_EL1.AES, bits 7:4: 0 none, 1 AESE/AESD/AESMC/AESIMC,
	 * 2 also PMULL. */
	if (((isar0 >> 4) & 0xf) == 0)
		return kb_diag_set(d, KB_EFAIL,
				   "crypto: the CPU lacks the AES instructions this build uses (ID_AA64ISAR0_EL1.AES = 0): rebuild with CONFIG_AES_ARMV8_CE_NONE");
#endif
#elif defined(CONFIG_SHA256_KB_BLOCK) && CONFIG_SHA256_KB_BLOCK
	bool zknh = false;

#if defined(CONFIG_SHA256_RISCV_ZKNH_POSSIBLE) && CONFIG_SHA256_RISCV_ZKNH_POSSIBLE
	/* Unprivileged instructions: the device tree's word is the test
	 * (there is no CSR to read from S-mode), and the known-answer
	 * self-test that follows runs them before any payload byte. */
	zknh = kb_fdt_hart_has_isa_ext(fdt, hartid, "zknh");
#if defined(CONFIG_SHA256_RISCV_ZKNH_ONLY) && CONFIG_SHA256_RISCV_ZKNH_ONLY
	if (!zknh)
		return kb_diag_set(d, KB_EFAIL,
				   "crypto: the boot hart's device tree does not list zknh, which this build's SHA-256 needs: rebuild with CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT");
#endif
#endif
	impl = kb_sha256_block_select(zknh);
#endif
	(void)d;
	if (sha256_impl)
		*sha256_impl = impl;
	return 0;
}

/*
 * The CTR_DRBG known-answer test: NIST CAVP CTR_DRBG, [AES-256 use df]
 * [PredictionResistance = False] [EntropyInputLen = 256] [NonceLen = 128]
 * [PersonalizationStringLen = 256] [AdditionalInputLen = 0]
 * [ReturnedBitsLen = 512], the vector mbedTLS's own self-test uses for it
 * (mbedtls_ctr_drbg_self_test()): instantiate (entropy || nonce, then
 * personalization), reseed (entropy), generate 64 bytes twice, compare
 * the second.  mbedTLS's test also runs a prediction-resistance vector
 * first; the loader never turns prediction resistance on, and that
 * vector reaches no code this one does not (the derivation function,
 * the reseed and the generate), so it is left out (0.3 KiB of vectors
 * and code on a Cortex-M0).
 */
static const unsigned char drbg_kat_entropy[32 + 16 + 32] = {
	/* entropy input */
	0x4c, 0xfb, 0x21, 0x86, 0x73, 0x34, 0x6d, 0x9d, 0x50, 0xc9, 0x22, 0xe4,
	0x9b, 0x0d, 0xfc, 0xd0, 0x90, 0xad, 0xf0, 0x4f, 0x5c, 0x3b, 0xa4, 0x73,
	0x27, 0xdf, 0xcd, 0x6f, 0xa6, 0x3a, 0x78, 0x5c,
	/* nonce */
	0x01, 0x69, 0x62, 0xa7, 0xfd, 0x27, 0x87, 0xa2, 0x4b, 0xf6, 0xbe, 0x47,
	0xef, 0x37, 0x83, 0xf1,
	/* entropy input for the reseed */
	0xb7, 0xec, 0x46, 0x07, 0x23, 0x63, 0x83, 0x4a, 0x1b, 0x01, 0x33, 0xf2,
	0xc2, 0x38, 0x91, 0xdb, 0x4f, 0x11, 0xa6, 0x86, 0x51, 0xf2, 0x3e, 0x3a,
	0x8b, 0x1f, 0xdc, 0x03, 0xb1, 0x92, 0xc7, 0xe7,
};
static const unsigned char drbg_kat_pers[32] = {
	0x88, 0xee, 0xb8, 0xe0, 0xe8, 0x3b, 0xf3, 0x29, 0x4b, 0xda, 0xcd, 0x60,
	0x99, 0xeb, 0xe4, 0xbf, 0x55, 0xec, 0xd9, 0x11, 0x3f, 0x71, 0xe5, 0xeb,
	0xcb, 0x45, 0x75, 0xf3, 0xd6, 0xa6, 0x8a, 0x6b,
};
static const unsigned char drbg_kat_result[64] = {
	0xa5, 0x51, 0x80, 0xa1, 0x90, 0xbe, 0xf3, 0xad, 0xaf, 0x28, 0xf6, 0xb7,
	0x95, 0xe9, 0xf1, 0xf3, 0xd6, 0xdf, 0xa1, 0xb2, 0x7d, 0xd0, 0x46, 0x7b,
	0x0c, 0x75, 0xf5, 0xfa, 0x93, 0x1e, 0x97, 0x14, 0x75, 0xb2, 0x7c, 0xae,
	0x03, 0xa2, 0x96, 0x54, 0xe2, 0xf4, 0x09, 0x66, 0xea, 0x33, 0x64, 0x30,
	0x40, 0xd1, 0x40, 0x0f, 0xe6, 0x77, 0x87, 0x3a, 0xf8, 0x09, 0x7c, 0x1f,
	0xe9, 0xf0, 0x02, 0x98,
};

static size_t drbg_kat_used;

/* The entropy callback: the vector's bytes in order, never past them. */
static int drbg_kat_entropy_read(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	if (len > sizeof(drbg_kat_entropy) - drbg_kat_used)
		return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
	memcpy(buf, drbg_kat_entropy + drbg_kat_used, len);
	drbg_kat_used += len;
	return 0;
}

int kb_ctr_drbg_selftest(void)
{
	mbedtls_ctr_drbg_context ctx;
	unsigned char buf[sizeof(drbg_kat_result)];
	int ret;

	drbg_kat_used = 0;
	mbedtls_ctr_drbg_init(&ctx);
	mbedtls_ctr_drbg_set_entropy_len(&ctx, 32);
	ret = mbedtls_ctr_drbg_set_nonce_len(&ctx, 16);
	if (ret == 0)
		ret = mbedtls_ctr_drbg_seed(&ctx, drbg_kat_entropy_read, NULL,
					    drbg_kat_pers, sizeof(drbg_kat_pers));
	if (ret == 0)
		ret = mbedtls_ctr_drbg_reseed(&ctx, NULL, 0);
	if (ret == 0)
		ret = mbedtls_ctr_drbg_random(&ctx, buf, sizeof(buf));
	if (ret == 0)
		ret = mbedtls_ctr_drbg_random(&ctx, buf, sizeof(buf));
	if (ret == 0 && memcmp(buf, drbg_kat_result, sizeof(buf)) != 0)
		ret = KB_EFAIL;
	/* Every entropy byte taken: the vector ran as specified. */
	if (ret == 0 && drbg_kat_used != sizeof(drbg_kat_entropy))
		ret = KB_EFAIL;
	mbedtls_ctr_drbg_free(&ctx);
	return ret == 0 ? 0 : KB_EFAIL;
}

int kb_crypto_selftest(void)
{
	if (kb_ctr_drbg_selftest() != 0)
		return KB_EFAIL;
	return kb_sha256_selftest();
}

const char *kb_crypto_version(void)
{
	return "mbedTLS " MBEDTLS_VERSION_STRING;
}
