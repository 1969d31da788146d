/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Little-endian fields for the tests and fuzzers that build or read
 * images (containers, ELF, Images) byte by byte, whatever the host's
 * byte order and the buffer's alignment.  tools/kbimage.c keeps its own
 * writer on purpose: the tests read what it writes independently.
 */
#ifndef KASLRBOOT_TESTS_LE_H
#define KASLRBOOT_TESTS_LE_H

#include <stdint.h>

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#endif
