// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: KARL's data objects (loader/lib/karl.c, docs/karl.md "Data
 * objects") on a small hand-built ELF64 RISC-V payload: a startup section
 * and one function section, a fixed .rodata, two read-only objects
 * (.rodata.t: pointers to BSS and to code; .rodata.s: a string), two
 * writable ones (.data.p: pointers to the string and to BSS; .sdata.v),
 * a fixed .data.kb_fixed between the writable and the BSS objects, and two
 * BSS objects (.bss.z, .sbss.y).  Checked: the classes; nokaslr leaves
 * everything at its link address; 200 shuffled layouts keep each class in
 * its own region (read-only below the page the writable objects start in:
 * the W^X boundary), the fixed sections moved by multiples of 4 KiB, gaps
 * multiples of the alignment, both orders of every class drawn, every
 * pointer and pc-relative pair pointing at the target's new address, BSS
 * zeroed, the footprint under the bound; the entropy; and each bad input
 * (a size that lies, overlapping objects, a relocation that targets
 * nothing, a fixed section inside a data region, an executable data
 * section, __global_pointer$) with its one line and the output untouched.
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
#define A_RO	(BASE + 0x1000)
#define A_ROT	(BASE + 0x1008)
#define A_ROS	(BASE + 0x1018)
#define A_DP	(BASE + 0x2000)
#define A_SV	(BASE + 0x2010)
#define A_DF	(BASE + 0x2018)
#define A_BZ	(BASE + 0x2020)
#define A_SY	(BASE + 0x2040)

enum { S_NULL, S_FIXED, S_A, S_RO, S_ROT, S_ROS, S_DP, S_SV, S_DF, S_BZ, S_SY,
       S_RFIXED, S_RA, S_RROT, S_RDP, S_SYMTAB, S_STRTAB, S_SHSTR, NSEC };
enum { SYM_NULL, SYM_DP, SYM_L0, SYM_ROT, SYM_LA, SYM_BZ, SYM_ROS, SYM_SY, SYM_GP, NSYM };

#define R_64		2
#define R_PCREL_HI20	23
#define R_PCREL_LO12_I	24

/* File offsets */
#define O_FIXED	0x100
#define O_A	0x110
#define O_RO	0x118
#define O_ROT	0x120
#define O_ROS	0x130
#define O_DP	0x140
#define O_SV	0x150
#define O_DF	0x158
#define O_RELA	0x200	/* 8 entries */
#define O_SYM	0x400
#define O_STR	0x500
#define O_SHSTR	0x580
#define O_SHDR	0x800

static uint8_t f[0x1000];
static size_t flen;
static struct kb_karl k;
static struct kb_karl_sec sec[32];
static uint32_t order[32];
static struct kb_diag d;
static uint8_t out[1 << 20];

static const char shstr[] = "\0.text.kb_fixed\0.text.a\0.rodata\0.rodata.t\0.rodata.s\0.data.p\0"
			    ".sdata.v\0.data.kb_fixed\0.bss.z\0.sbss.y\0.rela.text.kb_fixed\0.rela.text.a\0"
			    ".rela.rodata.t\0.rela.data.p\0.symtab\0.strtab\0.shstrtab";
static const char strtab[] = "\0x\0__global_pointer$";

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

static void sym(unsigned int i, uint32_t name, uint16_t shndx, uint64_t value)
{
	uint64_t o = O_SYM + (uint64_t)i * 24;

	put(o, name, 4);
	put(o + 4, 0, 1);
	put(o + 6, shndx, 2);
	put(o + 8, value, 8);
}

#define PB	1	/* SHT_PROGBITS */
#define NB	8	/* SHT_NOBITS */
#define AX	6	/* SHF_ALLOC | SHF_EXECINSTR */
#define A	2
#define WA	3

