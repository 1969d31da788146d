// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: payload parsers (ELF static PIE, RISC-V and arm64 Image) and
 * the relocation engine.  The images are built here, byte by byte: a good
 * template per machine, and a corpus of broken variants, each checked for
 * its own error code and diagnostic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

#include "../le.h"

/* payload_armm.mk builds this file a second time as a Cortex-M loader's
 * parsers are built (EM_ARM and ELFCLASS32 only, no RELR, no Image
 * format): only the Arm tests and test_arm_m_only() run then. */
#define ARM_M_ONLY (!KB_PAYLOAD_FOR_RISCV && !KB_PAYLOAD_FOR_AARCH64 && KB_PAYLOAD_FOR_ARM && \
		    KB_PAYLOAD_ELF32 && !KB_PAYLOAD_ELF64 && !KB_PAYLOAD_HAS_RELR && \
		    !KB_PAYLOAD_HAS_RISCV_IMAGE && !KB_PAYLOAD_HAS_ARM64_IMAGE)
#if ARM_M_ONLY
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
/* payload_rv32.mk: as an rv32 loader builds them (EM_RISCV and ELFCLASS32
 * only, so the relocation engine's words are 32 bits; RELR; 32-bit
 * addresses): the ELF32 tests run. */
#define RV32_ONLY (KB_PAYLOAD_FOR_RISCV && !KB_PAYLOAD_FOR_AARCH64 && !KB_PAYLOAD_FOR_ARM && \
		   KB_PAYLOAD_ELF32 && !KB_PAYLOAD_ELF64 && KB_PAYLOAD_HAS_RELR)
#if RV32_ONLY
#pragma GCC diagnostic ignored "-Wunused-function"
#endif

/* ---- little-endian writers --------------------------------------------- */


/* ---- ELF builder ------------------------------------------------------- */

#if KB_PHYS_BITS < 64
/* Built a second time with 32-bit addresses (test_payload_phys32,
 * tests/tests.mk): ELF64 payloads are refused there (test_phys_width), so
 * the ELF64 cases run at 64 bits only; every ELF32 and Image case runs at
 * both widths. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Woverflow"
#endif
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_GNU_STACK	0x6474e551u
#define PT_GNU_RELRO	0x6474e552u
#define PF_X 1
#define PF_W 2
#define PF_R 4

#define DT_NULL 0
#define DT_NEEDED 1
#define DT_PLTRELSZ 2
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_REL 17
#define DT_RELSZ 18
#define DT_RELENT 19
#define DT_DEBUG 21
#define DT_JMPREL 23
#define DT_RELRSZ 35
#define DT_RELR 36
#define DT_RELRENT 37

#define R_RISCV_NONE 0
#define R_RISCV_32 1
#define R_RISCV_64 2
#define R_RISCV_RELATIVE 3
#define R_RISCV_JUMP_SLOT 5
#define R_AARCH64_NONE 0
#define R_AARCH64_ABS64 257
#define R_AARCH64_JUMP_SLOT 1026
#define R_AARCH64_RELATIVE 1027

/* The class's field widths and offsets (ELF64 / ELF32); the builder and
 * the mutations below write through them, so that one template serves
 * both classes. */
struct cls {
	unsigned int w;			/* address/offset/size bytes */
	unsigned int ehsize, e_phoff, e_ehsize, e_phentsize, e_phnum;
	unsigned int phsize, p_flags, p_offset, p_vaddr, p_paddr, p_filesz;
	unsigned int p_memsz, p_align;
	unsigned int dyn, rela;		/* entry sizes (RELR: w) */
};
static const struct cls C64 = { 8, 64, 32, 52, 54, 56, 56, 4, 8, 16, 24, 32, 40, 48, 16, 24 };
static const struct cls C32 = { 4, 52, 28, 40, 42, 44, 32, 24, 4, 8, 12, 16, 20, 28, 8, 12 };
static const struct cls *C = &C64;

#define PH(i)		(C->ehsize + C->phsize * (i))
#define P_TYPE		0
#define P_FLAGS		(C->p_flags)
#define P_OFFSET	(C->p_offset)
#define P_VADDR		(C->p_vaddr)
#define P_FILESZ	(C->p_filesz)
#define P_MEMSZ		(C->p_memsz)
#define P_ALIGN		(C->p_align)
#define E_ENTRY		24
#define E_PHOFF		(C->e_phoff)

/* Layout of the template: text (R X) at file 0, 0x1000 bytes; data (RW) at
 * file 0x1000, 0x1000 bytes + 0x2000 of BSS, at link + gap; four program
 * headers: text, data, PT_DYNAMIC, PT_GNU_STACK. */
#define FILE_LEN	0x2000
#define DATA		0x1000			/* file offset of data */
#define DYN		(DATA + 0x000)		/* dynamic array */
#define RELA		(DATA + 0x100)		/* RELA table */
#define RELR		(DATA + 0x300)		/* RELR table */
#define WORDS		(DATA + 0x400)		/* relocated words */
#define NRELA		4
#define NRELR		3
#define DYN_RELA	0			/* index of DT_RELA in the array */
#define DYN_RELASZ	1
#define DYN_RELAENT	2
#define DYN_RELR	3
#define DYN_RELRSZ	4
#define DYN_RELRENT	5
#define DYN_FREE	6			/* a DT_DEBUG slot to play with */

struct tmpl {
	uint16_t machine;
	unsigned int xlen;	/* 64: ELFCLASS64, 32: ELFCLASS32 */
	uint64_t link;		/* p_vaddr of text */
	uint64_t gap;		/* data p_vaddr - text p_vaddr */
	uint64_t talign, dalign;
	uint64_t min_align;
};

static uint8_t img[FILE_LEN + 64];	/* the template, at img + 1 (unaligned) */
static uint8_t *const b = img + 1;
static size_t blen;
static struct tmpl T;

/* A word of the class: truncated to 32 bits for ELF32. */
static void put_word(uint8_t *p, uint64_t v)
{
	if (C->w == 4)
		put32(p, (uint32_t)v);
	else
		put64(p, v);
}

static uint64_t get_word(const uint8_t *p)
{
	if (C->w == 4)
		return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		       (uint32_t)p[3] << 24;
	return get64(p);
}

static uint64_t dva(uint64_t file_off)	/* link address of a data byte */
{
	return T.link + T.gap + (file_off - DATA);
}

static void phdr(unsigned int i, uint32_t type, uint32_t flags, uint64_t off,
		 uint64_t va, uint64_t fsz, uint64_t msz, uint64_t al)
{
	uint8_t *p = b + PH(i);

	put32(p + P_TYPE, type);
	put32(p + P_FLAGS, flags);
	put_word(p + P_OFFSET, off);
	put_word(p + P_VADDR, va);
	put_word(p + C->p_paddr, va);
	put_word(p + P_FILESZ, fsz);
	put_word(p + P_MEMSZ, msz);
	put_word(p + P_ALIGN, al);
}

static void dyn(unsigned int i, uint64_t tag, uint64_t val)
{
	put_word(b + DYN + C->dyn * i, tag);
	put_word(b + DYN + C->dyn * i + C->w, val);
}

/* r_info: ELF64 sym << 32 | type; ELF32 sym << 8 | type (8 bits). */
static void rela(unsigned int i, uint64_t off, uint32_t sym, uint32_t type, uint64_t addend)
{
	uint8_t *p = b + RELA + C->rela * i;

	put_word(p, off);
	put_word(p + C->w, C->w == 4 ? ((uint64_t)sym << 8) | (type & 0xff) :
			      ((uint64_t)sym << 32) | type);
	put_word(p + 2 * C->w, addend);
}

static uint32_t t_rel(void) { return T.machine == KB_EM_RISCV ? R_RISCV_RELATIVE : R_AARCH64_RELATIVE; }
static uint32_t t_abs(void)
{
	if (T.machine != KB_EM_RISCV)
		return R_AARCH64_ABS64;
	return T.xlen == 32 ? R_RISCV_32 : R_RISCV_64;
}

/* The RELR template: one address entry (RELR_AT), then bitmaps; the words
 * they relocate, in units of the class's word size w. */
#define RELR_AT		(WORDS + 0x20)
#define RW(k)		(RELR_AT + C->w * (1 + (k)))	/* k words after the first */
#define RELR_RUN	(8 * C->w - 1)			/* words a bitmap covers */

static void build(const struct tmpl *t)
{
	unsigned int w;

	T = *t;
	C = T.xlen == 32 ? &C32 : &C64;
	w = C->w;
	memset(img, 0xee, sizeof(img));
	memset(b, 0, FILE_LEN);
	blen = FILE_LEN;

	memcpy(b, T.xlen == 32 ? "\177ELF\1\1\1" : "\177ELF\2\1\1", 7);
	put16(b + 16, 3);			/* ET_DYN */
	put16(b + 18, T.machine);
	put32(b + 20, 1);
	put_word(b + E_ENTRY, T.link + 0x100);
	put_word(b + E_PHOFF, C->ehsize);		/* right after the header */
	put16(b + C->e_ehsize, C->ehsize);
	put16(b + C->e_phentsize, C->phsize);
	put16(b + C->e_phnum, 4);

	phdr(0, PT_LOAD, PF_R | PF_X, 0, T.link, 0x1000, 0x1000, T.talign);
	phdr(1, PT_LOAD, PF_R | PF_W, DATA, T.link + T.gap, 0x1000, 0x3000, T.dalign);
	phdr(2, PT_DYNAMIC, PF_R | PF_W, DYN, dva(DYN), 0x100, 0x100, 8);
	phdr(3, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);

	/* text: recognisable bytes */
	for (unsigned int i = 0x200; i < 0x1000; i++)
		b[i] = (uint8_t)(i * 7);

	dyn(DYN_RELA, DT_RELA, dva(RELA));
	dyn(DYN_RELASZ, DT_RELASZ, C->rela * NRELA);
	dyn(DYN_RELAENT, DT_RELAENT, C->rela);
	dyn(DYN_RELR, DT_RELR, dva(RELR));
	dyn(DYN_RELRSZ, DT_RELRSZ, w * NRELR);
	dyn(DYN_RELRENT, DT_RELRENT, w);
	dyn(DYN_FREE, DT_DEBUG, 0);
	dyn(7, DT_NULL, 0);

	/* RELA: RELATIVE to text, ABS64 (ELF32: R_RISCV_32) against symbol
	 * 0 to data, NONE (whose offset is never used), RELATIVE to BSS. */
	rela(0, dva(WORDS + 0 * w), 0, t_rel(), T.link + 0x123);
	rela(1, dva(WORDS + 1 * w), 0, t_abs(), dva(WORDS + 2 * w));
	rela(2, 0xdeadbeefdeadbeefULL, 0, 0, 0);
	rela(3, dva(WORDS + 3 * w), 0, t_rel(), T.link + T.gap + 0x2800);

	/* RELR: address RELR_AT, then bitmaps: bits 1, 2, 5 of the next
	 * RELR_RUN words, then bit 1 and the top bit of the RELR_RUN after. */
	put_word(b + RELR, dva(RELR_AT));
	put_word(b + RELR + w, (1u << 1) | (1u << 2) | (1u << 5) | 1);
	put_word(b + RELR + 2 * w, (UINT64_C(1) << (8 * w - 1)) | (1u << 1) | 1);
	/* the RELR targets hold link-time pointers */
	put_word(b + RELR_AT, T.link + 0x10);
	put_word(b + RW(0), T.link + 0x20);
	put_word(b + RW(1), T.link + 0x30);
	put_word(b + RW(4), T.link + 0x40);
	put_word(b + RW(RELR_RUN), T.link + 0x50);
	put_word(b + RW(RELR_RUN + RELR_RUN - 1), T.link + 0x60);
	/* an untouched neighbour */
	put_word(b + RW(2), 0x1111111111111111ULL);
}

static const struct tmpl RV = { KB_EM_RISCV, 64, 0, 0x2000, 0x1000, 0x1000, 0x1000 };
/* kernel-like: high link address, 2 MiB text alignment, 64 KiB data */
static const struct tmpl A64 = { KB_EM_AARCH64, 64, 0xffffffff80000000ULL, 0x11000,
				 0x200000, 0x10000, 0x1000 };
