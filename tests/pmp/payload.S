/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The payload of the PMP smoke test: one 4 KiB page of text, entered by
 * kb_arch_handoff_locked() once the PMP plan is locked.  It prints one
 * line of single-digit results on the ns16550 at 0x10000000 and powers
 * off through the virt test device:
 *
 *   pmp-payload: entry=E text=T rodata=R rodata-read=D data-exec=X flash-exec=F cfg=C
 *
 *   E  mcause at entry (1: entered through the instruction-access fault)
 *   T  mcause of a store into its own text (7: store access fault)
 *   R  mcause of a store into the read-only page (7)
 *   D  mcause of a load from that page (n: no trap)
 *   X  mcause of a jump into RAM it just wrote (1: instruction access fault)
 *   F  mcause of a jump into the loader's code in flash (1)
 *   C  1 if writing 0 to pmpcfg0 left it unchanged, 0 if it changed
 *   W  mcause of a store into RAM outside every segment (n: no trap)
 *
 * "n" is no trap.  Only registers and the UART are used.
 */
#define UART	0x10000000
#define TEST	0x100000
#define RODATA	0x80200000
#define DATA	0x80300000

	.section .payload, "ax", %progbits
	.option norvc
	.option arch, +zicsr, +zifencei
	.option norelax
	.globl payload_entry
payload_entry:
	csrr	s0, mcause
	la	t0, ptrap
	csrw	mtvec, t0

	li	s2, -1
	la	t1, payload_entry
	sw	zero, 0(t1)
	mv	s3, s2

	li	s2, -1
	li	t1, RODATA
	sw	zero, 0(t1)
	mv	s4, s2

	li	s2, -1
	li	t1, RODATA
	lw	t2, 0(t1)
	mv	s5, s2

	li	s2, -1
	li	t1, DATA
	li	t2, 0x00008067		/* ret */
	sw	t2, 0(t1)
	fence.i
	jalr	t1
	mv	s6, s2

	li	s2, -1
	la	t1, smoke_main
	jalr	t1
	mv	s7, s2

	csrr	t1, pmpcfg0
	csrw	pmpcfg0, zero
	csrr	t2, pmpcfg0
	sub	t1, t1, t2
	seqz	s8, t1

	li	s2, -1
	li	t1, DATA + 0x100
	sw	t1, 0(t1)
	mv	s9, s2

	li	a1, UART
	la	a2, msg
.macro	PUTS
1:	lbu	a0, 0(a2)
	beqz	a0, 2f
	jal	putc
	addi	a2, a2, 1
	j	1b
2:	addi	a2, a2, 1
.endm
.macro	PUTD reg
	mv	a0, \reg
	jal	putd
.endm
	PUTS
	PUTD	s0
	PUTS
	PUTD	s3
	PUTS
	PUTD	s4
	PUTS
	PUTD	s5
	PUTS
	PUTD	s6
	PUTS
	PUTD	s7
	PUTS
	PUTD	s8
	PUTS
	PUTD	s9
	PUTS
	li	t0, TEST
	li	t1, 0x5555
	sw	t1, 0(t0)
3:	wfi
	j	3b

/* a0: a digit 0..9, or -1 -> 'n' */
putd:
	mv	t6, ra
	bltz	a0, 1f
	addi	a0, a0, '0'
	jal	putc
	jr	t6
1:	li	a0, 'n'
	jal	putc
	jr	t6

putc:
1:	lbu	t0, 5(a1)
	andi	t0, t0, 0x20
	beqz	t0, 1b
	sb	a0, 0(a1)
	ret

/* Record mcause in s2; a fetch fault returns to ra, anything else skips
 * the 4-byte instruction. */
	.balign 4
ptrap:
	csrr	s2, mcause
	li	t5, 1
	beq	s2, t5, 1f
	csrr	t5, mepc
	addi	t5, t5, 4
	csrw	mepc, t5
	mret
1:	csrw	mepc, ra
	mret

msg:
	.asciz	"pmp-payload: entry="
	.asciz	" text="
	.asciz	" rodata="
	.asciz	" rodata-read="
	.asciz	" data-exec="
	.asciz	" flash-exec="
	.asciz	" cfg-unchanged="
	.asciz	" outside-write="
	.asciz	"\n"

