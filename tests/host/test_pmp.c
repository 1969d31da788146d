// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: kb_pmp_plan (loader/lib/pmp.c), against an independent
 * oracle: a PMP matcher written from the privileged spec (tests/pmp_oracle.h: entries in
 * priority order; OFF, TOR with entry 0's bottom 0, NA4, NAPOT decoded
 * from the trailing ones of pmpaddr; a matching locked entry's R/W/X bind
 * M-mode, an unlocked one or no match lets M-mode do anything).  For
 * seeded random layouts and every segment boundary +-1 granule, each
 * address must get exactly the permissions intended: its segment's, else
 * the background's.  The entry count is compared with a brute force over
 * every NAPOT/TOR choice, and every plan and refusal with the planner as
 * it was before it was made smaller (tests/pmp_ref.h): the same entries,
 * the same lines.  Built at both address widths (test_pmp_phys32).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/pmp.h>

#include "../pmp_oracle.h"
#include "../pmp_ref.h"

static struct kb_diag d;
static struct kb_pmp_entry e[KB_PMP_MAX_ENTRIES];
static size_t ne;

static void check_addr(const struct kb_pmp_seg *s, size_t n,
		       const struct kb_pmp_params *p, uint64_t a)
{
	uint64_t space = UINT64_C(1) << (p->addr_bits + 2);
	unsigned int want, got;

	if (a >= space)
		return;
	want = kb_test_pmp_intended(s, n, p->background, a);
	got = kb_test_pmp_oracle(e, ne, p->addr_bits, a);
	if (want != got) {
		fprintf(stderr, "address 0x%llx: want %s, the entries give %s\n",
			(unsigned long long)a, kb_pmp_perm_str(want), kb_pmp_perm_str(got));
		for (size_t i = 0; i < ne; i++)
			fprintf(stderr, "  entry %zu: cfg 0x%02x addr 0x%llx\n", i, e[i].cfg,
				(unsigned long long)e[i].addr);
		fail();
	}
}

/* Every entry locked; every boundary +-1 granule; the space's ends. */
static void check_plan(const struct kb_pmp_seg *s, size_t n, const struct kb_pmp_params *p)
{
	uint64_t gr = UINT64_C(1) << (p->g + 2);
	uint64_t space = UINT64_C(1) << (p->addr_bits + 2);

	assert_true(ne <= p->nr_entries);
	for (size_t i = 0; i < ne; i++) {
		assert_true(e[i].cfg & KB_PMP_L);
		assert_true(e[i].addr < (UINT64_C(1) << p->addr_bits));
	}
	check_addr(s, n, p, 0);
	check_addr(s, n, p, space - 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t b[2] = { s[i].start, (uint64_t)s[i].start + s[i].size };

		for (int j = 0; j < 2; j++) {
			if (b[j] >= gr)
				check_addr(s, n, p, b[j] - gr);
			if (b[j] >= 1)
				check_addr(s, n, p, b[j] - 1);
			check_addr(s, n, p, b[j]);
			check_addr(s, n, p, b[j] + gr - 1);
			check_addr(s, n, p, b[j] + gr);
		}
	}
}

/* ---- brute force of the entry count ---------------------------------- */

struct rg { uint64_t s, e; unsigned int perm; };

/* Merged, sorted, background-free ranges (what the planner must cover). */
static size_t ranges(const struct kb_pmp_seg *s, size_t n, int bg, struct rg *r)
{
	size_t nr = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (s[i].size == 0)
			continue;
		for (k = nr; k > 0 && r[k - 1].s > s[i].start; k--)
			r[k] = r[k - 1];
		r[k] = (struct rg){ s[i].start, (uint64_t)s[i].start + s[i].size, s[i].perm };
		nr++;
	}
	size_t m = 0;
	for (size_t i = 0; i < nr; i++) {
		if (m && r[i].s <= r[m - 1].e && r[i].perm == r[m - 1].perm) {
			if (r[i].e > r[m - 1].e)
				r[m - 1].e = r[i].e;
			continue;
		}
		r[m++] = r[i];
	}
	size_t k = 0;
	for (size_t i = 0; i < m; i++)
		if (bg == KB_PMP_NO_BACKGROUND || r[i].perm != (unsigned int)bg)
			r[k++] = r[i];
	return k;
}

