// SPDX-License-Identifier: BSD-2-Clause
/*
 * Cortex-M glue: from entry.S to the generic boot flow; faults, halt,
 * power-off (semihosting, for emulators) and the handoff's checks of the
 * payload's vector table.  Policy lives in loader/main.c.
 */
#include <stdint.h>

#include <kaslrboot/arch.h>
#include <kaslrboot/arm_m.h>
#include <kaslrboot/console.h>
#include <kaslrboot/error.h>

void kb_arch_start(void) __attribute__((noreturn));
void kb_arm_m_fault(uint32_t ipsr, uint32_t pc) __attribute__((noreturn));
void kb_arm_m_enter(uintptr_t entry, uintptr_t dtb, uintptr_t sp)
	__attribute__((noreturn));

uint64_t kb_instret_at_entry;

/* The payload's initial MSP, from word 0 of its vector table
 * (kb_arm_m_check_vectors); 0 until checked. */
static uintptr_t payload_sp;

void kb_arch_start(void)
{
	static struct kb_boot_info bi;

	/* A microcontroller's boot ROM (or the core's reset) passes nothing:
	 * the tree is the one linked in (CONFIG_BUILTIN_DTB), in flash. */
	bi.dtb = (uintptr_t)kb_builtin_dtb();
	bi.dtb_from = "linked into the loader (flash)";
	bi.hartid = 0;
	bi.load_base = (uintptr_t)__image_start;
	bi.entry_mode = "Thumb, privileged, MSP, from flash";
	kb_main(&bi);
}

/* An exception: the loader enables none, so every one is a fault. */
void kb_arm_m_fault(uint32_t ipsr, uint32_t pc)
{
	kb_error("cpu: exception %u (%s) at pc 0x%08x",
		 (unsigned int)ipsr, ipsr == 3 ? "HardFault" : ipsr == 2 ? "NMI" : "unexpected",
		 (unsigned int)pc);
	kb_stop();
}

void kb_arch_fdt_init(const void *fdt)
{
	(void)fdt;
}

int kb_arch_early_putc(char c)
{
	(void)c;
	return -1;	/* no firmware console below us */
}

void kb_arch_halt(void)
{
	__asm__ volatile("cpsid i" ::: "memory");
	for (;;)
		__asm__ volatile("wfi");
}

void kb_arch_poweroff(void)
{
#ifdef CONFIG_ARM_M_SEMIHOSTING_POWEROFF
	/* SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit (0x20026): the
	 * 32-bit semihosting ABI passes the reason itself in r1. */
	register uint32_t op __asm__("r0") = 0x18;
	register uint32_t arg __asm__("r1") = 0x20026;

	__asm__ volatile("bkpt 0xab" : : "r"(op), "r"(arg) : "memory");
#endif
	kb_arch_halt();
}

void kb_arch_sync_icache(uintptr_t start, uint64_t len)
{
	(void)start;
	(void)len;
	/* No caches on a Cortex-M0; the barriers order the copy before
	 * the first fetch from it. */
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

void kb_arch_clean_dcache(uintptr_t start, uint64_t len)
{
	(void)start;
	(void)len;
}

int kb_arch_memory_map(const struct kb_memmap *m, struct kb_diag *d)
{
	(void)m;
	(void)d;
	return 0;
}

uint64_t kb_arch_instret(void)
{
	return 0;	/* the M0 has no cycle or instruction counter */
}

int kb_arm_m_check_vectors(uint64_t base, uint64_t footprint, uintptr_t entry,
			   struct kb_diag *d)
{
	const uint32_t *vt = (const uint32_t *)(uintptr_t)base;
	uint32_t sp = vt[0], pc = vt[1];

	/* The payload's own vector table, relocated: word 1 must be the
	 * ELF entry (a Thumb address), word 0 a stack top inside the
	 * payload's window (its stack is its own, placed with it). */
	if (footprint < 8 || pc != (uint32_t)entry || (pc & 1) == 0)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: its vector table's reset word 0x%08x is not its ELF entry 0x%08x with the Thumb bit (a Cortex-M payload starts with its vector table)",
				   (unsigned int)pc, (unsigned int)entry);
	if (sp <= base || sp - base > footprint || (sp & 7) != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: its initial stack pointer 0x%08x is not an 8-byte-aligned address inside its own window 0x%08x-0x%08x",
				   (unsigned int)sp, (unsigned int)base,
				   (unsigned int)(base + footprint));
	payload_sp = sp;
	return 0;
}

void kb_arch_handoff(uintptr_t entry, unsigned long hartid, uintptr_t dtb)
{
	(void)hartid;
	/* Read before the wipe (payload_sp is in .bss). */
	uintptr_t sp = payload_sp;

	if (sp == 0)
		kb_arch_halt();	/* not checked: never jump */
	kb_arm_m_enter(entry, dtb, sp);
}
