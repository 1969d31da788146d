// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: KARL's AArch64 relocation applier (loader/lib/karl.c) on a
 * small hand-built ELF64 AArch64 payload: a startup section, two movable
 * function sections and a .rodata, with one relocation of every type the
 * table knows (CALL26, JUMP26, CONDBR19 on B.cond and CBZ, TSTBR14,
 * ADR_PREL_PG_HI21, ADD_ABS_LO12_NC, LDST8/16/32/64/128_ABS_LO12_NC,
 * ADR_PREL_LO21, LD_PREL_LO19, ABS64, ABS32, PREL32, PREL64).  Every
 * patched field is decoded here from the Arm ARM's encodings (not
 * karl.c's table) and must equal what the type means for the drawn
 * layout; the other instruction bits are kept.  Then each bad input (a
 * short branch out of range after the shuffle, a misaligned target of a
 * scaled load, an unknown type, a wrong instruction, a data word that
 * does not fit) gets its exact one-line error, with the output untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/karl.h>

#define BASE	UINT64_C(0x40000000)

enum { S_NULL, S_FIXED, S_A, S_B, S_RO, S_RFIXED, S_RA, S_RB, S_RRO, S_SYMTAB, S_STRTAB,
       S_SHSTR, NSEC };
enum { SYM_NULL, SYM_A, SYM_B, SYM_RO, NSYM };

#define R_ABS64		257
#define R_ABS32		258
#define R_PREL64	260
#define R_PREL32	261
#define R_LD_PREL_LO19	273
#define R_ADR_LO21	274
#define R_ADR_PG_HI21	275
#define R_ADD_LO12	277
#define R_LDST8		278
#define R_TSTBR14	279
#define R_CONDBR19	280
#define R_JUMP26	282
#define R_CALL26	283
#define R_LDST16	284
#define R_LDST32	285
#define R_LDST64	286
#define R_LDST128	299

static uint8_t f[0x1000];
static size_t flen;
static struct kb_karl k;
static struct kb_karl_sec sec[32];
static uint32_t order[32];
static struct kb_diag d;
static uint8_t out[192 << 20];
static uint64_t rodata;

static void put(uint64_t off, uint64_t v, unsigned int n)
{
	memcpy(f + off, &v, n);
}

