/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot's own snprintf: C99 semantics for exactly the conversions the
 * loader formats with, no floating point, no locale, and no 64-bit
 * division (on rv32 a "%llu" through the C library links libgcc's
 * __udivdi3/__umoddi3, 1.7 KiB; here 64-bit decimals are divided by 10 in
 * 16-bit steps with 32-bit divisions).  A pure module: the loader, the
 * host tools and the host tests all format through it.
 *
 * Supported: flags '-' and '0'; a width (digits or '*'); a precision
 * (digits or '*') for %s only; length modifiers l, ll, z; conversions
 * d i u x X c s p %.  %s of NULL prints "(null)", %p prints "0x" and the
 * hexadecimal address (NULL is "0x0").  Anything else (another flag, a
 * precision on a number, hh/h/j/t/L, a float, %n) is not interpreted:
 * the directive is copied to the output as written, so it shows, and no
 * argument is consumed.
 *
 * Return value and truncation as C99 snprintf: the length the whole
 * output would have, not counting the NUL; at most size - 1 characters
 * are stored, and the output is always NUL-terminated when size > 0.
 */
#ifndef KASLRBOOT_FMT_H
#define KASLRBOOT_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int kb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int kb_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The two pieces the loader's fixed strings are made of, without the
 * formatter (a dictionary build, CONFIG_LOG_DICTIONARY, links no
 * kb_vsnprintf; docs/size.md):
 * kb_fmt_dec: the decimal digits of v written backwards, ending just
 * before end (at most 20, no NUL); returns the first.
 * kb_fmt_cat: a, b and c (NUL-terminated, any of them "") one after the
 * other into buf, cut to size - 1 bytes and NUL-terminated as snprintf
 * would (nothing written when size is 0); returns buf. */
char *kb_fmt_dec(char *end, uint64_t v);
char *kb_fmt_cat(char *buf, size_t size, const char *a, const char *b,
		 const char *c);

#endif
