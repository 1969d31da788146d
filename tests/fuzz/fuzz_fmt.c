// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: kb_vsnprintf against the host's vsnprintf
 * (tests/fmt_check.h: the same return value and output at every buffer
 * size, nothing written past it).  Built with -DKB_FMT_DIV32=1: the rv32
 * loader's 64-bit decimals from 32-bit divisions.
 *
 * Input: records of 12 bytes, each one directive between two literal
 * texts: byte 0 the conversion (d i u x X c s p, by value mod 8), byte 1
 * the length (none, l, ll, z) and flags ('-' bit 2, '0' bit 3, '*' width
 * bit 4, '.*' precision bit 5 for %s), byte 2 the width (0..31) or the
 * precision, byte 3 the literal texts' lengths (0..7 each), bytes 4..11
 * the value (for %s: the string's length and characters come from it).
 * The literal texts are the following input bytes, '%' and NUL mapped
 * to other characters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FUZZ_NAME "fuzz_fmt"
#include "fuzz.h"
#include "../fmt_check.h"

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

static size_t literal(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (in[i] == '%' || in[i] == '\0') ? '.' : (char)in[i];
	return n;
}

static void one(const uint8_t *r, const uint8_t *lit, size_t litlen)
{
	static const char conv[] = "diuxXcsp";
	static const char *const lmod[] = { "", "l", "ll", "z" };
	char fmt[64], str[9];
	char c = conv[r[0] % 8];
	unsigned int lm = r[1] & 3, w = r[2] % 32, pre = (r[3] & 7), post = (r[3] >> 4) & 7;
	int left = r[1] & 4, zero = r[1] & 8, star = r[1] & 16, pstar = r[1] & 32;
	uint64_t v = get64(r + 4);
	size_t n = 0;
	const char *why;

	if (c == 'c' || c == 's' || c == 'p')
		lm = 0, zero = 0;	/* no length; '0' undefined there */
	if (c != 's')
		pstar = 0;
	if (pre + post > litlen)
		pre = post = 0;
	fmt[n++] = '[';
	n += literal(fmt + n, lit, pre);
	fmt[n++] = '%';
	if (left)
		fmt[n++] = '-';
	if (zero)
		fmt[n++] = '0';
	if (star)
		fmt[n++] = '*';
	else if (w)
		n += (size_t)snprintf(fmt + n, 4, "%u", w);
	if (pstar)
		n += (size_t)snprintf(fmt + n, 4, ".*");
	n += (size_t)snprintf(fmt + n, 4, "%s", lmod[lm]);
	fmt[n++] = c;
	n += literal(fmt + n, lit + pre, post);
	fmt[n++] = ']';
	fmt[n] = '\0';

	int sw = (int)(int8_t)r[2] % 40;	/* '*' widths, negative too */
	int sp = (int)(int8_t)r[2] % 12;	/* '.*' precisions, negative too */

#define ARGS(x) (star ? fmt_cross_check(fmt, sw, x) : fmt_cross_check(fmt, x))
	switch (c) {
	case 'd': case 'i':
		why = lm == 0 ? ARGS((int)v) : lm == 1 ? ARGS((long)v) :
		      lm == 2 ? ARGS((long long)v) : ARGS((ptrdiff_t)v);
		break;
	case 'u': case 'x': case 'X':
		why = lm == 0 ? ARGS((unsigned int)v) : lm == 1 ? ARGS((unsigned long)v) :
		      lm == 2 ? ARGS((unsigned long long)v) : ARGS((size_t)v);
		break;
	case 'c':
		why = ARGS((int)(v & 0xff));
		break;
	case 'p':
		/* NULL differs by design ("0x0", glibc "(nil)") */
		why = ARGS((void *)(uintptr_t)(v | 1));
		break;
	default:	/* 's': up to 8 characters of the value, no NUL inside */
		for (n = 0; n < (v & 7); n++)
			str[n] = (char)(r[5 + n] ? r[5 + n] : '_');
		str[n] = '\0';
		if (pstar)
			why = star ? fmt_cross_check(fmt, sw, sp, str) : fmt_cross_check(fmt, sp, str);
		else
			why = ARGS(str);
		break;
	}
#undef ARGS
	CHECK(why == NULL, "%s", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	while (size >= 12) {
		one(data, data + 12, size - 12);
		data += 12;
		size -= 12;
	}
	return 0;
}
