// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests for loader/lib/bootargs.c: matching a parameter name on a
 * kernel command line, tokenized like Linux's EFI stub (efi_parse_options()
 * over next_arg()): "name" and "name=<anything>" match, the value ignored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/bootargs.h>

/* has(s): the parameter "nokaslr" in the NUL-terminated s, len = strlen(s).  The
 * string is copied into a heap buffer of exactly strlen(s) bytes (no NUL),
 * so that ASan catches any read past len. */
static bool has_len(const char *s, size_t len, const char *name)
{
	char *buf = malloc(len ? len : 1);
	bool r;

	assert_non_null(buf);
	memcpy(buf, s, len);
	r = kb_bootargs_has_param(buf, len, name);
	free(buf);
	return r;
}

static bool has(const char *s)
{
	return has_len(s, strlen(s), "nokaslr");
}

static void test_exact_token(void **state)
{
	(void)state;
	assert_true(has("nokaslr"));
	assert_true(has("nokaslr console=ttyS0"));
	assert_true(has("console=ttyS0 nokaslr root=/dev/vda"));
	assert_true(has("console=ttyS0 root=/dev/vda nokaslr"));
	assert_true(has("  nokaslr  "));
	assert_true(has("nokaslr nokaslr"));
}

static void test_not_whole_token(void **state)
{
	(void)state;
	assert_false(has("nokaslrx"));
	assert_false(has("xnokaslr"));
	assert_false(has("foo=nokaslr"));
	assert_false(has("--nokaslr"));
	assert_false(has("nokasl"));
	assert_false(has("NOKASLR"));
	assert_false(has("console=ttyS0 nokaslrx xnokaslr"));
}

/* The EFI stub compares the parameter name (next_arg()'s param, before the
 * first '='): any value, even 0 or none, still names "nokaslr". */
static void test_with_value(void **state)
{
	(void)state;
	assert_true(has("nokaslr=1"));
	assert_true(has("nokaslr=0"));
	assert_true(has("nokaslr="));
	assert_true(has("nokaslr=no"));
	assert_true(has("nokaslr=="));
	assert_true(has("nokaslr=1=2"));
	assert_true(has("nokaslr=foo=nokaslrx"));
	assert_true(has("console=ttyS0 nokaslr=1 root=/dev/vda"));
	assert_true(has("nokaslr=\"a b\""));
	assert_true(has("nokaslr=\"a b\" quiet"));
	assert_true(has("nokaslr=\"a b"));		/* unterminated */
	assert_true(has("\"nokaslr=1\""));
	assert_true(has("\"nokaslr=a b\""));
	assert_true(has("\"nokaslr=\""));
	assert_true(has("\"nokaslr=1"));			/* unterminated */
	/* Not the name "nokaslr". */
	assert_false(has("nokaslrx=1"));
	assert_false(has("nokasl=r"));
	assert_false(has("nokaslr\"=1"));
	assert_false(has("\"nokaslr\"=1"));
	assert_false(has("nokaslr\"=1\""));
	assert_false(has("no\"kaslr\"=1"));
	assert_false(has("foo=nokaslr=1"));
	assert_false(has("foo=\"nokaslr=1\""));
	assert_false(has("\"a nokaslr=1\""));
	assert_false(has("\"a=1 nokaslr=1\""));
	/* A '=' in the token's first byte does not end the name (next_arg()
	 * only records a '=' at an index > 0): "=nokaslr" is the name
	 * "=nokaslr", "==nokaslr" the name "=". */
	assert_false(has("=nokaslr"));
	assert_false(has("\"=nokaslr\""));
	assert_false(has("==nokaslr"));
	assert_false(has("=nokaslr=1"));
	assert_true(has_len("=x=1", 4, "=x"));
	assert_true(has_len("==nokaslr", 9, "="));
	assert_false(has_len("=x=1", 4, ""));
	/* The value is never a parameter of its own. */
	assert_false(has("x=\" nokaslr\""));
	assert_false(has("x=\"a nokaslr=1\""));
}

/* "--" ends the parameters only as a bare token, with or without values
 * on either side. */
static void test_double_dash_with_value(void **state)
{
	(void)state;
	assert_false(has("-- nokaslr=1"));
	assert_false(has("console=ttyS0 -- nokaslr=0"));
	assert_false(has("\"--\" nokaslr=1"));
	assert_true(has("nokaslr=1 -- init=/bin/sh"));
	/* "--=x" has a value (next_arg() gives it one): not the end. */
	assert_true(has("--=1 nokaslr=1"));
	assert_true(has("--= nokaslr"));
	assert_true(has("\"--=\" nokaslr=1"));
	assert_true(has_len("--=1", 4, "--"));
}

