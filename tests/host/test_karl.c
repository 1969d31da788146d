// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: KARL (loader/lib/karl.c) on a small hand-built ELF64 RISC-V
 * payload: a startup section, two movable function sections, a .rodata
 * with a pointer and a label difference, and one relocation of each kind
 * the test payload of tests/build/karl_oracle.sh may not carry (JAL,
 * RVC_JUMP, RVC_BRANCH across sections).  Every patched field is decoded
 * here from the ISA manual's encodings (not karl.c's encoders) and must
 * equal target - place for the drawn layout.  Then each bad input gets its
 * own one-line error, with the output buffer untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/karl.h>

#define BASE	UINT64_C(0x80000000)
#define RODATA	(BASE + 0x1000)

enum { S_NULL, S_FIXED, S_A, S_B, S_RO, S_RFIXED, S_RA, S_RB, S_RRO, S_SYMTAB, S_STRTAB,
       S_SHSTR, NSEC };
enum { SYM_NULL, SYM_A, SYM_B, SYM_L0, SYM_RO, SYM_AEND, NSYM };

#define R_CALL_PLT	19
#define R_PCREL_HI20	23
#define R_PCREL_LO12_I	24
#define R_BRANCH	16
#define R_JAL		17
#define R_RVC_JUMP	45
#define R_RVC_BRANCH	44
#define R_64		2
#define R_ADD32		35
#define R_SUB32		39
#define R_RELAX		51

static uint8_t f[0x1000];
static size_t flen;
static struct kb_karl k;
static struct kb_karl_sec sec[32];
static uint32_t order[32];
static struct kb_diag d;
static uint8_t out[64 << 20];

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
#define O_B	0x120
#define O_RO	0x140
#define O_RELA	0x200	/* 9 entries, 24 bytes each */
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

