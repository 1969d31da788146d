// SPDX-License-Identifier: BSD-2-Clause
/*
 * Cortex-M test firmware for kaslrboot (qemu-microbit): a Thumb static
 * PIE (R_ARM_RELATIVE in .rel.dyn) that starts with its own vector table,
 * as every Cortex-M firmware does.  The loader places it at a random
 * address in free SRAM, relocates it, zeroes its BSS and enters word 1 of
 * that table with MSP = word 0 and r0 = the boot-info block
 * (CONFIG_HANDOFF_BOOTINFO, docs/bootinfo.md) or the rewritten device
 * tree (CONFIG_HANDOFF_DTB): it reads either.  Every line it prints starts
 * "fw: "; it checks:
 *
 *  - where it runs (PC-relative), and that the relocated vector table
 *    points at its own stack top and reset entry; MSP = that stack top;
 *  - relocations: pointers in .data equal PC-relatively computed
 *    addresses;
 *  - its BSS is zero on entry; PRIMASK = 1 (interrupts off);
 *  - the device tree (magic, outside its own window), /chosen kaslr-seed
 *    (8 bytes, non-zero), rng-seed, bootargs;
 *  - or the boot-info block: magic, version, header size, size, flags,
 *    every offset and length inside the block, the block outside its own
 *    window, kaslr-seed non-zero exactly when flagged, payload_base its
 *    own base and payload_size its footprint, bootargs NUL-terminated,
 *    the device tree it points at (magic); it prints the seeds, bootargs
 *    and slot in the same lines as from a tree.
 *
 * Then "fw: done" and a semihosting exit (0), or "fw: FAILED" and exit 1.
 * With "fw.wait" in bootargs it prints "fw: waiting" and stays (for the
 * QEMU monitor).  No C library: it must be small (16 KiB of SRAM).
 */
#include <stdint.h>

#ifndef FW_BSS_EXTRA
#define FW_BSS_EXTRA 0		/* a variant built too big for free SRAM */
#endif

#define UART0		0x40002000u
#define UART_STARTTX	0x008
#define UART_TXDRDY	0x11c
#define UART_ENABLE	0x500
#define UART_TXD	0x51c

#define REG(a)	(*(volatile uint32_t *)(a))

void fw_reset(void) __attribute__((noreturn));
void fw_main(uint32_t dtb, uint32_t sp) __attribute__((noreturn, used));
extern char __fw_start[], __fw_end[], __stack_top[];

/* The vector table: relocated by the loader (two R_ARM_RELATIVE). */
__attribute__((section(".vectors"), used))
void *const fw_vectors[2] = { __stack_top, (void *)fw_reset };

/* Relocation checks: pointers in .data. */
static int target_a = 1, target_b[4] = { 2, 3, 4, 5 };
static int *volatile ptrs[2] = { &target_a, &target_b[3] };
static const char *volatile str = "relocated string";

/* volatile: never written, so the compiler would assume it is zero */
static volatile uint8_t zero_bss[128 + FW_BSS_EXTRA];
static unsigned int failures;
static int wait_requested;

