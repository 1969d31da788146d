// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: kb_snprintf (loader/lib/fmt.c) against the host C library's
 * snprintf, for every conversion, length, flag and width the tree formats
 * with (and a few more), over edge and random values, truncated at every
 * buffer size (tests/fmt_check.h); then what it does not interpret.
 * Built twice: test_fmt (64-bit division, as on rv64 and arm64) and
 * test_fmt32 (-DKB_FMT_DIV32=1: 64-bit decimals from 32-bit divisions, as
 * on rv32).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../fmt_check.h"
#include <kaslrboot/diag.h>
#include <kaslrboot/fmt.h>

static unsigned long checks;

#define XC(...) do {							\
	const char *why_ = fmt_cross_check(__VA_ARGS__);		\
	checks++;							\
	if (why_)							\
		fail_msg("%s", why_);					\
} while (0)

/* The flags and widths of the tree's directives (%02x %03u %04x %08x
 * %016llx %-6s ...) and around them. */
static const char *const flagw[] = {
	"", "-", "0", "-0", "0-",
	"1", "2", "3", "4", "6", "8", "16", "19", "20", "21", "25",
	"-1", "-6", "-8", "-20", "-25",
	"01", "02", "03", "04", "08", "016", "020", "021", "025",
	"-02", "-016",
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible, no host RNG */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

#define NVALS 64
static uint64_t vals[NVALS];

static void fill_vals(void)
{
	static const uint64_t edge[] = {
		0, 1, 9, 10, 11, 99, 100, 65535, 65536, 655359, 655360,
		999999999, 1000000000, 4294967295u, 4294967296ull, 4294967297ull,
		42949672950ull, 9999999999999999999ull, 10000000000000000000ull,
		UINT64_MAX, UINT64_MAX - 1, INT64_MAX, (uint64_t)INT64_MIN,
		(uint64_t)INT64_MIN + 1, (uint64_t)-1 - 9, (uint64_t)INT32_MIN,
		(uint64_t)INT32_MAX, 0x7fffffffffff0000ull, 0xffffffff0000ffffull,
		0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x80000000u,
	};
	unsigned int i = 0;

	for (; i < sizeof(edge) / sizeof(edge[0]); i++)
		vals[i] = edge[i];
	for (; i < NVALS; i++)
		vals[i] = rnd() >> (rnd() % 64);	/* every magnitude */
}

static char fmtbuf[64];

static const char *mkfmt(const char *fw, const char *len, char conv)
{
	snprintf(fmtbuf, sizeof(fmtbuf), "<%%%s%s%c>", fw, len, conv);
	return fmtbuf;
}

/* -Wformat cannot see through the built formats: each call passes the
 * type the length modifier names. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

static void test_integers(void **state)
{
	static const char conv[] = "diuxX";

	(void)state;
	fill_vals();
	for (unsigned int c = 0; c < sizeof(conv) - 1; c++) {
		int sgn = conv[c] == 'd' || conv[c] == 'i';

		for (unsigned int f = 0; f < sizeof(flagw) / sizeof(flagw[0]); f++) {
			for (unsigned int i = 0; i < NVALS; i++) {
				uint64_t v = vals[i];

				if (sgn) {
					XC(mkfmt(flagw[f], "", conv[c]), (int)v);
					XC(mkfmt(flagw[f], "l", conv[c]), (long)v);
					XC(mkfmt(flagw[f], "ll", conv[c]), (long long)v);
					XC(mkfmt(flagw[f], "z", conv[c]), (ptrdiff_t)v);
				} else {
					XC(mkfmt(flagw[f], "", conv[c]), (unsigned int)v);
					XC(mkfmt(flagw[f], "l", conv[c]), (unsigned long)v);
					XC(mkfmt(flagw[f], "ll", conv[c]), (unsigned long long)v);
					XC(mkfmt(flagw[f], "z", conv[c]), (size_t)v);
				}
			}
		}
	}
	/* the PRI macros the tree spells its 64-bit values with */
	for (unsigned int i = 0; i < NVALS; i++) {
		XC("%" PRIu64 " %" PRIx64 " %016" PRIx64 " %" PRId64 " %" PRIu32 " %08" PRIx32,
		   vals[i], vals[i], vals[i], (int64_t)vals[i], (uint32_t)vals[i], (uint32_t)vals[i]);
		XC("%" PRIuPTR " 0x%" PRIxPTR, (uintptr_t)vals[i], (uintptr_t)vals[i]);
		XC("%u.%02u %" PRIu64 ".%02" PRIu64 " %u.%03u", (unsigned int)vals[i] % 1000,
		   (unsigned int)(vals[i] % 100), vals[i], vals[i] % 100, 3u, (unsigned int)(vals[i] % 1000));
	}
	/* '*' widths, negative ones mean '-' */
	for (int w = -25; w <= 25; w++) {
		XC("[%*d]", w, -42);
		XC("[%0*llx]", w, 0xabcdefull);
		XC("[%-*u]", w, 7u);
		XC("[%*s]", w, "abc");
	}
	print_message("# %lu formats cross-checked at every buffer size\n", checks);
}

