// SPDX-License-Identifier: BSD-2-Clause
/*
 * kaslrboot test kernel, generic part.  Entered from <arch>/entry-*.S
 * through <arch>/arch.c with the MMU off, at an address chosen at random;
 * every line it prints starts "testkernel: ".  It checks:
 *
 *  - that it runs at the address the loader chose (reported) and, for ELF,
 *    that it was entered at e_entry, not at its first byte;
 *  - relocations: pointers stored in .data / .data.rel.ro (and inside
 *    structs) equal the PC-relatively computed addresses of their targets;
 *  - that its .bss (a 96 KiB array and small objects) is zero on entry;
 *  - the device tree: fdt_check_full() within fdt_totalsize(), outside the
 *    kernel image; /chosen kaslr-seed, rng-seed, bootargs and the initrd
 *    (inside a memory node and outside the kernel image).
 *
 * Then "testkernel: done" and a clean power-off, or, after any FAIL line,
 * "testkernel: FAILED" and a power-off with SBI reason "system failure".
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include "bootinfo_check.h"
#include "targets.h"
#include "tk.h"
#include "tk_arch.h"

#define TK_DTB_MAX_SIZE	(2u << 20)	/* arm64 boot-protocol limit */
#define TK_MAX_FAIL_LINES 16

unsigned int tk_failures;

/* ---------------------------------------------------------------- output */

static void tk_puts(const char *s)
{
	while (*s)
		tk_arch_putc(*s++);
}

static void tk_putnum(unsigned long long v, unsigned int base, unsigned int width,
		      char pad)
{
	char buf[24];
	unsigned int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width > n && width-- > 0)
		tk_arch_putc(pad);
	while (n)
		tk_arch_putc(buf[--n]);
}

void tk_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		unsigned int width = 0, lng = 0;
		unsigned long long v;
		char pad = ' ';

		if (*fmt != '%') {
			tk_arch_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			tk_puts(va_arg(ap, const char *));
			break;
		case 'c':
			tk_arch_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			long long s = lng ? (lng > 1 ? va_arg(ap, long long) : va_arg(ap, long))
					  : va_arg(ap, int);
			if (s < 0) {
				tk_arch_putc('-');
				v = -(unsigned long long)s;
			} else {
				v = (unsigned long long)s;
			}
			tk_putnum(v, 10, width, pad);
			break;
		}
		case 'u':
		case 'x':
			v = lng ? (lng > 1 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long))
				: va_arg(ap, unsigned int);
			tk_putnum(v, *fmt == 'x' ? 16 : 10, width, pad);
			break;
		case '%':
			tk_arch_putc('%');
			break;
		default:	/* unknown conversion (or end of string) */
			tk_arch_putc('?');
			if (!*fmt)
				fmt--;
			break;
		}
	}
	va_end(ap);
}

static void tk_hexbytes(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tk_printf("%02x", p[i]);
}

/* "testkernel.wait" on the command line: stay alive after the checks so a
 * test can inspect memory from outside (QEMU pmemsave) while the kernel,
 * not the loader, owns the machine. */
static int tk_wait;

/* "testkernel.ipi": the architecture checks also poke the other harts
 * (RISC-V M-mode: a machine software interrupt to harts 1-3, which
 * kaslrboot left parked: they must stay parked; S-mode: SBI HSM
 * hart_start of harts 1-3, which makes OpenSBI send them one). */
int tk_ipi;

static __attribute__((noreturn)) void tk_finish(void)
{
	if (tk_failures) {
		tk_printf("testkernel: FAILED\n");
		tk_arch_poweroff(1);
	}
	tk_printf("testkernel: done\n");
	if (tk_wait) {
		tk_printf("testkernel: waiting\n");
		for (;;)
			;
	}
	tk_arch_poweroff(0);
}

/* --------------------------------------------------------- relocations */

/*
 * (symbol, byte offset) pairs: each becomes a pointer in tk_ptrs[] (a
 * relocated data word) and a PC-relative address computation.  Functions,
 * .data, .rodata and .bss objects, interior and one-past-the-end pointers,
 * unaligned addends, the entry, linker-script symbols, libfdt and picolibc.
 */
