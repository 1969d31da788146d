/* SPDX-License-Identifier: BSD-2-Clause */
/* The test kernel's stack: NOBITS, after .bss (kernel.ld), in the footprint. */
	.section .tk_stack, "aw", %nobits
	.balign 16
	.globl tk_stack_bottom, tk_stack_top
tk_stack_bottom:
	.space 16384
tk_stack_top:
