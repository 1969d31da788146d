// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: KARL (loader/lib/karl.c) on a small hand-built ELF32 RISC-V
 * (rv32) payload, linked at 0x80000000 (above 2^31: where rv64's +-2 GiB
 * checks would refuse absolute lui addresses, rv32 computes modulo 2^32):
 * a startup section with a call and an absolute lui/addi pair, two
 * movable function sections (pc-relative pair, branch, JAL, RVC_JUMP), a
 * .rodata with an R_RISCV_32 pointer and an ADD32/SUB32 label difference.
 * Each field is decoded here from the ISA manual's encodings and compared
 * with target - place (or the target, modulo 2^32) for the link-time
 * layout and 200 shuffled ones with and without a bias.  Then the ELF32
 * refusals: R_RISCV_32 out of 32 bits, an image pushed above 4 GiB by the
 * bias, R_RISCV_64 in an ELF32 file, an ELF32 AArch64 file, a 64-byte
 * section header size, each with its line and the output untouched.
 * And kb_karl_ranges, the ranges an M-mode board locks with PMP, from the
 * layout actually produced.
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

#define BASE	UINT64_C(0x80000000)
#define RODATA	(BASE + 0x1000)

enum { S_NULL, S_FIXED, S_A, S_B, S_RO, S_RFIXED, S_RA, S_RB, S_RRO, S_SYMTAB, S_STRTAB,
       S_SHSTR, NSEC };
enum { SYM_NULL, SYM_A, SYM_B, SYM_L0, SYM_RO, SYM_AEND, NSYM };

#define R_32		1
#define R_64		2
#define R_BRANCH	16
#define R_JAL		17
#define R_CALL_PLT	19
#define R_PCREL_HI20	23
#define R_PCREL_LO12_I	24
#define R_HI20		26
#define R_LO12_I	27
#define R_ADD32		35
#define R_SUB32		39
#define R_RVC_JUMP	45

static uint8_t f[0x1000];
static size_t flen;
static struct kb_karl k;
static struct kb_karl_sec sec[32];
static uint32_t order[32];
static struct kb_diag d;
static uint8_t out[16 << 20];

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

#define O_FIXED	0x100	/* 16 bytes */
#define O_A	0x110	/* 16 */
#define O_B	0x120	/* 8 */
#define O_RO	0x140	/* 8 */
#define O_RELA	0x200	/* 12 bytes each */
#define O_SYM	0x400	/* 16 bytes each */
#define O_STR	0x500
#define O_SHSTR	0x580
#define O_SHDR	0x700	/* 40 bytes each */

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

/* Elf32_Shdr */
static void shdr(unsigned int i, const char *name, uint32_t type, uint32_t flags, uint32_t addr,
		 uint32_t off, uint32_t size, uint32_t link, uint32_t info, uint32_t align,
		 uint32_t entsize)
{
	uint64_t o = O_SHDR + (uint64_t)i * 40;

	put(o, name ? shname(name) : 0, 4);
	put(o + 4, type, 4);
	put(o + 8, flags, 4);
	put(o + 12, addr, 4);
	put(o + 16, off, 4);
	put(o + 20, size, 4);
	put(o + 24, link, 4);
	put(o + 28, info, 4);
	put(o + 32, align, 4);
	put(o + 36, entsize, 4);
}

/* Elf32_Rela: r_info = sym << 8 | type */
static unsigned int nrela;
static void rela(uint32_t where, uint32_t type, uint32_t sym, int32_t addend)
{
	uint64_t o = O_RELA + nrela++ * 12;

	put(o, where, 4);
	put(o + 4, (sym << 8) | type, 4);
	put(o + 8, (uint32_t)addend, 4);
}

/* Elf32_Sym: name, value, size, info, other, shndx */
static void sym(unsigned int i, uint16_t shndx, uint32_t value)
{
	uint64_t o = O_SYM + (uint64_t)i * 16;

	put(o, i ? 1 : 0, 4);
	put(o + 4, value, 4);
	put(o + 14, shndx, 2);
}

