/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot test kernel: the interface between the generic checks
 * (main.c, targets.c) and the per-architecture entry code and glue
 * (<arch>/).  The test kernel is what kaslrboot boots in the QEMU tests:
 * it reports where it runs and checks that it was loaded, relocated and
 * handed a device tree the way a real kernel expects.
 */
#ifndef TESTKERNEL_TK_H
#define TESTKERNEL_TK_H

/* Passed by the entry code (also used from assembly). */
#define TK_FORMAT_ELF		0
#define TK_FORMAT_IMAGE		1

#define TK_FLAG_AT_BASE		1	/* ELF: entered at the first byte, not e_entry */
#define TK_FLAG_BAD_RELOC	2	/* Image: .rela.dyn holds a type we do not apply */
#define TK_FLAG_CACHES_ON	4	/* arm64: entered with the MMU or the D-cache on */
#define TK_FLAG_SIMD_DIRTY	8	/* arm64: a SIMD/FP register was not zero at entry */

#define TK_BSS_BIG_SIZE		(96 * 1024)

#ifndef __ASSEMBLY__

#include <stdint.h>

struct tk_boot {
	unsigned long hart;
	uintptr_t dtb;
	uintptr_t base;		/* address of the image's first byte */
	uintptr_t entry;	/* address of _start (e_entry / the Image's byte 0) */
	uintptr_t end;		/* end of the footprint (BSS and stack included) */
	unsigned int format;	/* TK_FORMAT_* */
	unsigned int flags;	/* TK_FLAG_* */
	unsigned long info;	/* TK_FLAG_BAD_RELOC: the offending r_info */
	unsigned long align;	/* alignment the format requires of base */
	uintptr_t bootinfo;	/* RISC-V M-mode, HANDOFF_BOOTINFO: a2 (else 0) */
};

void tk_main(const struct tk_boot *b) __attribute__((noreturn));

/* Architecture glue (<arch>/arch.c). */
void tk_arch_putc(char c);
struct tk_boot;
void tk_arch_checks(const struct tk_boot *b);
void tk_arch_poweroff(int failure) __attribute__((noreturn));

/* Tiny formatted output: %s %c %d %u %x with 0/width and l/ll/z. */
void tk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A failed check: counted, printed as "testkernel: FAIL ..."; the kernel
 * reports FAILED and powers off with a failure code at the end. */
extern unsigned int tk_failures;
extern int tk_ipi;
#define TK_FAIL(...) do {						\
	tk_failures++;							\
	tk_printf("testkernel: FAIL " __VA_ARGS__);			\
	tk_printf("\n");						\
} while (0)

/* Linker-script symbols. */
extern char __image_start[], __image_end[], _start[];

#endif /* __ASSEMBLY__ */
#endif
