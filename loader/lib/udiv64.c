// SPDX-License-Identifier: BSD-2-Clause
/*
 * 64-bit unsigned division from 32-bit operations, one quotient bit per
 * step.  On rv32 the compiler turns every uint64_t '/' and '%' into calls
 * to __udivdi3/__umoddi3; libgcc's are 1.7 KiB of flash for a handful
 * of divisions per boot (the relocation table's entry count, the DRBG's
 * unbiased draw, the ELF parser, the planner, the entropy and load
 * steps).  These are under a tenth of that; divisions whose operands both fit 32 bits (most
 * of them) take the hardware divider.  Linked into rv32 loaders only
 * (loader/arch/riscv/objects.mk), before libgcc, so libgcc's are never
 * pulled in; built without LTO, since the calls appear only after it.
 */
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/udiv64.h>

uint64_t kb_udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t r = 0;

	if ((n >> 32) == 0 && (d >> 32) == 0) {
		r = (uint32_t)n % (uint32_t)d;
		n = (uint32_t)n / (uint32_t)d;
	} else {
		/* n shifts out at the top as the quotient shifts in at the
		 * bottom.  Before step i, r holds at most i bits (it is n's
		 * top i bits less multiples of d, and below d), so r << 1
		 * never loses one. */
		for (int i = 0; i < 64; i++) {
			r = r << 1 | n >> 63;
			n <<= 1;
			if (r >= d) {
				r -= d;
				n |= 1;
			}
		}
	}
	if (rem)
		*rem = r;
	return n;
}

#ifndef KB_HOST_TEST
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return kb_udivmod64(n, d, NULL);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	kb_udivmod64(n, d, &r);
	return r;
}
#endif