#define TK_X_FN(n)	X(tk_fn##n, 0)
#define TK_X_DATA(n)	X(tk_data##n, 0)
#define TK_X_RO(n)	X(tk_ro##n, 0)
#define TK_X_BSS(n)	X(tk_bssobj##n, 0)
#define TK_TARGETS							\
	TK_FN_LIST(TK_X_FN)						\
	TK_DATA_LIST(TK_X_DATA)						\
	TK_RO_LIST(TK_X_RO)						\
	TK_BSS_LIST(TK_X_BSS)						\
	X(tk_bss_big, 0) X(tk_bss_big, 4096) X(tk_bss_big, 98303)	\
	X(tk_bss_big, 98304) X(tk_data00, 3) X(tk_data11, 7)		\
	X(tk_msg, 0) X(tk_msg, 5) X(tk_nodes, 0) X(tk_ptrs, 8)		\
	X(_start, 0) X(__image_start, 0) X(__image_end, 0) X(tk_main, 0) \
	X(fdt_check_full, 0) X(fdt_getprop, 0) X(memcpy, 0) X(strlen, 0)

_Static_assert(98304 == TK_BSS_BIG_SIZE, "tk_bss_big offsets in TK_TARGETS");

/* A linked list of structs with pointers to functions, .rodata objects,
 * string literals and each other. */
struct tk_node {
	uint32_t tag;
	const char *name;
	int (*fn)(int x);
	const uint64_t *ro;
	struct tk_node *next;
};

#define TK_NNODES 4
__attribute__((used)) struct tk_node tk_nodes[TK_NNODES] = {
	{ 0x10, "node zero", tk_fn03, &tk_ro01, &tk_nodes[1] },
	{ 0x11, "node one", tk_fn11, &tk_ro03, &tk_nodes[2] },
	{ 0x12, "node two", tk_fn17, &tk_ro05, &tk_nodes[3] },
	{ 0x13, "node three", tk_fn23, &tk_ro07, NULL },
};
/* Not a pointer table: read while pointers may still be wrong. */
static const char tk_node_names[TK_NNODES][12] = {
	"node zero", "node one", "node two", "node three",
};

#define X(sym, off) (const char *)&sym + off,
__attribute__((used)) const void *tk_ptrs[] = { TK_TARGETS };
#undef X
#define TK_NPTRS (sizeof(tk_ptrs) / sizeof(tk_ptrs[0]))

/* The same kind of table in .data.rel.ro (const after relocation). */
__attribute__((used)) const void *const tk_ptrs_ro[] = {
	(const char *)&tk_fn05, (const char *)&tk_data05, (const char *)&tk_msg + 1,
	(const char *)&tk_bss_big + 1,
};
/* And a pointer to a string literal in .rodata.str*. */
__attribute__((used)) const char *tk_strp = TK_MSG;

/* Read a pointer-sized word the compiler cannot assume it knows. */
static uintptr_t TK_LOAD(const void *p)
{
	uintptr_t v;

	__asm__("" : "+r"(p));
	memcpy(&v, p, sizeof(v));
	return v;
}

static unsigned int tk_check_one(unsigned int i, const void *slot, uintptr_t want)
{
	uintptr_t got = TK_LOAD(slot);

	if (got == want)
		return 0;
	if (tk_failures < TK_MAX_FAIL_LINES)
		TK_FAIL("relocation %u is 0x%lx want 0x%lx", i, (unsigned long)got,
			(unsigned long)want);
	else
		tk_failures++;
	return 1;
}

