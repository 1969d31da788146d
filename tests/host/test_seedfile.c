// SPDX-License-Identifier: BSD-2-Clause
/*
 * The seed record carried across boots (loader/lib/seedfile.c): a record
 * round-trips; an erased sector, a foreign one, another version, any
 * flipped byte (digest), non-zero reserved bytes and a short buffer are
 * each refused with their one line, and nothing is copied out then.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/seedfile.h>
#include <kaslrboot/sha256.h>

static struct kb_diag d;

static void fill(uint8_t *seed)
{
	for (int i = 0; i < KB_SEEDFILE_SEED_LEN; i++)
		seed[i] = (uint8_t)(i * 37 + 11);
}

static void expect(const uint8_t *rec, size_t len, const char *msg)
{
	uint8_t out[KB_SEEDFILE_SEED_LEN];
	uint64_t gen = 77;

	memset(out, 0x5a, sizeof(out));
	assert_int_equal(kb_seedfile_parse(rec, len, out, &gen, &d), KB_EINVAL);
	assert_string_equal(d.msg, msg);
	assert_int_equal(gen, 77);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0x5a);
}

static void test_round_trip(void **state)
{
	uint8_t rec[KB_SEEDFILE_SIZE], seed[KB_SEEDFILE_SEED_LEN], out[KB_SEEDFILE_SEED_LEN];
	uint64_t gen = 0;

	(void)state;
	fill(seed);
	kb_seedfile_build(rec, seed, 0x0102030405060708ULL);
	assert_memory_equal(rec, "KBSEED\0\0", 8);
	assert_int_equal(rec[8], 1);
	assert_int_equal(rec[16], 8);	/* little-endian generation */
	assert_int_equal(rec[23], 1);
	assert_int_equal(kb_seedfile_parse(rec, sizeof(rec), out, &gen, &d), 0);
	assert_memory_equal(out, seed, sizeof(seed));
	assert_true(gen == 0x0102030405060708ULL);
}

static void test_refusals(void **state)
{
	uint8_t rec[KB_SEEDFILE_SIZE], seed[KB_SEEDFILE_SEED_LEN];

	(void)state;
	memset(rec, 0xff, sizeof(rec));
	expect(rec, sizeof(rec), "seed: the sector is erased (0xff): no seed stored yet");
	rec[100] = 0;	/* not all 0xff: not "erased" */
	expect(rec, sizeof(rec), "seed: bad magic");
	expect(rec, sizeof(rec) - 1, "seed: 119 bytes are too few for a record (120)");
	expect(NULL, sizeof(rec), "seed: 0 bytes are too few for a record (120)");

	fill(seed);
	kb_seedfile_build(rec, seed, 5);
	rec[8] = 2;
	expect(rec, sizeof(rec), "seed: unsupported version 2 (expected 1)");
	/* every byte under the digest, and the digest itself */
	for (size_t i = 0; i < sizeof(rec); i++) {
		kb_seedfile_build(rec, seed, 5);
		rec[i] ^= 0x01;
		if (i < 8)
			expect(rec, sizeof(rec), "seed: bad magic");
		else if (i < 12) {
			char m[64];

			snprintf(m, sizeof(m), "seed: unsupported version %u (expected 1)",
				 1u ^ (1u << (8 * (i - 8))));
			expect(rec, sizeof(rec), m);
		}
		else
			expect(rec, sizeof(rec), "seed: SHA-256 mismatch (corrupted or half-written)");
	}
	kb_seedfile_build(rec, seed, 5);
	rec[13] = 1;	/* reserved, rehashed */
	assert_int_equal(kb_sha256(rec, 88, rec + 88), 0);
	expect(rec, sizeof(rec), "seed: reserved bytes are not zero");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
