/* SPDX-License-Identifier: BSD-2-Clause */
/* kaslrboot link layout, RISC-V: see loader/arch/kaslrboot-common.ld.h. */
OUTPUT_ARCH(riscv)
#define KB_ARCH_DISCARD .riscv.attributes
#include "../kaslrboot-common.ld.h"