static unsigned int brute(const struct rg *r, size_t nr, unsigned int g, unsigned int addr_bits)
{
	uint64_t gr = UINT64_C(1) << (g + 2), space = UINT64_C(1) << (addr_bits + 2);
	unsigned int best = 1000;

	for (unsigned long m = 0; m < (1ul << nr); m++) {
		unsigned int c = 0;
		bool ok = true;

		for (size_t i = 0; i < nr && ok; i++) {
			uint64_t sz = r[i].e - r[i].s;

			if (!((m >> i) & 1)) {	/* NAPOT */
				ok = (sz & (sz - 1)) == 0 && sz >= gr && (r[i].s % sz) == 0;
				c++;
			} else {		/* TOR */
				ok = r[i].e < space;
				if ((i == 0 && r[i].s == 0) ||
				    (i > 0 && ((m >> (i - 1)) & 1) && r[i - 1].e == r[i].s))
					c++;
				else
					c += 2;
			}
		}
		if (ok && c < best)
			best = c;
	}
	return best;
}

/* ---- random layouts ------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* The old planner's answer for the same input: the same code, the same
 * line, the same entries. */
static void check_ref(const struct kb_pmp_seg *s, size_t n, const struct kb_pmp_params *p,
		      int err)
{
	struct ref_seg rs[REF_MAX_SEGS];
	struct ref_params rp = { p->nr_entries, p->g, p->addr_bits, p->background };
	struct ref_entry re[REF_MAX_ENTRIES];
	struct kb_diag rd;
	size_t rn = 0;
	int rerr;

	assert_true(n <= REF_MAX_SEGS);
	for (size_t i = 0; i < n; i++)
		rs[i] = (struct ref_seg){ s[i].start, s[i].size, s[i].perm, s[i].name };
	rerr = kb_test_pmp_plan_ref(rs, n, &rp, re, &rn, &rd);
	assert_int_equal(err, rerr);
	if (err) {
		assert_string_equal(d.msg, rd.msg);
		return;
	}
	assert_int_equal(ne, rn);
	for (size_t i = 0; i < ne; i++) {
		assert_int_equal(e[i].cfg, re[i].cfg);
		assert_int_equal(e[i].addr, re[i].addr);
	}
}

static void test_random(void **state)
{
	static const unsigned int gs[] = { 0, 0, 0, 1, 2, 10 };
	static const unsigned int abits[] = { 32, 32, 54, 54, 10 };
	static const unsigned int perms[] = { 0, 1, 3, 4, 5, 7 };	/* no -w-, -wx */
	static const int bgs[] = { KB_PMP_R | KB_PMP_W, KB_PMP_R | KB_PMP_W,
				   KB_PMP_NO_BACKGROUND, 0 };
	unsigned int ok = 0, nospc = 0, other = 0;

	(void)state;
	for (int it = 0; it < 40000; it++) {
		struct kb_pmp_params p = {
			.nr_entries = 4 + (unsigned int)rnd_below(13),
			.g = gs[rnd_below(6)],
			.addr_bits = abits[rnd_below(5)],
			.background = bgs[rnd_below(4)],
		};
		uint64_t gr, space, top, cur;
		struct kb_pmp_seg s[8];
		struct rg r[8];
		size_t n = 1 + (size_t)rnd_below(8), nr;
		int err;

		if (p.g + 2 >= p.addr_bits + 2)
			p.g = 0;
		gr = UINT64_C(1) << (p.g + 2);
		space = UINT64_C(1) << (p.addr_bits + 2);
		/* Where the loader's addresses end (4 GiB with 32-bit
		 * ones): layouts near the top end there. */
		top = (uint64_t)KB_PHYS_MAX < space - 1 ? (uint64_t)KB_PHYS_MAX + 1 : space;
		/* Start near 0, in the middle, or near the top. */
		switch (rnd_below(3)) {
		case 0: cur = 0; break;
		case 1: cur = (top / 2) & ~(gr - 1); break;
		default: cur = top - 64 * gr; break;
		}
		cur += rnd_below(8) * gr;
		for (size_t i = 0; i < n; i++) {
			uint64_t sz;

			if (rnd_below(3) == 0)
				cur += rnd_below(4) * gr;	/* a gap, often none */
			if (rnd_below(2)) {	/* a power of two, maybe aligned */
				sz = gr << rnd_below(4);
				if (rnd_below(2))
					cur = (cur + sz - 1) & ~(sz - 1);
			} else {
				sz = (1 + rnd_below(5)) * gr;
			}
			if (rnd_below(16) == 0)
				sz = 0;
			if (cur >= top || sz > top - cur)
				sz = 0, cur = cur < top ? cur : top - gr;
			s[i] = (struct kb_pmp_seg){ (kb_phys_t)cur, (kb_phys_t)sz, perms[rnd_below(6)],
						    "seg" };
			cur += sz;
		}
		ne = 0;
		err = kb_pmp_plan(s, n, &p, e, &ne, &d);
		check_ref(s, n, &p, err);
		nr = ranges(s, n, p.background, r);
		if (err == 0) {
			unsigned int want = brute(r, nr, p.g, p.addr_bits) +
				(p.background != KB_PMP_NO_BACKGROUND);

			check_plan(s, n, &p);
			assert_int_equal(ne, want);
			ok++;
		} else if (err == KB_ENOSPC) {
			assert_true(brute(r, nr, p.g, p.addr_bits) +
				    (p.background != KB_PMP_NO_BACKGROUND) > p.nr_entries);
			assert_non_null(strstr(d.msg, "PMP entries"));
			nospc++;
		} else {
			/* Only a range ending at the very top, not NAPOT. */
			assert_int_equal(err, KB_ERANGE);
			assert_int_equal(brute(r, nr, p.g, p.addr_bits), 1000);
			other++;
		}
	}
	fprintf(stderr, "random layouts: %u planned, %u too many entries, %u unreachable top\n",
		ok, nospc, other);
	assert_true(ok > 20000);
	assert_true(nospc > 100);
}

