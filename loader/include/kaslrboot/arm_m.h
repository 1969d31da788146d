/* SPDX-License-Identifier: BSD-2-Clause */
/* Cortex-M (loader/arch/arm-m/): what loader/main.c calls at handoff. */
#ifndef KASLRBOOT_ARM_M_H
#define KASLRBOOT_ARM_M_H

#include <stdint.h>

#include <kaslrboot/diag.h>

/* The relocated payload at base starts with its Cortex-M vector table:
 * word 1 must be its ELF entry (Thumb bit set), word 0 an 8-byte-aligned
 * initial MSP inside [base, base + footprint].  Records the MSP for
 * kb_arch_handoff(); 0 or KB_EINVAL with d filled. */
int kb_arm_m_check_vectors(uint64_t base, uint64_t footprint, uintptr_t entry,
			   struct kb_diag *d);

#endif
