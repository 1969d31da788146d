/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What loader/main.c needs from loader/arch/<arch>/: kept small on purpose.
 * Arch code does entry, cache maintenance, early console, power-off and
 * handoff; everything else is generic.
 */
#ifndef KASLRBOOT_ARCH_H
#define KASLRBOOT_ARCH_H

#include <stdint.h>

/* The ELF machine this loader boots payloads for. */
#if defined(__riscv)
#define KB_ARCH_MACHINE 243	/* EM_RISCV */
#elif defined(__aarch64__)
#define KB_ARCH_MACHINE 183	/* EM_AARCH64 */
#endif

/* What the previous stage handed over, as found at entry. */
struct kb_boot_info {
	uintptr_t dtb;		/* device tree (physical = virtual, MMU off) */
	unsigned long hartid;	/* RISC-V hart id / arm64: 0 */
	uintptr_t load_base;	/* where kaslrboot itself runs */
	const char *entry_mode;	/* "S-mode", "EL2", ... for the log */
};

/* Generic boot flow (loader/main.c). */
void kb_main(const struct kb_boot_info *bi) __attribute__((noreturn));

/* Called once the device tree has been validated, before anything else
 * reads it: arch code takes what it needs from it (arm64: the PSCI
 * conduit from /psci "method").  A no-op where nothing is needed. */
void kb_arch_fdt_init(const void *fdt);

/* Print one character on the firmware console before the device-tree UART
 * is probed; returns 0 if the firmware took it, negative if there is none. */
int kb_arch_early_putc(char c);

/* Power the machine off (for now: after the map is printed / on a
 * fail-closed error in test set-ups).  Falls back to kb_arch_halt(). */
void kb_arch_poweroff(void) __attribute__((noreturn));

/* Stop this CPU for good (wait-for-interrupt loop, interrupts masked). */
void kb_arch_halt(void) __attribute__((noreturn));

/* Make a freshly written image at [start, start + len) visible to
 * instruction fetch (RISC-V: fence.i; arm64: clean D / invalidate I). */
void kb_arch_sync_icache(uintptr_t start, uint64_t len);

/* Retired-instruction counter (0 where unreadable): for benchmarks only. */
uint64_t kb_arch_instret(void);

/* Wipe the loader (all but the handoff stub) and enter the kernel per the
 * boot protocol.  Never returns.  Nothing may be called after it. */
void kb_arch_handoff(uintptr_t entry, unsigned long hartid, uintptr_t dtb)
	__attribute__((noreturn));

/* Instruction count at entry (for benchmarks). */
extern uint64_t kb_instret_at_entry;

/* Linker-script symbols (addresses only). */
extern char __image_start[], __image_file_end[], __image_end[];
extern char __bss_start[], __bss_end[], __stack_bottom[], __stack_top[];
extern char __handoff_start[], __handoff_end[];

#endif
