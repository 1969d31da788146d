// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test kernel, RISC-V glue: from the entry code to tk_main(), the SBI
 * console (DBCN if the firmware has it, else the legacy putchar that
 * OpenSBI 1.1 offers) and power-off through SBI SRST.
 */
#include <stdint.h>

#include <libfdt.h>

#include "tk.h"
#include "tk_arch.h"

#define SBI_EXT_LEGACY_PUTCHAR	0x01
#define SBI_EXT_LEGACY_SHUTDOWN	0x08
#define SBI_EXT_BASE		0x10
#define SBI_EXT_SRST		0x53525354	/* "SRST" */
#define SBI_EXT_DBCN		0x4442434E	/* "DBCN" */
#define SBI_EXT_HSM		0x48534D	/* "HSM" */
#define SBI_HSM_HART_START	0
#define SBI_BASE_PROBE_EXT	3
#define SBI_DBCN_WRITE_BYTE	2
#define SBI_SRST_RESET		0
#define SBI_SRST_TYPE_SHUTDOWN	0
#define SBI_SRST_REASON_NONE	0
#define SBI_SRST_REASON_FAILURE	1

#ifdef CONFIG_RISCV_M_MODE
/*
 * M-mode (the loader was the first stage: no SBI below the payload): the
 * QEMU virt devices directly, the ns16550 UART at 0x10000000 and the
 * "sifive,test0" power-off register at 0x100000 (0x5555 pass, 0x3333 with
 * an exit code in bits 16+ fail).
 */
#define TK_UART		0x10000000UL
#define TK_UART_LSR	5
#define TK_UART_THRE	0x20
#define TK_TEST_DEV	0x100000UL

void tk_arch_putc(char c)
{
	volatile uint8_t *u = (volatile uint8_t *)TK_UART;

	while (!(u[TK_UART_LSR] & TK_UART_THRE))
		;
	u[0] = (uint8_t)c;
}

unsigned long tk_pmp_store(void *p);
unsigned long tk_pmp_exec(void *p);
extern uint32_t tk_pmp_text_word[], tk_pmp_data_ret[];

/*
 * The PMP lock kaslrboot applies before the first instruction
 * (docs/pmp.md): with pmpcfg0's first entry locked, a store into our own
 * text must fault (mcause 7, store access fault), a call into our data
 * must fault (mcause 1, instruction access fault), and writes to the
 * locked pmpcfg0 byte and pmpaddr0 must be ignored.
 */
void tk_arch_checks(const struct tk_boot *b)
{
	unsigned long cfg, cfg2, addr, addr2, c;
	volatile uint32_t *outside;
	unsigned int before = tk_failures;

	__asm__ volatile(".option push\n.option arch, +zicsr\n"
			 "csrr %0, pmpcfg0\ncsrr %1, pmpaddr0\n.option pop"
			 : "=r"(cfg), "=r"(addr));
	if (!(cfg & 0x80)) {
		tk_printf("testkernel: pmp: not locked (pmpcfg0 0x%lx)\n", cfg);
		return;
	}
	c = tk_pmp_store(tk_pmp_text_word);
	if (c != 7)
		TK_FAIL("pmp: a store into our text at 0x%lx gave mcause %lu, not 7",
			(unsigned long)(uintptr_t)tk_pmp_text_word, c);
	c = tk_pmp_exec(tk_pmp_data_ret);
	if (c != 1)
		TK_FAIL("pmp: a call into our data at 0x%lx gave mcause %lu, not 1",
			(unsigned long)(uintptr_t)tk_pmp_data_ret, c);
	/* Outside the payload (the free room behind the device tree, which
	 * the loader reserved for the tree to grow): writable, never
	 * executable. */
	outside = (volatile uint32_t *)((b->dtb + fdt_totalsize((const void *)b->dtb) + 7) & ~(uintptr_t)7);
	*outside = 0x00008067;	/* ret */
	__asm__ volatile("fence.i" ::: "memory");
	c = tk_pmp_exec((void *)outside);
	if (c != 1)
		TK_FAIL("pmp: a call outside the payload at 0x%lx gave mcause %lu, not 1",
			(unsigned long)(uintptr_t)outside, c);
	*outside = 0;
	__asm__ volatile(".option push\n.option arch, +zicsr\n"
			 "csrw pmpcfg0, %2\ncsrw pmpaddr0, %3\n"
			 "csrr %0, pmpcfg0\ncsrr %1, pmpaddr0\n.option pop"
			 : "=&r"(cfg2), "=&r"(addr2) : "r"(cfg ^ 1), "r"(addr ^ 1));
	if ((cfg2 & 0xff) != (cfg & 0xff) || addr2 != addr)
		TK_FAIL("pmp: writing the locked entry 0 changed it (pmpcfg0 0x%lx -> 0x%lx, pmpaddr0 0x%lx -> 0x%lx)",
			cfg, cfg2, addr, addr2);
	if (tk_ipi) {
		/* QEMU virt's CLINT at 0x2000000: one msip word per hart. */
		for (unsigned int h = 1; h < 4; h++)
			((volatile uint32_t *)0x2000000UL)[h] = 1;
		__asm__ volatile("fence" ::: "memory");
		tk_printf("testkernel: software interrupts sent to harts 1-3\n");
	}
	if (tk_failures != before)
		return;
	tk_printf("testkernel: pmp: locked: store into text trapped (mcause 7), call into data trapped (mcause 1), call outside the payload trapped (mcause 1), writes to the locked pmpcfg0/pmpaddr0 ignored\n");
}

