/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What loader/main.c needs from loader/arch/<arch>/ (riscv, arm64): kept
 * small on purpose.  Arch code does entry (self-relocation, .bss, stack;
 * arm64 also the copy to RAM when started from flash), what it needs from
 * the device tree (arm64: the PSCI conduit), the identity map (arm64),
 * cache maintenance, the early console, halt and power-off (SBI SRST / PSCI
 * SYSTEM_OFF) and the handoff; everything else is generic.
 */
#ifndef KASLRBOOT_ARCH_H
#define KASLRBOOT_ARCH_H

#include <stdint.h>

/* The ELF machine this loader boots payloads for, and their XLEN (the ELF
 * class: an rv32 loader boots ELFCLASS32 payloads, the others ELFCLASS64). */
#if defined(__riscv)
#define KB_ARCH_MACHINE 243	/* EM_RISCV */
#define KB_ARCH_XLEN __riscv_xlen
#elif defined(__aarch64__)
#define KB_ARCH_MACHINE 183	/* EM_AARCH64 */
#define KB_ARCH_XLEN 64
#elif defined(__arm__)
#define KB_ARCH_MACHINE 40	/* EM_ARM: Cortex-M, Thumb */
#define KB_ARCH_XLEN 32
/* No MMU, no pages, SRAM counted in KiB: a moved tree and the staging
 * copy need only the stack's alignment (AAPCS: 8). */
#define KB_ARCH_PAGE 8
#endif

/* What the previous stage handed over, as found at entry. */
struct kb_boot_info {
	uintptr_t dtb;		/* device tree (physical = virtual, MMU off);
				 * arm64 entered with x0 = 0 (QEMU -bios):
				 * CONFIG_DTB_DEFAULT_ADDR */
	unsigned long hartid;	/* RISC-V hart id / arm64: 0 */
	uintptr_t load_base;	/* where kaslrboot itself runs (arm64 started
				 * from flash: its copy in RAM) */
	const char *entry_mode;	/* "S-mode", "EL2", ... for the log */
	const char *dtb_from;	/* NULL: from the previous stage; else how it
				 * was found, for the log ("linked into the
				 * loader") */
};

/* The tree linked into the loader (CONFIG_BUILTIN_DTB), or NULL. */
const void *kb_builtin_dtb(void);

/* Generic boot flow (loader/main.c). */
void kb_main(const struct kb_boot_info *bi) __attribute__((noreturn));

/* Stop for good after an error has been logged (loader/main.c; also for
 * arch exception handlers): wipe the DRBG and entropy state, reset the
 * TRNG, log "halted: nothing was booted", then power off
 * (CONFIG_POWEROFF_ON_HALT) or halt. */
void kb_stop(void) __attribute__((noreturn));

/* Called once the device tree has been validated, before anything else
 * reads it: arch code takes what it needs from it (arm64: the PSCI
 * conduit from /psci "method").  A no-op where nothing is needed. */
void kb_arch_fdt_init(const void *fdt);

/* Print one character on the firmware console before the device-tree UART
 * is probed; returns 0 if the firmware took it, negative if there is none
 * (arm64: never any). */
int kb_arch_early_putc(char c);

/* Power the machine off (RISC-V: SBI SRST shutdown; arm64: PSCI
 * SYSTEM_OFF through the /psci conduit).  fatal() in loader/main.c uses it
 * instead of kb_arch_halt() when CONFIG_POWEROFF_ON_HALT is set (the QEMU
 * boards).  Falls back to kb_arch_halt() when there is no way to power off
 * or the call returns. */
void kb_arch_poweroff(void) __attribute__((noreturn));

/* Stop this CPU for good (wait-for-interrupt loop, interrupts masked). */
void kb_arch_halt(void) __attribute__((noreturn));

/* Called once the memory map is built (step 2), before anything is read
 * from flash or placed: arch code maps what it needs from it (arm64 with
 * CONFIG_ARM64_MMU: every memory range write-back cacheable, the flash
 * window, no-map reservations; logs one "mmu:" line).  0, or a negative
 * KB_E* code with *d filled. */
struct kb_memmap;
struct kb_diag;
int kb_arch_memory_map(const struct kb_memmap *m, struct kb_diag *d);

/* Make a freshly written image at [start, start + len) visible to
 * instruction fetch (RISC-V: fence.i; arm64: clean D to the point of
 * coherency / invalidate I). */
void kb_arch_sync_icache(uintptr_t start, uint64_t len);

/* Make data the loader wrote at [start, start + len) visible to a next
 * stage that starts with its caches off (arm64: clean and invalidate to
 * the point of coherency by VA; RISC-V: nothing, the harts are coherent).
 * loader/main.c calls it for the initrd and the final device tree. */
void kb_arch_clean_dcache(uintptr_t start, uint64_t len);

/* Retired-instruction counter (0 where unreadable, and 0 unless
 * CONFIG_BENCH): for benchmarks only. */
uint64_t kb_arch_instret(void);

/* Wipe the loader (all but the handoff stub) and enter the kernel per the
 * boot protocol (arm64: at the exception level the loader was entered in,
 * after turning the MMU and caches off; loader/arch/arm64/handoff.S).
 * Never returns.  Nothing may be called after it. */
void kb_arch_handoff(uintptr_t entry, unsigned long hartid, uintptr_t dtb)
	__attribute__((noreturn));

/* Instruction count at entry (for benchmarks). */
extern uint64_t kb_instret_at_entry;

/* Linker-script symbols (addresses only). */
extern char __image_start[], __image_file_end[], __image_end[];
extern char __bss_start[], __bss_end[], __stack_bottom[], __stack_top[];
extern char __handoff_start[], __handoff_end[];

#endif