static void build(void)
{
	memset(f, 0, sizeof(f));
	memcpy(f, "\177ELF\2\1\1", 7);
	put(16, 2, 2);
	put(18, 243, 2);
	put(20, 1, 4);
	put(24, BASE, 8);
	put(40, O_SHDR, 8);
	put(52, 64, 2);
	put(58, 64, 2);
	put(60, NSEC, 2);
	put(62, S_SHSTR, 2);
	/* head: la a0, .data.p; two nops */
	put(O_FIXED, 0x00000517, 4);
	put(O_FIXED + 4, 0x00050513, 4);
	put(O_FIXED + 8, 0x00000013, 4);
	put(O_FIXED + 12, 0x00000013, 4);
	/* .text.a: auipc a1, 0; ld a1, 0(a1): .rodata.t + 8 */
	put(O_A, 0x00000597, 4);
	put(O_A + 4, 0x0005b583, 4);
	put(O_RO, 0x1111111111111111, 8);
	/* link-time values of the words the relocations rewrite */
	put(O_ROT, A_BZ + 16, 8);
	put(O_ROT + 8, BASE + 0x10, 8);
	memcpy(f + O_ROS, "abcd", 5);
	put(O_DP, A_ROS + 2, 8);
	put(O_DP + 8, A_SY, 8);
	put(O_SV, 0x5eed, 4);
	put(O_DF, 0x2222222222222222, 8);

	nrela = 0;
	rela(BASE, R_PCREL_HI20, SYM_DP, 0);		/* 0: .text.kb_fixed */
	rela(BASE + 4, R_PCREL_LO12_I, SYM_L0, 0);	/* 1 */
	rela(BASE + 0x10, R_PCREL_HI20, SYM_ROT, 8);	/* 2: .text.a */
	rela(BASE + 0x14, R_PCREL_LO12_I, SYM_LA, 0);	/* 3 */
	rela(A_ROT, R_64, SYM_BZ, 16);			/* 4: .rodata.t */
	rela(A_ROT + 8, R_64, SYM_LA, 0);		/* 5 */
	rela(A_DP, R_64, SYM_ROS, 2);			/* 6: .data.p */
	rela(A_DP + 8, R_64, SYM_SY, 0);		/* 7 */

	sym(SYM_NULL, 0, 0, 0);
	sym(SYM_DP, 1, S_DP, A_DP);
	sym(SYM_L0, 1, S_FIXED, BASE);
	sym(SYM_ROT, 1, S_ROT, A_ROT);
	sym(SYM_LA, 1, S_A, BASE + 0x10);
	sym(SYM_BZ, 1, S_BZ, A_BZ);
	sym(SYM_ROS, 1, S_ROS, A_ROS);
	sym(SYM_SY, 1, S_SY, A_SY);
	sym(SYM_GP, 3, 0, 0);		/* __global_pointer$, undefined */
	memcpy(f + O_STR, strtab, sizeof(strtab));
	memcpy(f + O_SHSTR, shstr, sizeof(shstr));

	shdr(S_NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	shdr(S_FIXED, ".text.kb_fixed", PB, AX, BASE, O_FIXED, 16, 0, 0, 4, 0);
	shdr(S_A, ".text.a", PB, AX, BASE + 0x10, O_A, 8, 0, 0, 4, 0);
	shdr(S_RO, ".rodata", PB, A, A_RO, O_RO, 8, 0, 0, 8, 0);
	shdr(S_ROT, ".rodata.t", PB, A, A_ROT, O_ROT, 16, 0, 0, 8, 0);
	shdr(S_ROS, ".rodata.s", PB, A, A_ROS, O_ROS, 5, 0, 0, 1, 0);
	shdr(S_DP, ".data.p", PB, WA, A_DP, O_DP, 16, 0, 0, 8, 0);
	shdr(S_SV, ".sdata.v", PB, WA, A_SV, O_SV, 4, 0, 0, 4, 0);
	shdr(S_DF, ".data.kb_fixed", PB, WA, A_DF, O_DF, 8, 0, 0, 8, 0);
	shdr(S_BZ, ".bss.z", NB, WA, A_BZ, 0, 32, 0, 0, 16, 0);
	shdr(S_SY, ".sbss.y", NB, WA, A_SY, 0, 8, 0, 0, 8, 0);
	shdr(S_RFIXED, ".rela.text.kb_fixed", 4, 0x40, 0, O_RELA, 2 * 24, S_SYMTAB, S_FIXED, 8, 24);
	shdr(S_RA, ".rela.text.a", 4, 0x40, 0, O_RELA + 2 * 24, 2 * 24, S_SYMTAB, S_A, 8, 24);
	shdr(S_RROT, ".rela.rodata.t", 4, 0x40, 0, O_RELA + 4 * 24, 2 * 24, S_SYMTAB, S_ROT, 8, 24);
	shdr(S_RDP, ".rela.data.p", 4, 0x40, 0, O_RELA + 6 * 24, 2 * 24, S_SYMTAB, S_DP, 8, 24);
	shdr(S_SYMTAB, ".symtab", 2, 0, 0, O_SYM, NSYM * 24, S_STRTAB, 1, 8, 24);
	shdr(S_STRTAB, ".strtab", 3, 0, 0, O_STR, sizeof(strtab), 0, 0, 1, 0);
	shdr(S_SHSTR, ".shstrtab", 3, 0, 0, O_SHSTR, sizeof(shstr), 0, 0, 1, 0);
	flen = O_SHDR + NSEC * 64;
}

static uint64_t lcg;
static int fake_uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	*o = (lcg >> 11) % bound;
	return 0;
}

