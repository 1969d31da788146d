/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An independent PMP matcher for the PMP planner's tests (tests/host/
 * test_pmp.c, tests/fuzz/fuzz_pmp.c), written from the privileged spec,
 * not from loader/lib/pmp.c: entries in priority order; OFF matches
 * nothing; TOR matches [pmpaddr[i-1] << 2, pmpaddr[i] << 2) with 0 as the
 * bottom of entry 0; NA4 the 4 bytes at pmpaddr << 2; NAPOT 2^(t+3) bytes
 * where t is the number of trailing ones of pmpaddr (all ones: the whole
 * space).  The first matching entry decides: locked, its R/W/X; unlocked,
 * everything (M-mode).  No match: everything (M-mode).
 */
#ifndef KASLRBOOT_TESTS_PMP_ORACLE_H
#define KASLRBOOT_TESTS_PMP_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/pmp.h>

/* The M-mode permissions of the byte at a under en[0 .. n). */
static inline unsigned int kb_test_pmp_oracle(const struct kb_pmp_entry *en, size_t n,
					      unsigned int addr_bits, uint64_t a)
{
	typedef unsigned __int128 u128;
	uint64_t amask = (addr_bits == 64) ? ~UINT64_C(0) : (UINT64_C(1) << addr_bits) - 1;

	for (size_t i = 0; i < n; i++) {
		unsigned int mode = (en[i].cfg >> 3) & 3;
		uint64_t pa = en[i].addr & amask;
		u128 lo, hi;
		bool match = false;

		switch (mode) {
		case 0:
			break;
		case 1:	/* TOR */
			lo = i == 0 ? 0 : (u128)(en[i - 1].addr & amask) << 2;
			hi = (u128)pa << 2;
			match = lo <= a && a < hi;
			break;
		case 2:	/* NA4 */
			lo = (u128)pa << 2;
			match = lo <= a && a < lo + 4;
			break;
		case 3: {	/* NAPOT */
			unsigned int t = 0;

			while (t < addr_bits && ((pa >> t) & 1))
				t++;
			lo = t >= addr_bits ? 0 :
				(u128)(pa & ~((((uint64_t)1 << t) << 1) - 1)) << 2;
			hi = lo + ((u128)1 << (t + 3));
			match = lo <= a && a < hi;
			break;
		}
		}
		if (match)
			return (en[i].cfg & 0x80) ? en[i].cfg & 7 : 7;
	}
	return 7;
}

/* What a plan for s[0 .. n) means to give a: the first segment holding
 * it, else the background (no background: everything). */
static inline unsigned int kb_test_pmp_intended(const struct kb_pmp_seg *s, size_t n,
						int bg, uint64_t a)
{
	for (size_t i = 0; i < n; i++)
		if (a >= s[i].start && a - s[i].start < s[i].size)
			return s[i].perm;
	return bg == KB_PMP_NO_BACKGROUND ? 7 : (unsigned int)bg;
}

#endif