/* ---- edge cases ------------------------------------------------------- */

static const struct kb_pmp_params qemu64 = { 16, 0, 54, KB_PMP_R | KB_PMP_W };
static const struct kb_pmp_params qemu32 = { 16, 0, 32, KB_PMP_R | KB_PMP_W };

static void test_napot_exact(void **state)
{
	struct kb_pmp_seg s[] = {
		{ 0x80000000, 0x200000, KB_PMP_TEXT, "text" },
		{ 0x80200004, 4, KB_PMP_RODATA, "word" },
	};

	(void)state;
	assert_int_equal(kb_pmp_plan(s, 2, &qemu64, e, &ne, &d), 0);
	assert_int_equal(ne, 3);
	assert_int_equal(e[0].cfg, KB_PMP_L | KB_PMP_A_NAPOT | KB_PMP_R | KB_PMP_X);
	assert_int_equal(e[0].addr, 0x20000000 | 0x3ffff);
	assert_int_equal(e[1].cfg, KB_PMP_L | KB_PMP_A_NA4 | KB_PMP_R);
	assert_int_equal(e[1].addr, 0x80200004 >> 2);
	/* The catch-all: 0111...1, R+W, no X. */
	assert_int_equal(e[2].cfg, KB_PMP_L | KB_PMP_A_NAPOT | KB_PMP_R | KB_PMP_W);
	assert_int_equal(e[2].addr, (UINT64_C(1) << 53) - 1);
	check_plan(s, 2, &qemu64);
}

static void test_tor_shared(void **state)
{
	/* text, rodata, relro, data back to back, none a power of two: one
	 * OFF bottom, then TORs sharing each boundary; data is the
	 * background's (R+W) and needs no entry. */
	struct kb_pmp_seg s[] = {
		{ 0x80003000, 0x3000, KB_PMP_RODATA, "rodata" },
		{ 0x80000000, 0x3000, KB_PMP_TEXT, "text" },
		{ 0x80006000, 0x3000, KB_PMP_DATA, "data" },
	};

	(void)state;
	assert_int_equal(kb_pmp_plan(s, 3, &qemu64, e, &ne, &d), 0);
	assert_int_equal(ne, 4);
	assert_int_equal(e[0].cfg, KB_PMP_L | KB_PMP_A_OFF);
	assert_int_equal(e[0].addr, 0x80000000 >> 2);
	assert_int_equal(e[1].cfg, KB_PMP_L | KB_PMP_A_TOR | KB_PMP_TEXT);
	assert_int_equal(e[1].addr, 0x80003000 >> 2);
	assert_int_equal(e[2].cfg, KB_PMP_L | KB_PMP_A_TOR | KB_PMP_RODATA);
	assert_int_equal(e[2].addr, 0x80006000 >> 2);
	assert_int_equal(e[3].cfg, KB_PMP_L | KB_PMP_A_NAPOT | KB_PMP_DATA);
	check_plan(s, 3, &qemu64);

	/* A NAPOT-able range between two TOR ones: TOR for it too (OFF,
	 * TOR, TOR, TOR) is one entry fewer than NAPOT in the middle (OFF,
	 * TOR, NAPOT, OFF, TOR). */
	struct kb_pmp_seg t[] = {
		{ 0x80001000, 0x3000, KB_PMP_TEXT, "text" },
		{ 0x80004000, 0x4000, KB_PMP_RODATA, "rodata" },
		{ 0x80008000, 0x3000, KB_PMP_R | KB_PMP_W | KB_PMP_X, "rwx" },
	};
	assert_int_equal(kb_pmp_plan(t, 3, &qemu64, e, &ne, &d), 0);
	assert_int_equal(ne, 5);	/* OFF, TOR, TOR, TOR, background */
	assert_int_equal(e[2].cfg, KB_PMP_L | KB_PMP_A_TOR | KB_PMP_RODATA);
	check_plan(t, 3, &qemu64);
}

