// SPDX-License-Identifier: BSD-2-Clause
/*
 * memcpy and memset for RISC-V.  picolibc's RISC-V multilibs are built
 * for size: both move one byte per loop pass (memcpy six instructions per
 * byte), and the payload load copies every payload byte from flash and
 * zeroes the kernel's BSS with them.  Being defined here, the library's
 * objects are never pulled in.  Four 8-byte (rv32: 4-byte) words per
 * pass where both pointers are word-aligned, bytes otherwise (the loader
 * is built with -mstrict-align: no unaligned word accesses).
 * -fno-builtin semantics: the pragma keeps GCC from turning the loops
 * back into calls to these functions.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#pragma GCC optimize("no-tree-loop-distribute-patterns")

typedef unsigned long word;
#define W sizeof(word)

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & (W - 1)) == 0) {
		for (; n >= 4 * W; n -= 4 * W, d += 4 * W, s += 4 * W) {
			word a = ((const word *)s)[0], b = ((const word *)s)[1];
			word c = ((const word *)s)[2], e = ((const word *)s)[3];

			((word *)d)[0] = a;
			((word *)d)[1] = b;
			((word *)d)[2] = c;
			((word *)d)[3] = e;
		}
		for (; n >= W; n -= W, d += W, s += W)
			*(word *)d = *(const word *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	for (; n && ((uintptr_t)d & (W - 1)); n--)
		*d++ = (uint8_t)c;
	if (n >= W) {
		word v = (word)(uint8_t)c * (~(word)0 / 0xff);

		for (; n >= 4 * W; n -= 4 * W, d += 4 * W) {
			((word *)d)[0] = v;
			((word *)d)[1] = v;
			((word *)d)[2] = v;
			((word *)d)[3] = v;
		}
		for (; n >= W; n -= W, d += W)
			*(word *)d = v;
	}
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}
