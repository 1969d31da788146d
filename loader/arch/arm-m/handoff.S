/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * void kb_arm_m_enter(uintptr_t entry, uintptr_t dtb, uintptr_t sp)
 *
 * Runs from flash, registers only: zeroes the loader's whole SRAM
 * (__image_start to __image_end: .data, .bss with the DRBG state, seeds,
 * TRNG samples, the stack it runs on), then enters the payload the way the
 * core's reset enters firmware: MSP = sp (word 0 of the payload's vector
 * table), PC = entry (word 1), Thumb, privileged thread mode on MSP,
 * PRIMASK = 1 (interrupts off); r0 = the argument "dtb": the boot-info
 * block (CONFIG_HANDOFF_BOOTINFO) or the device tree (CONFIG_HANDOFF_DTB);
 * r1-r3, r12, lr = 0.
 */
	.syntax unified
	.thumb
	.section .text.handoff, "ax", %progbits
	.globl kb_arm_m_enter
	.type kb_arm_m_enter, %function
	.thumb_func
kb_arm_m_enter:
	cpsid	i
	mov	r4, r0			/* entry */
	mov	r5, r1			/* dtb */
	mov	r6, r2			/* sp */
	ldr	r0, =__image_start
	ldr	r1, =__image_end
	movs	r2, #0
1:	cmp	r0, r1
	bhs	2f
	str	r2, [r0]
	adds	r0, #4
	b	1b
2:	dsb
	isb
	msr	msp, r6
	mov	sp, r6
	mov	r0, r5
	movs	r1, #0
	movs	r2, #0
	movs	r3, #0
	mov	r12, r3
	mov	lr, r3
	mov	r5, r3
	mov	r6, r3
	bx	r4
	.size kb_arm_m_enter, . - kb_arm_m_enter
	.ltorg