static int64_t sx(uint64_t v, unsigned int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}
static int64_t dec_u(uint32_t i) { return sx(i & 0xfffff000u, 32); }
static int64_t dec_i(uint32_t i) { return sx(i >> 20, 12); }

static uint64_t na(unsigned int s) { return k.sec[s].new_addr; }
static uint64_t at(uint64_t addr, unsigned int n) { return get(out + (addr - k.new_base), n); }

/* Every pointer and pc-relative pair against the targets' new addresses;
 * the copied contents; BSS zero. */
static void check_image(void)
{
	uint64_t p = na(S_FIXED);

	assert_int_equal(dec_u((uint32_t)at(p, 4)) + dec_i((uint32_t)at(p + 4, 4)),
			 (int64_t)(na(S_DP) - p));
	p = na(S_A);
	assert_int_equal(dec_u((uint32_t)at(p, 4)) + dec_i((uint32_t)at(p + 4, 4)),
			 (int64_t)(na(S_ROT) + 8 - p));
	assert_int_equal(at(na(S_ROT), 8), na(S_BZ) + 16);
	assert_int_equal(at(na(S_ROT) + 8, 8), na(S_A));
	assert_int_equal(at(na(S_DP), 8), na(S_ROS) + 2);
	assert_int_equal(at(na(S_DP) + 8, 8), na(S_SY));
	assert_memory_equal(out + (na(S_ROS) - k.new_base), "abcd", 5);
	assert_int_equal(at(na(S_SV), 4), 0x5eed);
	assert_int_equal(at(na(S_DF), 8), 0x2222222222222222);
	assert_int_equal(at(na(S_RO), 8), 0x1111111111111111);
	for (uint64_t i = 0; i < 32; i++)
		assert_int_equal(out[na(S_BZ) - k.new_base + i], 0);
	for (uint64_t i = 0; i < 8; i++)
		assert_int_equal(out[na(S_SY) - k.new_base + i], 0);
}