static void tk_check_relocations(void)
{
	uintptr_t want[TK_NPTRS];
	unsigned int i = 0, bad = 0, n;

#define X(sym, off) want[i++] = TK_PCREL(sym, off);
	TK_TARGETS
#undef X
	for (i = 0; i < TK_NPTRS; i++)
		bad += tk_check_one(i, &tk_ptrs[i], want[i]);
	n = TK_NPTRS;

	bad += tk_check_one(n++, &tk_ptrs_ro[0], TK_PCREL(tk_fn05, 0));
	bad += tk_check_one(n++, &tk_ptrs_ro[1], TK_PCREL(tk_data05, 0));
	bad += tk_check_one(n++, &tk_ptrs_ro[2], TK_PCREL(tk_msg, 1));
	bad += tk_check_one(n++, &tk_ptrs_ro[3], TK_PCREL(tk_bss_big, 1));

	/* Struct members.  Each node's fields are checked before anything is
	 * dereferenced through them. */
	uintptr_t nodes = TK_PCREL(tk_nodes, 0);
	const uintptr_t fns[TK_NNODES] = {
		TK_PCREL(tk_fn03, 0), TK_PCREL(tk_fn11, 0),
		TK_PCREL(tk_fn17, 0), TK_PCREL(tk_fn23, 0),
	};
	const uintptr_t ros[TK_NNODES] = {
		TK_PCREL(tk_ro01, 0), TK_PCREL(tk_ro03, 0),
		TK_PCREL(tk_ro05, 0), TK_PCREL(tk_ro07, 0),
	};
	static const int fn_no[TK_NNODES] = { 3, 11, 17, 23 };
	static const int ro_no[TK_NNODES] = { 1, 3, 5, 7 };
	for (unsigned int k = 0; k < TK_NNODES; k++) {
		const struct tk_node *nd = &tk_nodes[k];
		uintptr_t next = k + 1 < TK_NNODES ? nodes + (k + 1) * sizeof(*nd) : 0;
		unsigned int b;

		b = tk_check_one(n++, &nd->fn, fns[k]);
		b += tk_check_one(n++, &nd->ro, ros[k]);
		b += tk_check_one(n++, &nd->next, next);
		/* The name is a literal: check it lies in the image, then its text. */
		uintptr_t name = TK_LOAD(&nd->name);
		n++;
		if (name < TK_PCREL(__image_start, 0) || name >= TK_PCREL(__image_end, 0) ||
		    strcmp((const char *)name, tk_node_names[k]) != 0) {
			TK_FAIL("relocation %u (tk_nodes[%u].name) is 0x%lx, not the string \"%s\"",
				n - 1, k, (unsigned long)name, tk_node_names[k]);
			b++;
		}
		bad += b;
		if (b)
			continue;
		if (nd->fn(k) != TK_FN_RESULT(fn_no[k], (int)k) ||
		    *nd->ro != TK_RO_VALUE(ro_no[k])) {
			TK_FAIL("tk_nodes[%u]: calling / reading through checked pointers gave wrong values", k);
			bad++;
		}
	}

	/* A pointer to a string literal: in the image, and the right text. */
	uintptr_t s = TK_LOAD(&tk_strp);
	n++;
	if (s < TK_PCREL(__image_start, 0) || s >= TK_PCREL(__image_end, 0) ||
	    strcmp((const char *)s, TK_MSG) != 0 || strcmp(tk_msg, TK_MSG) != 0) {
		TK_FAIL("relocation %u (string literal pointer) is 0x%lx", n - 1, (unsigned long)s);
		bad++;
	}

	if (!bad)
		tk_printf("testkernel: relocations ok (%u pointers checked)\n", n);
	else
		tk_printf("testkernel: FAIL relocations: %u of %u pointers wrong\n", bad, n);
}

/* -------------------------------------------------------------------- bss */

static void tk_check_bss_range(const char *what, const void *p, size_t len, size_t *total)
{
	const volatile uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++) {
		if (w[i] != 0) {
			TK_FAIL("bss %s at 0x%lx is 0x%016lx, not zero", what,
				(unsigned long)&w[i], (unsigned long)w[i]);
			return;
		}
	}
	*total += len;
}

static void tk_check_bss(void)
{
	unsigned int before = tk_failures;
	size_t total = 0;

	tk_check_bss_range("tk_bss_big", tk_bss_big, sizeof(tk_bss_big), &total);
#define TK_BSS_CHECK(n) tk_check_bss_range("tk_bssobj" #n, tk_bssobj##n, sizeof(tk_bssobj##n), &total);
	TK_BSS_LIST(TK_BSS_CHECK)
	if (tk_failures == before)
		tk_printf("testkernel: bss ok (%lu bytes zero)\n", (unsigned long)total);
}

/* ------------------------------------------------------------ device tree */

/* [a, a + alen) and [b, b + blen) intersect (lengths > 0, no wrap). */
static bool tk_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Read a 1- or 2-cell number. */
static uint64_t tk_cells(const fdt32_t *p, int cells)
{
	return cells == 2 ? ((uint64_t)fdt32_ld(p) << 32) | fdt32_ld(p + 1) : fdt32_ld(p);
}

/* Is [start, end) inside one range of a memory node's reg?  -1 if the
 * memory nodes themselves are malformed. */
