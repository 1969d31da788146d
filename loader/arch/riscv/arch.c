// SPDX-License-Identifier: BSD-2-Clause
/*
 * RISC-V glue: from entry.S to the generic boot flow, SBI console and
 * power-off.  Kept thin: policy lives in loader/main.c.
 */
#include <stdint.h>

#include <kaslrboot/arch.h>

#include "sbi.h"

void kb_arch_start(unsigned long hartid, uintptr_t dtb, uintptr_t base)
	__attribute__((noreturn));

void kb_arch_start(unsigned long hartid, uintptr_t dtb, uintptr_t base)
{
	static struct kb_boot_info bi;

	bi.hartid = hartid;
	bi.dtb = dtb;
	bi.load_base = base;
	/* The loader is only ever linked for S-mode entry today (firmware
	 * below it owns M-mode). */
	bi.entry_mode = "S-mode";
	kb_main(&bi);
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
	__asm__ volatile("csrw sie, zero");
	for (;;)
		__asm__ volatile("wfi");
}

void kb_arch_poweroff(void)
{
	if (sbi_probe(SBI_EXT_SRST))
		sbi_ecall(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
			  SBI_SRST_REASON_NONE, 0);
	kb_arch_halt();
}