static void build(void)
{
	memset(f, 0, sizeof(f));
	memcpy(f, "\177ELF\1\1\1", 7);
	put(16, 2, 2);			/* ET_EXEC */
	put(18, 243, 2);		/* EM_RISCV */
	put(20, 1, 4);
	put(24, BASE, 4);		/* e_entry */
	put(32, O_SHDR, 4);		/* e_shoff */
	put(40, 52, 2);			/* e_ehsize */
	put(46, 40, 2);			/* e_shentsize */
	put(48, NSEC, 2);
	put(50, S_SHSTR, 2);
	/* .text.kb_fixed: call fn_a; lui a0, %hi(rodata+4); addi a0, a0, %lo(rodata+4) */
	put(O_FIXED, 0x00000097, 4);	/* auipc ra, 0 */
	put(O_FIXED + 4, 0x000080e7, 4);	/* jalr ra, 0(ra) */
	put(O_FIXED + 8, 0x00000537, 4);	/* lui a0, 0 */
	put(O_FIXED + 12, 0x00050513, 4);	/* addi a0, a0, 0 */
	/* .text.a: .L0: auipc a0, 0; addi a0, a0, 0 (rodata); beq x0, x0, a_end; ret */
	put(O_A, 0x00000517, 4);
	put(O_A + 4, 0x00050513, 4);
	put(O_A + 8, 0x00000063, 4);
	put(O_A + 12, 0x00008067, 4);
	/* .text.b: jal x0, fn_a; c.j fn_a + 4; c.nop */
	put(O_B, 0x0000006f, 4);
	put(O_B + 4, 0xa001, 2);
	put(O_B + 6, 0x0001, 2);
	/* .rodata: .word fn_b; .word fn_b - fn_a (as linked) */
	put(O_RO, BASE + 0x20, 4);
	put(O_RO + 4, 0x10, 4);

	nrela = 0;
	rela(BASE, R_CALL_PLT, SYM_A, 0);		/* 0: fixed */
	rela(BASE + 8, R_HI20, SYM_RO, 4);		/* 1 */
	rela(BASE + 12, R_LO12_I, SYM_RO, 4);		/* 2 */
	rela(BASE + 0x10, R_PCREL_HI20, SYM_RO, 0);	/* 3: .text.a */
	rela(BASE + 0x14, R_PCREL_LO12_I, SYM_L0, 0);	/* 4 */
	rela(BASE + 0x18, R_BRANCH, SYM_AEND, 0);	/* 5 */
	rela(BASE + 0x20, R_JAL, SYM_A, 0);		/* 6: .text.b */
	rela(BASE + 0x24, R_RVC_JUMP, SYM_A, 4);	/* 7 */
	rela(RODATA, R_32, SYM_B, 0);			/* 8: .rodata */
	rela(RODATA + 4, R_ADD32, SYM_B, 0);		/* 9 */
	rela(RODATA + 4, R_SUB32, SYM_A, 0);		/* 10 */

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
	shdr(S_RO, ".rodata", 1, 2, RODATA, O_RO, 8, 0, 0, 4, 0);
	shdr(S_RFIXED, ".rela.text.kb_fixed", 4, 0x40, 0, O_RELA, 3 * 12, S_SYMTAB, S_FIXED, 4, 12);
	shdr(S_RA, ".rela.text.a", 4, 0x40, 0, O_RELA + 3 * 12, 3 * 12, S_SYMTAB, S_A, 4, 12);
	shdr(S_RB, ".rela.text.b", 4, 0x40, 0, O_RELA + 6 * 12, 2 * 12, S_SYMTAB, S_B, 4, 12);
	shdr(S_RRO, ".rela.rodata", 4, 0x40, 0, O_RELA + 8 * 12, 3 * 12, S_SYMTAB, S_RO, 4, 12);
	shdr(S_SYMTAB, ".symtab", 2, 0, 0, O_SYM, NSYM * 16, S_STRTAB, 1, 4, 16);
	shdr(S_STRTAB, ".strtab", 3, 0, 0, O_STR, 4, 0, 0, 1, 0);
	shdr(S_SHSTR, ".shstrtab", 3, 0, 0, O_SHSTR, sizeof(shstr), 0, 0, 1, 0);
	flen = O_SHDR + NSEC * 40;
}

/* ---- decoders, from the ISA manual (rv32: 32-bit registers) ----------- */
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

static uint64_t lcg;
static int fake_uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	*o = (lcg >> 11) % bound;
	return 0;
}

static uint64_t na(unsigned int s) { return k.sec[s].new_addr; }
static uint32_t at(uint64_t addr, unsigned int n) { return (uint32_t)get(out + (addr - k.new_base), n); }

/* What an rv32 hart computes: 32-bit registers, modulo 2^32. */
static uint32_t m32(int64_t v) { return (uint32_t)v; }