static void test_rv32_top(void **state)
{
	/* Ending at 4 GiB: pmpaddr 0x40000000 fits rv32's 32 bits. */
	struct kb_pmp_seg s[] = {
		{ 0xffffd000, 0x3000, KB_PMP_TEXT, "text" },
	};

	(void)state;
	assert_int_equal(kb_pmp_plan(s, 1, &qemu32, e, &ne, &d), 0);
	assert_int_equal(ne, 3);
	assert_int_equal(e[1].addr, 0x40000000);
	assert_int_equal(e[2].addr, 0x7fffffff);
	check_plan(s, 1, &qemu32);
	assert_int_equal(kb_test_pmp_oracle(e, ne, 32, 0xffffffff), KB_PMP_TEXT);
	assert_int_equal(kb_test_pmp_oracle(e, ne, 32, 0x100000000ull), KB_PMP_DATA);
#if KB_PHYS_BITS == 64
	struct kb_pmp_seg top[] = {
		{ 0x3fffff000ull, 0x1000, KB_PMP_TEXT, "top" },
	};
	struct kb_pmp_seg bad[] = {
		{ 0x3ffffd000ull, 0x3000, KB_PMP_TEXT, "top3" },
	};

	/* The 34-bit top: NAPOT reaches it, a TOR cannot. */
	assert_int_equal(kb_pmp_plan(top, 1, &qemu32, e, &ne, &d), 0);
	check_plan(top, 1, &qemu32);
	assert_int_equal(kb_pmp_plan(bad, 1, &qemu32, e, &ne, &d), KB_ERANGE);
	assert_non_null(strstr(d.msg, "'top3'"));
	/* Past it. */
	top[0].start = 0x400000000ull;
	assert_int_equal(kb_pmp_plan(top, 1, &qemu32, e, &ne, &d), KB_ERANGE);
	assert_non_null(strstr(d.msg, "outside the 0x400000000-byte physical space"));
#else
	/* 32-bit addresses: the last byte below 4 GiB is the highest a
	 * segment reaches; a 4 GiB NAPOT from 0 is one entry. */
	s[0] = (struct kb_pmp_seg){ 0, 0xfffffffc, KB_PMP_TEXT, "all" };
	assert_int_equal(kb_pmp_plan(s, 1, &qemu32, e, &ne, &d), 0);
	assert_int_equal(ne, 2);
	assert_int_equal(e[0].cfg, KB_PMP_L | KB_PMP_A_TOR | KB_PMP_TEXT);
	assert_int_equal(e[0].addr, 0x3fffffff);
	check_plan(s, 1, &qemu32);
	/* a 16 MiB space (addr_bits 22): [16 MiB - 4 KiB, +8 KiB) is past it */
	struct kb_pmp_params small = { 16, 0, 22, KB_PMP_DATA };

	s[0] = (struct kb_pmp_seg){ 0xfff000, 0x2000, KB_PMP_TEXT, "past" };
	assert_int_equal(kb_pmp_plan(s, 1, &small, e, &ne, &d), KB_ERANGE);
	assert_string_equal(d.msg,
			    "pmp: segment 'past' [0xfff000, +0x2000) is outside the 0x1000000-byte physical space");
	s[0].size = 0x1000;	/* ends at the top: NAPOT only */
	assert_int_equal(kb_pmp_plan(s, 1, &small, e, &ne, &d), 0);
	assert_int_equal(e[0].cfg, KB_PMP_L | KB_PMP_A_NAPOT | KB_PMP_TEXT);
	check_plan(s, 1, &small);
#endif
}

