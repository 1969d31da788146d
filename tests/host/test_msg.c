// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: kb_msg_decode (CONFIG_LOG_COMPRESS, loader/lib/msg.c) on
 * scripts/msgpack.py's output.  MSG_DATA_H (generated) holds a section of
 * NUL-terminated messages and its blob: by default every string literal
 * of the loader's sources; tests/qemu-riscv-m/msg_compress.sh builds this
 * test again on a real build's .kb_msg and the blob linked into it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <kaslrboot/msg.h>

#include MSG_DATA_H

/* Decode at off into a heap buffer of exactly KB_MSG_MAX bytes (ASan
 * catches a write past it) and compare with the section's own text. */
static void check_at(size_t off)
{
	char *buf = malloc(KB_MSG_MAX);
	const char *want = (const char *)msg_section + off;

	assert_non_null(buf);
	assert_ptr_equal(kb_msg_decode(msg_blob, off, buf), buf);
	if (strcmp(buf, want) != 0)
		fail_msg("offset %zu: decoded \"%s\", want \"%s\"", off, buf, want);
	free(buf);
}

/* Every message (every offset at the start or after a NUL, padding NULs
 * included), and every 13th offset inside one (a pointer into a message
 * is its suffix). */
static void test_every_message(void **state)
{
	size_t off, n = 0;

	(void)state;
	assert_true(msg_section_len > 0);
	assert_int_equal(msg_section[msg_section_len - 1], 0);
	for (off = 0; off < msg_section_len; off++) {
		if (off == 0 || msg_section[off - 1] == 0 || off % 13 == 0) {
			check_at(off);
			n++;
		}
	}
	assert_true(n > 100);
	/* the blob really is smaller than what it holds */
	assert_true(sizeof(msg_blob) < msg_section_len);
}

/* A blob made by hand: rule 0 (byte 0x80) = "ab", rule 1 (0x81) = rule 0
 * twice; 139 slots, so byte 0x0a (slot 138, rule bytes 0) is a literal,
 * as the script makes every control byte the messages use. */
static void test_hand_made(void **state)
{
	uint8_t blob[1 + 2 * 139 + 8];
	char buf[KB_MSG_MAX];
	size_t i = 1 + 2 * 139;

	(void)state;
	memset(blob, 0, sizeof(blob));
	blob[0] = 139;
	blob[1] = 'a';
	blob[2] = 'b';
	blob[3] = 0x80;
	blob[4] = 0x80;
	/* section: "abab\n" NUL "ab" NUL "x" NUL */
	blob[i++] = 0x81;
	blob[i++] = 0x0a;
	blob[i++] = 0;
	blob[i++] = 0x80;
	blob[i++] = 0;
	blob[i++] = 'x';
	blob[i++] = 0;
	assert_string_equal(kb_msg_decode(blob, 0, buf), "abab\n");
	assert_string_equal(kb_msg_decode(blob, 1, buf), "bab\n");
	assert_string_equal(kb_msg_decode(blob, 3, buf), "b\n");
	assert_string_equal(kb_msg_decode(blob, 5, buf), "");
	assert_string_equal(kb_msg_decode(blob, 6, buf), "ab");
	assert_string_equal(kb_msg_decode(blob, 9, buf), "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_message),
		cmocka_unit_test(test_hand_made),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