static uint64_t get(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

/* File offsets */
#define O_FIXED	0x100
#define O_A	0x110
#define O_B	0x130
#define O_RO	0x140
#define O_RELA	0x200	/* 20 entries, 24 bytes each */
#define O_SYM	0x400
#define O_STR	0x500
#define O_SHSTR	0x580
#define O_SHDR	0x700

static const char shstr[] = "\0.text.kb_fixed\0.text.a\0.text.b\0.rodata\0.rela.text.kb_fixed\0"
			    ".rela.text.a\0.rela.text.b\0.rela.rodata\0.symtab\0.strtab\0.shstrtab";

static uint32_t shname(const char *n)
{
	for (uint32_t i = 1; i < sizeof(shstr); i += (uint32_t)strlen(shstr + i) + 1)
		if (strcmp(shstr + i, n) == 0)
			return i;
	fail_msg("no name %s", n);
	return 0;
}

static void shdr(unsigned int i, const char *name, uint32_t type, uint64_t flags, uint64_t addr,
		 uint64_t off, uint64_t size, uint32_t link, uint32_t info, uint64_t align,
		 uint64_t entsize)
{
	uint64_t o = O_SHDR + (uint64_t)i * 64;

	put(o, name ? shname(name) : 0, 4);
	put(o + 4, type, 4);
	put(o + 8, flags, 8);
	put(o + 16, addr, 8);
	put(o + 24, off, 8);
	put(o + 32, size, 8);
	put(o + 40, link, 4);
	put(o + 44, info, 4);
	put(o + 48, align, 8);
	put(o + 56, entsize, 8);
}

static unsigned int nrela;
static void rela(uint64_t where, uint32_t type, uint32_t sym, int64_t addend)
{
	uint64_t o = O_RELA + nrela++ * 24;

	put(o, where, 8);
	put(o + 8, ((uint64_t)sym << 32) | type, 8);
	put(o + 16, (uint64_t)addend, 8);
}

static void sym(unsigned int i, uint16_t shndx, uint64_t value)
{
	uint64_t o = O_SYM + (uint64_t)i * 24;

	put(o, i ? 1 : 0, 4);
	put(o + 4, 0, 1);
	put(o + 6, shndx, 2);
	put(o + 8, value, 8);
}

/* Relocation indices of the entries the bad inputs change */
#define RI_CALL26	0
#define RI_BCOND	1
#define RI_LDST64	9
#define RI_ABS32	17

/* The payload (see the file comment), .rodata at ro (normally BASE +
 * 0x1000). */
static void build_at(uint64_t ro)
{
	rodata = ro;
	memset(f, 0, sizeof(f));
	memcpy(f, "\177ELF\2\1\1", 7);
	put(16, 2, 2);			/* ET_EXEC */
	put(18, 183, 2);		/* EM_AARCH64 */
	put(20, 1, 4);
	put(24, BASE, 8);
	put(40, O_SHDR, 8);
	put(52, 64, 2);
	put(58, 64, 2);
	put(60, NSEC, 2);
	put(62, S_SHSTR, 2);
	/* .text.kb_fixed: bl fn_a; b.eq fn_b; tbz x0, #0, fn_b; cbz x0, fn_a */
	put(O_FIXED, 0x94000000, 4);
	put(O_FIXED + 4, 0x54000000, 4);
	put(O_FIXED + 8, 0x36000000, 4);
	put(O_FIXED + 12, 0xb4000000, 4);
	/* .text.a: adrp x0, ro; add x0, x0, :lo12:ro; ldrb w1, [x0, :lo12:ro+1];
	 * ldrh w1, ro+2; ldr w1, ro+4; ldr x1, ro+8; ldr q1, ro+16; b fn_b */
	put(O_A, 0x90000000, 4);
	put(O_A + 4, 0x91000000, 4);
	put(O_A + 8, 0x39400001, 4);
	put(O_A + 12, 0x79400001, 4);
	put(O_A + 16, 0xb9400001, 4);
	put(O_A + 20, 0xf9400001, 4);
	put(O_A + 24, 0x3dc00001, 4);
	put(O_A + 28, 0x14000000, 4);
	/* .text.b: adr x2, fn_a; ldr x3, fn_b + 8; ret; nop */
	put(O_B, 0x10000002, 4);
	put(O_B + 4, 0x58000003, 4);
	put(O_B + 8, 0xd65f03c0, 4);
	put(O_B + 12, 0xd503201f, 4);
	/* .rodata: .xword fn_b; .word fn_a - .; .word 0; .xword fn_b - .;
	 * .word fn_a (as linked) */
	put(O_RO, BASE + 0x30, 8);
	put(O_RO + 8, (uint32_t)(BASE + 0x10 - (ro + 8)), 4);
	put(O_RO + 16, BASE + 0x30 - (ro + 16), 8);
	put(O_RO + 24, BASE + 0x10, 4);

	nrela = 0;
	rela(BASE, R_CALL26, SYM_A, 0);			/* 0: fixed */
	rela(BASE + 4, R_CONDBR19, SYM_B, 0);		/* 1 */
	rela(BASE + 8, R_TSTBR14, SYM_B, 0);		/* 2 */
	rela(BASE + 12, R_CONDBR19, SYM_A, 0);		/* 3 */
	rela(BASE + 0x10, R_ADR_PG_HI21, SYM_RO, 0);	/* 4: .text.a */
	rela(BASE + 0x14, R_ADD_LO12, SYM_RO, 0);	/* 5 */
	rela(BASE + 0x18, R_LDST8, SYM_RO, 1);		/* 6 */
	rela(BASE + 0x1c, R_LDST16, SYM_RO, 2);		/* 7 */
	rela(BASE + 0x20, R_LDST32, SYM_RO, 4);		/* 8 */
	rela(BASE + 0x24, R_LDST64, SYM_RO, 8);		/* 9 */
	rela(BASE + 0x28, R_LDST128, SYM_RO, 16);	/* 10 */
	rela(BASE + 0x2c, R_JUMP26, SYM_B, 0);		/* 11 */
	rela(BASE + 0x30, R_ADR_LO21, SYM_A, 0);	/* 12: .text.b */
	rela(BASE + 0x34, R_LD_PREL_LO19, SYM_B, 8);	/* 13 */
	rela(ro, R_ABS64, SYM_B, 0);			/* 14: .rodata */
	rela(ro + 8, R_PREL32, SYM_A, 0);		/* 15 */
	rela(ro + 16, R_PREL64, SYM_B, 0);		/* 16 */
	rela(ro + 24, R_ABS32, SYM_A, 0);		/* 17 */

	sym(SYM_NULL, 0, 0);
	sym(SYM_A, S_A, BASE + 0x10);
	sym(SYM_B, S_B, BASE + 0x30);
	sym(SYM_RO, S_RO, ro);
	f[O_STR + 1] = 'x';
	memcpy(f + O_SHSTR, shstr, sizeof(shstr));

	shdr(S_NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	shdr(S_FIXED, ".text.kb_fixed", 1, 6, BASE, O_FIXED, 16, 0, 0, 4, 0);
	shdr(S_A, ".text.a", 1, 6, BASE + 0x10, O_A, 32, 0, 0, 4, 0);
	shdr(S_B, ".text.b", 1, 6, BASE + 0x30, O_B, 16, 0, 0, 4, 0);
	shdr(S_RO, ".rodata", 1, 2, ro, O_RO, 32, 0, 0, 16, 0);
	shdr(S_RFIXED, ".rela.text.kb_fixed", 4, 0x40, 0, O_RELA, 4 * 24, S_SYMTAB, S_FIXED, 8, 24);
	shdr(S_RA, ".rela.text.a", 4, 0x40, 0, O_RELA + 4 * 24, 8 * 24, S_SYMTAB, S_A, 8, 24);
	shdr(S_RB, ".rela.text.b", 4, 0x40, 0, O_RELA + 12 * 24, 2 * 24, S_SYMTAB, S_B, 8, 24);
	shdr(S_RRO, ".rela.rodata", 4, 0x40, 0, O_RELA + 14 * 24, 4 * 24, S_SYMTAB, S_RO, 8, 24);
	shdr(S_SYMTAB, ".symtab", 2, 0, 0, O_SYM, NSYM * 24, S_STRTAB, 1, 8, 24);
	shdr(S_STRTAB, ".strtab", 3, 0, 0, O_STR, 4, 0, 0, 1, 0);
	shdr(S_SHSTR, ".shstrtab", 3, 0, 0, O_SHSTR, sizeof(shstr), 0, 0, 1, 0);
	flen = O_SHDR + NSEC * 64;
}

static void build(void)
{
	build_at(BASE + 0x1000);
}

/* ---- decoders, from the Arm ARM's encodings ---------------------------- */
static int64_t sx(uint64_t v, unsigned int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}
static int64_t dec_imm26(uint32_t i) { return sx(i & 0x3ffffff, 26) * 4; }	/* B, BL */
static int64_t dec_imm19(uint32_t i) { return sx((i >> 5) & 0x7ffff, 19) * 4; }	/* B.cond, CBZ, LDR lit */
static int64_t dec_imm14(uint32_t i) { return sx((i >> 5) & 0x3fff, 14) * 4; }	/* TBZ */
static int64_t dec_adr(uint32_t i)	/* ADR: bytes; ADRP: pages */
{
	return sx((((i >> 5) & 0x7ffff) << 2) | ((i >> 29) & 3), 21);
}
static uint64_t dec_imm12(uint32_t i) { return (i >> 10) & 0xfff; }

static uint64_t lcg;
static int fake_uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	*o = (lcg >> 11) % bound;
	return 0;
}

/* Every gap at its maximum, the link order kept (j = i - 1). */
static int max_uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	*o = bound - 1;
	return 0;
}

