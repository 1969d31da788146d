// SPDX-License-Identifier: BSD-2-Clause
/*
 * RISC-V glue: from entry.S to the generic boot flow, SBI console and
 * power-off.  Kept thin: policy lives in loader/main.c.
 */
#include <stdint.h>

#include <kaslrboot/arch.h>
#include <kaslrboot/riscv.h>

#include "sbi.h"

void kb_arch_start(unsigned long hartid, uintptr_t dtb, uintptr_t base,
		   unsigned long instret) __attribute__((noreturn));

uint64_t kb_instret_at_entry;

void kb_arch_start(unsigned long hartid, uintptr_t dtb, uintptr_t base,
		   unsigned long instret)
{
	static struct kb_boot_info bi;

	kb_instret_at_entry = instret;
	bi.hartid = hartid;
	bi.dtb = dtb;
	if (kb_builtin_dtb() && (dtb == 0 || IS_ENABLED(CONFIG_BUILTIN_DTB_PREFER))) {
		bi.dtb = (uintptr_t)kb_builtin_dtb();
		bi.dtb_from = dtb ? "linked into the loader (BUILTIN_DTB_PREFER: a1 ignored)"
				  : "linked into the loader (a1 = 0)";
	}
	bi.load_base = base;
	/* S-mode: firmware below owns M-mode; M-mode: the first stage. */
	bi.entry_mode = IS_ENABLED(CONFIG_RISCV_M_MODE) ? "M-mode" : "S-mode";
	kb_main(&bi);
}

#ifdef CONFIG_RISCV_M_MODE
#include "mailbox.h"

/* { magic, entry, a1, a2, msip base, hart count } (handoff.S). */
extern unsigned long kb_riscv_mailbox[KB_RISCV_MAILBOX_WORDS];

void kb_riscv_release(uintptr_t entry, uintptr_t a1, uintptr_t a2,
		      uintptr_t msip, unsigned long nharts)
{
	/* The magic stays 0: the handoff stub writes it last, after the
	 * wipe, and only when entry is set. */
	kb_riscv_mailbox[2] = a1;
	kb_riscv_mailbox[3] = a2;
	kb_riscv_mailbox[4] = msip;
	kb_riscv_mailbox[5] = nharts;
	kb_riscv_mailbox[1] = entry;
	__asm__ volatile("fence rw, rw" ::: "memory");
}
#endif

void kb_arch_fdt_init(const void *fdt)
{
	(void)fdt;	/* nothing: SBI needs no device-tree discovery */
}

int kb_arch_early_putc(char c)
{
	static int mode = -1;	/* -1 unknown, 0 none, 1 DBCN, 2 legacy */

	if (!IS_ENABLED(CONFIG_SBI_EARLY_CONSOLE))
		return -1;
	if (mode < 0) {
		if (sbi_probe(SBI_EXT_DBCN))
			mode = 1;
		else if (sbi_probe(SBI_EXT_LEGACY_PUTCHAR))
			mode = 2;
		else
			mode = 0;
	}
	if (mode == 1)
		return sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE,
				 (unsigned char)c, 0, 0).error ? -1 : 0;
	if (mode == 2) {
		sbi_ecall(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0);
		return 0;
	}
	return -1;
}

void kb_arch_halt(void)
{
#ifdef CONFIG_RISCV_M_MODE
	__asm__ volatile("csrw mie, zero");
#else
	__asm__ volatile("csrw sie, zero");
#endif
	for (;;)
		__asm__ volatile("wfi");
}

void kb_arch_poweroff(void)
{
#ifdef CONFIG_RISCV_M_MODE
	/* No SBI below: the board's power-off register, if it has one. */
	if (CONFIG_RISCV_POWEROFF_ADDR != 0) {
		*(volatile uint32_t *)(uintptr_t)CONFIG_RISCV_POWEROFF_ADDR =
			CONFIG_RISCV_POWEROFF_VALUE;
		__asm__ volatile("fence" ::: "memory");
	}
	kb_arch_halt();
#endif
	if (sbi_probe(SBI_EXT_SRST))
		sbi_ecall(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
			  SBI_SRST_REASON_NONE, 0);
	kb_arch_halt();
}

void kb_arch_sync_icache(uintptr_t start, uint64_t len)
{
	(void)start;
	(void)len;
	/* One hart runs; fence.i orders this hart's stores before its
	 * instruction fetches.  (Other harts are parked in the firmware and
	 * will be started by the kernel through SBI HSM.) */
	__asm__ volatile("fence rw, rw\n\tfence.i" ::: "memory");
}

int kb_arch_memory_map(const struct kb_memmap *m, struct kb_diag *d)
{
	(void)m;
	(void)d;
	return 0;	/* S-mode with satp = 0: nothing to map */
}

void kb_arch_clean_dcache(uintptr_t start, uint64_t len)
{
	(void)start;
	(void)len;	/* RISC-V caches are coherent: nothing to clean */
}

uint64_t kb_arch_instret(void)
{
	uint64_t v = 0;

	if (!IS_ENABLED(CONFIG_BENCH))
		return 0;
#if defined(CONFIG_RISCV_M_MODE) && __riscv_xlen == 32
	{
		uint32_t hi, lo, hi2;

		do {
			__asm__ volatile("csrr %0, minstreth" : "=r"(hi));
			__asm__ volatile("csrr %0, minstret" : "=r"(lo));
			__asm__ volatile("csrr %0, minstreth" : "=r"(hi2));
		} while (hi != hi2);
		v = ((uint64_t)hi << 32) | lo;
	}
#elif defined(CONFIG_RISCV_M_MODE)
	__asm__ volatile("csrr %0, minstret" : "=r"(v));
#else
	/* Readable from S-mode when the firmware sets mcounteren.IR (OpenSBI
	 * does); exact under QEMU -icount. */
	__asm__ volatile("csrr %0, instret" : "=r"(v));
#endif
	return v;
}
