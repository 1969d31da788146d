// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests for crypto/sha256_block.c: the portable unrolled C
 * compression function and the Zknh one (its four instructions emulated in
 * C as the Zknh specification defines them), each driven through the
 * FIPS 180-4 padding written here, against the FIPS 180-4 / CAVP example
 * digests and against mbedTLS's own SHA-256 on every length from 0 to 300
 * bytes at nine alignments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <kaslrboot/sha256.h>
#include <kaslrboot/sha256_block.h>

typedef void block_fn(uint32_t state[8], const uint8_t *data);

/* SHA-256 of msg with one of the compression functions (FIPS 180-4 5.1.1
 * padding, 5.3.3 initial value). */
static void digest(block_fn *blk, const uint8_t *msg, size_t len, uint8_t out[32])
{
	uint32_t s[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	uint8_t last[128] = { 0 };
	size_t full = len / 64 * 64, rest = len - full, n;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t i = 0; i < full; i += 64)
		blk(s, msg + i);
	memcpy(last, msg + full, rest);
	last[rest] = 0x80;
	n = rest + 1 + 8 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		last[n - 1 - i] = (uint8_t)(bits >> (8 * i));
	for (size_t i = 0; i < n; i += 64)
		blk(s, last + i);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s[i] >> 8);
		out[4 * i + 3] = (uint8_t)s[i];
	}
}

static void hex(const char *h, uint8_t out[32])
{
	for (int i = 0; i < 32; i++)
		assert_int_equal(sscanf(h + 2 * i, "%2hhx", &out[i]), 1);
}

static const struct {
	const char *msg;
	const char *digest;
} fips[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void check_fips(block_fn *blk)
{
	uint8_t got[32], want[32];

	for (size_t i = 0; i < sizeof(fips) / sizeof(fips[0]); i++) {
		digest(blk, (const uint8_t *)fips[i].msg, strlen(fips[i].msg), got);
		hex(fips[i].digest, want);
		assert_memory_equal(got, want, 32);
	}
}

/* One million 'a' (FIPS 180-2 appendix B.3). */
static void check_million_a(block_fn *blk)
{
	static _Alignas(8) uint8_t m[1000000];
	uint8_t got[32], want[32];

	memset(m, 'a', sizeof(m));
	digest(blk, m, sizeof(m), got);
	hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want);
	assert_memory_equal(got, want, 32);
}

/* Against mbedTLS's SHA-256: every length 0..300, message at offsets 0..8
 * from an 8-byte boundary (word loads where aligned, bytes otherwise). */
static void check_vs_mbedtls(block_fn *blk)
{
	static _Alignas(8) uint8_t buf[300 + 8];
	uint8_t got[32], want[32];
	uint32_t x = 0x12345678;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t off = 0; off <= 8; off++) {
		for (size_t len = 0; len <= 300; len++) {
			assert_int_equal(kb_sha256(buf + off, len, want), 0);
			digest(blk, buf + off, len, got);
			if (memcmp(got, want, 32) != 0)
				fail_msg("length %zu at offset %zu differs from mbedTLS", len, off);
		}
	}
}

static void test_c_fips(void **state) { (void)state; check_fips(kb_sha256_block_c); }
static void test_c_million(void **state) { (void)state; check_million_a(kb_sha256_block_c); }
static void test_c_vs_mbedtls(void **state) { (void)state; check_vs_mbedtls(kb_sha256_block_c); }
static void test_zknh_fips(void **state) { (void)state; check_fips(kb_sha256_block_zknh); }
static void test_zknh_million(void **state) { (void)state; check_million_a(kb_sha256_block_zknh); }
static void test_zknh_vs_mbedtls(void **state) { (void)state; check_vs_mbedtls(kb_sha256_block_zknh); }

/* The emulated instructions: RV64 semantics (only the low 32 bits of rs1
 * are read; the result is sign-extended), and known values: each function
 * of 0x80000000 is the sum of its single-bit rotations / shift. */
static void test_zknh_emulation(void **state)
{
	(void)state;
	/* 0x80000000: ror 2/13/22 -> 0x20000000 ^ 0x00040000 ^ 0x00000200 */
	assert_int_equal(kb_emu_sha256sum0(0x80000000), 0x20040200);
	/* ror 6/11/25 -> 0x02000000 ^ 0x00100000 ^ 0x00000040 */
	assert_int_equal(kb_emu_sha256sum1(0x80000000), 0x02100040);
	/* ror 7, ror 18, shr 3 -> 0x01000000 ^ 0x00002000 ^ 0x10000000 */
	assert_int_equal(kb_emu_sha256sig0(0x80000000), 0x11002000);
	/* ror 17, ror 19, shr 10 -> 0x00004000 ^ 0x00001000 ^ 0x00200000 */
	assert_int_equal(kb_emu_sha256sig1(0x80000000), 0x00205000);
	/* upper half of rs1 ignored */
	assert_int_equal(kb_emu_sha256sum0(0xdeadbeef80000000ull), 0x20040200);
	/* bit 31 of the result copied upwards: sig0(0x40) = ror 7 (bit 31)
	 * ^ ror 18 (bit 20) ^ shr 3 (bit 3) */
	assert_int_equal(kb_emu_sha256sig0(0x40), 0xffffffff80100008ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c_fips),
		cmocka_unit_test(test_c_million),
		cmocka_unit_test(test_c_vs_mbedtls),
		cmocka_unit_test(test_zknh_emulation),
		cmocka_unit_test(test_zknh_fips),
		cmocka_unit_test(test_zknh_million),
		cmocka_unit_test(test_zknh_vs_mbedtls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