static void test_classes(void **state)
{
	(void)state;
	build();
	assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
	assert_int_equal(k.nmove, 1);
	assert_int_equal(k.ndata, 6);
	assert_int_equal(k.sec[S_RO].kind, KB_KARL_TAIL);
	assert_int_equal(k.sec[S_DF].kind, KB_KARL_TAIL);	/* *.kb_fixed stays */
	assert_int_equal(k.sec[S_ROT].kind, KB_KARL_DATA);
	assert_int_equal(k.sec[S_ROT].cls, KB_KARL_RODATA);
	assert_int_equal(k.sec[S_ROS].cls, KB_KARL_RODATA);
	assert_int_equal(k.sec[S_DP].cls, KB_KARL_RWDATA);
	assert_int_equal(k.sec[S_SV].cls, KB_KARL_RWDATA);
	assert_int_equal(k.sec[S_BZ].kind, KB_KARL_DATA);
	assert_int_equal(k.sec[S_BZ].cls, KB_KARL_BSS);
	assert_int_equal(k.sec[S_SY].cls, KB_KARL_BSS);
	assert_int_equal(k.grp[KB_KARL_RODATA].lo, A_ROT);
	assert_int_equal(k.grp[KB_KARL_RODATA].hi, A_ROS + 5);
	assert_int_equal(k.grp[KB_KARL_RWDATA].hi, A_SV + 4);
	assert_int_equal(k.grp[KB_KARL_BSS].lo, A_BZ);
	assert_int_equal(k.grp[KB_KARL_BSS].n, 2);
}

static void test_nokaslr(void **state)
{
	(void)state;
	build();
	assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
	assert_int_equal(kb_karl_layout(&k, 4096, 0, NULL, NULL, &d), 0);
	for (unsigned int i = 1; i < S_RFIXED; i++)
		assert_int_equal(na(i), k.sec[i].old_addr);
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
	check_image();
}

static void test_shuffled(void **state)
{
	unsigned int ros_first = 0, sv_first = 0, sy_first = 0;

	(void)state;
	for (unsigned int s = 1; s <= 200; s++) {
		uint64_t bias = s % 2 ? 0 : 0x200000, rw_lo, ro_hi;

		build();
		lcg = s;
		assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
		assert_int_equal(kb_karl_layout(&k, 4096, bias, fake_uniform, NULL, &d), 0);
		assert_true(k.new_end - k.new_base <= kb_karl_max_footprint(&k, 4096));
		/* fixed sections: by multiples of 4 KiB (plus the bias) */
		assert_int_equal(na(S_FIXED), BASE + bias);
		assert_int_equal((na(S_RO) - bias - A_RO) % 4096, 0);
		assert_int_equal((na(S_DF) - bias - A_DF) % 4096, 0);
		for (unsigned int i = S_ROT; i <= S_SY; i++) {
			if (i == S_DF)
				continue;
			assert_int_equal(na(i) % k.sec[i].align, 0);
			assert_int_equal(k.sec[i].gap % k.sec[i].align, 0);
			assert_true(k.sec[i].gap <= 4096);
		}
		/* each class in its own region, in the link-time class order:
		 * the text, .rodata, the read-only objects, then (on a fresh
		 * page) the writable ones, .data.kb_fixed, the BSS objects */
		ro_hi = na(S_ROT) + 16 > na(S_ROS) + 5 ? na(S_ROT) + 16 : na(S_ROS) + 5;
		rw_lo = na(S_DP) < na(S_SV) ? na(S_DP) : na(S_SV);
		assert_true(na(S_ROT) >= na(S_RO) + 8 && na(S_ROS) >= na(S_RO) + 8);
		assert_true(ro_hi <= (rw_lo & ~UINT64_C(0xfff)));	/* W^X: not on a writable page */
		assert_true(na(S_DF) >= na(S_DP) + 16 && na(S_DF) >= na(S_SV) + 4);
		assert_true(na(S_BZ) >= na(S_DF) + 8 && na(S_SY) >= na(S_DF) + 8);
		assert_true(na(S_A) + 8 <= na(S_RO));
		ros_first += na(S_ROS) < na(S_ROT);
		sv_first += na(S_SV) < na(S_DP);
		sy_first += na(S_SY) < na(S_BZ);
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(kb_karl_apply(&k, out, sizeof(out), &d), 0);
		check_image();
	}
	/* both orders of every class drawn */
	assert_true(ros_first > 20 && ros_first < 180);
	assert_true(sv_first > 20 && sv_first < 180);
	assert_true(sy_first > 20 && sy_first < 180);
}

