// SPDX-License-Identifier: BSD-2-Clause
/*
 * vsnprintf/snprintf for the Cortex-M build.  newlib-nano's formatted
 * output (nano.specs) is built without long long support: "%llx" and the
 * PRI*64 macros print "lx" and then read the wrong arguments, and the
 * loader prints 64-bit addresses and sizes everywhere.  This replaces the
 * library's (an object file wins over an archive member): integers only,
 * what the loader's formats use: flags '-' and '0', width and precision
 * (numbers or '*'), lengths hh h l ll z j t, conversions d i u x X c s p %.
 * C99 semantics: the result is always NUL-terminated within n and the
 * return value is the length the whole output would have had.  And
 * printf() onto the loader's console (below).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kaslrboot/console.h>

struct out {
	char *buf;
	size_t n, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int k)
{
	while (k-- > 0)
		put(o, c);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };

	for (; *fmt; fmt++) {
		int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
		char tmp[24], *t;
		unsigned long long v = 0;
		int neg = 0, base = 10, upper = 0, len;
		const char *s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else if (*fmt != ' ' && *fmt != '+' && *fmt != '#')
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 't')
				lng = sizeof(size_t) == sizeof(long long) ? 2 : 1;
			else if (*fmt == 'j')
				lng = 2;
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case '\0':
			fmt--;
			continue;
		case '%':
			put(&o, '%');
			continue;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			s = tmp;
			len = 1;
			goto str;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			for (len = 0; s[len] && (prec < 0 || len < prec); len++)
				;
str:
			if (!left)
				pad(&o, ' ', width - len);
			for (int i = 0; i < len; i++)
				put(&o, s[i]);
			if (left)
				pad(&o, ' ', width - len);
			continue;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			base = 16;
			put(&o, '0');
			put(&o, 'x');
			width -= 2;
			break;
		case 'd':
		case 'i': {
			long long sv = lng >= 2 ? va_arg(ap, long long) :
				       lng == 1 ? va_arg(ap, long) : va_arg(ap, int);

			neg = sv < 0;
			v = neg ? 0 - (unsigned long long)sv : (unsigned long long)sv;
			break;
		}
		case 'X':
			upper = 1;
			/* fall through */
		case 'x':
			base = 16;
			/* fall through */
		case 'u':
			v = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			break;
		default:	/* unknown: print it as it is */
			put(&o, '%');
			put(&o, *fmt);
			continue;
		}
		t = tmp + sizeof(tmp);
		do {
			unsigned int dgt = (unsigned int)(v % (unsigned int)base);

			*--t = (char)(dgt < 10 ? '0' + dgt : (upper ? 'A' : 'a') + dgt - 10);
			v /= (unsigned int)base;
		} while (v);
		len = (int)(tmp + sizeof(tmp) - t);
		{
			int digits = prec > len ? prec : len;
			int total = digits + neg;

			if (!left && !(zero && prec < 0))
				pad(&o, ' ', width - total);
			if (neg)
				put(&o, '-');
			if (!left && zero && prec < 0)
				pad(&o, '0', width - total);
			pad(&o, '0', digits - len);
			while (t < tmp + sizeof(tmp))
				put(&o, *t++);
			if (left)
				pad(&o, ' ', width - total);
		}
	}
	if (n)
		buf[o.len < n ? o.len : n - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

/* What third-party code that insists on printf() (mbedTLS's self-tests,
 * referenced from aes.o even where unused) gets: the loader's console,
 * never newlib's stdio (which would need _write and a heap). */
int printf(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kb_printf("%s", buf);
	return r;
}