static void check_fields(void)
{
	uint64_t fa = na(S_A), fb = na(S_B), ro = na(S_RO), p;

	p = na(S_FIXED);
	assert_int_equal(m32(dec_u(at(p, 4)) + dec_i(at(p + 4, 4))), m32((int64_t)(fa - p)));
	/* absolute lui + addi: the address itself, above 2^31 */
	assert_int_equal(m32(dec_u(at(p + 8, 4)) + dec_i(at(p + 12, 4))), m32((int64_t)(ro + 4)));
	p = fa;
	assert_int_equal(m32(dec_u(at(p, 4)) + dec_i(at(p + 4, 4))), m32((int64_t)(ro - p)));
	assert_int_equal(dec_b(at(p + 8, 4)), (int64_t)(fa + 0xc - (p + 8)));
	assert_int_equal(at(p + 12, 4), 0x00008067);
	p = fb;
	assert_int_equal(dec_j(at(p, 4)), (int64_t)(fa - p));
	assert_int_equal(dec_cj(at(p + 4, 2)), (int64_t)(fa + 4 - (p + 4)));
	assert_int_equal(at(ro, 4), fb);
	assert_int_equal(at(ro + 4, 4), (uint32_t)(fb - fa));
	assert_int_equal(at(na(S_FIXED), 4) & 0xfff, 0x097);
	assert_int_equal(at(na(S_FIXED) + 8, 4) & 0xfff, 0x537);
	assert_int_equal(at(fb, 4) & 0xfff, 0x06f);
}

static void test_nokaslr(void **state)
{
	(void)state;
	build();
	assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
	assert_true(k.elf32);
	assert_int_equal(k.entry, BASE);
	assert_int_equal(k.nmove, 2);
	assert_int_equal(k.nrela, 11);
	assert_int_equal(kb_karl_layout(&k, 4096, 0, NULL, NULL, &d), 0);
	assert_int_equal(na(S_A), BASE + 0x10);
	assert_int_equal(na(S_RO), RODATA);
	assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
	check_fields();
	/* the link-time layout reproduces the linked words */
	assert_int_equal(at(RODATA, 4), BASE + 0x20);
	assert_int_equal(at(RODATA + 4, 4), 0x10);
}

static void test_shuffled(void **state)
{
	unsigned int seen_b_first = 0;

	(void)state;
	for (unsigned int s = 1; s <= 200; s++) {
		uint64_t bias = s % 2 ? 0 : 0x7f000000;	/* up to 0xff000000 */

		build();
		lcg = s;
		assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
		assert_int_equal(kb_karl_layout(&k, 512, bias, fake_uniform, NULL, &d), 0);
		assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
		assert_int_equal(na(S_FIXED), BASE + bias);
		assert_true(k.new_end <= UINT64_C(1) << 32);
		assert_true(na(S_A) + 16 <= na(S_B) || na(S_B) + 8 <= na(S_A));
		seen_b_first += na(S_B) < na(S_A);
		check_fields();
	}
	assert_true(seen_b_first > 50 && seen_b_first < 150);
}

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

static int run(uint64_t bias)
{
	int err = parse();

	if (err)
		return err;
	err = kb_karl_layout(&k, 0, bias, NULL, NULL, &d);
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
	/* R_RISCV_32: S + A = 0x80000020 + 0x7fffffe0 = 2^32: does not fit */
	build(); put(O_RELA + 8 * 12 + 8, 0x7fffffe0, 4);
	expect_fail(run(0), KB_ERANGE, "karl: .rela.rodata relocation 0: R_RISCV_32 value 0x100000000 does not fit");
	/* ... and 0xffffffff, the last value that does, is written */
	build(); put(O_RELA + 8 * 12 + 8, 0x7fffffdf, 4);
	assert_int_equal(run(0), 0);
	assert_int_equal(at(RODATA, 4), 0xffffffffu);
	/* a negative addend (Elf32_Rela's r_addend is signed): fn_b - 0x10 */
	build(); put(O_RELA + 8 * 12 + 8, (uint32_t)-0x10, 4);
	assert_int_equal(run(0), 0);
	assert_int_equal(at(RODATA, 4), BASE + 0x20 - 0x10);
	/* The bias pushes the image over 4 GiB: refused at 32 bits, before
	 * anything is written; the last bias that keeps it below is taken. */
	build();
	expect_fail(run(0x7ffff000), KB_ERANGE,
		    "karl: the shuffled image 0xfffff000-0x100000008 ends above 4 GiB (an ELF32 payload)");
	build();
	assert_int_equal(parse(), 0);
	assert_int_equal(kb_karl_layout(&k, 0, 0x7fffe000, NULL, NULL, &d), 0);
	assert_int_equal(k.new_end, UINT64_C(0xffffe000) + 0x1008);
	assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
	check_fields();
	/* an R_RISCV_64 in an ELF32 payload */
	build(); put(O_RELA + 8 * 12 + 4, (SYM_B << 8) | R_64, 4);
	expect_fail(run(0), KB_EINVAL, "karl: .rela.rodata relocation 0: R_RISCV_64 in an ELF32 payload");
	/* an unknown type, by number (the 8-bit ELF32 field) */
	build(); put(O_RELA + 5 * 12 + 4, (SYM_AEND << 8) | 99, 4);
	expect_fail(run(0), KB_ENOTSUP, "karl: .rela.text.a relocation 2: type 99 is not supported");
	/* ELF32 AArch64 (ILP32) */
	build(); put(18, 183, 2);
	expect_fail(parse(), KB_ENOTSUP, "karl: an ELF32 AArch64 file (ILP32) is not supported");
	/* an ELF64 section header size in an ELF32 file */
	build(); put(46, 64, 2);
	expect_fail(parse(), KB_EINVAL, "karl: section header size 64 (expected 40)");
	/* the ELF32 fields are where the parser reads them */
	build(); put(32, 0, 4);
	expect_fail(parse(), KB_ENOENT, "karl: no section headers");
	build(); put(O_SHDR + S_RO * 40 + 20, 0x10000, 4);
	expect_fail(parse(), KB_EINVAL, "section .rodata (0x10000 bytes at file offset 0x140) runs past");
	build(); put(24, BASE + 0x10, 4);
	expect_fail(parse(), KB_EINVAL, "karl: entry point 0x80000010 is not in the startup code");
	build(); sym(SYM_AEND, S_A, BASE + 0x40);
	expect_fail(run(0), KB_EINVAL, "symbol 5 at 0x80000040 is outside its section .text.a");
	build(); put(O_SHDR + S_RA * 40 + 36, 24, 4);
	expect_fail(parse(), KB_EINVAL, "karl: relocation section .rela.text.a: entry size or extent is wrong");
	build(); f[4] = 3;
	expect_fail(parse(), KB_ENOTSUP, "karl: not a little-endian ELF32 or ELF64 file");
}