static int tk_in_memory(const void *fdt, uint64_t start, uint64_t end)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node, len;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -1;
	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		const fdt32_t *reg;

		if (!type || len < 7 || memcmp(type, "memory", 7) != 0)
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < 0 || len % ((ac + sc) * 4) != 0)
			return -1;
		for (int i = 0; i < len / 4; i += ac + sc) {
			uint64_t b = tk_cells(reg + i, ac), s = tk_cells(reg + i + ac, sc);

			if (b + s < b)
				return -1;
			if (start >= b && end <= b + s)
				return 1;
		}
	}
	return 0;
}

static bool tk_read_addr_prop(const void *fdt, int node, const char *name,
			      bool *present, uint64_t *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	*present = p != NULL;
	if (!p)
		return len == -FDT_ERR_NOTFOUND;
	if (len == 4)
		*v = fdt32_ld(p);
	else if (len == 8)
		*v = fdt64_ld(p);
	else {
		TK_FAIL("/chosen/%s has length %d (want 4 or 8)", name, len);
		return false;
	}
	return true;
}

/* The bootargs line (from /chosen or the boot-info block); the test
 * switches in them. */
static void tk_print_bootargs(const char *p)
{
	const unsigned char *c = (const unsigned char *)p;

	if (strstr(p, "testkernel.wait"))
		tk_wait = 1;
	if (strstr(p, "testkernel.ipi"))
		tk_ipi = 1;
	tk_printf("testkernel: bootargs \"");
	for (; *c; c++) {
		if (*c < 0x20 || *c >= 0x7f || *c == '"' || *c == '\\')
			tk_printf("\\x%02x", *c);
		else
			tk_arch_putc((char)*c);
	}
	tk_printf("\"\n");
}

/* An M-mode loader with the boot-info handoff (docs/bootinfo.md): the
 * seeds, bootargs and slot come from the block in a2, checked by the
 * code the Cortex-M test firmware uses (bootinfo_check.h), and printed in
 * the lines a tree gives; the tree in a1 is handed over unchanged, with
 * no seed left in its /chosen. */
static void tk_check_bootinfo(const void *fdt, const struct tk_boot *b)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	struct tk_bi v = { 0 };
	const char *err = tk_bi_check(b->bootinfo, b->base, b->end, &v);

	if (chosen >= 0 && (fdt_getprop(fdt, chosen, "kaslr-seed", NULL) ||
			    fdt_getprop(fdt, chosen, "rng-seed", NULL)))
		TK_FAIL("the tree in a1 still has a seed in /chosen");
	if (err) {
		TK_FAIL("a2 0x%lx: %s", (unsigned long)b->bootinfo, err);
		return;
	}
	tk_printf("testkernel: boot-info v%u at 0x%lx, %u bytes, flags 0x%02x, dtb 0x%lx\n",
		  (unsigned int)v.version, (unsigned long)b->bootinfo, (unsigned int)v.size,
		  (unsigned int)v.flags, (unsigned long)v.dtb);
	if (v.dtb != b->dtb)
		TK_FAIL("the block's dtb 0x%lx is not a1 0x%lx", (unsigned long)v.dtb,
			(unsigned long)b->dtb);
	if (v.flags & TK_BI_KASLR)
		tk_printf("testkernel: kaslr-seed 0x%08x%08x\n", (unsigned int)v.kseed_hi,
			  (unsigned int)v.kseed_lo);
	else
		tk_printf("testkernel: kaslr-seed absent\n");
	if (v.rng_seed) {
		tk_printf("testkernel: rng-seed %u bytes ", (unsigned int)v.rng_seed_len);
		tk_hexbytes(v.rng_seed, v.rng_seed_len < 8 ? v.rng_seed_len : 8);
		tk_printf("...\n");
	} else {
		tk_printf("testkernel: rng-seed absent\n");
	}
	if (v.bootargs)
		tk_print_bootargs(v.bootargs);
	else
		tk_printf("testkernel: bootargs absent\n");
	if (v.flags & TK_BI_SLOT)
		tk_printf("testkernel: slot %s, image version %u\n", v.slot,
			  (unsigned int)v.image_version);
	/* The block is the payload's data: it erases the seeds it has read
	 * (a store the PMP lock must allow: R+W, docs/bootinfo.md). */
	memset((void *)(b->bootinfo + 16), 0, 8);
	if (v.rng_seed)
		memset((void *)(uintptr_t)v.rng_seed, 0, v.rng_seed_len);
	tk_printf("testkernel: boot-info seeds erased (the block is writable)\n");
}