/* The payload: see the file comment. */
static void build(void)
{
	memset(f, 0, sizeof(f));
	memcpy(f, "\177ELF\2\1\1", 7);
	put(16, 2, 2);			/* ET_EXEC */
	put(18, 243, 2);		/* EM_RISCV */
	put(20, 1, 4);
	put(24, BASE, 8);
	put(40, O_SHDR, 8);
	put(52, 64, 2);
	put(58, 64, 2);
	put(60, NSEC, 2);
	put(62, S_SHSTR, 2);
	/* .text.kb_fixed: call fn_a; c.beqz s0, fn_b (cross-section); c.nop x3 */
	put(O_FIXED, 0x00000097, 4);	/* auipc ra, 0 */
	put(O_FIXED + 4, 0x000080e7, 4);	/* jalr ra, 0(ra) */
	put(O_FIXED + 8, 0xc001, 2);	/* c.beqz s0, 0 */
	put(O_FIXED + 10, 0x0001, 2);
	put(O_FIXED + 12, 0x0001, 2);
	put(O_FIXED + 14, 0x0001, 2);
	/* .text.a: la a0, rodata; beq x0, x0, a_end; ret (a_end) */
	put(O_A, 0x00000517, 4);	/* .L0: auipc a0, 0 */
	put(O_A + 4, 0x00050513, 4);	/* addi a0, a0, 0 */
	put(O_A + 8, 0x00000063, 4);	/* beq x0, x0, 0 */
	put(O_A + 12, 0x00008067, 4);	/* ret */
	/* .text.b: jal x0, fn_a; c.j fn_a; c.nop */
	put(O_B, 0x0000006f, 4);
	put(O_B + 4, 0xa001, 2);
	put(O_B + 6, 0x0001, 2);
	/* .rodata: .dword fn_b; .word fn_b - fn_a (as linked) */
	put(O_RO, BASE + 0x20, 8);
	put(O_RO + 8, 0x10, 4);

	nrela = 0;
	rela(BASE, R_CALL_PLT, SYM_A, 0);		/* 0: fixed */
	rela(BASE + 8, R_RVC_BRANCH, SYM_B, 0);		/* 1 */
	rela(BASE + 0x10, R_PCREL_HI20, SYM_RO, 8);	/* 2: .text.a */
	rela(BASE + 0x14, R_PCREL_LO12_I, SYM_L0, 0);	/* 3 */
	rela(BASE + 0x18, R_BRANCH, SYM_AEND, 0);	/* 4 */
	rela(BASE + 0x20, R_JAL, SYM_A, 0);		/* 5: .text.b */
	rela(BASE + 0x24, R_RVC_JUMP, SYM_A, 4);	/* 6 */
	rela(RODATA, R_64, SYM_B, 0);			/* 7: .rodata */
	rela(RODATA + 8, R_ADD32, SYM_B, 0);		/* 8 */
	rela(RODATA + 8, R_SUB32, SYM_A, 0);		/* 9 */

	sym(SYM_NULL, 0, 0);
	sym(SYM_A, S_A, BASE + 0x10);
	sym(SYM_B, S_B, BASE + 0x20);
	sym(SYM_L0, S_A, BASE + 0x10);
	sym(SYM_RO, S_RO, RODATA);
	sym(SYM_AEND, S_A, BASE + 0x1c);
	f[O_STR + 1] = 'x';
	memcpy(f + O_SHSTR, shstr, sizeof(shstr));

	shdr(S_NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	shdr(S_FIXED, ".text.kb_fixed", 1, 6, BASE, O_FIXED, 16, 0, 0, 4, 0);
	shdr(S_A, ".text.a", 1, 6, BASE + 0x10, O_A, 16, 0, 0, 4, 0);
	shdr(S_B, ".text.b", 1, 6, BASE + 0x20, O_B, 8, 0, 0, 2, 0);
	shdr(S_RO, ".rodata", 1, 2, RODATA, O_RO, 16, 0, 0, 8, 0);
	shdr(S_RFIXED, ".rela.text.kb_fixed", 4, 0x40, 0, O_RELA, 2 * 24, S_SYMTAB, S_FIXED, 8, 24);
	shdr(S_RA, ".rela.text.a", 4, 0x40, 0, O_RELA + 2 * 24, 3 * 24, S_SYMTAB, S_A, 8, 24);
	shdr(S_RB, ".rela.text.b", 4, 0x40, 0, O_RELA + 5 * 24, 2 * 24, S_SYMTAB, S_B, 8, 24);
	shdr(S_RRO, ".rela.rodata", 4, 0x40, 0, O_RELA + 7 * 24, 3 * 24, S_SYMTAB, S_RO, 8, 24);
	shdr(S_SYMTAB, ".symtab", 2, 0, 0, O_SYM, NSYM * 24, S_STRTAB, 1, 8, 24);
	shdr(S_STRTAB, ".strtab", 3, 0, 0, O_STR, 4, 0, 0, 1, 0);
	shdr(S_SHSTR, ".shstrtab", 3, 0, 0, O_SHSTR, sizeof(shstr), 0, 0, 1, 0);
	flen = O_SHDR + NSEC * 64;
}

/* ---- decoders, from the ISA manual ------------------------------------ */
static int64_t sx(uint64_t v, unsigned int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}
static int64_t dec_u(uint32_t i) { return sx(i & 0xfffff000u, 32); }
static int64_t dec_i(uint32_t i) { return sx(i >> 20, 12); }
static int64_t dec_b(uint32_t i)
{
	return sx(((uint64_t)(i >> 31) << 12) | (((i >> 7) & 1) << 11) | (((i >> 25) & 0x3f) << 5) |
		  (((i >> 8) & 0xf) << 1), 13);
}
static int64_t dec_j(uint32_t i)
{
	return sx(((uint64_t)(i >> 31) << 20) | (((i >> 12) & 0xff) << 12) | (((i >> 20) & 1) << 11) |
		  (((i >> 21) & 0x3ff) << 1), 21);
}
static int64_t dec_cj(uint32_t i)
{
	return sx((((i >> 12) & 1) << 11) | (((i >> 11) & 1) << 4) | (((i >> 9) & 3) << 8) |
		  (((i >> 8) & 1) << 10) | (((i >> 7) & 1) << 6) | (((i >> 6) & 1) << 7) |
		  (((i >> 3) & 7) << 1) | (((i >> 2) & 1) << 5), 12);
}
static int64_t dec_cb(uint32_t i)
{
	return sx((((i >> 12) & 1) << 8) | (((i >> 10) & 3) << 3) | (((i >> 5) & 3) << 6) |
		  (((i >> 3) & 3) << 1) | (((i >> 2) & 1) << 5), 9);
}

/* A deterministic "uniform": a 64-bit LCG, reduced (bias is irrelevant
 * here; karl.c must only stay in range). */
static uint64_t lcg;
static int fake_uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	*o = (lcg >> 11) % bound;
	return 0;
}

