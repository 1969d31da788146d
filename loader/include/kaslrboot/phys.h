/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The width of a physical address or size in the loader.
 *
 * 64 bits by default.  With CONFIG_PHYS_ADDR_32BIT (the 32-bit boards:
 * rv32 ilp32 and Cortex-M) kb_phys_t is 32 bits wide: the loader then
 * only handles memory below 4 GiB, and every 64-bit add, compare, shift
 * and divide on an address becomes one 32-bit instruction instead of
 * several or a libgcc call.  Where a 64-bit value from the input (a
 * device tree cell, an ELF64 field, a container offset) meets kb_phys_t
 * it goes through kb_phys_fits() or is clipped explicitly, never
 * truncated by an assignment: memory above 4 GiB is clipped or ignored
 * (and said so), an address or size that does not fit is refused with an
 * error naming the field.
 *
 * Ranges end at most at KB_PHYS_MAX + 1 (2^64 or 2^32): the overflow
 * checks are written as subtractions against KB_PHYS_MAX, which are
 * exact at either width.
 */
#ifndef KASLRBOOT_PHYS_H
#define KASLRBOOT_PHYS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(CONFIG_PHYS_ADDR_32BIT) && CONFIG_PHYS_ADDR_32BIT
typedef uint32_t kb_phys_t;
#define KB_PHYS_MAX	UINT32_MAX
#define KB_PHYS_BITS	32
/* printf conversions for a kb_phys_t (as PRIx64 for a uint64_t) */
#define PRIxPHYS	PRIx32
#define PRIuPHYS	PRIu32
/* the address-space size, for messages: "wraps past " KB_PHYS_TOP */
#define KB_PHYS_TOP	"2^32"
#else
typedef uint64_t kb_phys_t;
#define KB_PHYS_MAX	UINT64_MAX
#define KB_PHYS_BITS	64
#define PRIxPHYS	PRIx64
#define PRIuPHYS	PRIu64
#define KB_PHYS_TOP	"2^64"
#endif

/* True if the 64-bit value v (as read from a device tree, an ELF64 file,
 * a container) is representable as a kb_phys_t. */
static inline bool kb_phys_fits(uint64_t v)
{
	return v <= KB_PHYS_MAX;
}

#endif
