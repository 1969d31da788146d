/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PMP smoke test (tests/qemu/pmp_lock.sh): the first instruction after
 * QEMU's reset ROM with -bios none, in M-mode, from pflash at 0x20000000.
 * Hart 0 copies .data to RAM, zeroes .bss, sets a stack and calls
 * smoke_main(); any other hart parks.
 */
	.section .text.start, "ax", %progbits
	.option norvc
	.option arch, +zicsr, +zifencei
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, 9f
	la	t0, __data_lma
	la	t1, __data_start
	la	t2, __data_end
1:	bgeu	t1, t2, 2f
	lb	t3, 0(t0)
	sb	t3, 0(t1)
	addi	t0, t0, 1
	addi	t1, t1, 1
	j	1b
2:	la	t1, __bss_start
	la	t2, __bss_end
3:	bgeu	t1, t2, 4f
	sb	zero, 0(t1)
	addi	t1, t1, 1
	j	3b
4:	la	sp, __stack_top
	call	smoke_main
9:	wfi
	j	9b
