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

#define R_RISCV_NONE		0
#define R_RISCV_RELATIVE	3
#define RELA_SIZE		24

	.section .text.entry, "ax", %progbits
	.option norvc
	.globl _start
_start:
	/* An unrelocated loader must not run on other harts: a second stage
	 * is entered on one hart (fw_jump lottery / fw_dynamic boot hart). */
#ifdef CONFIG_BENCH
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
	ld	t2, 8(t0)			/* r_info */
	li	t3, R_RISCV_RELATIVE
	beq	t2, t3, 2f
	/* R_RISCV_NONE is a no-op; anything else cannot happen (the build
	 * rejects it) but if it did, stop rather than run mis-relocated. */
	beqz	t2, 4f
	j	.Lreloc_fail
2:	ld	t2, 0(t0)			/* r_offset */
	ld	t3, 16(t0)			/* r_addend */
	add	t2, t2, s2
	add	t3, t3, s2
	sd	t3, 0(t2)
4:	addi	t0, t0, RELA_SIZE
	j	1b
3:
	/* Zero .bss (not part of the loaded file) */
	lla	t0, __bss_start
	lla	t1, __bss_end
5:	bgeu	t0, t1, 6f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	5b
6:
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