static int max_uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	*o = bound - 1;
	return 0;
}

static int bad_uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	*o = bound;
	return 0;
}

static uint64_t na(unsigned int s) { return k.sec[s].new_addr; }
static uint32_t at(uint64_t addr, unsigned int n) { return (uint32_t)get(out + (addr - k.new_base), n); }

/* Every field against target - place in the new layout. */
static void check_fields(void)
{
	uint64_t fa = na(S_A), fb = na(S_B), ro = na(S_RO), p;

	p = na(S_FIXED);
	assert_int_equal(dec_u(at(p, 4)) + dec_i(at(p + 4, 4)), (int64_t)(fa - p));
	assert_int_equal(dec_cb(at(p + 8, 2)), (int64_t)(fb - (p + 8)));
	p = fa;
	assert_int_equal(dec_u(at(p, 4)) + dec_i(at(p + 4, 4)), (int64_t)(ro + 8 - p));
	assert_int_equal(dec_b(at(p + 8, 4)), (int64_t)(fa + 0xc - (p + 8)));
	assert_int_equal(at(p + 12, 4), 0x00008067);
	p = fb;
	assert_int_equal(dec_j(at(p, 4)), (int64_t)(fa - p));
	assert_int_equal(dec_cj(at(p + 4, 2)), (int64_t)(fa + 4 - (p + 4)));
	assert_int_equal(get(out + (ro - k.new_base), 8), fb);
	assert_int_equal(at(ro + 8, 4), (uint32_t)(fb - fa));
	/* opcodes kept */
	assert_int_equal(at(na(S_FIXED), 4) & 0xfff, 0x097);
	assert_int_equal(at(fb, 4) & 0xfff, 0x06f);
}

static void test_nokaslr(void **state)
{
	(void)state;
	build();
	assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
	assert_int_equal(k.nmove, 2);
	assert_int_equal(k.nrela, 10);
	assert_int_equal(kb_karl_layout(&k, 4096, 0, NULL, NULL, &d), 0);
	assert_int_equal(na(S_A), BASE + 0x10);
	assert_int_equal(na(S_B), BASE + 0x20);
	assert_int_equal(na(S_RO), RODATA);
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
		/* gaps up to 64: the c.beqz from the head stays in range */
		assert_int_equal(kb_karl_layout(&k, 64, s % 2 ? 0 : 0x200000, fake_uniform,
						NULL, &d), 0);
		assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
		/* aligned, gaps within the maximum, no overlap, head kept */
		assert_int_equal(na(S_FIXED), BASE + (s % 2 ? 0 : 0x200000));
		assert_int_equal(na(S_A) % 4, 0);
		assert_true(k.sec[S_A].gap <= 64 && k.sec[S_B].gap <= 64);
		assert_true(na(S_A) + 16 <= na(S_B) || na(S_B) + 8 <= na(S_A));
		assert_true(na(S_RO) >= na(S_A) + 16 && na(S_RO) >= na(S_B) + 8);
		assert_int_equal((na(S_RO) - RODATA) % 4096, 0);
		seen_b_first += na(S_B) < na(S_A);
		assert_true(k.new_end - k.new_base <= kb_karl_max_footprint(&k, 64));
		check_fields();
	}
	/* both orders occur */
	assert_true(seen_b_first > 50 && seen_b_first < 150);
}

