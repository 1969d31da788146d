/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test kernel entry, ELF variant (ET_DYN static PIE).  The loader copies
 * the PT_LOAD segments, zeroes the BSS and applies .rela.dyn / .relr.dyn
 * for the base it chose, then jumps to e_entry (_start) in S-mode with
 * a0 = hart id, a1 = DTB, MMU off.  Nothing is relocated or zeroed here:
 * the C code checks that the loader did it.
 *
 * e_entry is deliberately not the first byte: a loader that jumps to the
 * image base lands on tk_elf_base_trap, which reports it.
 */
#include "tk.h"

	.section .text.head, "ax", %progbits
	.globl tk_elf_base_trap
tk_elf_base_trap:
	li	s3, TK_FLAG_AT_BASE
	j	tk_elf_common

	.section .text.entry, "ax", %progbits
	/* 4-byte aligned: an M-mode payload locked by PMP is entered
	 * through mtvec (docs/pmp.md), which holds no lower bits. */
	.balign 4
	.globl _start
	.type _start, %function
_start:
	li	s3, 0
tk_elf_common:
	mv	s0, a0
	mv	s1, a1
	mv	s2, a2			/* the boot-info block (M-mode, HANDOFF_BOOTINFO) */
	lla	sp, tk_stack_top
	mv	a0, s0
	mv	a1, s1
	li	a2, TK_FORMAT_ELF
	mv	a3, s3
	li	a4, 0
	mv	a5, s2
	call	tk_arch_entry
1:	wfi
	j	1b
	.size _start, . - _start
