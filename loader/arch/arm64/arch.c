// SPDX-License-Identifier: BSD-2-Clause
/*
 * arm64 glue: from entry.S to the generic boot flow, the identity map
 * (mmu.c), PSCI power-off and cache maintenance.  Kept thin: policy lives
 * in loader/main.c.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/arch.h>
#include <kaslrboot/console.h>
#include <kaslrboot/error.h>
#include <kaslrboot/memmap.h>

#include "mmu.h"

#define PSCI_0_2_FN_SYSTEM_OFF	0x84000008u

void kb_arch_start(uintptr_t dtb, uintptr_t base, uint64_t instret)
	__attribute__((noreturn));
void kb_arm64_exception(unsigned int vector, uint64_t esr, uint64_t elr,
			uint64_t far) __attribute__((noreturn));

uint64_t kb_instret_at_entry;
uint64_t kb_arm64_entry_sctlr, kb_arm64_entry_vbar;

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

	/* Until kb_mmu_early() has run, every access is to Device memory:
	 * nothing here may call a string function (or anything else that
	 * might use one). */
	(void)instret;
	kb_instret_at_entry = kb_arch_instret();
	/* What the handoff stub puts back. */
	if (el == 2)
		__asm__ volatile("mrs %0, sctlr_el2\n\tmrs %1, vbar_el2"
				 : "=r"(kb_arm64_entry_sctlr), "=r"(kb_arm64_entry_vbar));
	else if (el == 3)
		__asm__ volatile("mrs %0, sctlr_el3\n\tmrs %1, vbar_el3"
				 : "=r"(kb_arm64_entry_sctlr), "=r"(kb_arm64_entry_vbar));
	else
		__asm__ volatile("mrs %0, sctlr_el1\n\tmrs %1, vbar_el1"
				 : "=r"(kb_arm64_entry_sctlr), "=r"(kb_arm64_entry_vbar));
	/* Started as firmware (QEMU -bios: x0 = 0), the tree is where the
	 * board says (QEMU virt: the start of RAM). */
	if (dtb == 0)
		dtb = CONFIG_DTB_DEFAULT_ADDR;
	if (IS_ENABLED(CONFIG_ARM64_MMU))
		kb_mmu_early(dtb);

	bi.hartid = 0;
	bi.dtb = dtb;
	bi.load_base = base;
	/* Kept as entered: Linux prefers EL2 (booting.rst) and accepts EL1. */
	bi.entry_mode = el == 2 ? "EL2" : el == 1 ? "EL1" : el == 3 ? "EL3" : "EL0";
	kb_main(&bi);
}

int kb_arch_memory_map(const struct kb_memmap *m, struct kb_diag *d)
{
	struct kb_mmu_info info;
	unsigned int i, nomap = 0;
	int err;

	if (!IS_ENABLED(CONFIG_ARM64_MMU)) {
		kb_info("mmu: off (CONFIG_ARM64_MMU=n): running on uncached Device memory");
		return KB_OK;
	}
	kb_mmu_info(&info);
	if (!info.on)
		return kb_diag_set(d, KB_EFAIL, "mmu: the first identity map did not fit; the MMU is off");
	/* The flash window first: where it is RAM too, RAM wins. */
	err = kb_mmu_map(CONFIG_PAYLOAD_ADDR, CONFIG_PAYLOAD_MAX_SIZE, KB_MMU_FLASH);
	for (i = 0; !err && i < m->nmem; i++)
		err = kb_mmu_map(m->mem[i].base, m->mem[i].size, KB_MMU_RAM);
	/* Memory the OS must not map (secure carve-outs): Device, so that
	 * not even a speculative access reaches it. */
	for (i = 0; !err && i < m->nresv; i++) {
		if (!(m->resv[i].flags & KB_REGION_NOMAP))
			continue;
		err = kb_mmu_map(m->resv[i].base, m->resv[i].size, KB_MMU_DEVICE);
		nomap++;
	}
	kb_mmu_info(&info);
	if (err == KB_MMU_ENOSPC)
		return kb_diag_set(d, KB_ENOSPC,
				   "mmu: the identity map needs more than CONFIG_ARM64_MMU_TABLES = %u page tables",
				   info.tables_max);
	if (err)
		return kb_diag_set(d, KB_ERANGE,
				   "mmu: a memory range lies beyond the %u-bit physical address size",
				   info.pa_bits);
	kb_info("mmu: identity map on at EL%u%s (SCTLR_EL%u M=%d C=%d I=%d), %u-bit PA, %u/%u page tables; "
	       "write-back: %u memory range(s); non-cacheable read-only: flash 0x%lx-0x%lx; "
	       "device-nGnRnE: %u no-map reservation(s), the rest",
	       info.el, info.vhe ? " (E2H)" : "", info.el, info.m, info.c, info.i, info.pa_bits,
	       info.tables_used, info.tables_max, m->nmem, (unsigned long)CONFIG_PAYLOAD_ADDR,
	       (unsigned long)(CONFIG_PAYLOAD_ADDR + CONFIG_PAYLOAD_MAX_SIZE), nomap);
	return KB_OK;
}

void kb_arm64_exception(unsigned int vector, uint64_t esr, uint64_t elr, uint64_t far)
{
	static const char *const kind[4] = { "synchronous", "IRQ", "FIQ", "SError" };
	static int nested;

	__asm__ volatile("msr daifset, #0xf");
	if (nested++)
		kb_arch_halt();
	kb_error("unexpected %s exception (vector %u): ESR 0x%" PRIx64 ", ELR 0x%" PRIx64
		 ", FAR 0x%" PRIx64, kind[vector & 3], vector, esr, elr, far);
	/* As after a fatal error: no secret outlives the stop. */
	kb_stop();
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
	/* Eight lines an iteration, two instructions a line instead of four
	 * (DC takes no offset): the kernel's footprint is cleaned here, half
	 * a million lines for a 30 MB kernel.  a <= end throughout. */
	while (end - a >= 8 * (uintptr_t)line)
		__asm__ volatile(".rept 8\n\tdc civac, %0\n\tadd %0, %0, %1\n\t.endr"
				 : "+r"(a) : "r"((uintptr_t)line) : "memory");
	for (; a < end; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Before stopping for good: fatal() has wiped the DRBG state and the TRNG
 * samples, but with the caches on those zeros may sit in dirty lines while
 * memory still holds the secrets.  Push the loader's memory to the point
 * of coherency, as the handoff does. */
static void flush_loader(void)
{
	if (IS_ENABLED(CONFIG_ARM64_MMU))
		dcache_civac_range((uintptr_t)__image_start,
				   (uintptr_t)(__image_end - __image_start));
}

void kb_arch_halt(void)
{
	__asm__ volatile("msr daifset, #0xf");
	flush_loader();
	for (;;)
		__asm__ volatile("wfi");
}

static void psci_system_off(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_0_2_FN_SYSTEM_OFF;

	if (psci_conduit == 1)
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else if (psci_conduit == 2)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
}

void kb_arch_poweroff(void)
{
	flush_loader();
	psci_system_off();
	kb_arch_halt();
}

void kb_arch_sync_icache(uintptr_t start, uint64_t len)
{
	/* The image was written through the D-cache: clean it to the point
	 * of coherency (the kernel starts with its caches off and reads
	 * memory), then invalidate the I-cache so the kernel's code is
	 * fetched fresh. */
	dcache_civac_range(start, len);
	__asm__ volatile("ic iallu\n\tdsb sy\n\tisb" ::: "memory");
}

void kb_arch_clean_dcache(uintptr_t start, uint64_t len)
{
	dcache_civac_range(start, len);
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
