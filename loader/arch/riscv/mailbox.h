/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The M-mode release mailbox (loader/arch/riscv/handoff.S): six XLEN
 * words { magic, entry, a1, a2, msip base, hart count } in the handoff
 * section, the only loader bytes the wipe keeps.  Parked harts (entry.S)
 * read it after a machine software interrupt.  The magic is set only
 * between the stub's release and its close (docs/m-mode.md).
 */
#ifndef KASLRBOOT_RISCV_MAILBOX_H
#define KASLRBOOT_RISCV_MAILBOX_H

#define KB_RISCV_RELEASE_MAGIC	0x4b42524c	/* "KBRL" */
#define KB_RISCV_MAILBOX_WORDS	6
/*
 * How long the handoff stub waits for the released harts to acknowledge
 * (each clears its own msip word after reading the mailbox): this many
 * reads of msip words in all (rounds over every other hart's word, so
 * the bound does not grow with the hart count).  A parked hart answers
 * within a few instructions; one that has not answered by then is late:
 * the stub clears its msip word and the magic, and it stays parked.
 */
#define KB_RISCV_RELEASE_POLLS	0x100000

#endif