static void test_entropy(void **state)
{
	double want, got;

	(void)state;
	build();
	assert_int_equal(kb_karl_parse(&k, f, flen, sec, order, 32, &d), 0);
	/* 1! text orders, 2! per data class; gaps: text align 4, .rodata.t 8,
	 * .rodata.s 1, .data.p 8, .sdata.v 4, .bss.z 16, .sbss.y 8 */
	want = 3 * log2(2) + log2(4096 / 4 + 1) + log2(4096 / 8 + 1) + log2(4096 + 1) +
	       log2(4096 / 8 + 1) + log2(4096 / 4 + 1) + log2(4096 / 16 + 1) + log2(4096 / 8 + 1);
	got = (double)kb_karl_entropy_q16(&k, 4096) / 65536.0;
	assert_true(fabs(got - want) < 0.01);
	assert_int_equal(kb_karl_entropy_q16(&k, 0), 3 * 65536);
}

/* The layout and apply of a bad file: refused with `want`, out untouched. */
static void refused(const char *want)
{
	int err = kb_karl_parse(&k, f, flen, sec, order, 32, &d);

	if (!err) {
		err = kb_karl_layout(&k, 4096, 0, NULL, NULL, &d);
		assert_int_equal(err, 0);
		memset(out, 0xa5, 4096);
		err = kb_karl_apply(&k, out, sizeof(out), &d);
		for (unsigned int i = 0; i < 4096; i++)
			assert_int_equal(out[i], 0xa5);
	}
	assert_true(err < 0);
	if (!strstr(d.msg, want))
		fail_msg("got '%s', want '%s'", d.msg, want);
	assert_null(strchr(d.msg, '\n'));
}

static void test_bad_input(void **state)
{
	(void)state;
	/* a data section whose size lies: past the file */
	build();
	put(O_SHDR + S_ROT * 64 + 32, 0x100000, 8);
	refused("karl: section .rodata.t (0x100000 bytes at file offset 0x120) runs past the");
	/* ... a BSS object's size reaching into the next */
	build();
	put(O_SHDR + S_BZ * 64 + 32, 0x28, 8);
	refused("karl: sections .bss.z and .sbss.y overlap");
	/* overlapping writable objects */
	build();
	put(O_SHDR + S_SV * 64 + 16, A_DP + 8, 8);
	refused("karl: sections .data.p and .sdata.v overlap");
	/* a relocation in a moving data section that targets nothing */
	build();
	put(O_RELA + 6 * 24 + 8, ((uint64_t)0 << 32) | R_64, 8);
	refused("karl: .rela.data.p relocation 0: symbol 0 out of range");
	build();
	sym(SYM_ROS, 1, 0, 0);
	refused("karl: .rela.data.p relocation 0: symbol 6 is undefined");
	build();
	put(O_RELA + 7 * 24, A_DP + 12, 8);
	refused("karl: .rela.data.p relocation 1 at 0x8000200c is outside section .data.p");
	/* a fixed section inside a data region */
	build();
	put(O_SHDR + S_DF * 64 + 16, A_DP + 0x10, 8);
	put(O_SHDR + S_SV * 64 + 16, A_DF, 8);
	refused("karl: section .data.kb_fixed at 0x80002010 lies inside the shuffled writable data objects [0x80002000, 0x8000201c)");
	/* an executable data section */
	build();
	put(O_SHDR + S_ROS * 64 + 8, AX, 8);
	refused("karl: data section .rodata.s is executable");
	/* __global_pointer$ defined: gp-relative accesses cannot follow */
	build();
	sym(SYM_GP, 3, 0xfff1, A_SV + 0x800);
	refused("karl: __global_pointer$ is defined: gp-relative data accesses cannot follow moving data");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_nokaslr),
		cmocka_unit_test(test_shuffled),
		cmocka_unit_test(test_entropy),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