static void test_errors(void **state)
{
	struct kb_pmp_seg s[KB_PMP_MAX_SEGS + 1];
	struct kb_pmp_params p = qemu64;
	char want[200];

	(void)state;
	/* Too many: KB_PMP_MAX_SEGS separate 12 KiB text ranges need 2
	 * entries each. */
	for (int i = 0; i < KB_PMP_MAX_SEGS + 1; i++)
		s[i] = (struct kb_pmp_seg){ 0x80000000 + 0x10000 * (kb_phys_t)i, 0x3000,
					    KB_PMP_TEXT, i == 7 ? "seven" : "other" };
	assert_int_equal(kb_pmp_plan(s, KB_PMP_MAX_SEGS, &p, e, &ne, &d), KB_ENOSPC);
	snprintf(want, sizeof(want),
		 "pmp: the payload needs %d PMP entries, 16 are available (segment 'seven' at 0x80070000 is the first that does not fit)",
		 2 * KB_PMP_MAX_SEGS + 1);
	assert_string_equal(d.msg, want);
	assert_int_equal(ne, 0);
	check_ref(s, KB_PMP_MAX_SEGS, &p, KB_ENOSPC);
	/* One segment more than the planner's array: refused as such. */
	assert_int_equal(kb_pmp_plan(s, KB_PMP_MAX_SEGS + 1, &p, e, &ne, &d), KB_EINVAL);
	snprintf(want, sizeof(want), "pmp: %d segments, at most %d", KB_PMP_MAX_SEGS + 1,
		 KB_PMP_MAX_SEGS);
	assert_string_equal(d.msg, want);
	/* Exactly enough (7 x 2 + 1 = 15 of 15) fits. */
	p.nr_entries = 15;
	assert_int_equal(kb_pmp_plan(s, 7, &p, e, &ne, &d), 0);
	assert_int_equal(ne, 15);
	check_plan(s, 7, &p);
	p.nr_entries = 14;
	assert_int_equal(kb_pmp_plan(s, 7, &p, e, &ne, &d), KB_ENOSPC);

	/* Unaligned, for the 4-byte and a 4 KiB granule. */
	s[0] = (struct kb_pmp_seg){ 0x80000002, 0x1000, KB_PMP_TEXT, "text" };
	assert_int_equal(kb_pmp_plan(s, 1, &qemu64, e, &ne, &d), KB_EALIGN);
	assert_string_equal(d.msg,
			    "pmp: segment 'text' [0x80000002, +0x1000) is not aligned to the 0x4-byte PMP granule");
	p = qemu64;
	p.g = 10;
	s[0] = (struct kb_pmp_seg){ 0x80000000, 0x1800, KB_PMP_TEXT, "text" };
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), KB_EALIGN);
	assert_non_null(strstr(d.msg, "0x1000-byte PMP granule"));
	/* With G > 0 no NA4: a granule-sized range is NAPOT. */
	s[0].size = 0x1000;
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), 0);
	assert_int_equal(e[0].cfg & KB_PMP_A_MASK, KB_PMP_A_NAPOT);
	assert_int_equal(e[0].addr, (0x80000000 >> 2) | 0x1ff);	/* 4 KiB: 9 ones */
	check_plan(s, 1, &p);

	/* Overlap with different permissions; with equal ones, merged. */
	s[0] = (struct kb_pmp_seg){ 0x80000000, 0x3000, KB_PMP_TEXT, "text" };
	s[1] = (struct kb_pmp_seg){ 0x80002000, 0x2000, KB_PMP_RODATA, "rodata" };
	assert_int_equal(kb_pmp_plan(s, 2, &qemu64, e, &ne, &d), KB_EOVERLAP);
	assert_string_equal(d.msg,
			    "pmp: segment 'rodata' (r--) at 0x80002000 overlaps 'text' (r-x), which ends at 0x80003000");
	s[1].perm = KB_PMP_TEXT;
	assert_int_equal(kb_pmp_plan(s, 2, &qemu64, e, &ne, &d), 0);
	assert_int_equal(ne, 2);	/* one NAPOT 16 KiB + background */
	check_plan(s, 2, &qemu64);

	/* Bad permissions, bad parameters. */
	s[0].perm = 8;
	assert_int_equal(kb_pmp_plan(s, 1, &qemu64, e, &ne, &d), KB_EINVAL);
	s[0].perm = KB_PMP_W;
	assert_int_equal(kb_pmp_plan(s, 1, &qemu64, e, &ne, &d), KB_EINVAL);
	assert_string_equal(d.msg,
			    "pmp: segment 'text' asks for -w-: write without read is a reserved PMP encoding");
	s[0].perm = KB_PMP_W | KB_PMP_X;
	assert_int_equal(kb_pmp_plan(s, 1, &qemu64, e, &ne, &d), KB_EINVAL);
	p = qemu64;
	p.background = KB_PMP_W;
	s[0].perm = KB_PMP_TEXT;
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), KB_EINVAL);
	p = qemu64;
	p.nr_entries = 0;
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), KB_EINVAL);
	p = qemu64;
	p.addr_bits = 55;
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), KB_EINVAL);
	assert_string_equal(d.msg,
			    "pmp: pmpaddr width 55 bits (8 .. 54) or granularity G=0 out of range");
	p.addr_bits = 7;
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), KB_EINVAL);
	p = qemu64;
	p.g = 54;
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), KB_EINVAL);
	p.g = 53;
	s[0] = (struct kb_pmp_seg){ 0, 0, KB_PMP_TEXT, "none" };
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), 0);
	p = qemu64;
	p.background = 9;
	assert_int_equal(kb_pmp_plan(s, 1, &p, e, &ne, &d), KB_EINVAL);
}

