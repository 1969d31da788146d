// SPDX-License-Identifier: BSD-2-Clause
/*
 * Compressed messages (CONFIG_LOG_COMPRESS): expand one format string of
 * the .kb_msg section from the byte-pair-encoded copy scripts/msgpack.py
 * made of it at build time (kaslrboot/msg.h, docs/size.md).
 *
 * The blob: n, then n rules of two bytes, then the stream.  A stream byte
 * b is rule i = (uint8_t)(b + 0x80) when i < n and the rule's first byte
 * is not 0 (token bytes are 0x80..0xff, then the control bytes 0x01..0x1f
 * the messages do not use), else itself.  Rules expand to earlier rules or
 * literals, never to NUL, so every message ends where the decoder writes
 * a NUL.  The messages are not indexed (no flash spent on that): the
 * decoder computes each rule's length (a table on the stack) and skips
 * every stream byte, and every rule, that ends before off: a line costs
 * a few instructions per compressed byte before it.
 */
#include <string.h>

#include <kaslrboot/msg.h>

char *kb_msg_decode(const uint8_t *blob, size_t off, char *buf)
{
	const uint8_t *rules = blob + 1, *in = rules + 2 * blob[0];
	uint8_t len[256], stk[KB_MSG_DEPTH], *sp = stk;
	unsigned int i, b;
	char *o = buf;

	/* How many bytes each byte value stands for: 1 for a literal, the sum
	 * of its two for a rule (rules use only earlier rules). */
	memset(len, 1, sizeof(len));
	for (i = 0; i < blob[0]; i++)
		if (rules[2 * i])
			len[(uint8_t)(i + 0x80)] = len[rules[2 * i]] + len[rules[2 * i + 1]];

	/* Skip whatever ends before off, expand what holds it, then copy
	 * to the NUL. */
	for (;;) {
		b = sp > stk ? *--sp : *in++;
		if (off >= len[b]) {
			off -= len[b];
		} else if (len[b] > 1) {
			i = (uint8_t)(b + 0x80);
			*sp++ = rules[2 * i + 1];
			*sp++ = rules[2 * i];
		} else {
			*o++ = (char)b;
			if (b == 0)
				return buf;
		}
	}
}

#ifdef KB_MSG_COMPRESS
/* The section (not loaded: only its addresses are used) and its
 * compressed copy, from the linker script and the generated blob. */
extern const char __kb_msg_start[], __kb_msg_end[];
extern const uint8_t kb_msg_blob[];

const char *kb_msg_expand(const char *fmt, char *buf)
{
	uintptr_t p = (uintptr_t)fmt, s = (uintptr_t)__kb_msg_start;

	if (p < s || p >= (uintptr_t)__kb_msg_end)
		return fmt;
	return kb_msg_decode(kb_msg_blob, p - s, buf);
}
#endif