static uint64_t na(unsigned int s) { return k.sec[s].new_addr; }
static uint32_t at(uint64_t addr) { return (uint32_t)get(out + (addr - k.new_base), 4); }
static uint64_t at8(uint64_t addr) { return get(out + (addr - k.new_base), 8); }
static uint64_t page(uint64_t a) { return a & ~UINT64_C(0xfff); }

/* Every field against what its type means in the new layout. */
static void check_fields(void)
{
	uint64_t fa = na(S_A), fb = na(S_B), ro = na(S_RO), p = na(S_FIXED);

	assert_int_equal(dec_imm26(at(p)), (int64_t)(fa - p));
	assert_int_equal(dec_imm19(at(p + 4)), (int64_t)(fb - (p + 4)));
	assert_int_equal(dec_imm14(at(p + 8)), (int64_t)(fb - (p + 8)));
	assert_int_equal(dec_imm19(at(p + 12)), (int64_t)(fa - (p + 12)));
	assert_int_equal(dec_adr(at(fa)) * 4096, (int64_t)(page(ro) - page(fa)));
	assert_int_equal(dec_imm12(at(fa + 4)), ro & 0xfff);
	assert_int_equal(dec_imm12(at(fa + 8)), (ro + 1) & 0xfff);
	assert_int_equal(dec_imm12(at(fa + 12)) * 2, (ro + 2) & 0xfff);
	assert_int_equal(dec_imm12(at(fa + 16)) * 4, (ro + 4) & 0xfff);
	assert_int_equal(dec_imm12(at(fa + 20)) * 8, (ro + 8) & 0xfff);
	assert_int_equal(dec_imm12(at(fa + 24)) * 16, (ro + 16) & 0xfff);
	assert_int_equal(dec_imm26(at(fa + 28)), (int64_t)(fb - (fa + 28)));
	assert_int_equal(dec_adr(at(fb)), (int64_t)(fa - fb));
	assert_int_equal(dec_imm19(at(fb + 4)), 4);
	assert_int_equal(at8(ro), fb);
	assert_int_equal(sx(at(ro + 8), 32), (int64_t)(fa - (ro + 8)));
	assert_int_equal(at8(ro + 16), fb - (ro + 16));
	assert_int_equal(at(ro + 24), (uint32_t)fa);
	/* the rest of each instruction kept: opcodes and registers */
	assert_int_equal(at(p) & 0xfc000000, 0x94000000);
	assert_int_equal(at(p + 4) & 0xff00001f, 0x54000000);
	assert_int_equal(at(p + 8) & 0xfff8001f, 0x36000000);
	assert_int_equal(at(p + 12) & 0xff00001f, 0xb4000000);
	assert_int_equal(at(fa) & 0x9f00001f, 0x90000000);
	assert_int_equal(at(fa + 4) & 0xffc003ff, 0x91000000);
	assert_int_equal(at(fa + 8) & 0xffc003ff, 0x39400001);
	assert_int_equal(at(fa + 12) & 0xffc003ff, 0x79400001);
	assert_int_equal(at(fa + 16) & 0xffc003ff, 0xb9400001);
	assert_int_equal(at(fa + 20) & 0xffc003ff, 0xf9400001);
	assert_int_equal(at(fa + 24) & 0xffc003ff, 0x3dc00001);
	assert_int_equal(at(fa + 28) & 0xfc000000, 0x14000000);
	assert_int_equal(at(fb) & 0x9f00001f, 0x10000002);
	assert_int_equal(at(fb + 4) & 0xff00001f, 0x58000003);
	assert_int_equal(at(fb + 8), 0xd65f03c0);
}

