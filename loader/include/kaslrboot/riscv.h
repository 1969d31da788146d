/* SPDX-License-Identifier: BSD-2-Clause */
/* RISC-V specifics used by drivers (loader/arch/riscv/). */
#ifndef KASLRBOOT_RISCV_H
#define KASLRBOOT_RISCV_H

#include <stdint.h>

/*
 * Read the Zkr "seed" CSR (0x015) once, under a temporary trap handler.
 * 0 and *val set if the read was allowed; -1 if it trapped (the hart has
 * no Zkr, or firmware did not grant this mode access, e.g. mseccfg.SSEED
 * clear for S-mode).  The CSR is read with csrrw, as the spec requires.
 */
int kb_riscv_seed_try(uint32_t *val);

#ifdef CONFIG_RISCV_M_MODE
#include <kaslrboot/fwdyn.h>

/* OpenSBI's fw_dynamic_info, in the handoff section (survives the wipe;
 * loader/arch/riscv/handoff.S). */
extern struct kb_fw_dynamic_info kb_riscv_fw_dynamic_info;

/*
 * Fill the release mailbox (loader/arch/riscv/mailbox.h): at handoff the
 * stub releases harts 0..nharts-1 but this one into `entry` with a1, a2
 * (a software interrupt through the MSWI/CLINT at msip), then enters
 * `entry` itself with the same a1, a2.  entry 0 releases nobody but still
 * hands a2 to the boot hart.
 */
void kb_riscv_release(uintptr_t entry, uintptr_t a1, uintptr_t a2,
		      uintptr_t msip, unsigned long nharts);
#endif

#endif