static void test_zero_and_background(void **state)
{
	struct kb_pmp_seg s[] = {
		{ 0x80000000, 0x1000, KB_PMP_TEXT, "text" },
		{ 0x80001000, 0, KB_PMP_RODATA, "empty" },
		{ 0x80001000, 0x1000, KB_PMP_DATA, "data" },
		{ 0x88000000, 0x10000, KB_PMP_DATA, "dtb" },
	};
	struct kb_pmp_params p = qemu64;

	(void)state;
	/* The empty segment changes nothing; data and dtb are R+W like the
	 * background: text's NAPOT and the catch-all only. */
	assert_int_equal(kb_pmp_plan(s, 4, &p, e, &ne, &d), 0);
	assert_int_equal(ne, 2);
	check_plan(s, 4, &p);
	/* No background: each R+W range is covered too; elsewhere M-mode
	 * matches nothing (all allowed). */
	p.background = KB_PMP_NO_BACKGROUND;
	assert_int_equal(kb_pmp_plan(s, 4, &p, e, &ne, &d), 0);
	assert_int_equal(ne, 3);
	check_plan(s, 4, &p);
	/* Nothing at all: only the catch-all. */
	p = qemu64;
	assert_int_equal(kb_pmp_plan(s, 0, &p, e, &ne, &d), 0);
	assert_int_equal(ne, 1);
	assert_int_equal(kb_test_pmp_oracle(e, ne, 54, 0x80000000), KB_PMP_DATA);
}

