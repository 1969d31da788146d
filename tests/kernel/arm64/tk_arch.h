/* SPDX-License-Identifier: BSD-2-Clause */
/* arm64 specifics for the generic test-kernel code. */
#ifndef TESTKERNEL_TK_ARCH_H
#define TESTKERNEL_TK_ARCH_H

/*
 * The run-time address of sym + off, computed PC-relatively (adrp/add),
 * independent of any relocated pointer.  off must be a literal.
 */
#define TK_PCREL(sym, off) ({						\
	unsigned long __tk_v;						\
	__asm__("adrp %0, " #sym " + " #off "\n\t"			\
		"add %0, %0, :lo12:" #sym " + " #off : "=r"(__tk_v));	\
	__tk_v;								\
})

/* An arm64 Image must be placed 2 MiB aligned (booting.rst). */
#define TK_IMAGE_ALIGN	0x200000UL
/* The ELF's largest p_align (kernel.ld, -z max-page-size). */
#define TK_ELF_ALIGN	0x1000UL

#endif
