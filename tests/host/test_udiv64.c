// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: kb_udivmod64 (loader/lib/udiv64.c, the rv32 loader's
 * __udivdi3/__umoddi3) against the host's 64-bit '/' and '%': edge
 * dividends and divisors (0, 1, 2^32 +- 1, 2^63 +- 1, 2^64 - 1: the
 * 32-bit fast path's boundary and divisors above 2^63, where the shifted
 * remainder carries out), every pair of them, and a million random pairs
 * of every magnitude.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <kaslrboot/udiv64.h>

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static void one(uint64_t n, uint64_t d)
{
	uint64_t r = 0xdead, q = kb_udivmod64(n, d, &r);

	if (q != n / d || r != n % d)
		fail_msg("%#llx / %#llx: %#llx rem %#llx, want %#llx rem %#llx",
			 (unsigned long long)n, (unsigned long long)d, (unsigned long long)q,
			 (unsigned long long)r, (unsigned long long)(n / d), (unsigned long long)(n % d));
	assert_true(kb_udivmod64(n, d, NULL) == n / d);
}

static void test_edges(void **state)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 7, 10, 12, 24, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, 0x100000001ull, 0x1ffffffffull,
		0x123456789abcdefull, 0x7fffffffffffffffull, 0x8000000000000000ull,
		0x8000000000000001ull, 0xc000000000000000ull, 0xfffffffffffffffeull,
		UINT64_MAX,
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (unsigned int j = 0; j < sizeof(v) / sizeof(v[0]); j++)
			if (v[j] != 0)
				one(v[i], v[j]);
}

static void test_random(void **state)
{
	(void)state;
	for (int i = 0; i < 1000000; i++) {
		uint64_t n = rnd() >> (rnd() % 64), d = rnd() >> (rnd() % 64);

		if (d == 0)
			d = 1;
		one(n, d);
		one(n, (d >> 1) | 0x8000000000000000ull);	/* above 2^63 */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