void tk_arch_poweroff(int failure)
{
	*(volatile uint32_t *)TK_TEST_DEV = failure ? (1u << 16) | 0x3333 : 0x5555;
	for (;;)
		__asm__ volatile("wfi");
}
#else
struct tk_sbiret {
	long error;
	long value;
};

static struct tk_sbiret tk_sbi(unsigned long ext, unsigned long fid, unsigned long a0,
			       unsigned long a1)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a6), "r"(r_a7) : "memory");
	return (struct tk_sbiret){ .error = (long)r_a0, .value = (long)r_a1 };
}

static int tk_sbi_probe(unsigned long ext)
{
	struct tk_sbiret r = tk_sbi(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0);

	return r.error == 0 && r.value != 0;
}

/* Set before the first line is printed; not in the checked .bss. */
static int tk_dbcn;

void tk_arch_putc(char c)
{
	if (tk_dbcn && tk_sbi(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (unsigned char)c, 0).error == 0)
		return;
	tk_sbi(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0);
}

/*
 * "testkernel.ipi" in S-mode: ask the SBI firmware to start harts 1-3
 * (HSM HART_START, into a wfi loop), as Linux starts its secondary CPUs:
 * OpenSBI 1.1 answers with a machine software interrupt to each hart it
 * believes stopped.  A hart that kaslrboot still has parked (it arrived
 * after the release) must stay parked (tests/qemu-riscv-m/late_harts.sh).
 */
void tk_hsm_park(void);
__asm__(".pushsection .text\n.balign 4\ntk_hsm_park:\n1: wfi\nj 1b\n.popsection");

void tk_arch_checks(const struct tk_boot *b)
{
	(void)b;
	if (!tk_ipi)
		return;
	tk_printf("testkernel: sbi hsm hart_start:");
	for (unsigned long h = 1; h < 4; h++)
		tk_printf(" hart %lu %ld", h,
			  tk_sbi(SBI_EXT_HSM, SBI_HSM_HART_START, h,
				 (unsigned long)(uintptr_t)tk_hsm_park).error);
	tk_printf("\n");
}

void tk_arch_poweroff(int failure)
{
	tk_sbi(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_TYPE_SHUTDOWN,
	       failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
	tk_sbi(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
#endif

void tk_arch_entry(unsigned long hart, uintptr_t dtb, unsigned int format,
		   unsigned int flags, unsigned long info, uintptr_t bootinfo)
	__attribute__((noreturn));

/* bootinfo: a2 at entry (the boot-info block of an M-mode loader built
 * with CONFIG_HANDOFF_BOOTINFO), 0 from the Image entry. */
void tk_arch_entry(unsigned long hart, uintptr_t dtb, unsigned int format,
		   unsigned int flags, unsigned long info, uintptr_t bootinfo)
{
	struct tk_boot b = {
		.hart = hart,
		.dtb = dtb,
		.base = TK_PCREL(__image_start, 0),
		.entry = TK_PCREL(_start, 0),
		.end = TK_PCREL(__image_end, 0),
		.format = format,
		.flags = flags,
		.info = info,
		.bootinfo = bootinfo,
		.align = format == TK_FORMAT_IMAGE ? TK_IMAGE_ALIGN : TK_ELF_ALIGN,
	};

#ifndef CONFIG_RISCV_M_MODE
	tk_dbcn = tk_sbi_probe(SBI_EXT_DBCN);
#endif
	tk_main(&b);
}
