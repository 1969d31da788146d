/* SPDX-License-Identifier: BSD-2-Clause */
/* RISC-V specifics used by drivers (loader/arch/riscv/). */
#ifndef KASLRBOOT_RISCV_H
#define KASLRBOOT_RISCV_H

#include <stdint.h>

/*
 * Read the Zkr "seed" CSR (0x015) once, under a temporary trap handler.
 * 0 and *val set if the read was allowed; -1 if it trapped (the hart has
 * no Zkr, or firmware did not grant this mode access, e.g. mseccfg.SSEED
 * clear for S-mode).  The CSR is read with csrrw, as the spec requires.
 */
int kb_riscv_seed_try(uint32_t *val);

#ifdef CONFIG_RISCV_M_MODE
#include <kaslrboot/fwdyn.h>

/* OpenSBI's fw_dynamic_info, in the handoff section (survives the wipe;
 * loader/arch/riscv/handoff.S). */
extern struct kb_fw_dynamic_info kb_riscv_fw_dynamic_info;

/*
 * Fill the release mailbox (loader/arch/riscv/mailbox.h): at handoff the
 * stub releases harts 0..nharts-1 but this one into `entry` with a1, a2
 * (a software interrupt through the MSWI/CLINT at msip), then enters
 * `entry` itself with the same a1, a2.  entry 0 releases nobody but still
 * hands a2 to the boot hart.
 */
void kb_riscv_release(uintptr_t entry, uintptr_t a1, uintptr_t a2,
		      uintptr_t msip, unsigned long nharts);
#endif

/*
 * M-mode PMP locking (loader/arch/riscv/pmp.c, CONFIG_RISCV_PMP_LOCK;
 * docs/pmp.md).  The boot flow, just before the handoff:
 *
 *	kb_arch_pmp_probe(&params, d);		entries, G, pmpaddr width
 *	params.background = KB_PMP_DATA;	R+W, no X, everywhere else
 *	kb_pmp_payload_segs(&payload, start, params.g, segs, max, &n, d);
 *	(add the stack and the device tree, R+W, if wanted)
 *	kb_pmp_plan(segs, n, &params, e, &ne, d);
 *	kb_arch_pmp_apply(e, ne, entry, &h, d);	written, locked, read back
 *	... nothing may write the payload's text or rodata after this ...
 *	kb_arch_handoff_locked(entry, hartid, dtb, h.lock_mask, h.cfg_csr);
 *
 * Any error: log d, kb_stop().
 */
struct kb_pmp_params;
struct kb_pmp_entry;
struct kb_diag;

/* What the handoff stub needs to lock the last entry (see below). */
struct kb_pmp_handoff {
	unsigned long lock_mask;	/* L bit of the last entry in its pmpcfg CSR; 0: none */
	unsigned int cfg_csr;		/* that CSR: 0 .. 3 for pmpcfg0 .. pmpcfg3 */
};

/*
 * This hart's PMP: p->nr_entries (at most CONFIG_RISCV_PMP_ENTRIES),
 * p->g and p->addr_bits (at most 54 on rv64, 32 on rv32), found by
 * writing all ones to each pmpaddr and reading it back, as OpenSBI does;
 * every pmpaddr written is cleared again.  p->background is set to
 * KB_PMP_NO_BACKGROUND.  KB_ENODEV if the hart has no PMP; KB_EIO if an
 * entry is already locked (a previous stage locked it: its writes would
 * be ignored).
 */
int kb_arch_pmp_probe(struct kb_pmp_params *p, struct kb_diag *d);

/*
 * Write the planned entries e[0 .. n) into pmpaddrN (all first) and then
 * pmpcfgN (ascending), every one locked except the last, which is written
 * with L clear (an unlocked entry does not bind M-mode: the loader keeps
 * running from outside the payload's text); read every entry back and
 * compare.  The last entry's L bit is set by kb_arch_handoff_locked()
 * after the loader has wiped itself: *h says where.  Also checks that
 * mtvec can hold `entry` (4-byte aligned), through which the payload is
 * entered.  KB_EALIGN, KB_ENOTSUP (mtvec), KB_ENOSPC (n too large),
 * KB_EIO (an entry reads back differently, or was locked already: halt).
 */
int kb_arch_pmp_apply(const struct kb_pmp_entry *e, unsigned int n,
		      uintptr_t entry, struct kb_pmp_handoff *h,
		      struct kb_diag *d);

/*
 * kb_arch_handoff() for a locked payload (loader/arch/riscv/handoff.S):
 * wipe the loader, fence.i, mtvec = entry, set lock_mask in pmpcfg
 * cfg_csr, jump to entry with a0 = hartid, a1 = dtb.  Once the last
 * entry (the catch-all without X) is locked, the stub's own next fetch
 * faults, and the hart enters the payload through mtvec: mcause 1
 * (instruction access fault), mepc = mtval = the stub's address, MPP = M,
 * MIE = 0; the registers are those of the jump.  docs/pmp.md.
 */
void kb_arch_handoff_locked(uintptr_t entry, unsigned long hartid, uintptr_t dtb,
			    unsigned long lock_mask, unsigned int cfg_csr)
	__attribute__((noreturn));

#endif