static void test_entropy(void **state)
{
	double want = 1.0 + log2(2048.0 / 4 + 1) + log2(2048.0 / 2 + 1);
	double got;

	(void)state;
	build();
	assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
	got = (double)kb_karl_entropy_q16(&k, 2048) / 65536.0;
	assert_true(fabs(got - want) < 0.001);
	assert_int_equal(kb_karl_entropy_q16(&k, 0), 65536);	/* 2! = 2 orders */
}

/* The failure leaves out untouched and names the fault. */
static void expect_fail(int err, int want, const char *msg)
{
	if (err != want || strstr(d.msg, msg) == NULL)
		fail_msg("got %d \"%s\", want %d \"%s\"", err, d.msg, want, msg);
}

static int parse(void)
{
	d.msg[0] = '\0';
	return kb_karl_parse(&k, f, flen, sec, order, 32, &d);
}

static int run(uint64_t max_gap, int (*u)(void *, uint64_t, uint64_t *))
{
	int err = parse();

	if (err)
		return err;
	err = kb_karl_layout(&k, max_gap, 0, u, NULL, &d);
	if (err)
		return err;
	memset(out, 0xa5, 1 << 16);
	err = kb_karl_apply(&k, out, sizeof(out), &d);
	for (unsigned int i = 0; err && i < (1u << 16); i++)
		if (out[i] != 0xa5)
			fail_msg("byte %u written by a failed apply", i);
	return err;
}

