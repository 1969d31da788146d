// SPDX-License-Identifier: BSD-2-Clause
/* Host tests: kb_parse_spans (CONFIG_PLAN_EXTRA_AVOID syntax). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/spans.h>

static struct kb_span s[4];
static struct kb_diag d;
static unsigned int n;

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(kb_parse_spans("", s, 4, &n, &d), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kb_parse_spans("  ", s, 4, &n, &d), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kb_parse_spans(NULL, s, 4, &n, &d), 0);
	assert_int_equal(n, 0);
	assert_int_equal(kb_parse_spans("0x80000000-0x80200000", s, 4, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].first, 0x80000000);
	assert_int_equal(s[0].last, 0x801fffff);
	assert_int_equal(kb_parse_spans(" 16 - 32 , 0x100-0x101,0xffffffffffffffff-0xffffffffffffffff", s, 4, &n, &d),
			 KB_EINVAL);	/* last one is empty */
	assert_int_equal(kb_parse_spans(" 16 - 32 , 0x100-0x101", s, 4, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].first, 16);
	assert_int_equal(s[0].last, 31);
	assert_int_equal(s[1].first, 0x100);
	assert_int_equal(s[1].last, 0x100);
	/* any case of hex digits and of the 0x; isspace()'s white space;
	 * the largest decimal that fits */
#if KB_PHYS_BITS == 64
	assert_int_equal(kb_parse_spans("\t0XAbC \v-\n0xaBd\r\f,0-18446744073709551615", s, 4, &n, &d), 0);
#else
	assert_int_equal(kb_parse_spans("\t0XAbC \v-\n0xaBd\r\f,0-4294967295", s, 4, &n, &d), 0);
#endif
	assert_int_equal(n, 2);
	assert_int_equal(s[0].first, 0xabc);
	assert_int_equal(s[0].last, 0xabc);
	assert_int_equal(s[1].first, 0);
	assert_true(s[1].last == KB_PHYS_MAX - 1);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"0x10", "0x10-", "-0x10", "0x20-0x10", "0x10-0x10", "a-b",
		"0x10-0x20,", "0x10-0x20;0x30-0x40", "-1-5", "0x10-0x20 0x30-0x40",
		"0x10000000000000000-0x10000000000000001",
		"0-18446744073709551619",	/* 2^64 + 3: the last digit overflows */
		"0-18446744073709551620",	/* the multiplication overflows */
		"0-0x1ffffffffffffffff", "0xg-0x10", "0x1g-0x10", "0x-0x10",
#if KB_PHYS_BITS < 64
		/* 32-bit addresses (test_spans_phys32): above 4 GiB - 1 */
		"0x100000000-0x100001000", "0xfffff000-0x100000000",
		"0-4294967296",		/* 2^32: the last digit overflows */
		"0-42949672950",	/* the multiplication overflows */
#endif
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d.msg[0] = 0;
		assert_int_equal(kb_parse_spans(bad[i], s, 4, &n, &d), KB_EINVAL);
		assert_non_null(strstr(d.msg, "avoid: bad range"));
	}
}

static void test_full(void **state)
{
	(void)state;
	assert_int_equal(kb_parse_spans("1-2,3-4,5-6,7-8,9-10", s, 4, &n, &d), KB_ENOSPC);
	assert_string_equal(d.msg, "avoid: more than 4 ranges");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
