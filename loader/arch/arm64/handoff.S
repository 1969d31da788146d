/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * void kb_arch_handoff(uintptr_t entry, unsigned long hartid, uintptr_t dtb)
 *
 * arm64 twin of loader/arch/riscv/handoff.S: lives in .text.handoff
 * (between the loaded image and .bss, see kaslrboot.ld.S) and, with
 * registers only (the stack is being wiped):
 *
 *   1. overwrites everything before it with zeros (0x00000000 is UDF #0:
 *      a stale jump into the old loader traps instead of running it);
 *   2. zeroes everything after it (.bss, the stack): DRBG state, seeds,
 *      hashes, TRNG samples;
 *   3. cleans + invalidates the DTB by VA (dc civac, CTR_EL0 line size),
 *      then dsb / ic iallu / dsb / isb (the kernel image itself was
 *      cleaned by kb_arch_sync_icache; the loader runs with the D-cache
 *      off as entered, the maintenance is for what the previous stage
 *      may have left in the caches);
 *   4. branches to the kernel per Documentation/arch/arm64/booting.rst:
 *      x0 = DTB, x1 = x2 = x3 = 0, MMU and D-cache off, at the exception
 *      level the loader was entered in (EL2 or EL1), interrupts masked.
 */
	.section .text.handoff, "ax", %progbits
	.globl kb_arch_handoff
kb_arch_handoff:
	mov	x16, x0			/* entry */
	mov	x17, x2			/* dtb */
	msr	daifset, #0xf
	adrp	x9, __image_start
	add	x9, x9, :lo12:__image_start
	adr	x10, __handoff_start
1:	cmp	x9, x10
	b.hs	2f
	str	xzr, [x9], #8
	b	1b
2:	adr	x9, __handoff_end
	adrp	x10, __image_end
	add	x10, x10, :lo12:__image_end
3:	cmp	x9, x10
	b.hs	4f
	str	xzr, [x9], #8
	b	3b
	/* Clean + invalidate the (final, packed) DTB to the point of
	 * coherency by VA: fdt totalsize is the big-endian word at +4. */
4:	cbz	x17, 6f
	ldr	w11, [x17, #4]
	rev	w11, w11
	add	x11, x17, x11		/* end */
	mrs	x12, ctr_el0
	ubfx	x12, x12, #16, #4
	mov	x13, #4
	lsl	x13, x13, x12		/* D-cache line size */
	sub	x12, x13, #1
	bic	x9, x17, x12
5:	cmp	x9, x11
	b.hs	6f
	dc	civac, x9
	add	x9, x9, x13
	b	5b
6:	dsb	sy
	ic	iallu
	dsb	sy
	isb
	mov	x0, x17
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
	mov	x9, #0
	mov	x10, #0
	mov	x11, #0
	mov	x12, #0
	mov	x13, #0
	mov	x29, #0
	mov	x30, #0
	mov	sp, x9
	br	x16
	.balign 8