static void test_strings_chars(void **state)
{
	static const char *const strs[] = { "", "a", "ab", "memory", "0123456789abcdef",
					   "a much longer string than any width in the table" };
	char nonterm[4] = { 'w', 'x', 'y', 'z' };	/* no NUL: %.*s must stop */
	const char *volatile null = NULL;

	(void)state;
	for (unsigned int f = 0; f < sizeof(flagw) / sizeof(flagw[0]); f++) {
		/* '0' with %s and %c is undefined in C: spaces here */
		if (strchr(flagw[f], '0') && flagw[f][strspn(flagw[f], "-")] == '0')
			continue;
		for (unsigned int i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			XC(mkfmt(flagw[f], "", 's'), strs[i]);
		XC(mkfmt(flagw[f], "", 'c'), 'Q');
		XC(mkfmt(flagw[f], "", 'c'), 0);
		XC(mkfmt(flagw[f], "", 'c'), 0xe9);
		XC(mkfmt(flagw[f], "", 's'), null);	/* "(null)", as glibc */
	}
	for (int p = -1; p <= 60; p++)
		for (unsigned int i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
			XC("[%.*s]", p, strs[i]);
			XC("[%-10.*s|%10.*s]", p, strs[i], p, strs[i]);
		}
	for (int p = 0; p <= 4; p++)
		XC("<%.*s>", p, nonterm);
	XC("%.3s|%.0s|%.10s|%5.2s|%-5.2s|", "abcdef", "abc", "ab", "xyz", "xyz");
	XC("100%% %s %%%d%%", "sure", 5);
	XC("no directives at all");
	XC("%s", "");
	XC("%s", "");
}

static void test_pointers(void **state)
{
	int x;
	char buf[64];

	(void)state;
	XC("%p", (void *)&x);
	XC("[%30p] [%-30p] [%3p]", (void *)&x, (void *)&x, (void *)buf);
	XC("%p", (void *)(uintptr_t)0xdeadbeef);
	XC("%p", (void *)UINTPTR_MAX);
	/* NULL: "0x0" (glibc says "(nil)", picolibc "0x0") */
	assert_int_equal(kb_snprintf(buf, sizeof(buf), "%p|%5p", (void *)0, (void *)0), 9);
	assert_string_equal(buf, "0x0|  0x0");
}

/* Directives it does not interpret come out as written, consume no
 * argument, and the rest of the line is still formatted. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void test_not_ours(void **state)
{
	static const struct { const char *fmt, *want; } t[] = {
		{ "%.3d|%d", "%.3d|7" },
		{ "%5.2x|%d", "%5.2x|7" },
		{ "%hhd|%d", "%hhd|7" },
		{ "%hd|%d", "%hd|7" },
		{ "%jd|%d", "%jd|7" },
		{ "%td|%d", "%td|7" },
		{ "%+d|%d", "%+d|7" },
		{ "% d|%d", "% d|7" },
		{ "%#x|%d", "%#x|7" },
		{ "%f|%d", "%f|7" },
		{ "%Lf|%d", "%Lf|7" },
		{ "%o|%d", "%o|7" },
		{ "%n|%d", "%n|7" },
		{ "%ls|%d", "%ls|7" },
		{ "%lc|%d", "%lc|7" },
		{ "%lp|%d", "%lp|7" },
		{ "%5%|%d", "%5%|7" },
		{ "%q|%d", "%q|7" },
		{ "%d|%", "7|%" },
		{ "%d|%-08", "7|%-08" },
		{ "%d|%ll", "7|%ll" },
		{ "%d|%.", "7|%." },
	};
	char buf[32];

	(void)state;
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int n = kb_snprintf(buf, sizeof(buf), t[i].fmt, 7);

		if (strcmp(buf, t[i].want) != 0 || n != (int)strlen(t[i].want))
			fail_msg("\"%s\": \"%s\" (%d), want \"%s\"", t[i].fmt, buf, n, t[i].want);
		/* truncated too: the raw directive counts like any output */
		for (size_t size = 0; size <= strlen(t[i].want); size++) {
			char small[32];

			memset(small, 0x5a, sizeof(small));
			assert_int_equal(kb_snprintf(size ? small : NULL, size, t[i].fmt, 7),
					 (int)strlen(t[i].want));
			if (size) {
				assert_memory_equal(small, t[i].want, size - 1);
				assert_int_equal(small[size - 1], '\0');
			}
			assert_int_equal((unsigned char)small[size], size ? 0x5a : 0x5a);
		}
	}
}