/* The kaslrboot column of the table in docs/placement.md ("What each kernel
 * does"), row by row, after a leading console= as a real line has. */
static void test_placement_md_table(void **state)
{
	static const struct {
		const char *args;
		bool off;
	} row[] = {
		{ "console=ttyS0 nokaslr", true },
		{ "console=ttyS0 nokaslr=1", true },
		{ "console=ttyS0 nokaslr=0", true },
		{ "console=ttyS0 nokaslrx", false },
		{ "console=ttyS0 foo=nokaslr", false },
		{ "console=ttyS0 \"a nokaslr\"", false },
		{ "console=ttyS0 \"a nokaslr b\"", false },
		{ "console=ttyS0 -- nokaslr", false },
		{ "console=ttyS0 \"nokaslr\"", true },
		{ "console=ttyS0 xnokaslr nokaslr", true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(row) / sizeof(row[0]); i++) {
		if (has(row[i].args) != row[i].off)
			fail_msg("'%s': want KASLR %s", row[i].args,
				 row[i].off ? "off" : "on");
	}
}

static void test_double_dash(void **state)
{
	(void)state;
	/* After a bare "--" everything belongs to init. */
	assert_false(has("-- nokaslr"));
	assert_false(has("console=ttyS0 -- nokaslr"));
	assert_false(has("\"--\" nokaslr"));
	/* Only a bare one: these are ordinary tokens. */
	assert_false(has("--nokaslr"));
	assert_true(has("--x nokaslr"));
	assert_true(has("--=1 nokaslr"));
	assert_true(has("--- nokaslr"));
	/* Before the "--" it still counts. */
	assert_true(has("nokaslr -- init=/bin/sh"));
}

static void test_quotes(void **state)
{
	(void)state;
	assert_true(has("\"nokaslr\""));
	assert_true(has("a \"nokaslr\" b"));
	assert_false(has("\"a nokaslr b\""));
	assert_false(has("\"a nokaslr\" b"));
	assert_false(has("foo=\"bar nokaslr\""));
	assert_false(has("foo=\"bar nokaslr\" baz"));
	assert_true(has("foo=\"bar baz\" nokaslr"));
	/* Quotes group white space but only a leading one (and its partner
	 * at the very end) is removed, as next_arg() does. */
	assert_false(has("no\"kaslr\""));
	assert_false(has("\"nokaslr\"x"));
	assert_false(has("\"\"nokaslr"));
	assert_false(has("\"\""));
	assert_false(has("\""));
}

static void test_unterminated_quote(void **state)
{
	(void)state;
	assert_true(has("\"nokaslr"));
	assert_true(has("console=ttyS0 \"nokaslr"));
	assert_false(has("\"a nokaslr"));
	assert_false(has("\"a nokaslr b"));
	assert_false(has("foo=\"bar nokaslr"));
}

static void test_whitespace(void **state)
{
	(void)state;
	assert_true(has("console=ttyS0\tnokaslr"));
	assert_true(has("console=ttyS0\nnokaslr\n"));
	assert_true(has("\t\n\v\f\r nokaslr\r\n"));
	assert_true(has("a\tnokaslr\tb"));
	assert_false(has("a\tnokaslr\x01"));
	/* White space inside quotes does not separate. */
	assert_false(has("\"a\tnokaslr\""));
	/* The kernel's isspace() (lib/ctype.c) also counts 0xa0, so
	 * next_arg() splits there; other bytes >= 0x80 and controls do not. */
	assert_true(has("console=ttyS0\xa0" "nokaslr"));
	assert_true(has("\xa0" "nokaslr=1\xa0"));
	assert_false(has("\"a\xa0" "nokaslr\""));
	assert_false(has("x\xa1" "nokaslr"));
	assert_false(has("x\x85" "nokaslr"));
	assert_false(has("x\x1c" "nokaslr"));
}

static void test_empty(void **state)
{
	(void)state;
	assert_false(has(""));
	assert_false(has(" "));
	assert_false(has(" \t\n\r\v\f "));
	assert_false(kb_bootargs_has_param(NULL, 0, "nokaslr"));
	assert_false(kb_bootargs_has_param(NULL, 10, "nokaslr"));
	assert_false(kb_bootargs_has_param("nokaslr", 0, "nokaslr"));
	/* An empty or absent name matches nothing, not even an empty token. */
	assert_false(kb_bootargs_has_param("nokaslr", 7, ""));
	assert_false(kb_bootargs_has_param("\"\"", 2, ""));
	assert_false(kb_bootargs_has_param("nokaslr", 7, NULL));
}

static void test_len_truncates(void **state)
{
	(void)state;
	/* Only the first len bytes are looked at. */
	assert_true(has_len("nokaslr", 7, "nokaslr"));
	assert_false(has_len("nokaslr", 6, "nokaslr"));
	assert_true(has_len("nokaslrx", 7, "nokaslr"));
	assert_false(has_len("abc nokaslr", 4, "nokaslr"));
	assert_true(has_len("abc nokaslr def", 11, "nokaslr"));
	assert_false(has_len("abc nokaslr def", 10, "nokaslr"));
	assert_true(has_len("\"nokaslr\" x", 8, "nokaslr"));	/* unterminated */
	assert_true(has_len("\"nokaslr\" x", 9, "nokaslr"));
	/* ... with a value: the cut may fall in the name or the value. */
	assert_true(has_len("nokaslr=1", 9, "nokaslr"));
	assert_true(has_len("nokaslr=1", 8, "nokaslr"));
	assert_true(has_len("nokaslr=1", 7, "nokaslr"));
	assert_false(has_len("nokaslr=1", 6, "nokaslr"));
	assert_true(has_len("\"nokaslr=1\"", 3 + 7, "nokaslr"));
	assert_false(has_len("nokaslrx=1", 8, "nokaslr"));
}

static void test_embedded_nul(void **state)
{
	static const char s1[] = "console=ttyS0\0nokaslr";
	static const char s2[] = "nokaslr\0x";
	static const char s3[] = "\"a\0 nokaslr";
	static const char s4[] = "nokaslr\0=1";
	static const char s5[] = "nokaslr=\0x nokaslr";
	static const char s6[] = "no\0kaslr=1";

	(void)state;
	assert_false(has_len(s1, sizeof(s1) - 1, "nokaslr"));
	assert_true(has_len(s2, sizeof(s2) - 1, "nokaslr"));
	assert_false(has_len(s3, sizeof(s3) - 1, "nokaslr"));
	assert_true(has_len(s4, sizeof(s4) - 1, "nokaslr"));
	assert_true(has_len(s5, sizeof(s5) - 1, "nokaslr"));
	assert_false(has_len(s6, sizeof(s6) - 1, "nokaslr"));
	/* A generous len on a terminated string stops at the NUL. */
	assert_true(kb_bootargs_has_param("nokaslr", 4096, "nokaslr"));
	assert_false(kb_bootargs_has_param("nokasl", SIZE_MAX, "nokaslr"));
}

static void test_other_names(void **state)
{
	(void)state;
	assert_true(has_len("quiet splash", 12, "quiet"));
	assert_true(has_len("quiet splash", 12, "splash"));
	assert_false(has_len("quiet splash", 12, "quiet splash"));
	assert_true(has_len("\"quiet splash\"", 14, "quiet splash"));
	assert_true(has_len("x -- y", 6, "x"));
	assert_false(has_len("x -- y", 6, "y"));
}

/* A 4 KiB command line: many tokens, the parameter at the very end, at the very
 * start, or absent; and one 4 KiB token. */
static void test_4k(void **state)
{
	enum { LEN = 4096 };
	char *s = malloc(LEN);
	size_t i;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < LEN; i++)
		s[i] = (i % 8 == 7) ? ' ' : "abcdefg"[i % 8];
	assert_false(kb_bootargs_has_param(s, LEN, "nokaslr"));
	memcpy(s + LEN - 7, "nokaslr", 7);
	s[LEN - 8] = ' ';
	assert_true(kb_bootargs_has_param(s, LEN, "nokaslr"));
	assert_false(kb_bootargs_has_param(s, LEN - 1, "nokaslr"));
	memcpy(s, "nokaslr ", 8);
	memcpy(s + LEN - 7, "abcdefg", 7);
	assert_true(kb_bootargs_has_param(s, LEN, "nokaslr"));
	/* One token of 4 KiB (its last bytes spell the name). */
	memset(s, 'x', LEN);
	memcpy(s + LEN - 7, "nokaslr", 7);
	assert_false(kb_bootargs_has_param(s, LEN, "nokaslr"));
	/* One 4 KiB token "nokaslr=xxx...": the name matches, the value is
	 * read to its end and ignored. */
	memset(s, 'x', LEN);
	memcpy(s, "nokaslr=", 8);
	assert_true(kb_bootargs_has_param(s, LEN, "nokaslr"));
	s[7] = 'x';
	assert_false(kb_bootargs_has_param(s, LEN, "nokaslr"));
	/* An opening quote that swallows the whole line. */
	memset(s, ' ', LEN);
	s[0] = '"';
	memcpy(s + LEN - 7, "nokaslr", 7);
	assert_false(kb_bootargs_has_param(s, LEN, "nokaslr"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_token),
		cmocka_unit_test(test_not_whole_token),
		cmocka_unit_test(test_with_value),
		cmocka_unit_test(test_placement_md_table),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_double_dash_with_value),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_len_truncates),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_other_names),
		cmocka_unit_test(test_4k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