static void test_bad_input(void **state)
{
	(void)state;
	build(); f[0] = 0;
	expect_fail(parse(), KB_EINVAL, "karl: not an ELF file");
	build(); put(40, 0, 8);
	expect_fail(parse(), KB_ENOENT, "karl: no section headers");
	build(); put(60, 60, 2);
	expect_fail(parse(), KB_EINVAL, "section headers at 0x700 run past the");
	build(); put(O_SHDR + S_SYMTAB * 64 + 4, 1, 4);
	expect_fail(parse(), KB_ENOENT, "karl: no .symtab");
	build(); put(O_SHDR + S_RO * 64 + 32, 0x10000, 8);
	expect_fail(parse(), KB_EINVAL, "section .rodata (0x10000 bytes at file offset 0x140) runs past");
	build(); put(O_SHDR + S_B * 64 + 16, BASE + 0x18, 8);
	expect_fail(parse(), KB_EOVERLAP, "karl: sections .text.a and .text.b overlap");
	build(); put(O_SHDR + S_RO * 64 + 16, BASE + 0x1c, 8); put(O_SHDR + S_RO * 64 + 48, 4, 8);
	put(O_SHDR + S_RO * 64 + 32, 4, 8);
	expect_fail(parse(), KB_EOVERLAP, "overlap");
	build(); put(O_SHDR + S_A * 64 + 8, 0, 8); put(O_SHDR + S_B * 64 + 8, 0, 8);
	expect_fail(parse(), KB_ENOENT, "karl: no movable .text.* section");
	build();
	for (unsigned int i = S_RFIXED; i <= S_RRO; i++)
		put(O_SHDR + i * 64 + 4, 1, 4);
	expect_fail(parse(), KB_ENOENT, "(link with --emit-relocs)");
	build(); put(24, BASE + 0x10, 8);
	expect_fail(parse(), KB_EINVAL, "karl: entry point 0x80000010 is not in the startup code");
	build(); put(O_RELA + 4 * 24 + 8, ((uint64_t)SYM_AEND << 32) | 99, 8);
	expect_fail(run(0, NULL), KB_ENOTSUP, "karl: .rela.text.a relocation 2: type 99 is not supported");
	build(); put(O_RELA + 8, ((uint64_t)SYM_B << 32) | R_RELAX, 8);
	expect_fail(run(0, NULL), KB_ENOTSUP, "R_RISCV_RELAX: the payload was built for linker relaxation");
	build(); sym(SYM_B, S_SHSTR, 0);
	expect_fail(run(0, NULL), KB_EINVAL, "symbol 2 is in no loaded section");
	build(); sym(SYM_B, 0, 0);
	expect_fail(run(0, NULL), KB_EINVAL, "symbol 2 is undefined");
	build(); sym(SYM_AEND, S_A, BASE + 0x40);
	expect_fail(run(0, NULL), KB_EINVAL, "symbol 5 at 0x80000040 is outside its section .text.a");
	build(); put(O_RELA + 7 * 24, RODATA + 12, 8);
	expect_fail(run(0, NULL), KB_EINVAL, "karl: .rela.rodata relocation 0 at 0x8000100c is outside section .rodata");
	build(); put(O_RELA + 2 * 24 + 8, ((uint64_t)SYM_RO << 32) | 0, 8);
	expect_fail(run(0, NULL), KB_EINVAL, "PCREL_LO12 label 0x80000010 has no PCREL_HI20");
	build(); put(O_A + 8, 0x00000013, 4);	/* a nop where BRANCH points */
	expect_fail(run(0, NULL), KB_EINVAL, "instruction 0x13 is not what the type patches");
	/* JAL (+-1 MiB) from .text.b to fn_a across two 2 MiB gaps */
	build(); put(O_RELA + 24 + 8, ((uint64_t)SYM_B << 32) | 0, 8);	/* c.beqz: NONE */
	assert_int_equal(parse(), 0);
	assert_int_equal(kb_karl_layout(&k, 2 << 20, 0, max_uniform, NULL, &d), 0);
	/* every gap at its maximum: the bound holds, and is not loose by
	 * more than the alignments */
	assert_true(k.new_end - k.new_base <= kb_karl_max_footprint(&k, 2 << 20));
	assert_true(k.new_end - k.new_base + 4096 + 3 + 1 + 8 >= kb_karl_max_footprint(&k, 2 << 20));
	expect_fail(run(2 << 20, max_uniform), KB_ERANGE,
		    "karl: .rela.text.b relocation 0: branch offset");
	/* RVC_BRANCH from the head to .text.b: +-256 B */
	build(); put(O_RELA + 5 * 24 + 8, ((uint64_t)SYM_A << 32) | 0, 8);
	put(O_RELA + 6 * 24 + 8, ((uint64_t)SYM_A << 32) | 0, 8);
	expect_fail(run(1024, max_uniform), KB_ERANGE, "relocation 1: branch offset");
	build();
	assert_int_equal(parse(), 0);
	expect_fail(kb_karl_layout(&k, 4096, 0, bad_uniform, NULL, &d), KB_ERANGE,
		    "karl: uniform() returned 2, not below 2");
	expect_fail(kb_karl_layout(&k, 4096, 0x800, NULL, NULL, &d), KB_EALIGN,
		    "karl: bias 0x800 is not a multiple of 0x1000");
	assert_int_equal(kb_karl_layout(&k, 0, 0, NULL, NULL, &d), 0);
	expect_fail(kb_karl_apply(&k, out, 16, &d), KB_ENOSPC, "karl: image needs 4112 bytes, buffer has 16");
	build();
	expect_fail(kb_karl_parse(&k, f, flen, sec, order, 4, &d), KB_ENOSPC,
		    "karl: 12 sections, table holds 4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nokaslr),
		cmocka_unit_test(test_shuffled),
		cmocka_unit_test(test_entropy),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
