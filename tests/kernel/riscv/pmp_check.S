/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * M-mode test kernel: probes of the PMP lock kaslrboot applied before the
 * first instruction (docs/pmp.md).  Each probe installs tk_pmp_trap as
 * mtvec, tries one access and returns the mcause it trapped with (0: no
 * trap, the access went through).
 *
 *   unsigned long tk_pmp_store(void *p)	store a word at p
 *   unsigned long tk_pmp_exec(void *p)	call p (a "ret" in .data)
 */
#ifdef CONFIG_RISCV_M_MODE
#if __riscv_xlen == 64
#define REG_S sd
#else
#define REG_S sw
#endif
	.option arch, +zicsr
	.option norvc
	.text
	.balign 4
tk_pmp_trap:
	csrr	t0, mcause
	lla	t1, tk_pmp_cause
	REG_S	t0, 0(t1)
	li	t1, 1				/* instruction access fault */
	beq	t0, t1, 1f
	csrr	t0, mepc			/* a store: skip it (4 bytes, norvc) */
	addi	t0, t0, 4
	csrw	mepc, t0
	mret
1:	csrw	mepc, ra			/* a call into data: return to the caller */
	mret

	.globl tk_pmp_store
tk_pmp_store:
	lla	t0, tk_pmp_trap
	csrw	mtvec, t0
	lla	t1, tk_pmp_cause
	REG_S	zero, 0(t1)
	sw	zero, 0(a0)
	lla	t1, tk_pmp_cause
	lw	a0, 0(t1)
	ret

	.globl tk_pmp_exec
tk_pmp_exec:
	addi	sp, sp, -16
	REG_S	ra, 0(sp)
	lla	t0, tk_pmp_trap
	csrw	mtvec, t0
	lla	t1, tk_pmp_cause
	REG_S	zero, 0(t1)
	jalr	ra, 0(a0)
#if __riscv_xlen == 64
	ld	ra, 0(sp)
#else
	lw	ra, 0(sp)
#endif
	addi	sp, sp, 16
	lla	t1, tk_pmp_cause
	lw	a0, 0(t1)
	ret

	/* A word of text for the store probe. */
	.globl tk_pmp_text_word
	.balign 4
tk_pmp_text_word:
	.word	0x00000013			/* nop */

	.data
	.balign 8
	.globl tk_pmp_data_ret
tk_pmp_data_ret:
	.word	0x00008067			/* ret */
	.balign 8
tk_pmp_cause:
	.dword	0
#endif