static void tk_check_chosen(const void *fdt, const struct tk_boot *b)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const void *p;
	int len;

	if (chosen < 0 && chosen != -FDT_ERR_NOTFOUND) {
		TK_FAIL("/chosen: %s", fdt_strerror(chosen));
		return;
	}

	/* kaslr-seed: one u64 */
	p = chosen >= 0 ? fdt_getprop(fdt, chosen, "kaslr-seed", &len) : NULL;
	if (!p)
		tk_printf("testkernel: kaslr-seed absent\n");
	else if (len != 8)
		TK_FAIL("kaslr-seed has length %d (want 8)", len);
	else
		tk_printf("testkernel: kaslr-seed 0x%016llx\n", (unsigned long long)fdt64_ld(p));

	/* rng-seed: bytes */
	p = chosen >= 0 ? fdt_getprop(fdt, chosen, "rng-seed", &len) : NULL;
	if (!p) {
		tk_printf("testkernel: rng-seed absent\n");
	} else if (len <= 0) {
		TK_FAIL("rng-seed is empty");
	} else {
		tk_printf("testkernel: rng-seed %d bytes ", len);
		tk_hexbytes(p, len < 8 ? (size_t)len : 8);
		tk_printf("...\n");
	}

	/* bootargs: a NUL-terminated string */
	p = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;
	if (!p) {
		tk_printf("testkernel: bootargs absent\n");
	} else if (len <= 0 || strnlen(p, (size_t)len) != (size_t)len - 1) {
		TK_FAIL("bootargs (%d bytes) is not one NUL-terminated string", len);
	} else {
		tk_print_bootargs(p);
	}

	/* kaslrboot,slot (two payload slots): "a" or "b", with the image
	 * version as a u64 */
	p = chosen >= 0 ? fdt_getprop(fdt, chosen, "kaslrboot,slot", &len) : NULL;
	if (p) {
		int slen = len;
		const void *v = fdt_getprop(fdt, chosen, "kaslrboot,image-version", &len);

		if (slen != 2 || (memcmp(p, "a", 2) != 0 && memcmp(p, "b", 2) != 0))
			TK_FAIL("kaslrboot,slot is neither \"a\" nor \"b\"");
		else if (!v || len != 8)
			TK_FAIL("kaslrboot,slot without an 8-byte kaslrboot,image-version");
		else
			tk_printf("testkernel: slot %s, image version %llu\n", (const char *)p,
				  (unsigned long long)fdt64_ld(v));
	}

	/* initrd: linux,initrd-start / -end, 4- or 8-byte cells */
	if (chosen < 0) {
		tk_printf("testkernel: initrd absent\n");
		return;
	}
	bool has_s, has_e;
	uint64_t s = 0, e = 0;
	if (!tk_read_addr_prop(fdt, chosen, "linux,initrd-start", &has_s, &s) ||
	    !tk_read_addr_prop(fdt, chosen, "linux,initrd-end", &has_e, &e))
		return;
	if (!has_s && !has_e) {
		tk_printf("testkernel: initrd absent\n");
		return;
	}
	if (has_s != has_e) {
		TK_FAIL("only one of linux,initrd-start / linux,initrd-end");
		return;
	}
	if (e < s) {
		TK_FAIL("initrd 0x%llx-0x%llx ends before it starts", (unsigned long long)s,
			(unsigned long long)e);
		return;
	}
	int in = tk_in_memory(fdt, s, e);
	if (in < 0) {
		TK_FAIL("memory nodes are malformed");
		return;
	}
	if (!in) {
		TK_FAIL("initrd 0x%llx-0x%llx is not inside a memory node", (unsigned long long)s,
			(unsigned long long)e);
		return;
	}
	if (e > s && tk_overlaps(s, e - s, b->base, b->end - b->base)) {
		TK_FAIL("initrd 0x%llx-0x%llx overlaps the kernel 0x%lx-0x%lx",
			(unsigned long long)s, (unsigned long long)e, (unsigned long)b->base,
			(unsigned long)b->end);
		return;
	}
	if (e > s && tk_overlaps(s, e - s, b->dtb, fdt_totalsize(fdt))) {
		TK_FAIL("initrd 0x%llx-0x%llx overlaps the device tree", (unsigned long long)s,
			(unsigned long long)e);
		return;
	}
	tk_printf("testkernel: initrd 0x%llx-0x%llx %llu bytes, first 8 bytes ",
		  (unsigned long long)s, (unsigned long long)e, (unsigned long long)(e - s));
	tk_hexbytes((const uint8_t *)(uintptr_t)s, e - s < 8 ? (size_t)(e - s) : 8);
	tk_printf("\n");
}