/* kb_karl_ranges: the lock's ranges from the layout actually produced. */
static void test_ranges(void **state)
{
	struct kb_karl_range r[3];
	unsigned int n;

	(void)state;
	for (unsigned int s = 0; s <= 50; s++) {
		uint64_t end;

		build();
		lcg = s;
		assert_int_equal(parse(), 0);
		assert_int_equal(kb_karl_layout(&k, 512, s % 2 ? 0 : 0x100000, s ? fake_uniform : NULL,
						NULL, &d), 0);
		assert_int_equal(kb_karl_ranges(&k, r, &n, &d), 0);
		assert_int_equal(n, 2);
		end = na(S_A) + 16 > na(S_B) + 8 ? na(S_A) + 16 : na(S_B) + 8;
		/* text: the startup code to the end of the last function,
		 * the gaps inside; rodata: the tail's read-only section */
		assert_int_equal(r[0].start, na(S_FIXED));
		assert_int_equal(r[0].end, end);
		assert_int_equal(r[0].perm, KB_KARL_R | KB_KARL_X);
		assert_string_equal(r[0].what, "text");
		assert_int_equal(r[1].start, na(S_RO));
		assert_int_equal(r[1].end, na(S_RO) + 8);
		assert_int_equal(r[1].perm, KB_KARL_R);
	}
	/* a writable .rodata: "data", R+W */
	build(); put(O_SHDR + S_RO * 40 + 8, 3, 4);
	assert_int_equal(parse(), 0);
	assert_int_equal(kb_karl_layout(&k, 0, 0, NULL, NULL, &d), 0);
	assert_int_equal(kb_karl_ranges(&k, r, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[1].perm, KB_KARL_R | KB_KARL_W);
	assert_string_equal(r[1].what, "data");
	/* refused: a writable and executable section */
	build(); put(O_SHDR + S_RO * 40 + 8, 7, 4);
	assert_int_equal(parse(), 0);
	assert_int_equal(kb_karl_layout(&k, 0, 0, NULL, NULL, &d), 0);
	expect_fail(kb_karl_ranges(&k, r, &n, &d), KB_ENOTSUP,
		    "karl: section .rodata is writable and executable: it cannot be locked");
	/* refused: a read-only section between two code sections */
	build(); put(O_SHDR + S_A * 40 + 8, 2, 4);
	assert_int_equal(parse(), 0);
	assert_int_equal(kb_karl_layout(&k, 0, 0, NULL, NULL, &d), 0);
	expect_fail(kb_karl_ranges(&k, r, &n, &d), KB_EOVERLAP,
		    "karl: section .text.a (rodata) lies inside the text range 0x80000000-0x80000028: it cannot be locked apart");
	/* no layout yet */
	build();
	assert_int_equal(parse(), 0);
	expect_fail(kb_karl_ranges(&k, r, &n, &d), KB_EINVAL, "karl: no layout to lock");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nokaslr),
		cmocka_unit_test(test_shuffled),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
