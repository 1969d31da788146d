/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cross-check of kb_vsnprintf against the host C library's vsnprintf,
 * shared by tests/host/test_fmt.c and tests/fuzz/fuzz_fmt.c: one format
 * and its arguments, the host's output as the reference, then kb_vsnprintf
 * at every buffer size from 0 to the output's length + 2.
 */
#ifndef KASLRBOOT_TESTS_FMT_CHECK_H
#define KASLRBOOT_TESTS_FMT_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kaslrboot/fmt.h>

#define FMT_CHECK_MAX 512

/* NULL if kb_vsnprintf agrees with vsnprintf at every size: the same
 * return value (the whole length), the same first size - 1 characters,
 * a NUL after them, and no byte written at or past size (size 0: buf is
 * NULL, so any write faults).  Else a one-line description of the first
 * difference, in a static buffer. */
static const char *fmt_cross_check(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), unused));
static const char *fmt_cross_check(const char *fmt, ...)
{
	static char why[4 * FMT_CHECK_MAX];
	char ref[FMT_CHECK_MAX], out[FMT_CHECK_MAX + 16];
	const char *res = NULL;
	va_list ap, aq;
	int rlen, n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	rlen = vsnprintf(ref, sizeof(ref), fmt, aq);
	va_end(aq);
	if (rlen < 0 || rlen >= FMT_CHECK_MAX) {
		snprintf(why, sizeof(why), "\"%s\": the host's vsnprintf returned %d (test limit %d)",
			 fmt, rlen, FMT_CHECK_MAX - 1);
		res = why;
		goto out;
	}
	for (size_t size = 0; size <= (size_t)rlen + 2; size++) {
		size_t keep = size == 0 ? 0 : (size - 1 < (size_t)rlen ? size - 1 : (size_t)rlen);

		memset(out, 0x5a, sizeof(out));
		va_copy(aq, ap);
		n = kb_vsnprintf(size ? out : NULL, size, fmt, aq);
		va_end(aq);
		if (n != rlen) {
			snprintf(why, sizeof(why), "\"%s\" (size %zu): kb_vsnprintf returned %d, vsnprintf %d (\"%.*s\")",
				 fmt, size, n, rlen, rlen, ref);
			res = why;
			goto out;
		}
		if (size && (memcmp(out, ref, keep) != 0 || out[keep] != '\0')) {
			snprintf(why, sizeof(why), "\"%s\" (size %zu): kb_vsnprintf wrote \"%.*s\", vsnprintf \"%.*s\"",
				 fmt, size, (int)keep, out, (int)keep, ref);
			res = why;
			goto out;
		}
		for (size_t i = size; i < (size_t)rlen + 16; i++) {
			if (out[i] != 0x5a) {
				snprintf(why, sizeof(why), "\"%s\" (size %zu): kb_vsnprintf wrote byte %zu, past the size",
					 fmt, size, i);
				res = why;
				goto out;
			}
		}
	}
out:
	va_end(ap);
	return res;
}

#endif
