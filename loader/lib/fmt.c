// SPDX-License-Identifier: BSD-2-Clause
/*
 * kaslrboot's snprintf (kaslrboot/fmt.h says what it supports and why).
 */
#include <limits.h>
#include <stdint.h>

#include <kaslrboot/fmt.h>

/* 64-bit decimals from 32-bit divisions only: the default where long is
 * 32 bits (rv32, where a 64-bit '/' or '%' calls libgcc); the host tests
 * build the module both ways (-DKB_FMT_DIV32=1 and =0). */
#ifndef KB_FMT_DIV32
#define KB_FMT_DIV32 (__SIZEOF_LONG__ < 8)
#endif

struct kb_fmt_out {
	char *buf;
	size_t size;
	size_t len;	/* what the whole output would take */
};

static void put(struct kb_fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct kb_fmt_out *o, char c, unsigned int n)
{
	while (n-- > 0)
		put(o, c);
}

/* *v /= 10, returning the remainder. */
static unsigned int divmod10(uint64_t *v)
{
#if KB_FMT_DIV32
	/* Long division by 10 in 16-bit digits: each partial dividend is
	 * (remainder < 10) * 2^16 + 16 bits < 2^20, and each partial quotient
	 * fits its 16 bits. */
	uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v, mid, low, r;

	r = hi % 10;
	hi /= 10;
	mid = r << 16 | lo >> 16;
	r = mid % 10;
	mid /= 10;
	low = r << 16 | (lo & 0xffff);
	r = low % 10;
	low /= 10;
	*v = (uint64_t)hi << 32 | mid << 16 | low;
	return r;
#else
	unsigned int r = (unsigned int)(*v % 10);

	*v /= 10;
	return r;
#endif
}

char *kb_fmt_dec(char *end, uint64_t v)
{
	do
		*--end = (char)('0' + divmod10(&v));
	while (v != 0);
	return end;
}

char *kb_fmt_cat(char *buf, size_t size, const char *a, const char *b,
		 const char *c)
{
	const char *part[3] = { a, b, c };
	size_t n = 0;
	unsigned int i;

	if (size == 0)
		return buf;
	for (i = 0; i < 3; i++)
		for (const char *s = part[i]; *s && n + 1 < size; s++)
			buf[n++] = *s;
	buf[n] = '\0';
	return buf;
}

int kb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct kb_fmt_out o = { buf, size, 0 };
	char c, tmp[24], *p;

	while ((c = *fmt++) != '\0') {
		const char *spec = fmt - 1, *s, *prefix = "";
		unsigned int width = 0, prec = UINT_MAX, n, plen = 0, lmod = 0;
		int left = 0, zero = 0, numeric = 0;
		uint64_t v;

		if (c != '%') {
			put(&o, c);
			continue;
		}
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		if (*fmt == '*') {
			int w = va_arg(ap, int);

			fmt++;
			if (w < 0) {
				left = 1;
				width = -(unsigned int)w;
			} else {
				width = (unsigned int)w;
			}
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (unsigned int)(*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				int pr = va_arg(ap, int);

				fmt++;
				prec = pr < 0 ? UINT_MAX : (unsigned int)pr;
			} else {
				prec = 0;
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (unsigned int)(*fmt++ - '0');
			}
		}
		if (*fmt == 'l') {
			lmod = 1;
			if (*++fmt == 'l') {
				lmod = 2;
				fmt++;
			}
		} else if (*fmt == 'z') {
			lmod = 3;
			fmt++;
		}
		c = *fmt;
		if (c == '\0')
			goto raw;
		fmt++;

		switch (c) {
		case '%':
			if (fmt - spec != 2)
				goto raw;
			put(&o, '%');
			continue;
		case 'c':
			if (lmod)
				goto raw;
			tmp[0] = (char)va_arg(ap, int);
			s = tmp;
			n = 1;
			break;
		case 's':
			if (lmod)
				goto raw;
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			for (n = 0; n < prec && s[n] != '\0'; n++)
				;
			break;
		case 'p':
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
			if (prec != UINT_MAX || (c == 'p' && lmod))
				goto raw;
			if (c == 'p') {
				v = (uintptr_t)va_arg(ap, void *);
				prefix = "0x";
				plen = 2;
			} else if (c == 'd' || c == 'i') {
				int64_t sv;

				if (lmod == 2)
					sv = va_arg(ap, long long);
				else if (lmod == 1)
					sv = va_arg(ap, long);
				else if (lmod == 3)
					sv = va_arg(ap, ptrdiff_t);
				else
					sv = va_arg(ap, int);
				v = (uint64_t)sv;
				if (sv < 0) {
					v = -v;
					prefix = "-";
					plen = 1;
				}
			} else if (lmod == 2) {
				v = va_arg(ap, unsigned long long);
			} else if (lmod == 1) {
				v = va_arg(ap, unsigned long);
			} else if (lmod == 3) {
				v = va_arg(ap, size_t);
			} else {
				v = va_arg(ap, unsigned int);
			}
			p = tmp + sizeof(tmp);
			if (c == 'd' || c == 'i' || c == 'u') {
				p = kb_fmt_dec(p, v);
			} else {
				do {
					unsigned int d = (unsigned int)v & 15;

					v >>= 4;
					*--p = (char)("0123456789abcdef"[d] -
						      (c == 'X' && d > 9 ? 'a' - 'A' : 0));
				} while (v != 0);
			}
			s = p;
			n = (unsigned int)(tmp + sizeof(tmp) - p);
			numeric = 1;
			break;
		default:
raw:			/* not ours: show the directive as written */
			while (spec < fmt)
				put(&o, *spec++);
			if (c == '\0')
				goto out;
			continue;
		}

		/* [spaces] [prefix] [zeros] body [spaces] */
		n += plen;
		width = width > n ? width - n : 0;
		zero = zero && numeric && !left;
		if (!left && !zero)
			pad(&o, ' ', width);
		while (*prefix != '\0')
			put(&o, *prefix++);
		if (zero)
			pad(&o, '0', width);
		for (n -= plen; n > 0; n--)
			put(&o, *s++);
		if (left)
			pad(&o, ' ', width);
	}
out:
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? -1 : (int)o.len;
}

int kb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
