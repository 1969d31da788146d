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

int kb_crypto_selftest(void)
{
	/* verbose = 0: mbedTLS prints nothing, the caller logs one line */
	if (mbedtls_ctr_drbg_self_test(0) != 0)
		return KB_EFAIL;
	return kb_sha256_selftest();
}

const char *kb_crypto_version(void)
{
	return "mbedTLS " MBEDTLS_VERSION_STRING;
}