/* kb_pmp_payload_segs: a payload laid out as a linker does it. */
static void test_payload_segs(void **state)
{
	struct kb_payload_info pi;
	struct kb_pmp_seg s[8];
	struct kb_pmp_params p = qemu64;
	const uint64_t base = 0x80200000;
	size_t n;

	(void)state;
	memset(&pi, 0, sizeof(pi));
	pi.nseg = 3;
	pi.seg[0] = (struct kb_segment){ 0, 0x1232, 0, 0x1232, KB_PF_R | KB_PF_X };
	pi.seg[1] = (struct kb_segment){ 0x2000, 0x100, 0x2000, 0x100, KB_PF_R };
	pi.seg[2] = (struct kb_segment){ 0x3000, 0x1000, 0x3002, 0x2000, KB_PF_R | KB_PF_W };
	pi.relro_off = 0x3002;		/* RELRO at the data segment's start */
	pi.relro_size = 0x7fe;

	/* 4-byte granule: text rounded out to 0x1234, RELRO in to 0x3004 */
	assert_int_equal(kb_pmp_payload_segs(&pi, base, 0, s, 8, &n, &d), 0);
	assert_int_equal(n, 5);
	assert_int_equal(s[0].start, base);
	assert_int_equal(s[0].size, 0x1234);
	assert_int_equal(s[0].perm, KB_PMP_TEXT);
	assert_string_equal(s[1].name, "rodata");
	assert_int_equal(s[2].start, base + 0x3000);	/* data, the granule before RELRO */
	assert_int_equal(s[2].size, 4);
	assert_string_equal(s[3].name, "relro");
	assert_int_equal(s[3].start, base + 0x3004);
	assert_int_equal(s[3].size, 0x7fc);
	assert_int_equal(s[3].perm, KB_PMP_RODATA);
	assert_int_equal(s[4].start, base + 0x3800);
	assert_int_equal(s[4].size, 0x1804);
	assert_int_equal(kb_pmp_plan(s, n, &p, e, &ne, &d), 0);
	check_plan(s, n, &p);
	assert_int_equal(kb_test_pmp_oracle(e, ne, 54, base + 0x3004), KB_PMP_R);
	assert_int_equal(kb_test_pmp_oracle(e, ne, 54, base + 0x3000), KB_PMP_DATA);
	assert_int_equal(kb_test_pmp_oracle(e, ne, 54, base + 0x1233), KB_PMP_TEXT);

	/* 4 KiB granule: text rounds out to 0x2000 (meets rodata), RELRO
	 * (under a page) stays writable. */
	assert_int_equal(kb_pmp_payload_segs(&pi, base, 10, s, 8, &n, &d), 0);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].size, 0x2000);
	assert_int_equal(s[2].start, base + 0x3000);
	assert_int_equal(s[2].size, 0x3000);		/* 0x3002 + 0x2000, out */
	p.g = 10;
	assert_int_equal(kb_pmp_plan(s, n, &p, e, &ne, &d), 0);
	check_plan(s, n, &p);
	/* ... a text one page longer shares rodata's page: refused, named */
	pi.seg[0].memsz = 0x2010;
	assert_int_equal(kb_pmp_payload_segs(&pi, base, 10, s, 8, &n, &d), 0);
	assert_int_equal(kb_pmp_plan(s, n, &p, e, &ne, &d), KB_EOVERLAP);
	assert_string_equal(d.msg,
			    "pmp: segment 'rodata' (r--) at 0x80202000 overlaps 'text' (r-x), which ends at 0x80203000");
	pi.seg[0].memsz = 0x1232;

	/* W+X cannot be locked; too small an array; wrapping */
	pi.seg[2].flags = KB_PF_R | KB_PF_W | KB_PF_X;
	assert_int_equal(kb_pmp_payload_segs(&pi, base, 0, s, 8, &n, &d), KB_ENOTSUP);
	assert_string_equal(d.msg,
			    "pmp: payload segment 2 at 0x80203002 is writable and executable: it cannot be locked");
	pi.seg[2].flags = 0;	/* an Image's */
	assert_int_equal(kb_pmp_payload_segs(&pi, base, 0, s, 8, &n, &d), KB_ENOTSUP);
	assert_non_null(strstr(d.msg, "segment 2 has no permissions"));
	pi.seg[2].flags = KB_PF_R | KB_PF_W;
	assert_int_equal(kb_pmp_payload_segs(&pi, base, 0, s, 4, &n, &d), KB_ENOSPC);
	assert_int_equal(kb_pmp_payload_segs(&pi, KB_PHYS_MAX - 0x1000, 0, s, 8, &n, &d), KB_ERANGE);
	assert_string_equal(d.msg, "pmp: the payload's RELRO wraps past " KB_PHYS_TOP);
	pi.relro_size = 0;
	assert_int_equal(kb_pmp_payload_segs(&pi, KB_PHYS_MAX - 0x1000, 0, s, 8, &n, &d), KB_ERANGE);
	assert_string_equal(d.msg, "pmp: payload segment 0 at 0x0 + 0x1232 wraps past " KB_PHYS_TOP);
	/* Near the top: a segment whose rounded end would pass it, and one
	 * that ends a page below it. */
	pi.nseg = 1;
	pi.seg[0].memsz = 0x1000;
	assert_int_equal(kb_pmp_payload_segs(&pi, KB_PHYS_MAX - 0x1ffe, 10, s, 8, &n, &d), KB_ERANGE);
	assert_int_equal(kb_pmp_payload_segs(&pi, KB_PHYS_MAX - 0xfff, 0, s, 8, &n, &d), KB_ERANGE);
	assert_int_equal(kb_pmp_payload_segs(&pi, KB_PHYS_MAX - 0x1fff, 10, s, 8, &n, &d), 0);
	assert_int_equal(s[0].start, KB_PHYS_MAX - 0x1fff);
	assert_int_equal(s[0].size, 0x1000);
	pi.relro_off = 0;
	pi.relro_size = 0x10;
	assert_int_equal(kb_pmp_payload_segs(&pi, KB_PHYS_MAX - 0x8, 0, s, 8, &n, &d), KB_ERANGE);
	assert_string_equal(d.msg, "pmp: the payload's RELRO wraps past " KB_PHYS_TOP);
}

/* Boundaries by one word: a segment one word past the space, two
 * segments that share one word, two that both start at 0. */
static void test_one_word(void **state)
{
	struct kb_pmp_params small = { 16, 0, 22, KB_PMP_DATA };	/* 16 MiB */
	struct kb_pmp_seg s[2];

	(void)state;
	s[0] = (struct kb_pmp_seg){ 0xfff000, 0x1004, KB_PMP_TEXT, "over" };
	assert_int_equal(kb_pmp_plan(s, 1, &small, e, &ne, &d), KB_ERANGE);
	assert_string_equal(d.msg,
			    "pmp: segment 'over' [0xfff000, +0x1004) is outside the 0x1000000-byte physical space");
	check_ref(s, 1, &small, KB_ERANGE);
	s[0].size = 0x1000;
	assert_int_equal(kb_pmp_plan(s, 1, &small, e, &ne, &d), 0);

	s[0] = (struct kb_pmp_seg){ 0x80000000, 0x1000, KB_PMP_TEXT, "text" };
	s[1] = (struct kb_pmp_seg){ 0x80000ffc, 0x8, KB_PMP_RODATA, "ro" };
	assert_int_equal(kb_pmp_plan(s, 2, &qemu32, e, &ne, &d), KB_EOVERLAP);
	assert_string_equal(d.msg,
			    "pmp: segment 'ro' (r--) at 0x80000ffc overlaps 'text' (r-x), which ends at 0x80001000");
	check_ref(s, 2, &qemu32, KB_EOVERLAP);
	s[1].start = 0x80001000;	/* touching: fine */
	assert_int_equal(kb_pmp_plan(s, 2, &qemu32, e, &ne, &d), 0);
	check_ref(s, 2, &qemu32, 0);

	s[0] = (struct kb_pmp_seg){ 0, 0x1000, KB_PMP_TEXT, "text" };
	s[1] = (struct kb_pmp_seg){ 0, 0x8, KB_PMP_RODATA, "ro" };
	assert_int_equal(kb_pmp_plan(s, 2, &qemu32, e, &ne, &d), KB_EOVERLAP);
	check_ref(s, 2, &qemu32, KB_EOVERLAP);
	s[1].perm = KB_PMP_TEXT;	/* the same permissions: one range */
	assert_int_equal(kb_pmp_plan(s, 2, &qemu32, e, &ne, &d), 0);
	assert_int_equal(ne, 2);
	check_ref(s, 2, &qemu32, 0);
	check_plan(s, 2, &qemu32);
}

