/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arm64 identity map (CONFIG_ARM64_MMU): loader/arch/arm64/mmu.c.
 * Private to loader/arch/arm64/.
 */
#ifndef KASLRBOOT_ARM64_MMU_H
#define KASLRBOOT_ARM64_MMU_H

#include <stdbool.h>
#include <stdint.h>

/* What a range is mapped as. */
enum kb_mmu_type {
	KB_MMU_DEVICE,	/* Device-nGnRnE, execute-never: MMIO, no-map memory */
	KB_MMU_RAM,	/* Normal write-back cacheable, inner shareable, RW */
	KB_MMU_FLASH,	/* Normal non-cacheable, read-only, execute-never */
};

/* Errors of kb_mmu_map(). */
#define KB_MMU_ENOSPC	(-1)	/* CONFIG_ARM64_MMU_TABLES tables are all used */
#define KB_MMU_ERANGE	(-2)	/* beyond the physical address size */

/*
 * Build the first map and turn the MMU, D-cache and I-cache on at the
 * current exception level; install the loader's exception vectors.  Called
 * once, first thing in C, with the MMU off (it calls nothing but itself).
 * The first map: the loader's image (text to stack) and the 2 MiB block(s)
 * the device tree at dtb may occupy (booting.rst lets a kernel map them
 * cacheable) as RAM, every other address of the first 512 GiB as Device.
 */
void kb_mmu_early(uintptr_t dtb);

/* Map [base, base + size) (rounded out to 4 KiB) as `type`, overriding
 * what was there (break-before-make while the MMU is on).  Never called on
 * the loader's own image.  0 or KB_MMU_E*. */
int kb_mmu_map(uint64_t base, uint64_t size, enum kb_mmu_type type);

/* For the log: whether kb_mmu_early() turned the MMU on and what
 * SCTLR_ELx says now, the exception level, whether the EL2&0 regime (HCR_EL2.E2H) is
 * in use, physical address bits, page tables used of the pool. */
struct kb_mmu_info {
	bool on;		/* kb_mmu_early() turned the MMU on */
	bool m, c, i;		/* SCTLR_ELx as read now: MMU, D-cache, I-cache */
	unsigned int el;
	bool vhe;
	unsigned int pa_bits;
	unsigned int tables_used, tables_max;
};
void kb_mmu_info(struct kb_mmu_info *info);

/* SCTLR_ELx and VBAR_ELx as the previous stage left them (read by
 * kb_arch_start, restored by the handoff stub). */
extern uint64_t kb_arm64_entry_sctlr, kb_arm64_entry_vbar;

#endif