static void tk_check_dtb(const struct tk_boot *b)
{
	const void *fdt = (const void *)b->dtb;
	uint32_t size;
	int err;

	if (!b->dtb || b->dtb % 8) {
		TK_FAIL("dtb 0x%lx is not an 8-byte aligned address", (unsigned long)b->dtb);
		return;
	}
	if (tk_overlaps(b->dtb, 40, b->base, b->end - b->base)) {
		TK_FAIL("dtb 0x%lx is inside the kernel 0x%lx-0x%lx", (unsigned long)b->dtb,
			(unsigned long)b->base, (unsigned long)b->end);
		return;
	}
	err = fdt_check_header(fdt);
	if (err) {
		TK_FAIL("dtb header: %s", fdt_strerror(err));
		return;
	}
	size = fdt_totalsize(fdt);
	if (size > TK_DTB_MAX_SIZE || b->dtb + size < b->dtb) {
		TK_FAIL("dtb totalsize %u is larger than %u", (unsigned int)size, TK_DTB_MAX_SIZE);
		return;
	}
	if (tk_overlaps(b->dtb, size, b->base, b->end - b->base)) {
		TK_FAIL("dtb 0x%lx-0x%lx overlaps the kernel 0x%lx-0x%lx",
			(unsigned long)b->dtb, (unsigned long)(b->dtb + size),
			(unsigned long)b->base, (unsigned long)b->end);
		return;
	}
	err = fdt_check_full(fdt, size);
	if (err) {
		TK_FAIL("dtb structure: %s", fdt_strerror(err));
		return;
	}
	tk_printf("testkernel: dtb checked (%u bytes)\n", (unsigned int)size);
#ifdef CONFIG_HANDOFF_BOOTINFO
	const bool bootinfo = true;
#else
	const bool bootinfo = false;
#endif
	if (bootinfo)
		tk_check_bootinfo(fdt, b);
	else
		tk_check_chosen(fdt, b);
}

/* ------------------------------------------------------------------- main */

/* Architecture checks after the generic ones (RISC-V M-mode: the PMP
 * lock); none by default. */
__attribute__((weak)) void tk_arch_checks(const struct tk_boot *b)
{
	(void)b;
}

void tk_main(const struct tk_boot *b)
{
	tk_printf("testkernel: format %s, running at 0x%lx (entry 0x%lx), hart %lu, dtb 0x%lx\n",
		  b->format == TK_FORMAT_IMAGE ? "image" : "elf", (unsigned long)b->base,
		  (unsigned long)b->entry, b->hart, (unsigned long)b->dtb);

	if (b->flags & TK_FLAG_AT_BASE)
		TK_FAIL("entered at the image base 0x%lx, not at e_entry 0x%lx",
			(unsigned long)b->base, (unsigned long)b->entry);
	if (b->flags & TK_FLAG_CACHES_ON)
		TK_FAIL("entered with the MMU or the D-cache on (the boot protocol wants both off)");
	if (b->flags & TK_FLAG_SIMD_DIRTY)
		TK_FAIL("entered with a non-zero SIMD/FP register: loader data survived the handoff");
	if (b->flags & TK_FLAG_BAD_RELOC) {
		TK_FAIL("self-relocation: .rela.dyn entry with r_info 0x%lx not supported", b->info);
		tk_finish();	/* nothing below can be trusted */
	}
	if (b->base % b->align)
		TK_FAIL("base 0x%lx is not aligned to 0x%lx", (unsigned long)b->base, b->align);

	/* Before anything else can write to .bss. */
	tk_check_bss();

	unsigned int before = tk_failures;
	tk_check_relocations();
	if (tk_failures != before)
		tk_finish();	/* pointers are wrong: stop before using them */

	tk_check_dtb(b);
	tk_arch_checks(b);
	tk_finish();
}
