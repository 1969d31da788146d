/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot entry, RISC-V.
 *
 * Entered in S-mode (or M-mode) at the image base, wherever the previous
 * stage put it, with a0 = hart id, a1 = device tree, MMU off.  The image is
 * a static PIE linked at 0: before any C runs we apply our own
 * R_RISCV_RELATIVE relocations (the only kind scripts/check-relocs.sh lets
 * the link produce), zero .bss, set up the stack and call C.
 *
 * Everything here is PC-relative (lla, never la: la may go through the
 * GOT, which is not relocated yet).
 */

#include "asm.h"
#include "mailbox.h"

#define R_RISCV_NONE		0
#define R_RISCV_RELATIVE	3

	.section .text.entry, "ax", %progbits
	.option norvc
	.globl _start
_start:
#ifdef CONFIG_RISCV_M_MODE
	/* M-mode, first stage: every hart arrives here from the reset
	 * vector at once.  Interrupts stay off; one hart boots, the others
	 * park before touching memory (docs/m-mode.md). */
	csrw	mie, zero
	csrci	mstatus, 0x8			/* MIE */
	csrr	a0, mhartid
	li	t0, CONFIG_RISCV_BOOT_HART
	bne	a0, t0, kb_riscv_park
	/* Traps before C runs end in a wfi loop rather than at whatever
	 * mtvec reset left (0 on QEMU: flash/ROM garbage). */
	lla	t0, .Learly_trap
	csrw	mtvec, t0
	/* Started in place from flash: .data, .bss and the relocations
	 * cannot be written there, so copy the loaded part of the image to
	 * RAM and continue from the copy (like ARM64_COPY_TO_RAM). */
	li	t1, CONFIG_RISCV_COPY_TO_RAM
	lla	t2, _start
	beq	t1, t2, 9f
	lla	t3, __image_file_end		/* a multiple of 8 (linker script) */
	mv	t4, t1
7:	bgeu	t2, t3, 8f
	lw	t5, 0(t2)
	sw	t5, 0(t4)
	addi	t2, t2, 4
	addi	t4, t4, 4
	j	7b
8:	fence.i					/* fetch the copy fresh */
	lla	t2, _start
	lla	t3, 9f
	sub	t3, t3, t2
	add	t3, t3, t1
	jr	t3				/* re-enter at the copy */
9:
#endif
	/* An unrelocated loader must not run on other harts: a second stage
	 * is entered on one hart (fw_jump lottery / fw_dynamic boot hart). */
#if defined(CONFIG_BENCH) && defined(CONFIG_RISCV_M_MODE)
	csrr	s3, minstret
#elif defined(CONFIG_BENCH)
	/* Benchmark builds only: firmware that does not grant S-mode the
	 * counter (mcounteren.IR) would make this trap. */
	csrr	s3, instret
#else
	li	s3, 0
#endif
	mv	s0, a0
	mv	s1, a1
	lla	s2, _start			/* run-time load base (link base is 0) */

	/* Apply .rela.dyn: *(base + r_offset) = base + r_addend */
	lla	t0, __rela_dyn_start
	lla	t1, __rela_dyn_end
1:	bgeu	t0, t1, 3f
	REG_L	t2, SZREG(t0)			/* r_info */
	li	t3, R_RISCV_RELATIVE
	beq	t2, t3, 2f
	/* R_RISCV_NONE is a no-op; anything else cannot happen (the build
	 * rejects it) but if it did, stop rather than run mis-relocated. */
	beqz	t2, 4f
	j	.Lreloc_fail
2:	REG_L	t2, 0(t0)			/* r_offset */
	REG_L	t3, 2*SZREG(t0)			/* r_addend */
	add	t2, t2, s2
	add	t3, t3, s2
	REG_S	t3, 0(t2)
4:	addi	t0, t0, RELA_SIZE
	j	1b
3:
	/* Zero .bss (not part of the loaded file) */
	lla	t0, __bss_start
	lla	t1, __bss_end
5:	bgeu	t0, t1, 6f
	REG_S	zero, 0(t0)
	addi	t0, t0, SZREG
	j	5b
6:
#ifdef CONFIG_BENCH
	/* Benchmark builds: fill the stack with a pattern, so that the
	 * handoff can report how deep it went (make bench). */
	lla	t0, __stack_bottom
	lla	t1, __stack_top
	li	t2, 0x5a
7:	bgeu	t0, t1, 8f
	sb	t2, 0(t0)
	addi	t0, t0, 1
	j	7b
8:
#endif
	lla	sp, __stack_top
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	mv	a3, s3
	call	kb_arch_start
	/* not reached */
.Lreloc_fail:
	wfi
	j	.Lreloc_fail
#ifdef CONFIG_RISCV_M_MODE
	.balign 4
.Learly_trap:
	wfi
	j	.Learly_trap

/*
 * Parked harts (M-mode): every hart but CONFIG_RISCV_BOOT_HART waits here,
 * running from flash (never from the RAM copy that the boot hart wipes),
 * touching no memory but the release mailbox.  Only a machine software
 * interrupt wakes it (mie.MSIE; mstatus.MIE stays 0, so wfi returns
 * without trapping); it then leaves only if the mailbox carries the
 * release magic, which the boot hart writes after the wipe, when the
 * payload wants the harts, and clears again before it enters the payload
 * (docs/m-mode.md, "Parked harts").  Otherwise it parks again.
 *
 * Leaving: read the magic, then entry, a1, a2 and the msip base, then
 * the magic once more (fence r, r between): if the release was closed in
 * between (the payload may reuse the mailbox's RAM from then on), the
 * words just read may be the payload's, so park again.  Only then
 * acknowledge (clear this hart's msip word, which the boot hart polls)
 * and enter.
 */
	.globl kb_riscv_park
kb_riscv_park:
	li	t0, 0x8				/* MSIE */
	csrw	mie, t0
	/* The mailbox in the RAM copy: the boot hart's address for it. */
	lla	t1, kb_riscv_mailbox
	lla	t2, _start
	sub	t1, t1, t2
	li	t2, CONFIG_RISCV_COPY_TO_RAM
	add	s0, t1, t2
	li	s1, KB_RISCV_RELEASE_MAGIC
1:	wfi
	csrr	t0, mip
	andi	t0, t0, 0x8
	beqz	t0, 1b
	fence	r, r
	REG_L	t0, 0(s0)			/* magic */
	bne	t0, s1, 1b
	fence	r, r
	REG_L	t6, SZREG(s0)			/* entry */
	REG_L	a1, 2*SZREG(s0)
	REG_L	a2, 3*SZREG(s0)
	REG_L	t2, 4*SZREG(s0)			/* msip base */
	fence	r, r
	REG_L	t0, 0(s0)			/* magic, again: still open? */
	bne	t0, s1, 1b
	/* Acknowledge: clear this hart's software interrupt (ACLINT MSWI /
	 * CLINT: one 32-bit msip word per hart), then enter the payload.
	 * (kb_riscv_park_leave: the end of the loop, for the tests.) */
	.globl kb_riscv_park_leave
kb_riscv_park_leave:
	csrr	a0, mhartid
	slli	t1, a0, 2
	add	t2, t2, t1
	fence	iorw, iorw
	sw	zero, 0(t2)
	fence	iorw, iorw
	csrw	mie, zero
	fence.i
	jr	t6
#endif
