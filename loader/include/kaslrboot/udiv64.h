/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 64-bit unsigned division for the rv32 loader: the compact
 * __udivdi3/__umoddi3 that replace libgcc's there (loader/lib/udiv64.c).
 */
#ifndef KASLRBOOT_UDIV64_H
#define KASLRBOOT_UDIV64_H

#include <stdint.h>

/* n / d, and n % d into *rem if rem is not NULL.  d must not be 0. */
uint64_t kb_udivmod64(uint64_t n, uint64_t d, uint64_t *rem);

#endif
