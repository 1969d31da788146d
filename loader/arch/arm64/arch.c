// SPDX-License-Identifier: BSD-2-Clause
/*
 * arm64 glue: from entry.S to the generic boot flow, PSCI power-off and
 * cache maintenance.  Kept thin: policy lives in loader/main.c.
 */
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/arch.h>

#define PSCI_0_2_FN_SYSTEM_OFF	0x84000008u

void kb_arch_start(uintptr_t dtb, uintptr_t base, uint64_t instret)
	__attribute__((noreturn));

uint64_t kb_instret_at_entry;

/* PSCI conduit from /psci "method": 0 none, 1 hvc, 2 smc. */
static int psci_conduit;

static unsigned int current_el(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(v));
	return (unsigned int)((v >> 2) & 3);
}

void kb_arch_start(uintptr_t dtb, uintptr_t base, uint64_t instret)
{
	static struct kb_boot_info bi;
	unsigned int el = current_el();

	(void)instret;
	bi.hartid = 0;
	/* Started as firmware (QEMU -bios: x0 = 0), the tree is where the
	 * board says (QEMU virt: the start of RAM). */
	if (dtb == 0)
		dtb = CONFIG_DTB_DEFAULT_ADDR;
	bi.dtb = dtb;
	bi.load_base = base;
	/* Kept as entered: Linux prefers EL2 (booting.rst) and accepts EL1. */
	bi.entry_mode = el == 2 ? "EL2" : el == 1 ? "EL1" : el == 3 ? "EL3" : "EL0";
	kb_instret_at_entry = kb_arch_instret();
	kb_main(&bi);
}

void kb_arch_fdt_init(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/psci");
	const char *m;
	int len;

	if (node < 0)
		return;
	m = fdt_getprop(fdt, node, "method", &len);
	if (m == NULL || len < 4)
		return;
	if (len >= 4 && strncmp(m, "hvc", (size_t)len) == 0)
		psci_conduit = 1;
	else if (len >= 4 && strncmp(m, "smc", (size_t)len) == 0)
		psci_conduit = 2;
}

int kb_arch_early_putc(char c)
{
	(void)c;
	/* No firmware console on arm64. */
	return -1;
}

void kb_arch_halt(void)
{
	__asm__ volatile("msr daifset, #0xf");
	for (;;)
		__asm__ volatile("wfi");
}

void kb_arch_poweroff(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_0_2_FN_SYSTEM_OFF;

	if (psci_conduit == 1)
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else if (psci_conduit == 2)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	kb_arch_halt();
}

static unsigned int dcache_line(void)
{
	uint64_t ctr;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return 4u << ((ctr >> 16) & 0xf);	/* DminLine: log2 words */
}

static void dcache_civac_range(uintptr_t start, uint64_t len)
{
	unsigned int line = dcache_line();
	uintptr_t a = start & ~(uintptr_t)(line - 1);
	uintptr_t end = start + len;

	if (len == 0)
		return;
	for (; a < end; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

void kb_arch_sync_icache(uintptr_t start, uint64_t len)
{
	/* The loader runs with the MMU and D-cache off, as entered: the
	 * clean is for caches the previous stage may have left dirty.  Then
	 * invalidate the I-cache so the kernel's code is fetched fresh. */
	dcache_civac_range(start, len);
	__asm__ volatile("ic iallu\n\tdsb sy\n\tisb" ::: "memory");
}

uint64_t kb_arch_instret(void)
{
	static int state;	/* 0 untried, 1 counting, -1 unavailable */
	uint64_t v = 0;

	if (!IS_ENABLED(CONFIG_BENCH))
		return 0;
	if (state == 0) {
		uint64_t dfr0;

		/* ID_AA64DFR0_EL1.PMUVer (bits 11:8): 0 none, 0xf IMP DEF. */
		__asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(dfr0));
		if (((dfr0 >> 8) & 0xf) == 0 || ((dfr0 >> 8) & 0xf) == 0xf) {
			state = -1;
			return 0;
		}
		/* Event counter 0 counts INST_RETIRED (0x08); enable it and
		 * the PMU (PMCR_EL0.E).  EL1 and EL2 may use the PMU registers
		 * unless EL2/EL3 trap them, which firmware does not on QEMU. */
		__asm__ volatile("msr pmselr_el0, xzr\n\tisb\n\t"
				 "msr pmxevtyper_el0, %0\n\t"
				 "msr pmcntenset_el0, %1\n\t"
				 "mrs x9, pmcr_el0\n\torr x9, x9, #1\n\tmsr pmcr_el0, x9\n\tisb"
				 : : "r"((uint64_t)0x08 | (UINT64_C(1) << 27)), "r"((uint64_t)1)
				 : "x9", "memory");
		state = 1;
	}
	if (state < 0)
		return 0;
	__asm__ volatile("mrs %0, pmevcntr0_el0" : "=r"(v));
	return v;
}