/* link address not aligned to min_align: the layout starts below it */
static const struct tmpl RV_OFF = { KB_EM_RISCV, 64, 0x1000, 0x2000, 0x1000, 0x1000, 0x200000 };
/* RV32 firmware: ELFCLASS32, linked at 0 or high in the 32-bit space */
static const struct tmpl RV32 = { KB_EM_RISCV, 32, 0, 0x2000, 0x1000, 0x1000, 0x1000 };
static const struct tmpl RV32_HI = { KB_EM_RISCV, 32, 0x80000000u, 0x3000, 0x1000, 0x1000, 0x4 };

static struct kb_payload_info pi;
static struct kb_diag d;

static int parse(void)
{
	memset(&d, 0, sizeof(d));
	return kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, T.machine, T.xlen, T.min_align, &pi, &d);
}

#define assert_diag(sub) do {						\
	if (strstr(d.msg, (sub)) == NULL)				\
		fail_msg("diag \"%s\" lacks \"%s\"", d.msg, (sub));	\
	assert_non_null(strstr(d.msg, "payload: "));			\
	assert_ptr_equal(strstr(d.msg, "payload: "), d.msg);		\
} while (0)

/* ---- good ELF images --------------------------------------------------- */

static void check_good(const struct tmpl *t, uint64_t base)
{
	uint64_t lb, fp, bias, mask, w;
	uint8_t *mem;

	build(t);
	assert_int_equal(parse(), 0);
	assert_string_equal(d.msg, "");

	lb = t->link & ~(pi.align - 1);
	assert_int_equal(pi.type, KB_PAYLOAD_ELF);
	assert_int_equal(pi.machine, t->machine);
	assert_int_equal(pi.xlen, t->xlen);
	assert_int_equal(pi.link_base, lb);
	assert_int_equal(pi.offset, 0);
	assert_true(pi.placement_anywhere);
	assert_int_equal(pi.nseg, 2);
	assert_int_equal(pi.seg[0].file_off, 0);
	assert_int_equal(pi.seg[0].filesz, 0x1000);
	assert_int_equal(pi.seg[0].dst_off, t->link - lb);
	assert_int_equal(pi.seg[0].memsz, 0x1000);
	assert_int_equal(pi.seg[1].file_off, DATA);
	assert_int_equal(pi.seg[1].filesz, 0x1000);
	assert_int_equal(pi.seg[1].dst_off, t->link - lb + t->gap);
	assert_int_equal(pi.seg[1].memsz, 0x3000);
	assert_int_equal(pi.seg[0].flags, PF_R | PF_X);
	assert_int_equal(pi.seg[1].flags, PF_R | PF_W);
	assert_int_equal(pi.relro_size, 0);
	fp = t->link - lb + t->gap + 0x3000;
	assert_int_equal(pi.footprint, fp);
	assert_int_equal(pi.entry_off, t->link - lb + 0x100);
	assert_int_equal(pi.rela_off, dva(RELA) - lb);
	assert_int_equal(pi.rela_size, C->rela * NRELA);
	assert_int_equal(pi.relr_off, dva(RELR) - lb);
	assert_int_equal(pi.relr_size, C->w * NRELR);

	mem = malloc(fp);
	assert_non_null(mem);
	memset(mem, 0xa5, fp);
	kb_payload_copy(&pi, b, mem);
	/* segments copied, gaps and BSS zero */
	for (uint64_t i = 0; i < fp; i++) {
		uint64_t s0 = pi.seg[0].dst_off, s1 = pi.seg[1].dst_off;
		uint8_t want = 0;

		if (i >= s0 && i < s0 + 0x1000)
			want = b[i - s0];
		else if (i >= s1 && i < s1 + 0x1000)
			want = b[DATA + i - s1];
		if (mem[i] != want)
			fail_msg("byte 0x%llx: 0x%02x, want 0x%02x", (unsigned long long)i,
				 mem[i], want);
	}

	assert_int_equal(kb_reloc_apply(&pi, mem, base, &d), 0);
	bias = base - lb;
	/* Words of the class; an ELF32 value is taken modulo 2^32 (the
	 * bases used here keep it in range). */
	mask = C->w == 4 ? UINT32_MAX : UINT64_MAX;
	w = C->w;
#define W(off) get_word(mem + pi.seg[1].dst_off + ((off) - DATA))
	assert_int_equal(W(WORDS + 0 * w), (t->link + 0x123 + bias) & mask);
	assert_int_equal(W(WORDS + 1 * w), (dva(WORDS + 2 * w) + bias) & mask);
	assert_int_equal(W(WORDS + 2 * w), 0);
	assert_int_equal(W(WORDS + 3 * w), (t->link + t->gap + 0x2800 + bias) & mask);
	assert_int_equal(W(RELR_AT), (t->link + 0x10 + bias) & mask);
	assert_int_equal(W(RW(0)), (t->link + 0x20 + bias) & mask);
	assert_int_equal(W(RW(1)), (t->link + 0x30 + bias) & mask);
	assert_int_equal(W(RW(2)), 0x1111111111111111ULL & mask);
	assert_int_equal(W(RW(3)), 0);
	assert_int_equal(W(RW(4)), (t->link + 0x40 + bias) & mask);
	assert_int_equal(W(RW(RELR_RUN)), (t->link + 0x50 + bias) & mask);
	assert_int_equal(W(RW(RELR_RUN + 1)), 0);
	assert_int_equal(W(RW(RELR_RUN + RELR_RUN - 1)), (t->link + 0x60 + bias) & mask);
	/* the word after the last RELR bit, and the one before it: untouched */
	assert_int_equal(W(RW(RELR_RUN + RELR_RUN)), 0);
	assert_int_equal(W(RW(RELR_RUN + RELR_RUN - 2)), 0);
#undef W
	/* the tables themselves are untouched */
	assert_memory_equal(mem + pi.rela_off, b + RELA, C->rela * NRELA);
	assert_memory_equal(mem + pi.relr_off, b + RELR, C->w * NRELR);
	/* BSS still zero */
	for (uint64_t i = pi.seg[1].dst_off + 0x1000; i < fp; i++)
		assert_int_equal(mem[i], 0);
	free(mem);
}

static void test_elf_good_riscv(void **state)
{
	(void)state;
	check_good(&RV, 0x80200000);
	check_good(&RV, 0);
	check_good(&RV_OFF, 0x80400000);
	assert_int_equal(pi.align, 0x200000);
	assert_int_equal(pi.link_base, 0);
}

static void test_elf_good_aarch64(void **state)
{
	(void)state;
	check_good(&A64, 0x40200000);
	assert_int_equal(pi.align, 0x200000);
	assert_int_equal(pi.footprint, 0x14000);
	/* a base "below" the link address: the bias wraps, modulo 2^64 */
	check_good(&A64, 0xffffffffffe00000ULL);
}

static void test_elf_variants(void **state)
{
	(void)state;
	/* No PT_DYNAMIC: no relocations at all. */
	build(&RV);
	put32(b + PH(2) + P_TYPE, 0x6474e550);	/* PT_GNU_EH_FRAME */
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.rela_size, 0);
	assert_int_equal(pi.relr_size, 0);
	/* RELR only, RELA size 0 (the table address may be anything). */
	build(&RV);
	dyn(DYN_RELA, DT_RELA, 0x123456789);
	dyn(DYN_RELASZ, DT_RELASZ, 0);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.rela_size, 0);
	assert_int_equal(pi.relr_size, 24);
	/* DT_NULL early ends the array */
	build(&RV);
	dyn(DYN_RELR, DT_NULL, 0);
	dyn(DYN_RELRSZ, 0x12345, 0);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.relr_size, 0);
	assert_int_equal(pi.rela_size, 24 * NRELA);
	/* PT_GNU_RELRO over the start of the data, and an empty one */
	build(&A64);
	phdr(3, PT_GNU_RELRO, PF_R, DATA, dva(DATA), 0x800, 0x800, 1);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.relro_off, T.gap);
	assert_int_equal(pi.relro_size, 0x800);
	build(&RV);
	phdr(3, PT_GNU_RELRO, PF_R, 0, 0x1800, 0, 0, 1);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.relro_size, 0);
	/* DT_PLTRELSZ 0 is harmless */
	build(&RV);
	dyn(DYN_FREE, DT_PLTRELSZ, 0);
	assert_int_equal(parse(), 0);
	/* min_align raises the alignment; p_align 0 and 1 mean none */
	build(&RV);
	put64(b + PH(0) + P_ALIGN, 0);
	put64(b + PH(1) + P_ALIGN, 1);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_ELF, KB_EM_RISCV, 64, 0, &pi, &d), 0);
	assert_int_equal(pi.align, 1);
	assert_int_equal(kb_elf_parse(b, blen, KB_EM_RISCV, 64, 0x10000, &pi, &d), 0);
	assert_int_equal(pi.align, 0x10000);
	/* R_AARCH64_NONE's withdrawn value 256 */
	build(&A64);
	rela(2, 0, 0, 256, 0);
	assert_int_equal(parse(), 0);
	{
		uint8_t *mem = calloc(1, pi.footprint);

		kb_payload_copy(&pi, b, mem);
		assert_int_equal(kb_reloc_apply(&pi, mem, 0x40000000, &d), 0);
		free(mem);
	}
	/* 16 PT_LOADs is the limit, not an error */
	build(&RV);
	put16(b + 56, KB_MAX_SEGMENTS + 1);
	phdr(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
	for (unsigned int i = 1; i < KB_MAX_SEGMENTS; i++)
		phdr(i, PT_LOAD, PF_R, 0x1000, 0x1000 * i, 0x100, 0x100, 0x1000);
	phdr(KB_MAX_SEGMENTS, PT_GNU_STACK, 0, 0, 0, 0, 0, 0);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.nseg, KB_MAX_SEGMENTS);
	assert_int_equal(pi.footprint, 0x1000 * (KB_MAX_SEGMENTS - 1) + 0x100);
}

/* ---- broken ELF images ------------------------------------------------- */

struct bad {
	const char *what;
	int err;
	const char *diag;
};

/* PT_GNU_RELRO (in the PT_GNU_STACK slot) broken four ways, either class. */
static void relro_bad(unsigned int k)
{
	switch (k) {
	case 0: phdr(3, PT_GNU_RELRO, PF_R, DATA + 0xf00, 0x4f00, 0x100, 0x200, 1); break;
	case 1: phdr(3, PT_GNU_RELRO, PF_R, 0, 0x1800, 0, 0x100, 1); break;
	case 2:
		phdr(3, PT_GNU_RELRO, PF_R, DATA, 0x2000, 0x100, 0x100, 1);
		phdr(4, PT_GNU_RELRO, PF_R, DATA, 0x2000, 0x100, 0x100, 1);
		put16(b + C->e_phnum, 5);
		break;
	case 3: phdr(3, PT_GNU_RELRO, PF_R, 0, 0xfffffffffffff000ULL, 0, 0x2000, 1); break;
	}
}

