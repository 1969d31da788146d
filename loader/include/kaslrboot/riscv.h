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

#endif
