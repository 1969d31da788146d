// SPDX-License-Identifier: BSD-2-Clause
/*
 * Dictionary logging (CONFIG_LOG_DICTIONARY, docs/size.md): a line whose
 * format string is in the dictionary (.kb_msg, never loaded) is printed as
 * a record that tools/kblog turns back into the text, from the ELF:
 *
 *   record := '~' kind hash id (',' arg)* CR LF
 *             kind 'l' kb_log, 'e' kb_error, 'p' kb_printf; hash: 8 hex
 *             digits, kb_dict_hash; id: the format's offset in .kb_msg
 *   arg    := hex                    an integer, its bits (lowercase hex)
 *           | "'" chars "'"          a string, whole
 *           | "'" chars '"'          a string, cut (longer than the line)
 *           | '@' hex                a string of the dictionary, its offset
 *           | '!'                    a NULL string
 *           | '{' id (',' arg)* '}'  a struct kb_diag's record
 *           | '[' id (',' arg)* ']'  the same, a leading "container: "
 *                                    dropped (slot.c)
 *   chars  := printable ASCII but ' " \, the rest as '\' and 2 hex digits
 *
 * The argument kinds of every message come from kb_dict_sig, generated
 * from the first link's .kb_msg (scripts/kbdict.py says how): per string
 * that takes arguments its distance from the previous one, then their
 * number and kinds, 2 bits each; 0xff at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/msg.h>

extern const uint8_t kb_dict_sig[];
extern const uint32_t kb_dict_hash;

/* The longest string printed whole, as kb_vsnprintf's line (255). */
#define STR_MAX (KB_MSG_MAX - 1)

struct out {
	void (*putc)(char);	/* NULL: into buf */
	char *buf;
	size_t left;		/* buf: room left, the NUL excluded */
};

static void put(struct out *o, char c)
{
	if (o->putc) {
		o->putc(c);
	} else if (o->left) {
		*o->buf++ = c;
		o->left--;
	}
}

static void hex(struct out *o, uint64_t v, int digits)
{
	int s = 60;

	while (s > 0 && (s >= digits * 4) && !(v >> s))
		s -= 4;
	for (; s >= 0; s -= 4)
		put(o, "0123456789abcdef"[(v >> s) & 15]);
}

/* A string: from the dictionary, a nested record, or its bytes (at most
 * max, escaped; in a buffer, within room bytes of output). */
static void str(struct out *o, const char *s, size_t max, size_t room)
{
	size_t n;

	if (s == NULL) {
		put(o, '!');
	} else if (kb_dict_is(s)) {
		put(o, '@');
		hex(o, (uintptr_t)s - (uintptr_t)__kb_msg_start, 1);
	} else if (*s == KB_DICT_NEST || *s == KB_DICT_STRIP) {
		char open = *s == KB_DICT_NEST ? '{' : '[';

		s += *s == KB_DICT_NEST ? 2 : 1;
		for (n = 0; s[n]; n++)
			;
		if (n + 2 > room) {
			put(o, '\'');
			put(o, '"');
			return;
		}
		put(o, open);
		while (*s)
			put(o, *s++);
		put(o, open + 2);	/* '}' or ']' */
	} else {
		put(o, '\'');
		for (n = 0; *s && n < max && room >= 5; n++, s++) {
			unsigned char c = (unsigned char)*s;

			if (c < 0x20 || c > 0x7e || c == '\'' || c == '"' || c == '\\') {
				put(o, '\\');
				hex(o, c, 2);
				room -= 3;
			} else {
				put(o, (char)c);
				room--;
			}
		}
		put(o, *s ? '"' : '\'');
	}
}

/* id and arguments of fmt (kb_dict_is()). */
static void record(struct out *o, const char *fmt, va_list ap)
{
	size_t off = (uintptr_t)fmt - (uintptr_t)__kb_msg_start, at = 0;
	const uint8_t *t = kb_dict_sig;
	uint32_t sig = 0;
	unsigned int i, n;

	hex(o, off, 1);
	/* fmt's signature; none: no arguments (kblog refuses an id that
	 * is no message's start, or a record short of arguments) */
	while (*t != 0xff) {
		size_t delta = *t++;

		if (delta & 0x80)
			delta = (delta & 0x7f) << 8 | *t++;
		at += delta;
		n = (4 + 2 * (*t & 15) + 7) / 8;
		if (at >= off) {
			if (at == off)
				for (i = 0; i < n; i++)
					sig |= (uint32_t)t[i] << (8 * i);
			break;
		}
		t += n;
	}
	n = sig & 15;
	for (sig >>= 4, i = 0; i < n; i++, sig >>= 2) {
		unsigned int kind = (sig & 3) + 1;

		put(o, ',');
		if (kind == 2) {
			hex(o, va_arg(ap, unsigned long long), 1);
		} else if (kind == 1) {
			hex(o, va_arg(ap, unsigned int), 1);
		} else {
			/* In a buffer: room for the later arguments, 18
			 * characters each, and the closing quote. */
			size_t room = (size_t)-1, max = STR_MAX;

			if (!o->putc) {
				room = 18 * (n - i - 1) + 1;
				room = o->left > room ? o->left - room : 0;
			}
			if (kind == 4) {
				int prec = va_arg(ap, int);

				hex(o, (unsigned int)prec, 1);
				put(o, ',');
				if (prec >= 0 && (size_t)prec < max)
					max = (size_t)prec;
			}
			str(o, va_arg(ap, const char *), max, room);
		}
	}
}

void kb_dict_vprint(void (*putc)(char), char kind, const char *fmt, va_list ap)
{
	struct out o = { .putc = putc };

	put(&o, '~');
	put(&o, kind);
	hex(&o, kb_dict_hash, 8);
	record(&o, fmt, ap);
	put(&o, '\r');
	put(&o, '\n');
}

void kb_dict_vset(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .left = size - 1 };

	put(&o, KB_DICT_NEST);
	put(&o, KB_DICT_STRIP);
	record(&o, fmt, ap);
	*o.buf = '\0';
}