/* Mutate the template into broken image k. */
static void mutate(unsigned int k)
{
	switch (k) {
	case 0: blen = 40; break;
	case 1: blen = 200; break;					/* phdrs end at 288 */
	case 2: b[4] = 1; break;
	case 3: b[4] = 3; break;
	case 4: b[5] = 2; break;
	case 5: b[5] = 0; break;
	case 6: b[6] = 0; break;
	case 7: put32(b + 20, 2); break;
	case 8: put16(b + 18, KB_EM_AARCH64); break;
	case 9: put16(b + 18, 62); break;
	case 10: put16(b + 16, 2); break;				/* ET_EXEC */
	case 11: put16(b + 16, 1); break;				/* ET_REL */
	case 12: put16(b + 16, 0x1234); break;
	case 13: put32(b + PH(0), 0x6474e551); put32(b + PH(1), 6); break;
	case 14: put64(b + PH(1) + P_VADDR, 0x800); put64(b + PH(1) + P_ALIGN, 0); break;
	case 15: {							/* out of order */
		uint8_t t[56];

		memcpy(t, b + PH(0), 56);
		memcpy(b + PH(0), b + PH(1), 56);
		memcpy(b + PH(1), t, 56);
		break;
	}
	case 16: put64(b + PH(0) + P_MEMSZ, 0x800); break;
	case 17: put64(b + PH(1) + P_FILESZ, 0x2000); break;
	case 18: put64(b + PH(1) + P_OFFSET, 0xfffffffffffff000ULL);
		 put64(b + PH(1) + P_FILESZ, 0x2000); break;		/* off + fsz wraps to 0x1000 */
	case 19: put64(b + PH(1) + P_VADDR, 0xfffffffffffff000ULL); break;
	case 20: put64(b + PH(1) + P_MEMSZ, 0xffffffffffffe001ULL); break;	/* end = 2^64 + 1 */
	case 21: put64(b + 32, 0xfffffffffffffff8ULL); break;	/* e_phoff wraps */
	case 22: put64(b + 32, FILE_LEN - 100); break;
	case 23: put16(b + 54, 32); break;
	case 24: put16(b + 56, 0xffff); break;
	case 25: put64(b + PH(1) + P_ALIGN, 0x3000); break;
	case 26: put64(b + PH(1) + P_VADDR, 0x2800); break;
	case 27: put64(b + 24, 0x2000); break;				/* data */
	case 28: put64(b + 24, 0x3800); break;				/* BSS */
	case 29: put64(b + 24, 0xffffffffffffffffULL); break;
	case 30: put64(b + PH(0) + P_FILESZ, 0x80); put64(b + 24, 0x100); break;	/* in text's zero fill */
	case 31: dyn(DYN_RELAENT, DT_RELAENT, 16); break;
	case 32: dyn(DYN_RELAENT, DT_DEBUG, 0); break;			/* DT_RELAENT missing */
	case 33: dyn(DYN_RELA, DT_RELA, 0x3800); break;			/* in BSS */
	case 34: dyn(DYN_RELA, DT_RELA, 0x2ff8); break;			/* straddles the file data end */
	case 35: dyn(DYN_RELA, DT_RELA, 0xfffffffffffffff0ULL); break;	/* wraps */
	case 36: dyn(DYN_RELA, DT_RELA, 0x1800); break;			/* the gap */
	case 37: dyn(DYN_RELASZ, DT_RELASZ, 25); break;
	case 38: dyn(DYN_RELASZ, DT_DEBUG, 0); break;
	case 39: dyn(DYN_RELA, DT_DEBUG, 0); break;
	case 40: dyn(DYN_RELRENT, DT_RELRENT, 4); break;
	case 41: dyn(DYN_RELRSZ, DT_RELRSZ, 12); break;
	case 42: dyn(DYN_RELR, DT_RELR, 0x3000); break;
	case 43: dyn(DYN_FREE, DT_RELAENT, 24); break;			/* duplicate */
	case 44: dyn(DYN_FREE, DT_NEEDED, 1); break;
	case 45: dyn(DYN_FREE, DT_JMPREL, 0x2100); break;
	case 46: dyn(DYN_FREE, 17, 0x2100); break;			/* DT_REL */
	case 47: put32(b + PH(3), PT_INTERP); break;
	case 48: put64(b + PH(2) + P_OFFSET, 0x10000); break;
	case 49: put64(b + PH(2) + P_OFFSET, 0xffffffffffffff00ULL); break;
	case 50: put32(b + PH(3), PT_DYNAMIC); break;
	case 51: put16(b + 52, 52); break;
	case 52: put64(b + PH(1) + P_MEMSZ, 0); put64(b + PH(1) + P_FILESZ, 0); break;
	case 53: /* 17 PT_LOADs */
		put16(b + 56, KB_MAX_SEGMENTS + 1);
		phdr(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
		for (unsigned int i = 1; i <= KB_MAX_SEGMENTS; i++)
			phdr(i, PT_LOAD, PF_R, 0x1000, 0x1000 * i, 0x100, 0x100, 0x1000);
		break;
	case 54: put16(b + 56, 0); break;
	case 55: put64(b + PH(2) + P_FILESZ, 0xffffffffffffffffULL); break;
	default: relro_bad(k - 56); break;
	}
}

static const struct bad bad_elf[] = {
	{ "truncated ELF header", KB_EINVAL, "payload: ELF header truncated (40 bytes, need 64)" },
	{ "truncated phdrs", KB_EINVAL, "payload: program headers (e_phoff 0x40, 4 x 56 bytes) run past the end of the 0xc8-byte file" },
	{ "ELFCLASS32", KB_EINVAL, "payload: ELF class ELFCLASS32 (a 32-bit payload), but this loader boots 64-bit payloads" },
	{ "bad class", KB_EINVAL, "payload: bad ELF class 3" },
	{ "big-endian", KB_ENOTSUP, "payload: big-endian ELF is not supported" },
	{ "bad data", KB_EINVAL, "payload: bad ELF data encoding 0" },
	{ "EI_VERSION", KB_EINVAL, "payload: bad ELF version 0/1" },
	{ "e_version", KB_EINVAL, "payload: bad ELF version 1/2" },
	{ "AArch64", KB_EINVAL, "payload: ELF machine 183 (AArch64), but this loader boots RISC-V (243)" },
	{ "x86-64", KB_EINVAL, "payload: ELF machine 62 (x86-64)" },
	{ "ET_EXEC", KB_ENOTSUP, "payload: ELF type ET_EXEC is not relocatable" },
	{ "ET_REL", KB_EINVAL, "payload: ELF type ET_REL (1) is not a loadable PIE" },
	{ "type 0x1234", KB_EINVAL, "payload: ELF type unknown (4660)" },
	{ "no PT_LOAD", KB_EINVAL, "payload: no PT_LOAD segment" },
	{ "overlap", KB_EINVAL, "payload: PT_LOAD 1 at 0x800 overlaps or precedes the previous segment (which ends at 0x1000)" },
	{ "out of order", KB_EINVAL, "payload: PT_LOAD 1 at 0x0 overlaps or precedes the previous segment (which ends at 0x5000)" },
	{ "filesz > memsz", KB_EINVAL, "payload: PT_LOAD 0 p_filesz 0x1000 > p_memsz 0x800" },
	{ "past the file", KB_EINVAL, "payload: PT_LOAD 1 file range (offset 0x1000, size 0x2000) runs past the end of the 0x2000-byte file" },
	{ "p_offset wraps", KB_EINVAL, "payload: PT_LOAD 1 file range (offset 0xfffffffffffff000, size 0x2000)" },
	{ "p_vaddr wraps", KB_EINVAL, "payload: PT_LOAD 1 p_vaddr 0xfffffffffffff000 + p_memsz 0x3000 wraps past 2^64" },
	{ "p_memsz wraps", KB_EINVAL, "payload: PT_LOAD 1 p_vaddr 0x2000 + p_memsz 0xffffffffffffe001 wraps" },
	{ "e_phoff wraps", KB_EINVAL, "payload: program headers (e_phoff 0xfffffffffffffff8" },
	{ "e_phoff near end", KB_EINVAL, "payload: program headers (e_phoff 0x1f9c" },
	{ "e_phentsize", KB_EINVAL, "payload: e_phentsize 32, expected 56" },
	{ "PN_XNUM", KB_ENOTSUP, "payload: e_phnum PN_XNUM" },
	{ "p_align 0x3000", KB_EINVAL, "payload: PT_LOAD 1 p_align 0x3000 is not a power of two" },
	{ "p_offset % p_align", KB_EINVAL, "payload: PT_LOAD 1 p_offset 0x1000 and p_vaddr 0x2800 differ modulo p_align 0x1000" },
	{ "entry in data", KB_EINVAL, "payload: entry point 0x2000 is not inside an executable PT_LOAD" },
	{ "entry in BSS", KB_EINVAL, "payload: entry point 0x3800 is not" },
	{ "entry at 2^64-1", KB_EINVAL, "payload: entry point 0xffffffffffffffff is not" },
	{ "entry in zero fill", KB_EINVAL, "payload: entry point 0x100 is not" },
	{ "DT_RELAENT 16", KB_EINVAL, "payload: DT_RELAENT is 16, expected 24" },
	{ "DT_RELAENT missing", KB_EINVAL, "payload: DT_RELAENT is 0 (missing), expected 24" },
	{ "RELA in BSS", KB_EINVAL, "payload: DT_RELA table at 0x3800 (0x60 bytes) is not inside a segment's file-backed data" },
	{ "RELA straddles", KB_EINVAL, "payload: DT_RELA table at 0x2ff8" },
	{ "RELA wraps", KB_EINVAL, "payload: DT_RELA table at 0xfffffffffffffff0" },
	{ "RELA in the gap", KB_EINVAL, "payload: DT_RELA table at 0x1800" },
	{ "DT_RELASZ 25", KB_EINVAL, "payload: DT_RELASZ 0x19 is not a multiple of 24" },
	{ "no DT_RELASZ", KB_EINVAL, "payload: DT_RELA without DT_RELASZ" },
	{ "no DT_RELA", KB_EINVAL, "payload: DT_RELASZ without DT_RELA" },
	{ "DT_RELRENT 4", KB_EINVAL, "payload: DT_RELRENT is 4, expected 8" },
	{ "DT_RELRSZ 12", KB_EINVAL, "payload: DT_RELRSZ 0xc is not a multiple of 8" },
	{ "RELR in BSS", KB_EINVAL, "payload: DT_RELR table at 0x3000" },
	{ "duplicate tag", KB_EINVAL, "payload: dynamic tag 9 appears twice" },
	{ "DT_NEEDED", KB_ENOTSUP, "payload: ELF has DT_NEEDED" },
	{ "DT_JMPREL", KB_ENOTSUP, "payload: PLT relocations (DT_JMPREL) are not supported" },
	{ "DT_REL", KB_ENOTSUP, "payload: DT_REL relocations are not supported" },
	{ "PT_INTERP", KB_ENOTSUP, "payload: ELF has PT_INTERP" },
	{ "PT_DYNAMIC past the file", KB_EINVAL, "payload: PT_DYNAMIC 2 file range (offset 0x10000, size 0x100) runs past" },
	{ "PT_DYNAMIC wraps", KB_EINVAL, "payload: PT_DYNAMIC 2 file range (offset 0xffffffffffffff00" },
	{ "two PT_DYNAMIC", KB_EINVAL, "payload: more than one PT_DYNAMIC" },
	{ "e_ehsize", KB_EINVAL, "payload: e_ehsize 52, expected 64" },
	{ "empty PT_LOAD", KB_EINVAL, "payload: PT_LOAD 1 is empty" },
	{ "17 PT_LOADs", KB_ENOSPC, "payload: more than 16 PT_LOAD segments" },
	{ "e_phnum 0", KB_EINVAL, "payload: no PT_LOAD segment" },
	{ "PT_DYNAMIC size wraps", KB_EINVAL, "payload: PT_DYNAMIC 2 file range (offset 0x1000, size 0xffffffffffffffff)" },
	{ "RELRO past data", KB_EINVAL, "payload: PT_GNU_RELRO 0x4f00 (0x200 bytes) is not inside one PT_LOAD segment" },
	{ "RELRO in the gap", KB_EINVAL, "payload: PT_GNU_RELRO 0x1800 (0x100 bytes) is not inside one PT_LOAD segment" },
	{ "two PT_GNU_RELRO", KB_EINVAL, "payload: more than one PT_GNU_RELRO" },
	{ "RELRO wraps", KB_EINVAL, "payload: PT_GNU_RELRO 3 p_vaddr 0xfffffffffffff000 + p_memsz 0x2000 wraps past 2^64" },
};

/* Build t, break it with mut(k) for every row of tab, and check the row's
 * error and diag. */
static void check_bad(const struct tmpl *t, void (*mut)(unsigned int),
		      const struct bad *tab, unsigned int n)
{
	char (*seen)[KB_DIAG_LEN] = calloc(n, KB_DIAG_LEN);

	assert_non_null(seen);
	for (unsigned int k = 0; k < n; k++) {
		int err;

		build(t);
		mut(k);
		err = parse();
		if (err != tab[k].err)
			fail_msg("%u-bit case %u (%s): error %d, want %d; diag \"%s\"", t->xlen, k,
				 tab[k].what, err, tab[k].err, d.msg);
		assert_diag(tab[k].diag);
		assert_null(strchr(d.msg, '\n'));
		/* every failure has its own line */
		strcpy(seen[k], d.msg);
		for (unsigned int j = 0; j < k; j++)
			if (strcmp(seen[j], d.msg) == 0 && tab[j].err == err &&
			    strcmp(tab[j].diag, tab[k].diag) != 0)
				fail_msg("cases %u and %u share the diag \"%s\"", j, k, d.msg);
		/* the parser leaves no half-filled result */
		assert_int_equal(pi.nseg, 0);
		assert_int_equal(pi.footprint, 0);
		/* the buffer is never read past len: a copy of exactly blen
		 * bytes gives the same answer (ASan checks the reads) */
		{
			uint8_t *copy = malloc(blen ? blen : 1);
			struct kb_diag d2;

			memcpy(copy, b, blen);
			assert_int_equal(kb_payload_parse(copy, blen, KB_PAYLOAD_ELF, T.machine, T.xlen,
							  T.min_align, &pi, &d2), err);
			assert_string_equal(d2.msg, d.msg);
			free(copy);
		}
	}
	free(seen);
}

static void test_elf_bad(void **state)
{
	(void)state;
	check_bad(&RV, mutate, bad_elf, sizeof(bad_elf) / sizeof(bad_elf[0]));
}

static void test_elf_misc(void **state)
{
	(void)state;
	/* ELF for the wrong machine, the other way round */
	build(&A64);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0x1000, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: ELF machine 183 (AArch64), but this loader boots RISC-V");
	/* min_align not a power of two */
	build(&RV);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0x3000, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: minimum alignment 0x3000 is not a power of two");
	assert_int_equal(kb_elf_parse(b, blen, KB_EM_RISCV, 64, 0x3000, &pi, &d), KB_EINVAL);
	assert_diag("payload: minimum alignment 0x3000 is not a power of two");
	/* a 4-byte "\x7fELF" is an ELF, and truncated */
	assert_int_equal(kb_payload_parse("\177ELF", 4, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: ELF header truncated (4 bytes, need 64)");
	/* explicit ELF type on a non-ELF */
	memset(b, 0, 64);
	assert_int_equal(kb_payload_parse(b, 64, KB_PAYLOAD_ELF, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: bad ELF magic");
	assert_int_equal(kb_payload_parse(b, 64, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: unrecognized format (64 bytes; not ELF, RISC-V Image or arm64 Image)");
	assert_int_equal(kb_payload_parse(b, 0, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: unrecognized format (0 bytes");
	assert_int_equal(kb_payload_parse(b, 64, 7, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: unknown payload type 7");
	assert_int_equal(kb_payload_parse(b, 64, 0, 62, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: unknown loader machine 62");
}

/* ---- relocation failures ---------------------------------------------- */

/* Parse (must succeed), copy, then kb_reloc_apply must fail with err and
 * diag, leaving the loaded image exactly as it was. */
static void reloc_fails(uint64_t base, int err, const char *diag)
{
	uint8_t *mem, *before;
	int rc;

	rc = parse();
	if (rc)
		fail_msg("parse: %d %s", rc, d.msg);
	mem = malloc(pi.footprint);
	before = malloc(pi.footprint);
	assert_true(mem && before);
	kb_payload_copy(&pi, b, mem);
	memcpy(before, mem, pi.footprint);
	memset(&d, 0, sizeof(d));
	rc = kb_reloc_apply(&pi, mem, base, &d);
	if (rc != err)
		fail_msg("kb_reloc_apply: %d, want %d; diag \"%s\"", rc, err, d.msg);
	assert_diag(diag);
	assert_memory_equal(mem, before, pi.footprint);
	free(mem);
	free(before);
}

/* Parse (must succeed), copy, relocate at base (must succeed); the word
 * at image offset off must then be want. */
static void reloc_ok(uint64_t base, uint64_t off, uint64_t want)
{
	uint8_t *mem;
	int rc;

	rc = parse();
	if (rc)
		fail_msg("parse: %d %s", rc, d.msg);
	mem = calloc(1, pi.footprint);
	assert_non_null(mem);
	kb_payload_copy(&pi, b, mem);
	rc = kb_reloc_apply(&pi, mem, base, &d);
	if (rc)
		fail_msg("kb_reloc_apply at 0x%llx: %d \"%s\"", (unsigned long long)base, rc, d.msg);
	assert_int_equal(get_word(mem + off), want);
	free(mem);
}

static void test_reloc_bad(void **state)
{
	(void)state;
	/* Each bad entry comes last in its table: earlier ones are valid and
	 * must not have been applied either. */
	build(&RV);
	rela(3, 0x100000, 0, R_RISCV_RELATIVE, 0);
	reloc_fails(0x80200000, KB_EINVAL,
		    "payload: relocation 3 writes 8 bytes at 0x100000, past the image end 0x5000");
	build(&RV);
	rela(3, 0x4ffc, 0, R_RISCV_64, 0);
	reloc_fails(0x80200000, KB_EINVAL,
		    "payload: relocation 3 writes 8 bytes at 0x4ffc, past the image end 0x5000");
	build(&RV);
	rela(3, 0x4ff8, 0, R_RISCV_64, 0);	/* the last word: fine */
	assert_int_equal(parse(), 0);
	build(&RV);
	rela(3, 0xfffffffffffffffcULL, 0, R_RISCV_RELATIVE, 0);
	reloc_fails(0x80200000, KB_EINVAL,
		    "payload: relocation 3 writes 8 bytes at 0xfffffffffffffffc, past the image end 0x5000");
	build(&A64);
	rela(3, 0x1000, 0, R_AARCH64_RELATIVE, 0);
	reloc_fails(0x40200000, KB_EINVAL,
		    "payload: relocation 3 at 0x1000 is below the image start 0xffffffff80000000");
	build(&A64);
	rela(3, 0xffffffff80014000ULL, 0, R_AARCH64_RELATIVE, 0);
	reloc_fails(0x40200000, KB_EINVAL,
		    "payload: relocation 3 writes 8 bytes at 0xffffffff80014000, past the image end 0xffffffff80014000");
	build(&RV);
	rela(3, 0x2010, 0, R_RISCV_JUMP_SLOT, 0);
	reloc_fails(0x80200000, KB_ENOTSUP, "payload: relocation 3 (R_RISCV_JUMP_SLOT) is not supported");
	build(&RV);
	rela(3, 0x2010, 0, 58, 0);
	reloc_fails(0x80200000, KB_ENOTSUP, "payload: relocation 3 (R_RISCV_IRELATIVE) is not supported");
	build(&RV);
	rela(3, 0x2010, 0, 999, 0);
	reloc_fails(0x80200000, KB_ENOTSUP, "payload: relocation 3 (type 999) is not supported");
	build(&RV);
	rela(3, 0x2010, 0, R_AARCH64_RELATIVE, 0);	/* the other machine's type */
	reloc_fails(0x80200000, KB_ENOTSUP, "payload: relocation 3 (type 1027) is not supported");
	build(&A64);
	rela(3, 0xffffffff80011010ULL, 0, R_AARCH64_JUMP_SLOT, 0);
	reloc_fails(0x40200000, KB_ENOTSUP, "payload: relocation 3 (R_AARCH64_JUMP_SLOT) is not supported");
	build(&A64);
	rela(3, 0xffffffff80011010ULL, 0, R_RISCV_RELATIVE, 0);
	reloc_fails(0x40200000, KB_ENOTSUP, "payload: relocation 3 (type 3) is not supported");
	build(&RV);
	rela(3, 0x2010, 0, R_RISCV_32, 0);
	reloc_fails(0x80200000, KB_ENOTSUP,
		    "payload: relocation 3 (R_RISCV_32) is not supported in an ELF64 image");
	build(&RV);
	rela(3, 0x2010, 7, R_RISCV_64, 0);
	reloc_fails(0x80200000, KB_ENOTSUP,
		    "payload: relocation 3 refers to symbol 7; only static PIEs are supported");
	build(&RV);
	rela(3, 0x2010, 1, R_RISCV_RELATIVE, 0);
	reloc_fails(0x80200000, KB_ENOTSUP, "payload: relocation 3 refers to symbol 1");
	build(&A64);
	rela(3, 0xffffffff80011010ULL, 0xffffffffu, R_AARCH64_ABS64, 0);
	reloc_fails(0x40200000, KB_ENOTSUP, "payload: relocation 3 refers to symbol 4294967295");
	/* a relocation that would rewrite the tables it was checked from */
	build(&RV);
	rela(3, dva(RELA + 24 * 3 + 8), 0, R_RISCV_RELATIVE, 0);
	reloc_fails(0x80200000, KB_EINVAL, "payload: relocation 3 at 0x2150 would modify a relocation table");
	build(&RV);
	rela(3, dva(RELR + 4), 0, R_RISCV_RELATIVE, 0);
	reloc_fails(0x80200000, KB_EINVAL, "payload: relocation 3 at 0x2304 would modify a relocation table");

	/* RELR (RELA is fine: must not be applied either) */
	build(&RV);
	put64(b + RELR, 0x4ff0);
	put64(b + RELR + 8, (1u << 1) | 1);	/* 0x4ff8: fine */
	put64(b + RELR + 16, (1u << 1) | 1);	/* 0x4ff8 + 504: past */
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 2 runs past the image end");
	build(&RV);
	put64(b + RELR, 0x4ff0);
	put64(b + RELR + 8, (1u << 2) | 1);	/* 0x5000 */
	put64(b + RELR + 16, 1);		/* an empty bitmap is fine */
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 1 runs past the image end 0x5000 (bit 2)");
	build(&RV);
	put64(b + RELR, 0x4ff0);
	put64(b + RELR + 8, (UINT64_C(1) << 63) | 1);
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 1 runs past the image end");
	build(&RV);
	put64(b + RELR, (1u << 1) | 1);
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 0 has no preceding address entry");
	build(&RV);
	put64(b + RELR + 16, 0x5000);
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR entry 2 writes 8 bytes at 0x5000, past the image end 0x5000");
	build(&RV);
	put64(b + RELR + 16, 0xfffffffffffffff8ULL);
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR entry 2 writes 8 bytes at 0xfffffffffffffff8");
	build(&A64);
	put64(b + RELR + 16, 0x10);
	reloc_fails(0x40200000, KB_EINVAL, "payload: RELR entry 2 at 0x10 is below the image start 0xffffffff80000000");
	build(&RV);
	put64(b + RELR + 16, dva(RELR + 8));
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR entry 2 at 0x2308 would modify a relocation table");
	build(&RV);
	put64(b + RELR, dva(RELA - 8));
	put64(b + RELR + 8, (1u << 3) | 1);	/* RELA + 8 */
	put64(b + RELR + 16, 1);
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 1 (bit 3) would modify a relocation table");
	/* many bitmaps after the end, all empty: fine; then one bit: not */
	build(&RV);
	put64(b + RELR + 16, 1);
	assert_int_equal(parse(), 0);
	{
		uint8_t *mem = calloc(1, pi.footprint);

		kb_payload_copy(&pi, b, mem);
		assert_int_equal(kb_reloc_apply(&pi, mem, 0, &d), 0);
		free(mem);
	}
	/* a hand-made info with the tables outside the image */
	build(&RV);
	assert_int_equal(parse(), 0);
	{
		uint8_t *mem = calloc(1, pi.footprint);
		struct kb_payload_info bad = pi;

		bad.relr_off = pi.footprint - 8;
		bad.relr_size = 16;
		assert_int_equal(kb_reloc_apply(&bad, mem, 0, &d), KB_EINVAL);
		assert_diag("payload: relocation tables (RELA 0x2100+0x60, RELR 0x4ff8+0x10) outside the 0x5000-byte image");
		bad = pi;
		bad.rela_size = 25;
		assert_int_equal(kb_reloc_apply(&bad, mem, 0, &d), KB_EINVAL);
		assert_diag("payload: relocation tables");
		free(mem);
	}
}


/* ---- 32-bit Arm (Cortex-M): Elf32_Rel, implicit addends ---------------- */

#define R_ARM_NONE	0
#define R_ARM_ABS32	2
#define R_ARM_RELATIVE	23

static const struct tmpl ARM32 = { KB_EM_ARM, 32, 0, 0x2000, 8, 8, 8 };

/* The template with its RELA and RELR tables replaced by one REL table
 * of n entries at RELA (what arm-none-eabi-ld -pie writes). */
static void build_arm(unsigned int n)
{
	build(&ARM32);
	dyn(DYN_RELA, DT_REL, dva(RELA));
	dyn(DYN_RELASZ, DT_RELSZ, 8 * n);
	dyn(DYN_RELAENT, DT_RELENT, 8);
	dyn(DYN_RELR, DT_DEBUG, 0);
	dyn(DYN_RELRSZ, DT_DEBUG, 0);
	dyn(DYN_RELRENT, DT_DEBUG, 0);
	memset(b + RELA, 0, 0x100);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void rel(unsigned int i, uint64_t off, uint32_t sym, uint32_t type)
{
	put32(b + RELA + 8 * i, (uint32_t)off);
	put32(b + RELA + 8 * i + 4, sym << 8 | (type & 0xff));
}

static void test_arm_rel(void **state)
{
	const uint64_t base = 0x20001ec8;	/* 8-aligned, as on qemu-microbit */
	uint8_t *mem;

	(void)state;
	build_arm(3);
	put32(b + WORDS, 0x123);		/* -> text */
	put32(b + WORDS + 4, 0x77777777u);	/* not relocated */
	put32(b + WORDS + 8, 0x2000 + 0x2800);	/* -> BSS */
	rel(0, dva(WORDS), 0, R_ARM_RELATIVE);
	rel(1, 0xdeadbeef, 0, R_ARM_NONE);
	rel(2, dva(WORDS + 8), 0, R_ARM_RELATIVE);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.machine, KB_EM_ARM);
	assert_true(pi.rel_implicit);
	assert_int_equal(pi.rela_off, dva(RELA));
	assert_int_equal(pi.rela_size, 24);
	assert_int_equal(pi.relr_size, 0);
	mem = calloc(1, pi.footprint);
	assert_non_null(mem);
	kb_payload_copy(&pi, b, mem);
	assert_int_equal(kb_reloc_apply(&pi, mem, base, &d), 0);
	/* addend = the word itself, + base (linked at 0) */
	assert_int_equal(get32(mem + 0x2000 + (WORDS - DATA)), base + 0x123);
	assert_int_equal(get32(mem + 0x2000 + (WORDS - DATA) + 4), 0x77777777u);
	assert_int_equal(get32(mem + 0x2000 + (WORDS - DATA) + 8), base + 0x4800);
	free(mem);

	/* refused: an absolute word, a symbol, a slot or PLT type */
	static const struct {
		uint32_t sym, type;
		uint64_t off;
		const char *diag;
	} bad[] = {
		{ 0, R_ARM_ABS32, 0x2400, "payload: relocation 1 (R_ARM_ABS32) is not supported" },
		{ 3, R_ARM_RELATIVE, 0x2400, "payload: relocation 1 refers to symbol 3" },
		{ 0, 22, 0x2400, "payload: relocation 1 (R_ARM_JUMP_SLOT) is not supported" },
		{ 0, R_ARM_RELATIVE, 0x4ffe, "payload: relocation 1 writes 4 bytes at 0x4ffe, past the image end 0x5000" },
		{ 0, R_ARM_RELATIVE, 0x2104, "payload: relocation 1 at 0x2104 would modify a relocation table" },
	};
	for (unsigned int k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		build_arm(2);
		put32(b + WORDS, 0x10);
		rel(0, dva(WORDS), 0, R_ARM_RELATIVE);
		rel(1, bad[k].off, bad[k].sym, bad[k].type);
		assert_int_equal(parse(), 0);
		mem = calloc(1, pi.footprint);
		assert_non_null(mem);
		kb_payload_copy(&pi, b, mem);
		assert_int_not_equal(kb_reloc_apply(&pi, mem, base, &d), 0);
		assert_diag(bad[k].diag);
		/* nothing applied: validation first */
		assert_int_equal(get32(mem + 0x2000 + (WORDS - DATA)), 0x10);
		free(mem);
	}

	/* the table's shape */
	build_arm(2);
	dyn(DYN_RELAENT, DT_RELENT, 12);
	assert_int_equal(parse(), KB_EINVAL);
	assert_diag("payload: DT_RELENT is 12, expected 8");
	build_arm(2);
	dyn(DYN_RELASZ, DT_RELSZ, 12);
	assert_int_equal(parse(), KB_EINVAL);
	assert_diag("payload: DT_RELSZ 0xc is not a multiple of 8");
	/* RELA and REL both */
	build_arm(2);
	dyn(DYN_FREE, DT_RELA, dva(RELA));
	dyn(DYN_RELR, DT_RELASZ, 12);
	dyn(DYN_RELRSZ, DT_RELAENT, 12);
	assert_int_equal(parse(), KB_EINVAL);
	assert_diag("payload: both DT_RELA and DT_REL tables");
	/* REL on another machine stays refused (a loader that carries
	 * that machine's code) */
	if (ARM_M_ONLY)
		return;
	build_arm(2);
	put16(b + 18, KB_EM_RISCV);
	T.machine = KB_EM_RISCV;
	assert_int_equal(parse(), KB_ENOTSUP);
	assert_diag("payload: DT_REL relocations are not supported (RELA and RELR only)");
	/* an Arm loader boots 32-bit payloads only */
	build_arm(2);
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_ARM, 64, 8, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: a Arm loader with 64-bit payloads is not a thing");
}

/* A Cortex-M loader's parsers (ARM_M_ONLY): every other machine and
 * class is still refused in one line, from e_ident and e_machine alone,
 * and so is a RELR table (CONFIG_PAYLOAD_ELF_RELR=n) and a loader asked
 * to be one it was not built as. */
#if ARM_M_ONLY
static void test_arm_m_only(void **state)
{
	struct kb_payload_info h;
	uint8_t *mem;

	(void)state;
	/* a RISC-V ELF32 PIE */
	build(&RV32);
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_ARM, 32, 8, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: ELF machine 243 (RISC-V), but this loader boots ARM (40)");
	/* an AArch64 (ELF64) PIE */
	build(&A64);
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_ARM, 32, 8, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: ELF class ELFCLASS64 (a 64-bit payload), but this loader boots 32-bit payloads");
	/* an Arm PIE with a RELR table besides its REL table */
	build_arm(2);
	dyn(DYN_RELR, DT_RELR, dva(RELR));
	dyn(DYN_RELRSZ, DT_RELRSZ, 4);
	dyn(DYN_RELRENT, DT_RELRENT, 4);
	assert_int_equal(parse(), KB_ENOTSUP);
	assert_diag("payload: DT_RELR relocations, but RELR support is not built into this loader (CONFIG_PAYLOAD_ELF_RELR)");
	/* the loader itself as another machine or class */
	build_arm(2);
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 8, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: unknown loader machine 243");
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_elf_parse(b, blen, KB_EM_ARM, 64, 8, &pi, &d), KB_EINVAL);
	assert_diag("payload: loader word size 64 bits (expected 32)");
	/* Images: recognized, refused */
	memset(b, 0, 64);
	memcpy(b + 56, "ARM\x64", 4);
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_payload_parse(b, 64, KB_PAYLOAD_AUTO, KB_EM_ARM, 32, 8, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: AArch64 Image, but this loader boots Arm");

	/* the engine: an info with a RELR table, another machine's or
	 * class's relocations: refused, nothing written */
	build_arm(1);
	put32(b + WORDS, 0x10);
	rel(0, dva(WORDS), 0, R_ARM_RELATIVE);
	assert_int_equal(parse(), 0);
	mem = calloc(1, pi.footprint);
	assert_non_null(mem);
	kb_payload_copy(&pi, b, mem);
	h = pi;
	h.relr_off = RELR - DATA + 0x2000;
	h.relr_size = 4;
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_reloc_apply(&h, mem, 0x20001000, &d), KB_ENOTSUP);
	assert_diag("payload: a RELR table, but RELR support is not built into this loader (CONFIG_PAYLOAD_ELF_RELR)");
	h = pi;
	h.machine = KB_EM_RISCV;
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_reloc_apply(&h, mem, 0x20001000, &d), KB_EINVAL);
	assert_diag("payload: relocation for unknown machine 243");
	h = pi;
	h.xlen = 64;
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_reloc_apply(&h, mem, 0x20001000, &d), KB_EINVAL);
	assert_diag("payload: word size 64 bits (expected 32)");
	assert_int_equal(get32(mem + 0x2000 + (WORDS - DATA)), 0x10);
	/* and the good one still relocates */
	assert_int_equal(kb_reloc_apply(&pi, mem, 0x20001000, &d), 0);
	assert_int_equal(get32(mem + 0x2000 + (WORDS - DATA)), 0x20001010);
	free(mem);
}
#endif

/* ---- ELF32 (RV32) ------------------------------------------------------ */

static void test_elf32_good(void **state)
{
	(void)state;
	check_good(&RV32, 0x80200000);
	assert_int_equal(pi.xlen, 32);
	assert_int_equal(kb_payload_ceiling(&pi), UINT32_MAX);
	check_good(&RV32, 0);
	/* the image may end exactly at 4 GiB */
	check_good(&RV32, 0xffffb000u);
	/* linked high, run low (the bias is negative, the values fit) */
	check_good(&RV32_HI, 0x1000);
	assert_int_equal(pi.link_base, 0x80000000u);
	assert_int_equal(pi.align, 0x1000);
	check_good(&RV32_HI, 0x80400000u);
	/* a segment ending just below 4 GiB */
	build(&RV32);
	phdr(1, PT_LOAD, PF_R | PF_W, DATA, 0xffffc000u, 0x1000, 0x3fff, 0x1000);
	phdr(2, PT_GNU_STACK, 0, 0, 0, 0, 0, 0);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.footprint, 0xffffffffu);
	/* PT_GNU_RELRO: recorded from the base, up to the end of the data */
	build(&RV32);
	phdr(3, PT_GNU_RELRO, PF_R, DATA, 0x2000, 0x100, 0x3000, 1);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.relro_off, 0x2000);
	assert_int_equal(pi.relro_size, 0x3000);
	build(&RV32_HI);
	phdr(3, PT_GNU_RELRO, PF_R, DATA, 0x80003000u, 0x100, 0x100, 1);
	assert_int_equal(parse(), 0);
	assert_int_equal(pi.relro_off, 0x3000);
	/* an ELF32 d_tag with the sign bit set is an unknown tag */
	build(&RV32);
	dyn(DYN_FREE, 0x80000001u, 5);
	assert_int_equal(parse(), 0);
}

static void mutate32(unsigned int k)
{
	switch (k) {
	case 0: blen = 10; break;
	case 1: blen = 40; break;
	case 2: blen = 150; break;				/* phdrs end at 180 */
	case 3: b[4] = 2; break;				/* ELFCLASS64 */
	case 4: put16(b + C->e_ehsize, 64); break;
	case 5: put16(b + C->e_phentsize, 56); break;
	case 6: put32(b + E_PHOFF, 0xfffffff8u); break;
	case 7: put32(b + PH(1) + P_VADDR, 0xfffff000u); break;
	case 8: put32(b + PH(1) + P_MEMSZ, 0xffffe001u); break;	/* end 2^32 + 1 */
	case 9: put32(b + PH(1) + P_VADDR, 0xffffd000u); break;	/* end exactly 2^32 */
	case 10: put32(b + PH(1) + P_OFFSET, 0xfffff000u); put32(b + PH(1) + P_FILESZ, 0x2000);
		 put32(b + PH(1) + P_ALIGN, 0); break;
	case 11: put32(b + E_ENTRY, 0x2000); break;
	case 12: dyn(DYN_RELAENT, DT_RELAENT, 24); break;
	case 13: dyn(DYN_RELRENT, DT_RELRENT, 8); break;
	case 14: dyn(DYN_RELASZ, DT_RELASZ, 13); break;
	case 15: dyn(DYN_RELRSZ, DT_RELRSZ, 6); break;
	case 16: dyn(DYN_FREE, 17, 0x2100); break;			/* DT_REL */
	case 17: put32(b + PH(2) + P_OFFSET, 0xffffff00u); break;
	case 18: put16(b + 16, 2); break;				/* ET_EXEC */
	case 19: put32(b + PH(1) + P_VADDR, 0x800); put32(b + PH(1) + P_ALIGN, 0); break;
	case 20: put32(b + PH(1) + P_ALIGN, 0x3000); break;
	case 21: dyn(DYN_RELA, DT_RELA, 0x3800); break;			/* in BSS */
	case 22: put16(b + 18, KB_EM_AARCH64); break;
	case 23: put16(b + C->e_phnum, 0); break;
	case 24: put32(b + PH(3), PT_INTERP); break;
	case 25: put32(b + PH(0) + P_FILESZ, 0x2000); break;
	case 26: put32(b + PH(1) + P_VADDR, 0x2800); break;
	case 27: dyn(DYN_FREE, DT_NEEDED, 1); break;
	case 28: put32(b + PH(3), PT_DYNAMIC); break;
	case 29: b[5] = 2; break;
	case 30: dyn(DYN_RELR, DT_RELR, 0x1ffe); dyn(DYN_RELRSZ, DT_RELRSZ, 0x4); break;
	case 31: put32(b + PH(2) + P_FILESZ, 0xffffffffu); break;
	case 32: put16(b + C->e_phnum, 0xffff); break;
	case 33: put32(b + PH(0) + P_MEMSZ, 0); put32(b + PH(0) + P_FILESZ, 0); break;
	case 34: dyn(DYN_FREE, DT_RELAENT, 12); break;			/* duplicate */
	case 35: dyn(DYN_FREE, DT_JMPREL, 0x2100); break;
	default: relro_bad(k - 36); break;
	}
}

static const struct bad bad_elf32[] = {
	{ "e_ident truncated", KB_EINVAL, "payload: ELF header truncated (10 bytes, need 52)" },
	{ "header truncated", KB_EINVAL, "payload: ELF header truncated (40 bytes, need 52)" },
	{ "truncated phdrs", KB_EINVAL, "payload: program headers (e_phoff 0x34, 4 x 32 bytes) run past the end of the 0x96-byte file" },
	{ "ELFCLASS64 on rv32", KB_EINVAL, "payload: ELF class ELFCLASS64 (a 64-bit payload), but this loader boots 32-bit payloads" },
	{ "e_ehsize", KB_EINVAL, "payload: e_ehsize 64, expected 52" },
	{ "e_phentsize", KB_EINVAL, "payload: e_phentsize 56, expected 32" },
	{ "e_phoff past", KB_EINVAL, "payload: program headers (e_phoff 0xfffffff8, 4 x 32 bytes)" },
	{ "p_vaddr past 4 GiB", KB_EINVAL, "payload: PT_LOAD 1 p_vaddr 0xfffff000 + p_memsz 0x3000 wraps past 2^32" },
	{ "p_memsz past 4 GiB", KB_EINVAL, "payload: PT_LOAD 1 p_vaddr 0x2000 + p_memsz 0xffffe001 wraps past 2^32" },
	{ "end at 4 GiB", KB_EINVAL, "payload: PT_LOAD 1 p_vaddr 0xffffd000 + p_memsz 0x3000 wraps past 2^32" },
	{ "p_offset past", KB_EINVAL, "payload: PT_LOAD 1 file range (offset 0xfffff000, size 0x2000) runs past the end of the 0x2000-byte file" },
	{ "entry in data", KB_EINVAL, "payload: entry point 0x2000 is not inside an executable PT_LOAD" },
	{ "DT_RELAENT 24", KB_EINVAL, "payload: DT_RELAENT is 24, expected 12" },
	{ "DT_RELRENT 8", KB_EINVAL, "payload: DT_RELRENT is 8, expected 4" },
	{ "DT_RELASZ 13", KB_EINVAL, "payload: DT_RELASZ 0xd is not a multiple of 12" },
	{ "DT_RELRSZ 6", KB_EINVAL, "payload: DT_RELRSZ 0x6 is not a multiple of 4" },
	{ "DT_REL", KB_ENOTSUP, "payload: DT_REL relocations are not supported (RELA and RELR only)" },
	{ "PT_DYNAMIC past", KB_EINVAL, "payload: PT_DYNAMIC 2 file range (offset 0xffffff00, size 0x100) runs past the end" },
	{ "ET_EXEC", KB_ENOTSUP, "payload: ELF type ET_EXEC is not relocatable" },
	{ "overlap", KB_EINVAL, "payload: PT_LOAD 1 at 0x800 overlaps or precedes the previous segment (which ends at 0x1000)" },
	{ "p_align 0x3000", KB_EINVAL, "payload: PT_LOAD 1 p_align 0x3000 is not a power of two" },
	{ "RELA in BSS", KB_EINVAL, "payload: DT_RELA table at 0x3800 (0x30 bytes) is not inside a segment's file-backed data" },
	{ "AArch64", KB_EINVAL, "payload: ELF machine 183 (AArch64), but this loader boots RISC-V (243)" },
	{ "e_phnum 0", KB_EINVAL, "payload: no PT_LOAD segment" },
	{ "PT_INTERP", KB_ENOTSUP, "payload: ELF has PT_INTERP" },
	{ "filesz > memsz", KB_EINVAL, "payload: PT_LOAD 0 p_filesz 0x2000 > p_memsz 0x1000" },
	{ "p_offset % p_align", KB_EINVAL, "payload: PT_LOAD 1 p_offset 0x1000 and p_vaddr 0x2800 differ modulo p_align 0x1000" },
	{ "DT_NEEDED", KB_ENOTSUP, "payload: ELF has DT_NEEDED" },
	{ "two PT_DYNAMIC", KB_EINVAL, "payload: more than one PT_DYNAMIC" },
	{ "big-endian", KB_ENOTSUP, "payload: big-endian ELF is not supported" },
	{ "RELR straddles", KB_EINVAL, "payload: DT_RELR table at 0x1ffe (0x4 bytes) is not inside" },
	{ "PT_DYNAMIC size", KB_EINVAL, "payload: PT_DYNAMIC 2 file range (offset 0x1000, size 0xffffffff) runs past" },
	{ "PN_XNUM", KB_ENOTSUP, "payload: e_phnum PN_XNUM" },
	{ "empty PT_LOAD", KB_EINVAL, "payload: PT_LOAD 0 is empty" },
	{ "duplicate tag", KB_EINVAL, "payload: dynamic tag 9 appears twice" },
	{ "DT_JMPREL", KB_ENOTSUP, "payload: PLT relocations (DT_JMPREL) are not supported" },
	{ "RELRO past data", KB_EINVAL, "payload: PT_GNU_RELRO 0x4f00 (0x200 bytes) is not inside one PT_LOAD segment" },
	{ "RELRO in the gap", KB_EINVAL, "payload: PT_GNU_RELRO 0x1800 (0x100 bytes) is not inside one PT_LOAD segment" },
	{ "two PT_GNU_RELRO", KB_EINVAL, "payload: more than one PT_GNU_RELRO" },
	{ "RELRO wraps", KB_EINVAL, "payload: PT_GNU_RELRO 3 p_vaddr 0xfffff000 + p_memsz 0x2000 wraps past 2^32" },
};

static void test_elf32_bad(void **state)
{
	(void)state;
	check_bad(&RV32, mutate32, bad_elf32, sizeof(bad_elf32) / sizeof(bad_elf32[0]));
}

static void test_elf32_class(void **state)
{
	(void)state;
	/* a well-formed ELF32 on a 64-bit loader, and the other way round */
	build(&RV32);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: ELF class ELFCLASS32 (a 32-bit payload), but this loader boots 64-bit payloads");
	build(&RV);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: ELF class ELFCLASS64 (a 64-bit payload), but this loader boots 32-bit payloads");
	/* a 4-byte file on an rv32 loader names the ELF32 header size */
	assert_int_equal(kb_payload_parse("\177ELF", 4, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: ELF header truncated (4 bytes, need 52)");
	/* the loader's word size itself */
	build(&RV32);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 32, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: a AArch64 loader with 32-bit payloads is not a thing");
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 16, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: a RISC-V loader with 16-bit payloads is not a thing");
	assert_int_equal(kb_elf_parse(b, blen, KB_EM_RISCV, 128, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: loader word size 128 bits (expected 32 or 64)");
	/* the ELF parser alone (the load calls it directly) checks the
	 * loader's machine and width as kb_payload_parse() does */
	assert_int_equal(kb_elf_parse(b, blen, KB_EM_AARCH64, 32, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: a AArch64 loader with 32-bit payloads is not a thing");
	assert_int_equal(kb_elf_parse(b, blen, 62, 32, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: unknown loader machine 62");
	/* initrd window of a 32-bit payload: below 4 GiB */
	{
		struct kb_payload_info p32 = { .type = KB_PAYLOAD_ELF, .xlen = 32 };
		uint64_t lo, hi;

		kb_payload_initrd_window(&p32, 0x80000000u, &lo, &hi);
		assert_int_equal(lo, 0);
		assert_int_equal(hi, UINT32_MAX);
	}
}

static void test_reloc32_bad(void **state)
{
	/* One bad last RELA entry each (the earlier ones are valid and must
	 * not have been applied either). */
	static const struct {
		uint64_t off;
		uint32_t sym, type;
		uint64_t addend, base;
		int err;
		const char *diag;
	} bad_rela32[] = {
		{ 0x2010, 0, R_RISCV_64, 0, 0x80200000, KB_ENOTSUP,
		  "payload: relocation 3 (R_RISCV_64) is not supported in an ELF32 image" },
		/* ELF32_R_SYM is r_info >> 8, ELF32_R_TYPE the low 8 bits */
		{ 0x2010, 5, R_RISCV_32, 0, 0x80200000, KB_ENOTSUP,
		  "payload: relocation 3 refers to symbol 5; only static PIEs are supported" },
		{ 0x2010, 0xffffff, R_RISCV_RELATIVE, 0, 0x80200000, KB_ENOTSUP,
		  "payload: relocation 3 refers to symbol 16777215" },
		{ 0x2010, 0, R_RISCV_JUMP_SLOT, 0, 0x80200000, KB_ENOTSUP,
		  "payload: relocation 3 (R_RISCV_JUMP_SLOT) is not supported" },
		/* 4-byte targets */
		{ 0x4ffe, 0, R_RISCV_32, 0, 0x80200000, KB_EINVAL,
		  "payload: relocation 3 writes 4 bytes at 0x4ffe, past the image end 0x5000" },
		{ 0x2000 + (RELA - DATA) + 12 * 3 + 4, 0, R_RISCV_RELATIVE, 0, 0x80200000, KB_EINVAL,
		  "payload: relocation 3 at 0x2128 would modify a relocation table" },
		/* a value that does not fit in 32 bits */
		{ 0x2010, 0, R_RISCV_RELATIVE, 0xffff0000u, 0xfff00000u, KB_EINVAL,
		  "payload: relocation 3 value 0xffff0000 relocated to base 0xfff00000 (link base 0x0) does not fit in 32 bits" },
	};

	(void)state;
	for (unsigned int k = 0; k < sizeof(bad_rela32) / sizeof(bad_rela32[0]); k++) {
		build(&RV32);
		rela(3, bad_rela32[k].off, bad_rela32[k].sym, bad_rela32[k].type,
		     bad_rela32[k].addend);
		reloc_fails(bad_rela32[k].base, bad_rela32[k].err, bad_rela32[k].diag);
	}
	build(&RV32);
	rela(3, 0x4ffc, 0, R_RISCV_RELATIVE, 0);	/* the last word: fine */
	assert_int_equal(parse(), 0);
	/* values that do not fit in 32 bits, the other way */
	build(&RV32_HI);
	rela(3, 0x80003010u, 0, R_RISCV_32, 0x10);
	reloc_fails(0x1000, KB_EINVAL,
		    "payload: relocation 3 value 0x10 relocated to base 0x1000 (link base 0x80000000) does not fit in 32 bits");
	build(&RV32);
	put_word(b + RELR_AT, 0xfffffff0u);
	reloc_fails(0x10000, KB_EINVAL, "payload: RELR entry 0 value 0xfffffff0 relocated to base 0x10000");
	build(&RV32);
	put_word(b + RW(RELR_RUN + RELR_RUN - 1), 0xfffffff0u);	/* the top bit's word */
	reloc_fails(0x10000, KB_EINVAL, "payload: RELR bitmap 2 value 0xfffffff0 relocated to base 0x10000");
	/* the image must lie below 4 GiB */
#if KB_PHYS_BITS == 64
	build(&RV32);
	reloc_fails(UINT64_C(0x100000000), KB_EINVAL,
		    "payload: a 32-bit image at 0x100000000 (0x5000 bytes) must lie below 4 GiB");
#endif
	build(&RV32);
	reloc_fails(0xffffc000u, KB_EINVAL,
		    "payload: a 32-bit image at 0xffffc000 (0x5000 bytes) must lie below 4 GiB");
	/* base + footprint just past 2^32 (a sum that wraps with 32-bit
	 * addresses): refused, not wrapped */
	build(&RV32);
	reloc_fails(0xffffb004u, KB_EINVAL,
		    "payload: a 32-bit image at 0xffffb004 (0x5000 bytes) must lie below 4 GiB");
	/* ending exactly at 4 GiB: fine, and a value of 2^32 - 1 too; one
	 * more (a + base wraps at 32 bits) is refused */
	build(&RV32);
	rela(3, 0x2010, 0, R_RISCV_RELATIVE, 0x4fff);
	reloc_ok(0xffffb000u, 0x2010, 0xffffffffu);
	build(&RV32);
	rela(3, 0x2010, 0, R_RISCV_RELATIVE, 0x5000);
	reloc_fails(0xffffb000u, KB_EINVAL,
		    "payload: relocation 3 value 0x5000 relocated to base 0xffffb000 (link base 0x0) does not fit in 32 bits");
	build(&RV32);
	rela(3, 0x2010, 0, R_RISCV_RELATIVE, 0xffffffffu);
	reloc_fails(0x1000, KB_EINVAL,
		    "payload: relocation 3 value 0xffffffff relocated to base 0x1000 (link base 0x0) does not fit in 32 bits");
	build(&RV32);
	rela(3, 0x2010, 0, R_RISCV_RELATIVE, 0xffffffffu);
	reloc_ok(0, 0x2010, 0xffffffffu);
	/* running below the link base: a value of exactly 0 is fine, one
	 * below it refused */
	build(&RV32_HI);
	rela(3, 0x80003010u, 0, R_RISCV_32, 0x7ffff000u);
	reloc_ok(0x1000, 0x3010, 0);
	build(&RV32_HI);
	rela(3, 0x80003010u, 0, R_RISCV_32, 0x7fffefffu);
	reloc_fails(0x1000, KB_EINVAL,
		    "payload: relocation 3 value 0x7fffefff relocated to base 0x1000 (link base 0x80000000) does not fit in 32 bits");
	build(&RV32_HI);
	rela(3, 0x80003010u, 0, R_RISCV_32, 0xffffffffu);
	reloc_ok(0x1000, 0x3010, 0x7fffffffu + 0x1000);
	/* RELR: 4-byte words, 31 per bitmap */
	build(&RV32);
	put_word(b + RELR, 0x4ff8);
	put_word(b + RELR + 4, (1u << 2) | 1);	/* 0x4ff8 + 4 + 4 = 0x5000 */
	put_word(b + RELR + 8, 1);
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 1 runs past the image end 0x5000 (bit 2)");
	build(&RV32);
	put_word(b + RELR, 0x4ffc);		/* the last word: the address is the end */
	put_word(b + RELR + 4, 1);		/* no bit: the address runs past the end */
	put_word(b + RELR + 8, (1u << 1) | 1);	/* 0x5000 + 31 * 4: past */
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 2 runs past the image end 0x5000 (bit 1)");
	build(&RV32);
	put_word(b + RELR, 0x4f70);
	put_word(b + RELR + 4, 1u << 31 | 1);	/* 0x4f74 + 30 * 4 = 0x4fec: fine */
	put_word(b + RELR + 8, (1u << 5) | 1);	/* 0x4ff0 + 4 * 4 = 0x5000: past */
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR bitmap 2 runs past the image end 0x5000 (bit 5)");
	build(&RV32);
	put_word(b + RELR, 0x4f70);
	put_word(b + RELR + 4, 1u << 31 | 1);
	put_word(b + RELR + 8, (1u << 4) | 1);	/* 0x4ffc: the last word, fine */
	assert_int_equal(parse(), 0);
	{
		uint8_t *mem = calloc(1, pi.footprint);

		kb_payload_copy(&pi, b, mem);
		assert_int_equal(kb_reloc_apply(&pi, mem, 0x1000, &d), 0);
		assert_int_equal(get_word(mem + 0x4fec), 0x1000);
		assert_int_equal(get_word(mem + 0x4ffc), 0x1000);
		assert_int_equal(get_word(mem + 0x4ff8), 0);
		free(mem);
	}
	build(&RV32);
	put_word(b + RELR + 8, dva(RELR + 4));
	reloc_fails(0x80200000, KB_EINVAL, "payload: RELR entry 2 at 0x2304 would modify a relocation table");
	/* a hand-made info with a bad word size */
	build(&RV32);
	assert_int_equal(parse(), 0);
	{
		uint8_t *mem = calloc(1, pi.footprint);
		struct kb_payload_info bad = pi;

		bad.xlen = 0;
		assert_int_equal(kb_reloc_apply(&bad, mem, 0, &d), KB_EINVAL);
		assert_diag(KB_PAYLOAD_ELF64 ? "payload: word size 0 bits (expected 32 or 64)" :
			    "payload: word size 0 bits (expected 32)");
		bad = pi;
		bad.relr_size = 6;
		assert_int_equal(kb_reloc_apply(&bad, mem, 0, &d), KB_EINVAL);
		assert_diag("payload: relocation tables");
		free(mem);
	}
}

/* ---- Linux Images ---------------------------------------------------- */

static void riscv_image(uint64_t image_size, uint64_t flags)
{
	memset(b, 0, FILE_LEN);
	blen = 0x1000;
	put32(b, 0x0000006f);			/* j 0 (code0) */
	put64(b + 8, 0x200000);			/* text_offset */
	put64(b + 16, image_size);
	put64(b + 24, flags);
	put32(b + 32, 2);			/* version 0.2 */
	memcpy(b + 48, "RISCV\0\0\0", 8);
	memcpy(b + 56, "RSC\x05", 4);
	for (unsigned int i = 64; i < blen; i++)
		b[i] = (uint8_t)(i ^ 0x5a);
}

static void arm64_image(uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	memset(b, 0, FILE_LEN);
	blen = 0x1000;
	put32(b, 0x91005a4d);			/* add x13, x18, #0x16 */
	put64(b + 8, text_offset);
	put64(b + 16, image_size);
	put64(b + 24, flags);
	memcpy(b + 56, "ARM\x64", 4);
	for (unsigned int i = 64; i < blen; i++)
		b[i] = (uint8_t)(i ^ 0xa5);
}

static void test_initrd_window(void **state)
{
	struct kb_payload_info a = { .type = KB_PAYLOAD_ARM64_IMAGE };
	struct kb_payload_info r = { .type = KB_PAYLOAD_RISCV_IMAGE };
	uint64_t lo, hi;

	(void)state;
	kb_payload_initrd_window(&a, 0x57000000, &lo, &hi);
	assert_int_equal(lo, 0x40000000);
	assert_int_equal(hi, 0x40000000 + (UINT64_C(32) << 30) - 1);
	kb_payload_initrd_window(&a, 0x40000000, &lo, &hi);		/* on the boundary */
	assert_int_equal(lo, 0x40000000);
	kb_payload_initrd_window(&a, 0x3fffffff, &lo, &hi);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, (UINT64_C(32) << 30) - 1);
	kb_payload_initrd_window(&a, UINT64_MAX - 0x1000, &lo, &hi);	/* clamped at 2^64 */
	assert_int_equal(lo, UINT64_MAX - ((UINT64_C(1) << 30) - 1));
	assert_int_equal(hi, UINT64_MAX);
	kb_payload_initrd_window(&r, 0x57000000, &lo, &hi);		/* no rule */
	assert_int_equal(lo, 0);
	assert_int_equal(hi, UINT64_MAX);
	kb_payload_initrd_window(NULL, 0x57000000, &lo, &hi);
	assert_int_equal(hi, UINT64_MAX);
}

/* kb_payload_base_align: the base alignment for a boot, from the parsed
 * Image, the container's KASLR alignment, the Kconfig default, the
 * loader's minimum and KASLR on/off. */
static uint64_t base_align(uint32_t ctr, uint64_t cfg, uint64_t min_align, bool kaslr)
{
	return kb_payload_base_align(&pi, ctr, cfg, min_align, kaslr);
}

static void test_base_align(void **state)
{
	const uint64_t k4 = 0x1000, k64 = 0x10000, k128 = 0x20000, m2 = 0x200000;

	(void)state;
	/* Debian's kind of Image: text_offset 0, 4K pages, anywhere */
	arm64_image(0, 0x20000, 0xa);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_ARM64_IMAGE, KB_EM_AARCH64, 64, k4, &pi, &d), 0);
	assert_int_equal(pi.align, m2);
	/* KASLR on: the container's value, else the Kconfig default, else 2 MiB */
	assert_int_equal(base_align(k64, m2, k4, true), k64);
	assert_int_equal(base_align(k128, k64, k4, true), k128);	/* the container wins */
	assert_int_equal(base_align(k4, m2, k4, true), k4);
	assert_int_equal(base_align(0x100000, m2, k4, true), 0x100000);
	assert_int_equal(base_align(0, m2, k4, true), m2);
	assert_int_equal(base_align(0, k64, k4, true), k64);
	assert_int_equal(base_align(0, 0, k4, true), m2);
	/* KASLR off (nokaslr): the fixed base keeps 2 MiB, whatever was asked */
	assert_int_equal(base_align(k64, m2, k4, false), m2);
	assert_int_equal(base_align(0, k64, k4, false), m2);
	assert_int_equal(base_align(k4, k4, k4, false), m2);
	/* never below the loader's minimum (CONFIG_PAYLOAD_MIN_ALIGN) */
	assert_int_equal(base_align(k64, m2, 0x40000, true), 0x40000);
	assert_int_equal(base_align(k64, m2, k64, true), k64);
	/* nonsense (the container and Kconfig reject it first) falls back to
	 * the format's rule, never below it */
	assert_int_equal(base_align(0x18000, m2, k4, true), m2);	/* not a power of two */
	assert_int_equal(base_align(0x800, m2, k4, true), m2);		/* below 4 KiB */
	assert_int_equal(base_align(1, m2, k4, true), m2);
	assert_int_equal(base_align(0x400000, m2, k4, true), m2);	/* above the format's */
	assert_int_equal(base_align(0x80000000, m2, k4, true), m2);
	assert_int_equal(base_align(0, 0x4000000, k4, true), m2);
	assert_int_equal(base_align(0, 0x3000, k4, true), m2);
	/* a larger loader minimum raised the format's alignment itself */
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_ARM64_IMAGE, KB_EM_AARCH64, 64, 0x400000, &pi, &d), 0);
	assert_int_equal(pi.align, 0x400000);
	assert_int_equal(base_align(k64, m2, 0x400000, true), 0x400000);
	assert_int_equal(base_align(k64, m2, 0x400000, false), 0x400000);
	/* text_offset is untouched: still the image's offset above the base */
	arm64_image(0x80000, 0x20000, 0xa);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_ARM64_IMAGE, KB_EM_AARCH64, 64, k4, &pi, &d), 0);
	assert_int_equal(base_align(k64, m2, k4, true), k64);
	assert_int_equal(pi.offset, 0x80000);

	/* flags bit 3 clear: placed near the start of DRAM, never randomized */
	arm64_image(0, 0x20000, 0x2);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_ARM64_IMAGE, KB_EM_AARCH64, 64, k4, &pi, &d), 0);
	assert_int_equal(base_align(k64, k64, k4, true), m2);
	/* other formats: their own rule */
	riscv_image(0x10000, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, k4, &pi, &d), 0);
	assert_int_equal(base_align(k64, k64, k4, true), m2);
	pi = (struct kb_payload_info){ .type = KB_PAYLOAD_ELF, .align = k4, .placement_anywhere = true };
	assert_int_equal(base_align(k64, k64, k4, true), k4);
	pi = (struct kb_payload_info){ .type = KB_PAYLOAD_ELF, .align = 0x200000, .placement_anywhere = true };
	assert_int_equal(base_align(k64, k64, k4, true), 0x200000);
	assert_int_equal(kb_payload_base_align(NULL, k64, k64, k4, true), 0);
}

static void check_copy(void)
{
	uint8_t *mem = malloc(pi.footprint);

	memset(mem, 0xcc, pi.footprint);
	kb_payload_copy(&pi, b, mem);
	assert_memory_equal(mem, b, blen);
	for (uint64_t i = blen; i < pi.footprint; i++)
		assert_int_equal(mem[i], 0);
	assert_int_equal(kb_reloc_apply(&pi, mem, 0x80200000, &d), 0);	/* nothing to do */
	assert_memory_equal(mem, b, blen);
	free(mem);
}

static void test_riscv_image(void **state)
{
	(void)state;
	riscv_image(0x10000, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0x1000, &pi, &d), 0);
	assert_int_equal(pi.type, KB_PAYLOAD_RISCV_IMAGE);
	assert_int_equal(pi.machine, KB_EM_RISCV);
	assert_int_equal(pi.footprint, 0x10000);
	assert_int_equal(pi.align, 0x200000);
	assert_int_equal(pi.offset, 0);
	assert_int_equal(pi.entry_off, 0);
	assert_true(pi.placement_anywhere);
	assert_int_equal(pi.nseg, 1);
	assert_int_equal(pi.seg[0].file_off, 0);
	assert_int_equal(pi.seg[0].filesz, 0x1000);
	assert_int_equal(pi.seg[0].dst_off, 0);
	assert_int_equal(pi.seg[0].memsz, 0x10000);
	assert_int_equal(pi.rela_size + pi.relr_size + pi.link_base, 0);
	check_copy();
	assert_int_equal(kb_riscv_image_parse(b, blen, true, &pi, &d), 0);
	assert_int_equal(pi.align, 0x400000);
	assert_int_equal(pi.xlen, 32);
	/* an rv32 loader takes RISC-V Images as rv32 (4 MiB) */
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0x1000, &pi, &d), 0);
	assert_int_equal(pi.align, 0x400000);
	assert_int_equal(pi.xlen, 32);
	assert_int_equal(kb_payload_ceiling(&pi), UINT32_MAX);
	/* min_align raises it */
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_RISCV_IMAGE, KB_EM_RISCV, 64,
					  0x1000000, &pi, &d), 0);
	assert_int_equal(pi.align, 0x1000000);
	/* image_size == file size */
	riscv_image(0x1000, 0);
	assert_int_equal(kb_riscv_image_parse(b, blen, false, &pi, &d), 0);
	/* either magic alone */
	riscv_image(0x10000, 0);
	memset(b + 48, 0, 8);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), 0);
	riscv_image(0x10000, 0);
	memset(b + 56, 0, 4);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), 0);

	/* bad */
	riscv_image(0x10000, 0);
	memset(b + 48, 0, 16);
	assert_int_equal(kb_riscv_image_parse(b, blen, false, &pi, &d), KB_EINVAL);
	assert_diag("payload: bad RISC-V Image magic");
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_RISCV_IMAGE, KB_EM_RISCV, 64, 0, &pi, &d),
			 KB_EINVAL);
	assert_diag("payload: bad RISC-V Image magic");
	riscv_image(0, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: RISC-V Image has image_size 0");
	riscv_image(0xfff, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: RISC-V Image image_size 0xfff is smaller than the 0x1000-byte file");
	riscv_image(0x10000, 1);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_ENOTSUP);
	assert_diag("payload: RISC-V Image is big-endian");
	riscv_image(0x10000, 0);
	assert_int_equal(kb_riscv_image_parse(b, 63, false, &pi, &d), KB_EINVAL);
	assert_diag("payload: RISC-V Image header truncated (63 bytes, need 64)");
	assert_int_equal(kb_payload_parse(b, 63, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: unrecognized format (63 bytes");
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: RISC-V Image, but this loader boots AArch64");
	assert_int_equal(pi.footprint, 0);
}

static void test_arm64_image(void **state)
{
	(void)state;
	arm64_image(0x80000, 0x20000, 0xa);	/* 4K pages, anywhere */
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0x1000, &pi, &d), 0);
	assert_int_equal(pi.type, KB_PAYLOAD_ARM64_IMAGE);
	assert_int_equal(pi.machine, KB_EM_AARCH64);
	assert_int_equal(pi.footprint, 0x20000);
	assert_int_equal(pi.align, 0x200000);
	assert_int_equal(pi.offset, 0x80000);
	assert_int_equal(pi.entry_off, 0);
	assert_true(pi.placement_anywhere);
	assert_int_equal(pi.nseg, 1);
	assert_int_equal(pi.seg[0].filesz, 0x1000);
	assert_int_equal(pi.seg[0].memsz, 0x20000);
	check_copy();
	arm64_image(0, 0x20000, 0x2);		/* not anywhere */
	assert_int_equal(kb_arm64_image_parse(b, blen, &pi, &d), 0);
	assert_false(pi.placement_anywhere);
	assert_int_equal(pi.offset, 0);

	arm64_image(0, 0x20000, 0);
	memcpy(b + 56, "ARM\x65", 4);
	assert_int_equal(kb_arm64_image_parse(b, blen, &pi, &d), KB_EINVAL);
	assert_diag("payload: bad arm64 Image magic");
	arm64_image(0x80000, 0, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0, &pi, &d), KB_ENOTSUP);
	assert_diag("payload: arm64 Image has image_size 0 (a pre-3.17 kernel); not supported");
	arm64_image(0, 0x20000, 0x9);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0, &pi, &d), KB_ENOTSUP);
	assert_diag("payload: arm64 Image is big-endian");
	arm64_image(0, 0x800, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: arm64 Image image_size 0x800 is smaller than the 0x1000-byte file");
	arm64_image(0xfffffffffffff000ULL, 0x2000, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: arm64 Image text_offset 0xfffffffffffff000 + image_size 0x2000 wraps past " KB_PHYS_TOP);
	arm64_image(0x80002, 0x2000, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: arm64 Image text_offset 0x80002 is not 4-byte aligned");
	arm64_image(0, 0x2000, 0);
	assert_int_equal(kb_arm64_image_parse(b, 63, &pi, &d), KB_EINVAL);
	assert_diag("payload: arm64 Image header truncated (63 bytes, need 64)");
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: AArch64 Image, but this loader boots RISC-V");
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_ARM64_IMAGE, KB_EM_RISCV, 64, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: AArch64 Image, but this loader boots RISC-V");
}

/* Addresses and sizes of either width (kb_phys_t; test_payload_phys32 is
 * this file with CONFIG_PHYS_ADDR_32BIT): what does not fit 32 bits is
 * refused there, naming it, never cut. */
static const struct tmpl RV_4G = { KB_EM_RISCV, 64, 0x100000000ULL, 0x2000, 0x1000, 0x1000, 0x1000 };

static void test_phys_width(void **state)
{
	(void)state;
	/* an ELF64 whose segments lie above 4 GiB */
	build(&RV_4G);
#if KB_PHYS_BITS == 64
	assert_int_equal(parse(), 0);
	assert_true(pi.link_base == 0x100000000ULL);
#else
	assert_int_equal(parse(), KB_EINVAL);
	assert_diag("payload: 64-bit payloads need 64-bit addresses (this loader: CONFIG_PHYS_ADDR_32BIT)");
	assert_int_equal(pi.footprint, 0);
#endif
	/* an rv32 firmware with a minimum alignment of 4 GiB */
	build(&RV32);
	memset(&d, 0, sizeof(d));
#if KB_PHYS_BITS == 64
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0x100000000ULL, &pi, &d), 0);
	assert_true(pi.align == 0x100000000ULL);
#else
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0x100000000ULL, &pi, &d), KB_EINVAL);
	assert_diag("payload: minimum alignment 0x100000000 does not fit in 32 bits");
	memset(&d, 0, sizeof(d));
	assert_int_equal(kb_elf_parse(b, blen, KB_EM_RISCV, 32, 0x100000000ULL, &pi, &d), KB_EINVAL);
	assert_diag("payload: minimum alignment 0x100000000 does not fit in 32 bits");
