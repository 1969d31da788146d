/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test kernel entry, arm64 ELF variant (ET_DYN static PIE).  The loader
 * copies the PT_LOAD segments, zeroes the BSS and applies .rela.dyn /
 * .relr.dyn for the base it chose, then jumps to e_entry (_start) at EL2
 * or EL1 with x0 = DTB, MMU off.  Nothing is relocated or zeroed here:
 * the C code checks that the loader did it.
 *
 * e_entry is deliberately not the first byte: a loader that jumps to the
 * image base lands on tk_elf_base_trap, which reports it.
 */
#include "tk.h"

	.section .text.head, "ax", %progbits
	.globl tk_elf_base_trap
tk_elf_base_trap:
	mov	x22, #TK_FLAG_AT_BASE
	b	tk_elf_common

	.section .text.entry, "ax", %progbits
	.globl _start
	.type _start, %function
_start:
	mov	x22, #0
tk_elf_common:
	mov	x19, x0
	adrp	x9, tk_stack_top
	add	x9, x9, :lo12:tk_stack_top
	mov	sp, x9
	mov	x0, #0			/* "hart": CPU 0 */
	mov	x1, x19
	mov	x2, #TK_FORMAT_ELF
	mov	x3, x22
	mov	x4, #0
	bl	tk_arch_entry
1:	wfi
	b	1b
	.size _start, . - _start
