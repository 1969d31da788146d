/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cortex-M reset: the vector table at FLASH_BASE (the core loads MSP from
 * word 0 and starts at word 1), then _start:
 *
 *   1. interrupts off (PRIMASK), MSP set again (a debugger or a warm jump
 *      may have entered without the core's reset sequence);
 *   2. .data's initial values copied from flash to SRAM, .bss zeroed
 *      (nothing else is copied: the code runs in place from flash);
 *   3. kb_arch_start() in C.
 *
 * Every exception and interrupt vector points at kb_arm_m_fault (arch.c):
 * the loader enables no interrupt, so any of them is a fault.  The M0 has
 * no VTOR: this table stays in force after the handoff (docs/cortex-m.md).
 */
	.syntax unified
	.thumb

	.section .vectors, "a", %progbits
	.globl kb_arm_m_vectors
kb_arm_m_vectors:
	.word	__stack_top		/* 0: initial MSP */
	.word	_start			/* 1: reset (Thumb bit set by .thumb_func) */
	.rept	14			/* 2-15: NMI, HardFault, ..., SysTick */
	.word	kb_arm_m_fault_entry
	.endr
	.rept	32			/* 16-47: the nRF51's 32 external interrupts */
	.word	kb_arm_m_fault_entry
	.endr

	.section .text.entry, "ax", %progbits
	.globl _start
	.type _start, %function
	.thumb_func
_start:
	cpsid	i
	ldr	r0, =__stack_top
	msr	msp, r0
	mov	sp, r0
	/* .data: flash -> SRAM */
	ldr	r0, =__data_start
	ldr	r1, =__data_end
	ldr	r2, =__data_load
1:	cmp	r0, r1
	bhs	2f
	ldr	r3, [r2]
	str	r3, [r0]
	adds	r0, #4
	adds	r2, #4
	b	1b
	/* .bss and the stack: zero (the stack too, so that a bench build can
	 * see how deep it went) */
2:	ldr	r0, =__bss_start
	ldr	r1, =__image_end
	movs	r3, #0
3:	cmp	r0, r1
	bhs	4f
	str	r3, [r0]
	adds	r0, #4
	b	3b
4:
#ifdef CONFIG_BENCH
	/* Benchmark builds: fill the stack with a pattern, so that the
	 * handoff can report how deep it went (make bench; the same method
	 * as RISC-V).  The stack is still unused: only words below are
	 * written here. */
	ldr	r0, =__stack_bottom
	ldr	r1, =__stack_top
	ldr	r3, =0x5a5a5a5a
6:	cmp	r0, r1
	bhs	7f
	str	r3, [r0]
	adds	r0, #4
	b	6b
7:
#endif
	bl	kb_arch_start
5:	b	5b
	.size _start, . - _start

	/* Any exception: the faulting context's stacked PC to C. */
	.globl kb_arm_m_fault_entry
	.type kb_arm_m_fault_entry, %function
	.thumb_func
kb_arm_m_fault_entry:
	cpsid	i
	mrs	r0, ipsr
	mov	r1, lr
	movs	r2, #4
	tst	r1, r2			/* EXC_RETURN bit 2: which stack */
	beq	1f
	mrs	r2, psp
	b	2f
1:	mov	r2, sp
2:	ldr	r1, [r2, #24]		/* stacked PC */
	ldr	r2, =__stack_top	/* a stack of the loader's own */
	mov	sp, r2
	bl	kb_arm_m_fault
3:	b	3b
	.size kb_arm_m_fault_entry, . - kb_arm_m_fault_entry
