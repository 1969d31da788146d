/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The M-mode release mailbox (loader/arch/riscv/handoff.S): six XLEN
 * words { magic, entry, a1, a2, msip base, hart count } in the handoff section, the
 * only loader bytes the wipe keeps.  Parked harts (entry.S) read it
 * after a machine software interrupt.
 */
#ifndef KASLRBOOT_RISCV_MAILBOX_H
#define KASLRBOOT_RISCV_MAILBOX_H

#define KB_RISCV_RELEASE_MAGIC	0x4b42524c	/* "KBRL" */
#define KB_RISCV_MAILBOX_WORDS	6

#endif
