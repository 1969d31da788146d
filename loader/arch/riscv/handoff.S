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
 * kb_arch_handoff_locked(entry, hartid, dtb, lock_mask, cfg_csr), M-mode
 * with CONFIG_RISCV_PMP_LOCK only, does the same and then, as its last
 * act, points mtvec at the entry and sets the L bit of the plan's last
 * PMP entry (lock_mask in pmpcfg<cfg_csr>; kb_arch_pmp_apply wrote that
 * entry unlocked).  That entry is the catch-all without X: from then on
 * only the payload's text is executable, so this stub's next fetch
 * faults and the hart enters the payload through mtvec (mcause 1).  Were
 * the fetch to go through (an entry that does not cover the stub), the
 * jump below enters the same address with the same registers.  The PMP
 * is per hart: this locks the boot hart only (docs/pmp.md).
 *
 * Its own bytes are all that is left: see docs/boot-flow.md.
 */
#include "asm.h"
#include "mailbox.h"

	.section .text.handoff, "ax", %progbits
	.option norvc
	.option arch, +zicsr, +zifencei
#ifdef CONFIG_RISCV_PMP_LOCK
	.globl kb_arch_handoff_locked
kb_arch_handoff_locked:
	mv	s2, a3			/* lock mask */
	mv	s3, a4			/* pmpcfg CSR */
	j	0f
#endif
	.globl kb_arch_handoff
kb_arch_handoff:
	li	s2, 0
0:	mv	t6, a0			/* entry */
	mv	s0, a1			/* hart id */
	mv	s1, a2			/* dtb */
	lla	t0, __image_start
	lla	t1, __handoff_start
1:	bgeu	t0, t1, 2f
	REG_S	zero, 0(t0)
	addi	t0, t0, SZREG
	j	1b
2:	lla	t0, __handoff_end
	lla	t1, __image_end
3:	bgeu	t0, t1, 4f
	REG_S	zero, 0(t0)
	addi	t0, t0, SZREG
	j	3b
4:	fence	rw, rw
#ifdef CONFIG_RISCV_M_MODE
	/* Release the parked harts if the payload wants them (the mailbox's
	 * entry was set by kb_riscv_release()): the magic, then a software
	 * interrupt to every hart below the count but this one.  Each
	 * released hart clears its own msip word once it has read the
	 * mailbox; wait for that, at most KB_RISCV_RELEASE_POLLS reads, then
	 * close the release: clear the magic and every other hart's msip
	 * word, so that a hart that was not parked by then (it arrives late)
	 * finds neither a pending interrupt nor the magic, and stays parked
	 * whatever the payload later does with the mailbox's RAM. */
	lla	t0, kb_riscv_mailbox
	REG_L	t1, SZREG(t0)			/* entry */
	beqz	t1, 6f
	li	t1, KB_RISCV_RELEASE_MAGIC
	REG_S	t1, 0(t0)
	fence	iorw, iorw
	REG_L	t2, 4*SZREG(t0)			/* msip base */
	REG_L	t3, 5*SZREG(t0)			/* hart count */
	csrr	t4, mhartid
	li	t1, 0
5:	bgeu	t1, t3, 50f
	beq	t1, t4, 55f
	slli	t5, t1, 2
	add	t5, t5, t2
	li	a3, 1
	sw	a3, 0(t5)
55:	addi	t1, t1, 1
	j	5b
	.globl kb_riscv_release_wait	/* for tests/qemu-riscv-m/late_harts.sh */
kb_riscv_release_wait:
50:	li	a4, KB_RISCV_RELEASE_POLLS
51:	li	t1, 0
	li	a5, 0				/* msip words still set */
52:	bgeu	t1, t3, 54f
	beq	t1, t4, 53f
	slli	t5, t1, 2
	add	t5, t5, t2
	lw	a3, 0(t5)
	or	a5, a5, a3
	addi	a4, a4, -1
53:	addi	t1, t1, 1
	j	52b
54:	beqz	a5, 56f				/* every released hart answered */
	bgtz	a4, 51b
56:	fence	iorw, iorw
	REG_S	zero, 0(t0)			/* the release is closed */
	fence	iorw, iorw
	li	t1, 0
57:	bgeu	t1, t3, 59f
	beq	t1, t4, 58f
	slli	t5, t1, 2
	add	t5, t5, t2
	sw	zero, 0(t5)
58:	addi	t1, t1, 1
	j	57b
59:	fence	iorw, iorw
	li	a3, 0
	li	a4, 0
	li	a5, 0
6:
#endif
	fence.i
	mv	a0, s0
	mv	a1, s1
#ifdef CONFIG_RISCV_M_MODE
	/* The boot hart gets the a2 the released harts get (OpenSBI:
	 * &fw_dynamic_info; 0 unless kb_riscv_release() set it). */
	lla	t0, kb_riscv_mailbox
	REG_L	a2, 3*SZREG(t0)
#else
	li	a2, 0
#endif
	li	a3, 0
	li	sp, 0
	li	ra, 0
#ifdef CONFIG_RISCV_PMP_LOCK
	beqz	s2, 9f
	csrw	mtvec, t6
	li	t3, 2
	beq	s3, t3, 7f
#if __riscv_xlen == 32
	li	t3, 1
	beq	s3, t3, 8f
	li	t3, 3
	beq	s3, t3, 10f
#endif
	csrs	pmpcfg0, s2		/* the hart faults here, into mtvec */
	j	9f
7:	csrs	pmpcfg2, s2
	j	9f
#if __riscv_xlen == 32
8:	csrs	pmpcfg1, s2
	j	9f
10:	csrs	pmpcfg3, s2
#endif
9:	li	t3, 0
	li	s2, 0
	li	s3, 0
#endif
	jr	t6
#ifdef CONFIG_RISCV_M_MODE
	/* { magic, entry, a1, a2, msip base, hart count }: see mailbox.h */
	.balign	SZREG
	.globl kb_riscv_mailbox
kb_riscv_mailbox:
	.fill	KB_RISCV_MAILBOX_WORDS, SZREG, 0
	/* OpenSBI's struct fw_dynamic_info (Payload A), which every hart
	 * reads through a2 after the wipe: it lives here, the one place the
	 * wipe keeps. */
	.globl kb_riscv_fw_dynamic_info
kb_riscv_fw_dynamic_info:
	.fill	6, SZREG, 0
#endif
	.balign 8