static void test_nokaslr(void **state)
{
	(void)state;
	build();
	assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
	assert_int_equal(k.machine, 183);
	assert_int_equal(k.nmove, 2);
	assert_int_equal(k.nrela, 18);
	assert_int_equal(kb_karl_layout(&k, 4096, 0, NULL, NULL, &d), 0);
	assert_int_equal(na(S_A), BASE + 0x10);
	assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
	check_fields();
}

static void test_shuffled(void **state)
{
	unsigned int seen_b_first = 0;

	(void)state;
	for (unsigned int s = 1; s <= 200; s++) {
		build();
		lcg = s;
		assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
		/* gaps up to 8 KiB: the TBZ from the head stays in range */
		assert_int_equal(kb_karl_layout(&k, 8192, s % 2 ? 0 : 0x200000, fake_uniform,
						NULL, &d), 0);
		assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
		assert_int_equal(na(S_FIXED), BASE + (s % 2 ? 0 : 0x200000));
		assert_int_equal(na(S_A) % 4, 0);
		assert_int_equal(na(S_B) % 4, 0);
		assert_int_equal((na(S_RO) - rodata) % 4096, 0);
		seen_b_first += na(S_B) < na(S_A);
		check_fields();
	}
	assert_true(seen_b_first > 50 && seen_b_first < 150);
}