/* Ties between NAPOT and TOR, decided as the old planner did (the
 * entries, not only their count): a chain of NAPOT-able ranges from 0
 * before one that must be a TOR; NAPOT-able ranges after a TOR; a NAPOT
 * between two TORs; a whole-space range. */
static void test_ties(void **state)
{
	static const struct kb_pmp_seg cases[][4] = {
		{ { 0, 0x1000, KB_PMP_TEXT, "a" }, { 0x1000, 0x1000, KB_PMP_RODATA, "b" },
		  { 0x2000, 0x3000, KB_PMP_TEXT, "c" }, { 0x5000, 0x1000, KB_PMP_RODATA, "d" } },
		{ { 0x80001000, 0x1000, KB_PMP_TEXT, "a" }, { 0x80002000, 0x3000, KB_PMP_RODATA, "b" },
		  { 0x80005000, 0x1000, KB_PMP_TEXT, "c" }, { 0x80006000, 0x2000, KB_PMP_RODATA, "d" } },
		{ { 0x80000000, 0x3000, KB_PMP_TEXT, "a" }, { 0x80003000, 0x1000, KB_PMP_RODATA, "b" },
		  { 0x80004000, 0x4000, KB_PMP_TEXT, "c" }, { 0x80010000, 0x1000, KB_PMP_RODATA, "d" } },
		{ { 0x80000000, 0x1000, KB_PMP_TEXT, "a" }, { 0x80001000, 0x3000, KB_PMP_RODATA, "b" },
		  { 0x80004000, 0x4000, KB_PMP_TEXT, "c" }, { 0x80008000, 0x1000, KB_PMP_RODATA, "d" } },
	};
	struct kb_pmp_params p = qemu32;

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (int bgi = 0; bgi < 2; bgi++) {
			p.background = bgi ? KB_PMP_NO_BACKGROUND : KB_PMP_DATA;
			assert_int_equal(kb_pmp_plan(cases[c], 4, &p, e, &ne, &d), 0);
			check_ref(cases[c], 4, &p, 0);
			check_plan(cases[c], 4, &p);
		}
	}
	/* The first case from 0: TOR, TOR, TOR, NAPOT (no OFF: the bottom
	 * of entry 0 is 0), then the catch-all. */
	p.background = KB_PMP_DATA;
	assert_int_equal(kb_pmp_plan(cases[0], 4, &p, e, &ne, &d), 0);
	assert_int_equal(ne, 5);
	assert_int_equal(e[0].cfg & KB_PMP_A_MASK, KB_PMP_A_TOR);
	assert_int_equal(e[3].cfg & KB_PMP_A_MASK, KB_PMP_A_NAPOT);
	/* The whole space as one range is one NAPOT entry, as the
	 * catch-all. */
	struct kb_pmp_params tiny = { 4, 0, 10, KB_PMP_NO_BACKGROUND };
	struct kb_pmp_seg all = { 0, 0x1000, KB_PMP_TEXT, "all" };

	assert_int_equal(kb_pmp_plan(&all, 1, &tiny, e, &ne, &d), 0);
	assert_int_equal(ne, 1);
	assert_int_equal(e[0].cfg, KB_PMP_L | KB_PMP_A_NAPOT | KB_PMP_TEXT);
	assert_int_equal(e[0].addr, 0x1ff);
	check_ref(&all, 1, &tiny, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_napot_exact),
		cmocka_unit_test(test_tor_shared),
		cmocka_unit_test(test_rv32_top),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_zero_and_background),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_one_word),
		cmocka_unit_test(test_payload_segs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