/* kb_fmt_dec and kb_fmt_cat (what a dictionary build formats its fixed
 * strings with, instead of kb_vsnprintf) against snprintf; kb_size_str,
 * built on them, against the "%llu %s" it replaced. */
static void test_dec_cat(void **state)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	char want[64], got[64], dec[21];

	(void)state;
	fill_vals();
	for (unsigned int i = 0; i < NVALS + 4; i++) {
		uint64_t v = i < NVALS ? vals[i] : (uint64_t[]){ 0, 9, 10, UINT64_MAX }[i - NVALS];
		unsigned int u = 0;
		uint64_t w = v;

		dec[20] = '\0';
		snprintf(want, sizeof(want), "%" PRIu64, v);
		assert_string_equal(kb_fmt_dec(dec + 20, v), want);

		/* kb_size_str: the largest unit dividing v, as before */
		while (w != 0 && (w & 1023) == 0 && u < 6) {
			w >>= 10;
			u++;
		}
		snprintf(want, sizeof(want), "%" PRIu64 " %s", w, unit[u]);
		for (size_t size = 0; size <= strlen(want) + 1; size++) {
			memset(got, 0x5a, sizeof(got));
			assert_ptr_equal(kb_size_str(v, got, size), got);
			if (size) {
				assert_memory_equal(got, want, size - 1 < strlen(want) ? size - 1 : strlen(want));
				assert_int_equal(got[size - 1 < strlen(want) ? size - 1 : strlen(want)], '\0');
			}
			assert_int_equal((unsigned char)got[size], 0x5a);
		}
	}
	assert_string_equal(kb_size_str(512ull << 20, got, sizeof(got)), "512 MiB");
	assert_string_equal(kb_size_str(1ull << 63, got, sizeof(got)), "8 EiB");
	assert_string_equal(kb_size_str(3ull << 10 | 1, got, sizeof(got)), "3073 B");
	/* kb_fmt_cat: a, b, c cut at every size as snprintf("%s%s%s") */
	for (size_t size = 0; size <= 12; size++) {
		memset(got, 0x5a, sizeof(got));
		memset(want, 0x5a, sizeof(want));
		if (size)
			snprintf(want, size, "%s%s%s", "<node ", "-12", ">");
		assert_ptr_equal(kb_fmt_cat(got, size, "<node ", "-12", ">"), got);
		assert_memory_equal(got, want, sizeof(got));
	}
	assert_string_equal(kb_fmt_cat(got, sizeof(got), "", "", ""), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_strings_chars),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_dec_cat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
