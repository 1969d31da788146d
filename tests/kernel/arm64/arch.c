// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test kernel, arm64 glue: from the entry code to tk_main(), a tiny PL011
 * console (QEMU virt's, hard-coded at 0x09000000: test code only) and
 * power-off through PSCI SYSTEM_OFF over the conduit /psci "method" names
 * (hvc at EL1, smc when QEMU emulates EL2/EL3).
 */
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include "tk.h"
#include "tk_arch.h"

#define TK_PL011_BASE		0x09000000UL
#define PL011_DR		0x00
#define PL011_FR		0x18
#define PL011_FR_TXFF		0x20
#define PSCI_0_2_FN_SYSTEM_OFF	0x84000008UL

/* 1 hvc, 2 smc, 0 none: set before the first line is printed; in .data,
 * not in the checked .bss. */
static int tk_psci = -1;

void tk_arch_putc(char c)
{
	volatile uint32_t *fr = (volatile uint32_t *)(TK_PL011_BASE + PL011_FR);
	volatile uint32_t *dr = (volatile uint32_t *)(TK_PL011_BASE + PL011_DR);

	for (unsigned int i = 0; i < 1000000 && (*fr & PL011_FR_TXFF); i++)
		;
	*dr = (uint8_t)c;
}

void tk_arch_poweroff(int failure)
{
	register unsigned long x0 __asm__("x0") = PSCI_0_2_FN_SYSTEM_OFF;

	(void)failure;	/* PSCI SYSTEM_OFF has no reason code */
	if (tk_psci == 1)
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else if (tk_psci == 2)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	for (;;)
		__asm__ volatile("wfi");
}

static int tk_psci_conduit(uintptr_t dtb)
{
	const void *fdt = (const void *)dtb;
	const char *m;
	int node, len;

	if (dtb == 0 || fdt_check_header(fdt) != 0)
		return 0;
	node = fdt_path_offset(fdt, "/psci");
	if (node < 0)
		return 0;
	m = fdt_getprop(fdt, node, "method", &len);
	if (m == NULL || len < 4)
		return 0;
	if (strcmp(m, "hvc") == 0)
		return 1;
	if (strcmp(m, "smc") == 0)
		return 2;
	return 0;
}

/* booting.rst: "The MMU must be off", the D-cache too (SCTLR_ELx.M, .C
 * at the exception level the kernel is entered in). */
static int tk_caches_on(void)
{
	uint64_t el, sctlr;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	if (((el >> 2) & 3) == 2)
		__asm__ volatile("mrs %0, sctlr_el2" : "=r"(sctlr));
	else
		__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	return (sctlr & 5) != 0;
}

/* The loader zeroes v0..v31 before the jump (its memcpy/memset and
 * SHA-256 leave data there).  Nothing in the test kernel uses them before
 * this runs: it is built -mgeneral-regs-only. */
static int tk_simd_dirty(void)
{
	uint64_t acc = 0, lo, hi;

#define TK_V(n) \
	__asm__ volatile("umov %0, v" #n ".d[0]\n\tumov %1, v" #n ".d[1]" : "=r"(lo), "=r"(hi)); \
	acc |= lo | hi;
	TK_V(0) TK_V(1) TK_V(2) TK_V(3) TK_V(4) TK_V(5) TK_V(6) TK_V(7)
	TK_V(8) TK_V(9) TK_V(10) TK_V(11) TK_V(12) TK_V(13) TK_V(14) TK_V(15)
	TK_V(16) TK_V(17) TK_V(18) TK_V(19) TK_V(20) TK_V(21) TK_V(22) TK_V(23)
	TK_V(24) TK_V(25) TK_V(26) TK_V(27) TK_V(28) TK_V(29) TK_V(30) TK_V(31)
#undef TK_V
	return acc != 0;
}

void tk_arch_entry(unsigned long hart, uintptr_t dtb, unsigned int format,
		   unsigned int flags, unsigned long info) __attribute__((noreturn));

void tk_arch_entry(unsigned long hart, uintptr_t dtb, unsigned int format,
		   unsigned int flags, unsigned long info)
{
	struct tk_boot b = {
		.hart = hart,
		.dtb = dtb,
		.base = TK_PCREL(__image_start, 0),
		.entry = TK_PCREL(_start, 0),
		.end = TK_PCREL(__image_end, 0),
		.format = format,
		.flags = flags | (tk_caches_on() ? TK_FLAG_CACHES_ON : 0) |
			 (tk_simd_dirty() ? TK_FLAG_SIMD_DIRTY : 0),
		.info = info,
		.align = format == TK_FORMAT_IMAGE ? TK_IMAGE_ALIGN : TK_ELF_ALIGN,
	};

	tk_psci = tk_psci_conduit(dtb);
	tk_main(&b);
}