#endif
	/* an rv32 Image of 4 GiB */
	riscv_image(0x100000000ULL, 0);
	memset(&d, 0, sizeof(d));
#if KB_PHYS_BITS == 64
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0, &pi, &d), 0);
	assert_true(pi.footprint == 0x100000000ULL);
#else
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0, &pi, &d), KB_EINVAL);
	assert_diag("payload: RISC-V Image image_size 0x100000000 does not fit in 32 bits");
	riscv_image(0xffffffffULL, 0);
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0, &pi, &d), 0);
	assert_true(pi.footprint == 0xffffffffu);
	/* an Image's minimum alignment is checked before the parser */
	assert_int_equal(kb_payload_parse(b, blen, KB_PAYLOAD_AUTO, KB_EM_RISCV, 32, 0x100000000ULL, &pi, &d), KB_EINVAL);
	assert_diag("payload: minimum alignment 0x100000000 does not fit in 32 bits");
#endif
	/* an arm64 Image reaching past 4 GiB */
	arm64_image(0xfffff000ULL, 0x2000, 0);
	memset(&d, 0, sizeof(d));
#if KB_PHYS_BITS == 64
	assert_int_equal(kb_arm64_image_parse(b, blen, &pi, &d), 0);
#else
	assert_int_equal(kb_arm64_image_parse(b, blen, &pi, &d), KB_EINVAL);
	assert_diag("payload: arm64 Image text_offset 0xfffff000 + image_size 0x2000 wraps past 2^32");
	arm64_image(0, 0x100000000ULL, 0);
	assert_int_equal(kb_arm64_image_parse(b, blen, &pi, &d), KB_EINVAL);
	assert_diag("payload: arm64 Image text_offset 0x0 + image_size 0x100000000 wraps past 2^32");
#endif
}

int main(void)
{
#if ARM_M_ONLY
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arm_rel),
		cmocka_unit_test(test_arm_m_only),
	};
#elif RV32_ONLY
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf32_good),
		cmocka_unit_test(test_elf32_bad),
		cmocka_unit_test(test_reloc32_bad),
	};
#else
	const struct CMUnitTest tests[] = {
#if KB_PHYS_BITS == 64
		cmocka_unit_test(test_elf_good_riscv),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test(test_elf_good_aarch64),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test(test_elf_variants),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test(test_elf_bad),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test(test_elf_misc),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test(test_reloc_bad),
#endif
		cmocka_unit_test(test_elf32_good),
		cmocka_unit_test(test_elf32_bad),
#if KB_PHYS_BITS == 64
		cmocka_unit_test(test_elf32_class),
#endif
		cmocka_unit_test(test_reloc32_bad),
		cmocka_unit_test(test_arm_rel),
		cmocka_unit_test(test_riscv_image),
		cmocka_unit_test(test_arm64_image),
		cmocka_unit_test(test_initrd_window),
		cmocka_unit_test(test_base_align),
		cmocka_unit_test(test_phys_width),
	};
#endif

	return cmocka_run_group_tests(tests, NULL, NULL);
}
