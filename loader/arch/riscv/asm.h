/* SPDX-License-Identifier: BSD-2-Clause */
/* RISC-V assembly helpers shared by rv32 and rv64, S-mode and M-mode. */
#ifndef KASLRBOOT_RISCV_ASM_H
#define KASLRBOOT_RISCV_ASM_H

#if __riscv_xlen == 64
#define REG_L		ld
#define REG_S		sd
#define SZREG		8
#define RELA_SIZE	24	/* Elf64_Rela */
#else
#define REG_L		lw
#define REG_S		sw
#define SZREG		4
#define RELA_SIZE	12	/* Elf32_Rela */
#endif

/* Trap CSRs of the mode the loader runs in. */
#ifdef CONFIG_RISCV_M_MODE
#define CSR_XTVEC	mtvec
#define CSR_XEPC	mepc
#define CSR_XIE		mie
#define XRET		mret
#else
#define CSR_XTVEC	stvec
#define CSR_XEPC	sepc
#define CSR_XIE		sie
#define XRET		sret
#endif

#endif
