/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * void kb_arch_handoff(uintptr_t entry, unsigned long hartid, uintptr_t dtb)
 *
 * The only code of kaslrboot that survives into the kernel's lifetime, and
 * only until its last instruction: it lives in its own section
 * (.text.handoff, between the rest of the loaded image and .bss; see
 * kaslrboot.ld.S) and, using registers only (the stack is being wiped):
 *
 *   1. overwrites everything before it (start-up code, C code, rodata,
 *      data, relocations) with zeros: 0x00000000 is a defined illegal
 *      instruction on RISC-V (and UDF #0 on arm64), so a stale jump into
 *      the old loader traps instead of running it;
 *   2. zeroes everything after it (.bss, the stack): DRBG state, seeds,
 *      hashes, TRNG samples;
 *   3. fence.i, so the hart fetches the kernel that was just copied;
 *   4. jumps to the kernel: a0 = hart id, a1 = DTB, S-mode, MMU off,
 *      interrupts off.
 *
 * Its own bytes are all that is left: see docs/boot-flow.md.
 */
	.section .text.handoff, "ax", %progbits
	.option norvc
	.globl kb_arch_handoff
kb_arch_handoff:
	mv	t6, a0			/* entry */
	mv	s0, a1			/* hart id */
	mv	s1, a2			/* dtb */
	lla	t0, __image_start
	lla	t1, __handoff_start
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	lla	t0, __handoff_end
	lla	t1, __image_end
3:	bgeu	t0, t1, 4f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	3b
4:	fence	rw, rw
	fence.i
	mv	a0, s0
	mv	a1, s1
	li	a2, 0
	li	a3, 0
	li	sp, 0
	li	ra, 0
	jr	t6
	.balign 8
