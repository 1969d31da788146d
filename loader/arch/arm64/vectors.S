/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Exception vectors for the loader's own exception level, installed by
 * kb_mmu_early() (CONFIG_ARM64_MMU) together with the identity map: with
 * the MMU on, a stray access (an unmapped address, a write to the
 * read-only flash window) faults, and this reports it on the console
 * (kb_arm64_exception() in arch.c) instead of running whatever the
 * previous stage's VBAR points at.  The loader never returns from an
 * exception.  The handoff stub puts the previous stage's VBAR back.
 */
	.section .text.vectors, "ax", %progbits
	.balign	2048
	.globl	kb_arm64_vectors
kb_arm64_vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	mov	x0, #\n
	b	vector_common
	.endr

vector_common:
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.eq	2f
	cmp	x9, #(3 << 2)
	b.eq	3f
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	b	9f
2:	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	b	9f
3:	mrs	x1, esr_el3
	mrs	x2, elr_el3
	mrs	x3, far_el3
9:	mov	x9, sp
	and	x9, x9, #~15
	mov	sp, x9
	mov	x29, #0
	bl	kb_arm64_exception
	/* not reached */
1:	wfi
	b	1b