/* A function section assembled with sh_addralign 1 (clang's assembler
 * without .balign) still moves by multiples of 4. */
static void test_align1_code(void **state)
{
	(void)state;
	for (unsigned int s = 1; s <= 50; s++) {
		build();
		put(O_SHDR + S_B * 64 + 48, 1, 8);
		lcg = s;
		assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
		assert_int_equal(k.sec[S_B].align, 4);
		assert_int_equal(kb_karl_layout(&k, 4096, 0, fake_uniform, NULL, &d), 0);
		assert_int_equal(na(S_B) % 4, 0);
		assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
		check_fields();
	}
}

static void expect_fail(int err, int want, const char *msg)
{
	if (err != want || strcmp(d.msg, msg) != 0)
		fail_msg("got %d \"%s\", want %d \"%s\"", err, d.msg, want, msg);
}

static int run(uint64_t max_gap, uint64_t bias, int (*u)(void *, uint64_t, uint64_t *))
{
	int err;

	d.msg[0] = '\0';
	err = kb_karl_parse(&k, f, flen, sec, order, 32, &d);
	if (err)
		return err;
	err = kb_karl_layout(&k, max_gap, bias, u, NULL, &d);
	if (err)
		return err;
	memset(out, 0xa5, 1 << 16);
	err = kb_karl_apply(&k, out, sizeof(out), &d);
	for (unsigned int i = 0; err && i < (1u << 16); i++)
		if (out[i] != 0xa5)
			fail_msg("byte %u written by a failed apply", i);
	return err;
}

static void set_type(unsigned int ri, uint32_t sym_, uint32_t type, int64_t addend)
{
	put(O_RELA + ri * 24 + 8, ((uint64_t)sym_ << 32) | type, 8);
	put(O_RELA + ri * 24 + 16, (uint64_t)addend, 8);
}

