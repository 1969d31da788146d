/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * int kb_riscv_seed_try(uint32_t *val)
 *
 * Read the seed CSR with a private trap handler installed, so that a hart
 * or firmware that does not allow it yields -1 instead of a trap into
 * whatever stvec held.  Interrupts are off in the loader (sstatus.SIE = 0),
 * so only the synchronous illegal-instruction trap can reach the handler.
 */
#include "asm.h"

#define CSR_SEED 0x015

	.text
	.option norvc
	.globl kb_riscv_seed_try
kb_riscv_seed_try:
	csrr	t1, CSR_XTVEC
	lla	t2, .Lseed_trap
	csrw	CSR_XTVEC, t2
	li	t3, 0
	csrrw	t0, CSR_SEED, zero	/* traps here if not permitted */
	csrw	CSR_XTVEC, t1
	bnez	t3, 1f
	sw	t0, 0(a0)
	li	a0, 0
	ret
1:	li	a0, -1
	ret

	.balign 4
.Lseed_trap:
	/* Skip the faulting 4-byte csrrw and report through t3. */
	csrr	t4, CSR_XEPC
	addi	t4, t4, 4
	csrw	CSR_XEPC, t4
	li	t3, 1
	XRET
