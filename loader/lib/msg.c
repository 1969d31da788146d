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
 * a NUL.  The stream is decoded from its start up to off: the section's
 * messages are not indexed, which costs time per printed line (about ten
 * instructions per byte of .kb_msg before it), not flash.
 */
#include <kaslrboot/msg.h>

char *kb_msg_decode(const uint8_t *blob, size_t off, char *buf)
{
	const uint8_t *rules = blob + 1, *in = rules + 2 * blob[0];
	uint8_t stk[KB_MSG_DEPTH];
	unsigned int sp = 0;
	char *o = buf;

	for (;;) {
		unsigned int b = sp ? stk[--sp] : *in++;
		unsigned int i = (uint8_t)(b + 0x80);

		if (i < blob[0] && rules[2 * i]) {
			stk[sp++] = rules[2 * i + 1];
			stk[sp++] = rules[2 * i];
		} else if (off) {
			off--;
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