static void test_bad_input(void **state)
{
	(void)state;
	/* B.eq from the head to fn_b behind two 2 MiB gaps: +-1 MiB */
	build();
	expect_fail(run(2 << 20, 0, max_uniform), KB_ERANGE,
		    "karl: .rela.text.kb_fixed relocation 1: R_AARCH64_CONDBR19 offset 4194348 out of range (21 bits) after the shuffle");
	/* TBZ behind two 32 KiB gaps: +-32 KiB (the B.eq still reaches) */
	build();
	expect_fail(run(32 << 10, 0, max_uniform), KB_ERANGE,
		    "karl: .rela.text.kb_fixed relocation 2: R_AARCH64_TSTBR14 offset 65576 out of range (16 bits) after the shuffle");
	/* BL from the head to .rodata linked 4 KiB short of 128 MiB away: the
	 * tail moves by 8 KiB and the call no longer reaches (+-128 MiB) */
	build_at(BASE + 0x7fff000);
	set_type(RI_CALL26, SYM_RO, R_CALL26, 0);
	expect_fail(run(4096, 0, max_uniform), KB_ERANGE,
		    "karl: .rela.text.kb_fixed relocation 0: R_AARCH64_CALL26 offset 134221824 out of range (28 bits) after the shuffle");
	/* ... and in place it does (nokaslr) */
	build_at(BASE + 0x7fff000);
	set_type(RI_CALL26, SYM_RO, R_CALL26, 0);
	assert_int_equal(run(4096, 0, NULL), 0);
	/* LDR x1 of a doubleword in .text.a (8-aligned as linked): .text.a
	 * moves by 4 and the scaled offset cannot hold it */
	build();
	set_type(RI_LDST64, SYM_A, R_LDST64, 8);
	assert_int_equal(run(4, 0, NULL), 0);
	build();
	set_type(RI_LDST64, SYM_A, R_LDST64, 8);
	expect_fail(run(4, 0, max_uniform), KB_EALIGN,
		    "karl: .rela.text.a relocation 5: R_AARCH64_LDST64_ABS_LO12_NC target 0x4000001c is not 8-byte aligned");
	/* an unknown type (R_AARCH64_ADR_GOT_PAGE: a PIE build) */
	build();
	set_type(4, SYM_RO, 311, 0);
	expect_fail(run(0, 0, NULL), KB_ENOTSUP,
		    "karl: .rela.text.a relocation 0: AArch64 type 311 is not supported");
	/* a RISC-V type number in an AArch64 file */
	build();
	set_type(RI_BCOND, SYM_B, 16, 0);
	expect_fail(run(0, 0, NULL), KB_ENOTSUP,
		    "karl: .rela.text.kb_fixed relocation 1: AArch64 type 16 is not supported");
	/* a nop where CALL26 points */
	build();
	put(O_FIXED, 0xd503201f, 4);
	expect_fail(run(0, 0, NULL), KB_EINVAL,
		    "karl: .rela.text.kb_fixed relocation 0 (R_AARCH64_CALL26) at 0x40000000: instruction 0xd503201f is not what the type patches");
	/* an ADD with a shifted immediate where ADD_ABS_LO12_NC points */
	build();
	put(O_A + 4, 0x91400000, 4);
	expect_fail(run(0, 0, NULL), KB_EINVAL,
		    "karl: .rela.text.a relocation 1 (R_AARCH64_ADD_ABS_LO12_NC) at 0x40000014: instruction 0x91400000 is not what the type patches");
	/* ABS32 of fn_a after a 4 GiB bias */
	build();
	expect_fail(run(0, UINT64_C(0x100000000), NULL), KB_ERANGE,
		    "karl: .rela.rodata relocation 3: R_AARCH64_ABS32 value 0x140000010 does not fit in 32 bits");
	/* a relocation whose word runs past its section */
	build();
	put(O_RELA + RI_ABS32 * 24, rodata + 30, 8);
	expect_fail(run(0, 0, NULL), KB_EINVAL,
		    "karl: .rela.rodata relocation 3 at 0x4000101e is outside section .rodata");
	/* neither RISC-V nor AArch64 */
	build();
	put(18, 62, 2);
	expect_fail(run(0, 0, NULL), KB_ENOTSUP, "karl: machine 62 is neither RISC-V nor AArch64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nokaslr),
		cmocka_unit_test(test_shuffled),
		cmocka_unit_test(test_align1_code),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