static void putc_(char c)
{
	REG(UART0 + UART_TXDRDY) = 0;
	REG(UART0 + UART_TXD) = (uint8_t)c;
	for (unsigned int i = 0; i < 100000 && !REG(UART0 + UART_TXDRDY); i++)
		;
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void hex(uint32_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		putc_("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
}

/* By subtraction: no libgcc division (266 bytes on an M0). */
static void dec(uint32_t v)
{
	static const uint32_t p10[] = { 1000000000, 100000000, 10000000, 1000000,
					100000, 10000, 1000, 100, 10, 1 };
	int started = 0;

	for (unsigned int i = 0; i < 10; i++) {
		char c = '0';

		while (v >= p10[i]) {
			v -= p10[i];
			c++;
		}
		if (c != '0' || started || i == 9) {
			putc_(c);
			started = 1;
		}
	}
}

static void fail(const char *what)
{
	puts_("fw: FAIL: ");
	puts_(what);
	putc_('\n');
	failures++;
}

static void __attribute__((noreturn)) semihost_exit(uint32_t code)
{
	/* SYS_EXIT_EXTENDED (0x20): ADP_Stopped_ApplicationExit + code */
	uint32_t blk[2] = { 0x20026, code };
	register uint32_t op __asm__("r0") = 0x20;
	register uint32_t arg __asm__("r1") = (uint32_t)blk;

	__asm__ volatile("bkpt 0xab" : : "r"(op), "r"(arg) : "memory");
	for (;;)
		__asm__ volatile("wfi");
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int contains(const char *hay, uint32_t len, const char *w)
{
	for (uint32_t i = 0; i < len; i++) {
		uint32_t j = 0;

		while (w[j] && i + j < len && hay[i + j] == w[j])
			j++;
		if (!w[j])
			return 1;
	}
	return 0;
}

static void print_dtb(uint32_t dtb)
{
	puts_("fw: dtb at 0x");
	hex(dtb, 8);
	puts_(", ");
	dec(be32((const uint8_t *)dtb + 4));
	puts_(" bytes\n");
}

#if FW_BOOTINFO
/* The boot-info block (kaslrboot/bootinfo.h, version 1): every field is
 * checked before it is used (tests/kernel/bootinfo_check.h, shared with
 * the RISC-V test kernel); a malformed block is a failure here. */
#include "../bootinfo_check.h"

static void check_handoff(uint32_t blk, uint32_t base, uint32_t end)
{
	const uint8_t *b = (const uint8_t *)blk;
	struct tk_bi v = { 0 };
	const char *err = tk_bi_check(blk, base, end, &v);

	/* The header line as soon as the magic is there, checked or not. */
	if (blk && !(blk & 7) && tk_bi_le32(b) == TK_BI_MAGIC) {
		puts_("fw: boot-info v");
		dec(v.version);
		puts_(" at 0x");
		hex(blk, 8);
		puts_(", ");
		dec(v.size);
		puts_(" bytes, flags 0x");
		hex(v.flags, 2);
		putc_('\n');
	}
	if (err) {
		fail(err);
		return;
	}
	if (v.flags & TK_BI_KASLR) {
		puts_("fw: kaslr-seed 0x");
		hex(v.kseed_hi, 8);
		hex(v.kseed_lo, 8);
		putc_('\n');
	} else {
		puts_("fw: no kaslr-seed\n");
	}
	if (v.rng_seed) {
		puts_("fw: rng-seed ");
		dec(v.rng_seed_len);
		puts_(" bytes ");
		for (uint32_t i = 0; i < v.rng_seed_len && i < 8; i++)
			hex(v.rng_seed[i], 2);
		puts_("...\n");
	} else {
		puts_("fw: no rng-seed\n");
	}
	if (v.bootargs) {
		puts_("fw: bootargs \"");
		puts_(v.bootargs);
		puts_("\"\n");
		wait_requested = contains(v.bootargs, v.bootargs_len, "fw.wait");
	}
	if (v.flags & TK_BI_SLOT) {
		puts_("fw: slot ");
		puts_(v.slot);
		puts_(", image version ");
		dec(v.image_version);
		putc_('\n');
	}
	if (v.dtb == 0 || be32((const uint8_t *)v.dtb) != 0xd00dfeed) {
		fail("bi: dtb");
		return;
	}
	print_dtb(v.dtb);
}

#else
/* /chosen's properties, walking the structure block by hand. */
static void check_handoff(uint32_t dtb, uint32_t base, uint32_t end)
{
	const uint8_t *f = (const uint8_t *)dtb;
	uint32_t total, off_struct, off_strings, p, depth = 0, in_chosen = 0;
	int kseed = 0, rseed = 0;

	if (dtb == 0 || be32(f) != 0xd00dfeed) {
		fail("r0 is not a device tree");
		return;
	}
	total = be32(f + 4);
	off_struct = be32(f + 8);
	off_strings = be32(f + 12);
	if (dtb < end && base < dtb + total)
		fail("the device tree overlaps the firmware");
	print_dtb(dtb);
	for (p = off_struct; p + 4 <= total;) {
		uint32_t tag = be32(f + p);

		p += 4;
		if (tag == 1) {		/* FDT_BEGIN_NODE */
			const char *name = (const char *)f + p;
			uint32_t n = 0;

			while (name[n])
				n++;
			depth++;
			in_chosen = depth == 2 && streq(name, "chosen");
			p += (n + 4) & ~3u;
		} else if (tag == 2) {	/* FDT_END_NODE */
			depth--;
			in_chosen = 0;
		} else if (tag == 3) {	/* FDT_PROP */
			uint32_t len = be32(f + p), nameoff = be32(f + p + 4);
			const uint8_t *v = f + p + 8;
			const char *pn = (const char *)f + off_strings + nameoff;

			if (in_chosen && streq(pn, "kaslr-seed")) {
				kseed = 1;
				if (len != 8 || (be32(v) | be32(v + 4)) == 0)
					fail("kaslr-seed is not 8 non-zero bytes");
				puts_("fw: kaslr-seed 0x");
				hex(be32(v), 8);
				hex(be32(v + 4), 8);
				putc_('\n');
			} else if (in_chosen && streq(pn, "rng-seed")) {
				rseed = 1;
				puts_("fw: rng-seed ");
				dec(len);
				puts_(" bytes ");
				for (uint32_t i = 0; i < len && i < 8; i++)
					hex(v[i], 2);
				puts_("...\n");
			} else if (in_chosen && streq(pn, "bootargs")) {
				puts_("fw: bootargs \"");
				puts_((const char *)v);
				puts_("\"\n");
				wait_requested = contains((const char *)v, len, "fw.wait");
			}
			p += 8 + ((len + 3) & ~3u);
		} else if (tag == 4) {	/* FDT_NOP */
			continue;
		} else {
			break;		/* FDT_END or garbage */
		}
	}
	if (!kseed)
		puts_("fw: no kaslr-seed\n");
	if (!rseed)
		puts_("fw: no rng-seed\n");
}
#endif

/* The entry: MSP as the loader left it, before any C prologue. */
__asm__(".text\n"
	".thumb_func\n"
	".globl fw_reset\n"
	"fw_reset:\n"
	"	mov	r1, sp\n"
	"	b	fw_main\n");

void fw_main(uint32_t dtb, uint32_t sp)
{
	uint32_t base = (uint32_t)__fw_start, end = (uint32_t)__fw_end, primask;

	__asm__ volatile("mrs %0, primask" : "=r"(primask));
	REG(UART0 + UART_ENABLE) = 4;
	REG(UART0 + UART_STARTTX) = 1;
	puts_("fw: running at 0x");
	hex(base, 8);
	puts_("-0x");
	hex(end, 8);
	puts_(", sp 0x");
	hex(sp, 8);
	putc_('\n');
	if (fw_vectors[0] != (void *)__stack_top || fw_vectors[1] != (void *)fw_reset ||
	    (uint32_t)fw_vectors[1] != ((uint32_t)&fw_reset | 1))
		fail("vector table not relocated to where the firmware runs");
	if (sp != (uint32_t)__stack_top)
		fail("MSP is not the vector table's stack top");
	if (!(primask & 1))
		fail("interrupts on at entry (PRIMASK = 0)");
	if (ptrs[0] != &target_a || ptrs[1] != &target_b[3] || *ptrs[1] != 5 ||
	    !streq(str, "relocated string"))
		fail("a pointer in .data was not relocated");
	else
		puts_("fw: relocations ok\n");
	for (uint32_t i = 0; i < sizeof(zero_bss); i++)
		if (zero_bss[i]) {
			fail("bss not zeroed");
			break;
		}
	if (failures == 0)
		puts_("fw: bss ok\n");
	check_handoff(dtb, base, end);
	if (failures) {
		puts_("fw: FAILED\n");
		semihost_exit(1);
	}
	if (wait_requested) {
		puts_("fw: waiting\n");
		for (;;)
			__asm__ volatile("wfi");
	}
	puts_("fw: done\n");
	semihost_exit(0);
}
