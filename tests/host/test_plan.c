// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests for loader/lib/plan.c, the placement planner.
 *
 *  - unit tests: free-map construction (merge, sort, every reservation kind,
 *    avoid spans, floor/ceiling, table capacity), the slot predicate at its
 *    edges (exact fit, the top of the 32- and 64-bit spaces, offsets that
 *    would wrap, align 1 and 2^63, zero / one / 2^64 - 1 / 2^64 slots), the
 *    exact diagnostics, kb_plan_fixed, kb_log2_centi, kb_freemap_print;
 *  - dtc-compiled fixtures through kb_memmap_from_fdt -> free map -> slots,
 *    checked against hand-computed values and a brute force;
 *  - property tests: thousands of random maps (deterministic splitmix64,
 *    fixed seed) against an independent bitmap brute force, at 0, around
 *    4 GiB and at the very top of the 64-bit space;
 *  - uniformity: chi-square over draws of kaslrboot's own CTR_DRBG
 *    (kb_drbg_uniform), deterministically seeded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/crypto.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/memmap.h>
#include <kaslrboot/plan.h>

typedef unsigned __int128 u128;

#define KiB		UINT64_C(0x400)
#define MiB		UINT64_C(0x100000)
#define GiB		UINT64_C(0x40000000)
#define TOP		((uint64_t)KB_PHYS_MAX)	/* the last address */

#if KB_PHYS_BITS < 64
/* Built a second time with 32-bit addresses (test_plan_phys32,
 * tests/tests.mk): the cases written for 2^64 and memory above 4 GiB are
 * left out of the list in main() there; test_property, test_uniformity,
 * test_print and test_phys32_edges run at that width. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Woverflow"
#endif

#define BLOB_MAX	(64 * 1024)
#define NMEM		16
#define NRESV		16
#define NSPAN		32

static uint64_t blob_store[BLOB_MAX / 8];
static void *const blob = blob_store;

static struct kb_region mem[NMEM], resv[NRESV];
static struct kb_memmap map;
static struct kb_span spans[NSPAN];
static struct kb_freemap fm;
static struct kb_diag diag;

static int setup(void **state)
{
	(void)state;
	memset(mem, 0xa5, sizeof(mem));
	memset(resv, 0xa5, sizeof(resv));
	memset(spans, 0xa5, sizeof(spans));
	memset(&diag, 0, sizeof(diag));
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	kb_freemap_init(&fm, spans, NSPAN);
	return 0;
}

static void add_mem(uint64_t base, uint64_t size, const char *name)
{
	assert_int_equal(kb_memmap_add_mem(&map, base, size, name, &diag), KB_OK);
}

/* A hand-made memory range, appended as it is: for the whole-space edge
 * cases the planner must survive, which kb_memmap_add_mem refuses to
 * build (a merged range of 2^64 bytes has no size). */
static void put_mem(uint64_t base, uint64_t size, const char *name)
{
	struct kb_region *r = &mem[map.nmem++];

	memset(r, 0, sizeof(*r));
	r->base = base;
	r->size = size;
	r->kind = KB_REGION_MEMORY;
	snprintf(r->name, sizeof(r->name), "%s", name);
}

static void add_resv(uint64_t base, uint64_t size, enum kb_region_kind kind,
		     const char *name)
{
	assert_int_equal(kb_memmap_add_resv(&map, base, size, kind, 0, name,
					    &diag), KB_OK);
}

static void build_ok(const struct kb_span *avoid, unsigned int navoid,
		     uint64_t floor, uint64_t ceiling)
{
	int r = kb_freemap_build(&fm, &map, avoid, navoid, floor, ceiling, &diag);

	if (r != KB_OK)
		fail_msg("kb_freemap_build: %d %s", r, diag.msg);
}

static void check_diag(const char *want)
{
	if (strcmp(diag.msg, want) != 0)
		fail_msg("diag \"%s\", want \"%s\"", diag.msg, want);
}

/* Sorted, disjoint, non-adjacent, first <= last. */
static void check_sane(const struct kb_freemap *f)
{
	unsigned int i;

	assert_true(f->n <= f->cap);
	for (i = 0; i < f->n; i++) {
		assert_true(f->span[i].first <= f->span[i].last);
		if (i > 0)	/* a gap of at least one address */
			assert_true(f->span[i - 1].last < f->span[i].first &&
				    f->span[i].first - f->span[i - 1].last >= 2);
	}
}

static void check_spans(const struct kb_span *want, unsigned int n)
{
	unsigned int i;

	check_sane(&fm);
	if (fm.n != n) {
		for (i = 0; i < fm.n; i++)
			print_message("  span %u [0x%" PRIxPHYS ", 0x%" PRIxPHYS "]\n",
				      i, fm.span[i].first, fm.span[i].last);
		fail_msg("%u spans, want %u", fm.n, n);
	}
	for (i = 0; i < n; i++)
		if (fm.span[i].first != want[i].first || fm.span[i].last != want[i].last)
			fail_msg("span %u [0x%" PRIxPHYS ", 0x%" PRIxPHYS "], want [0x%"
				 PRIxPHYS ", 0x%" PRIxPHYS "]", i, fm.span[i].first,
				 fm.span[i].last, want[i].first, want[i].last);
}

static uint64_t count_of(const struct kb_slot_req *r)
{
	uint64_t c = 0xdeadbeef;
	int e = kb_slots_count(&fm, r, &c, &diag);

	if (e != KB_OK)
		fail_msg("kb_slots_count: %d %s", e, diag.msg);
	return c;
}

static uint64_t base_of(const struct kb_slot_req *r, uint64_t index)
{
	kb_phys_t b = 0xdeadbeef;
	int e = kb_slots_base(&fm, r, index, &b, &diag);

	if (e != KB_OK)
		fail_msg("kb_slots_base(%" PRIu64 "): %d %s", index, e, diag.msg);
	return b;
}

/* ------------------------------------------------------------------ */
/* Reference predicate (independent of plan.c): interval walk, 128-bit
 * arithmetic. */

struct ref {
	const struct kb_memmap *m;
	const struct kb_span *avoid;
	unsigned int navoid;
	uint64_t floor, ceiling;
};

static bool ref_window_free(const struct ref *rf, uint64_t s, uint64_t e)
{
	u128 pos = s;
	unsigned int i;

	if (s < rf->floor || e > rf->ceiling)
		return false;
	/* covered by the union of memory ranges */
	for (;;) {
		u128 best = 0;
		bool found = false;

		for (i = 0; i < rf->m->nmem; i++) {
			const struct kb_region *r = &rf->m->mem[i];
			u128 last = (u128)r->base + r->size - 1;

			if (r->size && r->base <= pos && last >= pos &&
			    (!found || last > best)) {
				best = last;
				found = true;
			}
		}
		if (!found)
			return false;
		if (best >= e)
			break;
		pos = best + 1;
	}
	for (i = 0; i < rf->m->nresv; i++) {
		const struct kb_region *r = &rf->m->resv[i];
		u128 last = (u128)r->base + r->size - 1;

		if (r->size && r->base <= e && last >= s)
			return false;
	}
	for (i = 0; i < rf->navoid; i++)
		if (rf->avoid[i].first <= e && rf->avoid[i].last >= s)
			return false;
	return true;
}

static bool ref_is_slot(const struct ref *rf, const struct kb_slot_req *r,
			uint64_t b)
{
	u128 s = (u128)b + r->offset, e;

	if (b % r->align)
		return false;
	e = s + r->size - 1;
	if (e > TOP)
		return false;
	return ref_window_free(rf, (uint64_t)s, (uint64_t)e);
}

static uint64_t cand[1 << 20];

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every slot by brute force over the aligned bases whose start lies in a
 * memory range (sorted, unique) -> cand[0..n), returns n. */
static size_t ref_slots(const struct ref *rf, const struct kb_slot_req *r)
{
	size_t n = 0, i, k = 0;
	unsigned int j;

	for (j = 0; j < rf->m->nmem; j++) {
		const struct kb_region *m = &rf->m->mem[j];
		u128 lo = m->base >= r->offset ? m->base - r->offset : 0;
		u128 hi_s = (u128)m->base + m->size - 1, b;

		if (m->size == 0 || hi_s < r->offset)
			continue;
		for (b = (lo + r->align - 1) / r->align * r->align;
		     b <= hi_s - r->offset; b += r->align) {
			assert_true(n < sizeof(cand) / sizeof(cand[0]));
			cand[n++] = (uint64_t)b;
		}
	}
	qsort(cand, n, sizeof(cand[0]), cmp_u64);
	for (i = 0; i < n; i++)
		if ((i == 0 || cand[i] != cand[i - 1]) && ref_is_slot(rf, r, cand[i]))
			cand[k++] = cand[i];
	return k;
}

/* count, every index (or a sample), validity of each slot and its
 * neighbours: all against ref_slots(). */
static void check_against_ref(const struct ref *rf, const struct kb_slot_req *r)
{
	size_t n = ref_slots(rf, r), i, step;

	assert_int_equal(count_of(r), n);
	step = n > 4096 ? n / 1024 : 1;
	for (i = 0; i < n; i += step) {
		uint64_t b = base_of(r, i);

		assert_int_equal(b, cand[i]);
		assert_true(kb_slot_valid(&fm, r, b));
		if (b >= 1 && r->align > 1)
			assert_false(kb_slot_valid(&fm, r, b - 1));
		if (i + 1 < n)
			assert_true(base_of(r, i + 1) > b);
	}
	if (n) {
		assert_int_equal(base_of(r, n - 1), cand[n - 1]);
		assert_int_equal(kb_slots_base(&fm, r, n, &(kb_phys_t){ 0 }, &diag),
				 KB_ERANGE);
	}
}

/* ------------------------------------------------------------------ */
/* kb_slot_req_check */

static void test_req_check(void **state)
{
	struct kb_slot_req r = { .size = 1, .align = 1 };

	(void)state;
	assert_int_equal(kb_slot_req_check(&r, &diag), KB_OK);
	r.align = UINT64_C(1) << 63;
	assert_int_equal(kb_slot_req_check(&r, &diag), KB_OK);
	r.size = TOP;
	r.offset = TOP;
	assert_int_equal(kb_slot_req_check(&r, &diag), KB_OK);

	r = (struct kb_slot_req){ .size = 0, .align = 1 };
	assert_int_equal(kb_slot_req_check(&r, &diag), KB_EINVAL);
	check_diag("plan: image size is 0");
	r = (struct kb_slot_req){ .size = 1, .align = 0 };
	assert_int_equal(kb_slot_req_check(&r, &diag), KB_EINVAL);
	check_diag("plan: alignment 0x0 is not a power of two");
	r.align = 3;
	assert_int_equal(kb_slot_req_check(&r, &diag), KB_EINVAL);
	check_diag("plan: alignment 0x3 is not a power of two");
	r.align = (UINT64_C(1) << 63) | 1;
	assert_int_equal(kb_slot_req_check(&r, NULL), KB_EINVAL);
	assert_int_equal(kb_slot_req_check(NULL, &diag), KB_EINVAL);
	check_diag("plan: no request");

	/* every entry point refuses a bad request */
	add_mem(0x1000, 0x1000, "m");
	build_ok(NULL, 0, 0, TOP);
	r = (struct kb_slot_req){ .size = 0x10, .align = 6 };
	assert_int_equal(kb_slots_count(&fm, &r, &(uint64_t){ 0 }, &diag), KB_EINVAL);
	assert_int_equal(kb_slots_base(&fm, &r, 0, &(kb_phys_t){ 0 }, &diag), KB_EINVAL);
	assert_false(kb_slot_valid(&fm, &r, 0x1000));
	assert_int_equal(kb_plan_fixed(&fm, &r, 0x1000, &(struct kb_plan){ 0 }, &diag),
			 KB_EINVAL);
	check_diag("plan: alignment 0x6 is not a power of two");
	{
		kb_phys_t fb = 1;
		uint64_t n = 1;

		kb_span_slots(&fm.span[0], &r, &fb, &n);
		assert_int_equal(n, 0);
		kb_span_slots(&fm.span[0], NULL, &fb, &n);
		assert_int_equal(n, 0);
	}
}

/* ------------------------------------------------------------------ */
/* kb_freemap_build */

static void test_build_merge_sort(void **state)
{
	static const struct kb_span want[] = {
		{ 0x1000, 0x27ff }, { 0x3000, 0x3fff }, { 0x5000, 0x8fff },
	};
	struct kb_region copy[NMEM];

	(void)state;
	add_mem(0x3000, 0x1000, "c");
	add_mem(0x2000, 0x800, "b adjacent to a");
	add_mem(0x1000, 0x1000, "a");
	add_mem(0x2400, 0x100, "inside b");
	add_mem(0x6000, 0x1000, "e");
	add_mem(0x5000, 0x4000, "d contains e");
	add_mem(0x3000, 0x1000, "c again");
	add_mem(0x7000, 0, "empty");	/* no-op */
	memcpy(copy, mem, sizeof(copy));
	build_ok(NULL, 0, 0, TOP);
	check_spans(want, 3);
	/* the caller's memory table is left as it was */
	assert_memory_equal(copy, mem, sizeof(copy));

	/* merging needs one entry per final span only */
	kb_freemap_init(&fm, spans, 3);
	build_ok(NULL, 0, 0, TOP);
	check_spans(want, 3);

	/* a range adjacent on both sides bridges two spans */
	add_mem(0x2800, 0x800, "bridge");
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){ { 0x1000, 0x3fff }, { 0x5000, 0x8fff } }, 2);
}

static void test_build_subtract(void **state)
{
	static const struct kb_span want[] = {
		{ 0x10000, 0x10fff },	/* below the memreserve */
		{ 0x12000, 0x12fff },	/* between memreserve and reserved-memory */
		{ 0x16000, 0x17fff },	/* after the initrd */
		{ 0x19000, 0x197ff },	/* dtb + stack + other chop the rest */
		{ 0x1a000, 0x1dfff },
		{ 0x1f000, 0x1ffff },	/* after the avoid span */
	};
	struct kb_span avoid[] = { { 0x1e000, 0x1efff }, { 0x1a800, 0x1a8ff }, };

	(void)state;
	add_mem(0x10000, 0x10000, "m");
	add_resv(0x11000, 0x1000, KB_REGION_MEMRESERVE, "mr");
	assert_int_equal(kb_memmap_add_resv(&map, 0x13000, 0x1000,
					    KB_REGION_RESERVED_MEMORY,
					    KB_REGION_NOMAP, "rm", &diag), KB_OK);
	add_resv(0x14000, 0x2000, KB_REGION_INITRD, "initrd");
	add_resv(0x13800, 0x1000, KB_REGION_LOADER, "loader overlaps");
	add_resv(0x18000, 0x800, KB_REGION_DTB, "dtb");
	add_resv(0x18800, 0x800, KB_REGION_STACK, "stack");
	add_resv(0x19800, 0x800, KB_REGION_OTHER, "other");
	add_resv(0x0, 0x8000, KB_REGION_OTHER, "outside memory");
	add_resv(0x30000, 0x8000, KB_REGION_OTHER, "outside memory");
	build_ok(avoid, 1, 0, TOP);
	check_spans(want, 6);

	/* an avoid span inside a span splits it */
	build_ok(avoid, 2, 0, TOP);
	check_spans((const struct kb_span[]){
		{ 0x10000, 0x10fff }, { 0x12000, 0x12fff }, { 0x16000, 0x17fff },
		{ 0x19000, 0x197ff }, { 0x1a000, 0x1a7ff }, { 0x1a900, 0x1dfff },
		{ 0x1f000, 0x1ffff } }, 7);

	/* a reservation covering everything leaves nothing */
	add_resv(0x10000, 0x10000, KB_REGION_OTHER, "all");
	build_ok(avoid, 2, 0, TOP);
	assert_int_equal(fm.n, 0);
}

static void test_build_floor_ceiling(void **state)
{
	(void)state;
	add_mem(0x10000, 0x10000, "a");
	add_mem(0x30000, 0x10000, "b");
	add_resv(0x18000, 0x1000, KB_REGION_OTHER, "r");

	build_ok(NULL, 0, 0x12345, 0x34567);
	check_spans((const struct kb_span[]){
		{ 0x12345, 0x17fff }, { 0x19000, 0x1ffff }, { 0x30000, 0x34567 } }, 3);
	/* floor == ceiling: one byte */
	build_ok(NULL, 0, 0x30000, 0x30000);
	check_spans((const struct kb_span[]){ { 0x30000, 0x30000 } }, 1);
	/* a window excluding all memory */
	build_ok(NULL, 0, 0x20000, 0x2ffff);
	assert_int_equal(fm.n, 0);
	/* 32-bit ceiling */
	add_mem(UINT64_C(0xfff00000), UINT64_C(0x200000), "across 4 GiB");
	build_ok(NULL, 0, 0, 0xffffffff);
	check_spans((const struct kb_span[]){
		{ 0x10000, 0x17fff }, { 0x19000, 0x1ffff }, { 0x30000, 0x3ffff },
		{ 0xfff00000, 0xffffffff } }, 4);

	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0x2000, 0x1000, &diag),
			 KB_EINVAL);
	check_diag("plan: floor 0x2000 is above ceiling 0x1000");
	assert_int_equal(fm.n, 0);
}

static void test_build_top_of_64(void **state)
{
	(void)state;
	/* memory ending exactly at 2^64 (accepted by memmap since its last
	 * byte is representable) */
	add_mem(UINT64_C(0xfffffffff0000000), UINT64_C(0x10000000), "top");
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){ { UINT64_C(0xfffffffff0000000), TOP } }, 1);

	/* a reservation of the very last byte */
	add_resv(TOP, 1, KB_REGION_OTHER, "last byte");
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){
		{ UINT64_C(0xfffffffff0000000), TOP - 1 } }, 1);
	/* an avoid span of the very last byte, and one of the very first */
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	put_mem(0, TOP, "all but the last byte");
	put_mem(TOP, 1, "the last byte");
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){ { 0, TOP } }, 1);
	build_ok((const struct kb_span[]){ { TOP, TOP }, { 0, 0 } }, 2, 0, TOP);
	check_spans((const struct kb_span[]){ { 1, TOP - 1 } }, 1);
	build_ok((const struct kb_span[]){ { 0, TOP } }, 1, 0, TOP);
	assert_int_equal(fm.n, 0);
	/* a reservation ending at 2^64 */
	add_resv(UINT64_C(0x8000000000000000), UINT64_C(0x8000000000000000),
		 KB_REGION_OTHER, "upper half");
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){ { 0, UINT64_C(0x7fffffffffffffff) } }, 1);
}

static void test_build_errors(void **state)
{
	(void)state;
	add_mem(0x1000, 0x1000, "m");
	assert_int_equal(kb_freemap_build(NULL, &map, NULL, 0, 0, TOP, &diag), KB_EINVAL);
	check_diag("plan: no free map or no memory map");
	assert_int_equal(kb_freemap_build(&fm, NULL, NULL, 0, 0, TOP, &diag), KB_EINVAL);
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 1, 0, TOP, &diag), KB_EINVAL);
	check_diag("plan: table missing");

	build_ok(NULL, 0, 0, TOP);
	assert_int_equal(fm.n, 1);
	assert_int_equal(kb_freemap_build(&fm, &map,
					  (const struct kb_span[]){ { 0, 1 }, { 0x20, 0x10 } },
					  2, 0, TOP, &diag), KB_EINVAL);
	check_diag("plan: avoid span 1 [0x20, 0x10] ends before it starts");
	/* on error the map is empty */
	assert_int_equal(fm.n, 0);

	/* hand-made regions that wrap: refused, never guessed at */
	mem[1] = mem[0];
	mem[1].base = UINT64_C(0xfffffffffffffff0);
	mem[1].size = 0x11;
	strcpy(mem[1].name, "wrapping");
	map.nmem = 2;
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0, TOP, &diag), KB_ERANGE);
	check_diag("plan: memory wrapping 0xfffffffffffffff0+0x11 wraps past 2^64");
	map.nmem = 1;
	add_resv(0x1800, 0x10, KB_REGION_OTHER, "r");
	resv[0].base = TOP;
	resv[0].size = 2;
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0, TOP, &diag), KB_ERANGE);
	check_diag("plan: reservation r 0xffffffffffffffff+0x2 wraps past 2^64");
	assert_int_equal(fm.n, 0);
}

static void test_build_table_full(void **state)
{
	(void)state;
	/* one memory range split in two by a reservation: needs two */
	add_mem(0x1000, 0x3000, "a");
	add_resv(0x2000, 0x1000, KB_REGION_DTB, "dtb");
	kb_freemap_init(&fm, spans, 1);
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0, TOP, &diag), KB_ENOSPC);
	check_diag("plan: free-map table full (1 spans), cannot add free span [0x3000, 0x3fff] of memory a");
	assert_int_equal(fm.n, 0);
	/* nothing written past the capacity */
	assert_int_equal(spans[1].first, UINT64_C(0xa5a5a5a5a5a5a5a5));
	kb_freemap_init(&fm, spans, 2);
	build_ok(NULL, 0, 0, TOP);
	assert_int_equal(fm.n, 2);

	/* two disjoint ranges */
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	add_mem(0x3000, 0x1000, "b");
	add_mem(0x1000, 0x1000, "a");
	kb_freemap_init(&fm, spans, 1);
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0, TOP, &diag), KB_ENOSPC);
	check_diag("plan: free-map table full (1 spans), cannot add free span [0x3000, 0x3fff] of memory b");
	/* the capacity is what the result needs, whatever the input order:
	 * disjoint ranges later bridged */
	add_mem(0x2000, 0x1000, "bridge");
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){ { 0x1000, 0x3fff } }, 1);

	/* (the memory map itself merged the three: one range named after
	 * its lowest piece) */
	assert_int_equal(map.nmem, 1);
	/* NULL table: no room at all */
	kb_freemap_init(&fm, NULL, 8);
	assert_int_equal(fm.cap, 0);
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0, TOP, &diag), KB_ENOSPC);
	check_diag("plan: free-map table full (0 spans), cannot add free span [0x1000, 0x3fff] of memory a");
	/* ... which is fine when nothing is free */
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0x5000, TOP, &diag), KB_OK);
	assert_int_equal(fm.n, 0);
}

/* ------------------------------------------------------------------ */
/* the slot predicate */

static void span_slots(uint64_t first, uint64_t last, uint64_t size,
		       uint64_t align, uint64_t offset, uint64_t want_base,
		       uint64_t want_n)
{
	struct kb_span s = { first, last };
	struct kb_slot_req r = { size, align, offset };
	kb_phys_t b = 1;
	uint64_t n = 1;

	kb_span_slots(&s, &r, &b, &n);
	if (n != want_n || (n && b != want_base))
		fail_msg("[0x%" PRIx64 ", 0x%" PRIx64 "] size 0x%" PRIx64 " align 0x%"
			 PRIx64 " offset 0x%" PRIx64 ": %" PRIu64 " slots from 0x%" PRIx64
			 ", want %" PRIu64 " from 0x%" PRIx64, first, last, size,
			 align, offset, n, b, want_n, want_base);
}

static void test_span_slots_edges(void **state)
{
	const uint64_t a63 = UINT64_C(1) << 63;

	(void)state;
	/* a span exactly the image size: one slot if aligned, else none */
	span_slots(0x200000, 0x3fffff, 0x200000, 0x200000, 0, 0x200000, 1);
	span_slots(0x200001, 0x400000, 0x200000, 0x200000, 0, 0, 0);
	span_slots(0x200001, 0x400000, 0x200000, 1, 0, 0x200001, 1);
	/* one byte too small */
	span_slots(0x200000, 0x3ffffe, 0x200000, 0x200000, 0, 0, 0);
	/* align 1: every address */
	span_slots(10, 19, 3, 1, 0, 10, 8);
	span_slots(10, 10, 1, 1, 0, 10, 1);
	/* the top of the 32-bit space: 1024 2 MiB slots, the last at 0xffe00000 */
	span_slots(0x80000000, 0xffffffff, 2 * MiB, 2 * MiB, 0, 0x80000000, 1024);
	span_slots(0x80000000, 0xffffffff, 2 * MiB + 1, 2 * MiB, 0, 0x80000000, 1023);
	/* the top of the 64-bit space */
	span_slots(UINT64_C(0xffffffffffe00000), TOP, 2 * MiB, 2 * MiB, 0,
		   UINT64_C(0xffffffffffe00000), 1);
	span_slots(TOP, TOP, 1, 1, 0, TOP, 1);
	span_slots(TOP - 0xfff, TOP, 0x1000, 0x1000, 0, TOP - 0xfff, 1);
	span_slots(TOP - 0xfff, TOP, 0x1001, 1, 0, 0, 0);
	/* rounding the lowest base up would pass 2^64 */
	span_slots(TOP - 10, TOP, 1, a63, 0, 0, 0);
	span_slots(TOP - 10, TOP, 1, 16, 0, 0, 0);
	span_slots(TOP - 15, TOP, 1, 16, 0, TOP - 15, 1);
	/* huge align: 2^63 */
	span_slots(0, TOP, 1, a63, 0, 0, 2);
	span_slots(0, TOP, a63, a63, 0, 0, 2);
	span_slots(0, TOP, a63 + 1, a63, 0, 0, 1);
	span_slots(1, TOP, 1, a63, 0, a63, 1);
	span_slots(0, a63 - 1, a63 + 1, a63, 0, 0, 0);
	/* offsets */
	span_slots(0x1000, 0x1fff, 0x10, 0x1000, 0x10, 0x1000, 1);
	span_slots(0x1000, 0x1fff, 0xff0, 0x1000, 0x10, 0x1000, 1);
	span_slots(0x1000, 0x1fff, 0xff1, 0x1000, 0x10, 0, 0);
	span_slots(0x10, 0x10ff, 0x10, 0x1000, 0x20, 0, 2);	/* offset past first */
	span_slots(0x1000, 0x1fff, 1, 1, 0x2000, 0, 0);		/* start below offset */
	/* image + offset that would wrap */
	span_slots(0x1000, 0x1fff, 1, 1, TOP, 0, 0);
	span_slots(TOP, TOP, 1, 1, TOP, 0, 1);			/* base 0, start 2^64 - 1 */
	span_slots(TOP, TOP, 2, 1, TOP - 1, 0, 0);
	span_slots(TOP - 1, TOP, 2, 1, TOP - 1, 0, 1);
	span_slots(0, TOP, TOP, 1, 1, 0, 1);			/* [1, 2^64 - 1] */
	span_slots(0, TOP, TOP, 2, 1, 0, 1);
	span_slots(0, TOP, TOP, 1, 2, 0, 0);
	span_slots(0, TOP, 1, 1, TOP, 0, 1);
	span_slots(0, TOP, 2, 1, TOP, 0, 0);
	/* 2^64 - 1 slots in one span; 2^64 saturates */
	span_slots(0, TOP, 2, 1, 0, 0, TOP);
	span_slots(0, TOP, 1, 1, 0, 0, TOP);
	/* not a span */
	span_slots(0x2000, 0x1000, 1, 1, 0, 0, 0);
}

static void test_count_and_base(void **state)
{
	struct kb_slot_req r = { .size = 0x1000, .align = 0x1000 };

	(void)state;
	add_mem(0x10000, 0x4000, "a");		/* 4 slots */
	add_mem(0x20800, 0x2800, "b");		/* 0x21000, 0x22000: 2 */
	add_mem(0x30000, 0xfff, "c");		/* none */
	add_mem(0x40000, 0x1000, "d");		/* exactly one */
	build_ok(NULL, 0, 0, TOP);
	assert_int_equal(count_of(&r), 7);
	assert_int_equal(base_of(&r, 0), 0x10000);
	assert_int_equal(base_of(&r, 3), 0x13000);
	assert_int_equal(base_of(&r, 4), 0x21000);
	assert_int_equal(base_of(&r, 5), 0x22000);
	assert_int_equal(base_of(&r, 6), 0x40000);
	assert_int_equal(kb_slots_base(&fm, &r, 7, &(kb_phys_t){ 0 }, &diag), KB_ERANGE);
	check_diag("plan: slot index 7 out of range (7 slots)");
	assert_int_equal(kb_slots_base(&fm, &r, TOP, &(kb_phys_t){ 0 }, &diag), KB_ERANGE);
	check_diag("plan: slot index 18446744073709551615 out of range (7 slots)");

	assert_true(kb_slot_valid(&fm, &r, 0x13000));
	assert_false(kb_slot_valid(&fm, &r, 0x14000));
	assert_false(kb_slot_valid(&fm, &r, 0x13800));		/* misaligned */
	assert_false(kb_slot_valid(&fm, &r, 0x20000));
	assert_false(kb_slot_valid(&fm, &r, 0x30000));
	assert_true(kb_slot_valid(&fm, &r, 0x40000));
	assert_false(kb_slot_valid(&fm, &r, TOP & ~UINT64_C(0xfff)));
	assert_false(kb_slot_valid(NULL, &r, 0x40000));

	/* one slot in all */
	r.size = 0x3000;
	assert_int_equal(count_of(&r), 2);
	r.size = 0x4000;
	assert_int_equal(count_of(&r), 1);
	assert_int_equal(base_of(&r, 0), 0x10000);
	r.size = 0x4001;
	assert_int_equal(count_of(&r), 0);
	assert_int_equal(kb_slots_base(&fm, &r, 0, &(kb_phys_t){ 0 }, &diag), KB_ERANGE);
	check_diag("plan: slot index 0 out of range (0 slots)");

	/* an empty free map */
	kb_freemap_init(&fm, spans, NSPAN);
	assert_int_equal(count_of(&r), 0);
	assert_false(kb_slot_valid(&fm, &r, 0x10000));
	assert_int_equal(kb_slots_count(NULL, &r, &(uint64_t){ 0 }, &diag), KB_EINVAL);
	check_diag("plan: no free map");
}

static void test_count_overflow(void **state)
{
	struct kb_slot_req r = { .size = 1, .align = 1 };
	uint64_t c = 7;

	(void)state;
	/* the whole 64-bit space, 1-byte image, align 1: 2^64 slots */
	put_mem(0, TOP, "all but the last byte");
	put_mem(TOP, 1, "the last byte");
	build_ok(NULL, 0, 0, TOP);
	assert_int_equal(kb_slots_count(&fm, &r, &c, &diag), KB_ERANGE);
	check_diag("plan: over 2^64 - 1 slots (1 B-aligned windows of 1 B)");
	assert_int_equal(c, 7);
	assert_int_equal(kb_plan_random(&fm, &r, NULL, NULL, &(struct kb_plan){ 0 }, &diag),
			 KB_EINVAL);
	assert_int_equal(kb_plan_fixed(&fm, &r, 0, &(struct kb_plan){ 0 }, &diag),
			 KB_ERANGE);
	/* ... yet every base maps and is valid */
	assert_int_equal(base_of(&r, TOP), TOP);
	assert_true(kb_slot_valid(&fm, &r, TOP));
	assert_true(kb_slot_valid(&fm, &r, 0));

	/* exactly 2^64 - 1 slots fit: 2-byte image */
	r.size = 2;
	assert_int_equal(count_of(&r), TOP);
	assert_int_equal(base_of(&r, TOP - 1), TOP - 1);
	assert_int_equal(kb_slots_base(&fm, &r, TOP, &(kb_phys_t){ 0 }, &diag), KB_ERANGE);
	/* or one address missing, over two spans */
	r.size = 1;
	build_ok((const struct kb_span[]){ { UINT64_C(1) << 63, UINT64_C(1) << 63 } }, 1, 0, TOP);
	assert_int_equal(fm.n, 2);
	assert_int_equal(count_of(&r), TOP);
	assert_int_equal(base_of(&r, (UINT64_C(1) << 63) - 1), (UINT64_C(1) << 63) - 1);
	assert_int_equal(base_of(&r, UINT64_C(1) << 63), (UINT64_C(1) << 63) + 1);
	assert_int_equal(base_of(&r, TOP - 1), TOP);
	assert_false(kb_slot_valid(&fm, &r, UINT64_C(1) << 63));
	/* or offset 1 (base 2^64 - 1 would start at 2^64) */
	build_ok(NULL, 0, 0, TOP);
	r.offset = 1;
	assert_int_equal(count_of(&r), TOP);
	assert_false(kb_slot_valid(&fm, &r, TOP));
	assert_true(kb_slot_valid(&fm, &r, TOP - 1));
}

/* ------------------------------------------------------------------ */
/* choice */

struct fixed_uniform {
	uint64_t index;
	int ret;
	uint64_t bound;
	unsigned int calls;
};

static int fixed_uniform(void *ctx, uint64_t bound, uint64_t *out)
{
	struct fixed_uniform *u = ctx;

	u->calls++;
	u->bound = bound;
	if (u->ret)
		return u->ret;
	*out = u->index;
	return 0;
}

static void test_plan_random(void **state)
{
	struct kb_slot_req r = { .size = 24 * MiB, .align = 2 * MiB };
	struct fixed_uniform u = { 0 };
	struct kb_plan p;

	(void)state;
	add_mem(0x80000000, 64 * MiB, "a");		/* 21 slots */
	add_mem(0x90000000, 24 * MiB, "b");		/* 1 */
	build_ok(NULL, 0, 0, TOP);
	u.index = 21;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_OK);
	assert_int_equal(u.bound, 22);
	assert_int_equal(p.base, 0x90000000);
	assert_int_equal(p.start, 0x90000000);
	assert_int_equal(p.index, 21);
	assert_int_equal(p.count, 22);
	/* base stays aligned, start moves: b no longer fits, a has 20 */
	u.index = 20;
	r.offset = 0x1000;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_ERANGE);
	check_diag("plan: uniform() returned 20, not below 20");
	u.index = 19;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_OK);
	assert_int_equal(p.count, 20);
	assert_int_equal(p.index, 19);
	assert_int_equal(p.base, 0x80000000 + 19 * 2 * MiB);
	assert_int_equal(p.start, 0x80000000 + 19 * 2 * MiB + 0x1000);
	r.offset = 0;

	/* a draw outside [0, count) is refused */
	u.index = 22;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_ERANGE);
	check_diag("plan: uniform() returned 22, not below 22");
	/* the callback's error is passed on, its diag left alone */
	u.ret = KB_EIO;
	strcpy(diag.msg, "rng: broken");
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_EIO);
	check_diag("rng: broken");
	u.ret = 1;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_EFAIL);
	check_diag("plan: uniform() failed (1)");
	u.ret = 0;

	/* zero slots: never calls uniform() */
	u.calls = 0;
	r.size = 65 * MiB;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_ENOSPC);
	assert_int_equal(u.calls, 0);
	r = (struct kb_slot_req){ .size = 24 * MiB, .align = 2 * MiB };
	kb_freemap_init(&fm, spans, NSPAN);
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_ENOSPC);
	check_diag("plan: no 2 MiB-aligned window of 24 MiB fits in free memory");
	r.offset = 64 * KiB;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_ENOSPC);
	check_diag("plan: no 2 MiB-aligned window of 24 MiB at offset 64 KiB fits in free memory");
	r = (struct kb_slot_req){ .size = 4660, .align = 1 };
	assert_int_equal(kb_plan_fixed(&fm, &r, 0, &p, &diag), KB_ENOSPC);
	check_diag("plan: no 1 B-aligned window of 4660 B fits in free memory");
	r = (struct kb_slot_req){ .size = 3 * GiB, .align = UINT64_C(1) << 63, .offset = 5 };
	assert_int_equal(kb_plan_fixed(&fm, &r, 0, &p, &diag), KB_ENOSPC);
	check_diag("plan: no 8 EiB-aligned window of 3 GiB at offset 5 B fits in free memory");
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, NULL, &diag), KB_EINVAL);
	check_diag("plan: no uniform() or no plan");
	assert_int_equal(u.calls, 0);
}

static void test_plan_fixed(void **state)
{
	struct kb_slot_req r = { .size = 0x3000, .align = 0x1000 };
	struct kb_plan p;

	(void)state;
	add_mem(0x10000, 0x8000, "a");
	add_mem(0x40000, 0x8000, "b");
	add_resv(0x42000, 0x1000, KB_REGION_OTHER, "r");
	build_ok(NULL, 0, 0, TOP);
	/* a: 0x10000..0x15000 (6), b: [0x40000,0x41fff] no 0x3000 fits...
	 * 0x40000 needs 0x40000-0x42fff: reserved; b2 [0x43000,0x47fff]:
	 * 0x43000..0x45000 (3) */
	assert_int_equal(count_of(&r), 9);

	/* preferred valid: used, with its index */
	assert_int_equal(kb_plan_fixed(&fm, &r, 0x44000, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x44000);
	assert_int_equal(p.start, 0x44000);
	assert_int_equal(p.index, 7);
	assert_int_equal(p.count, 9);
	assert_int_equal(base_of(&r, p.index), p.base);
	assert_int_equal(kb_plan_fixed(&fm, &r, 0x15000, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x15000);
	assert_int_equal(p.index, 5);

	/* preferred invalid, misaligned, overlapping a reservation, past
	 * the end, or not in memory: the lowest slot */
	static const uint64_t bad[] = { 0x16000, 0x10800, 0x40000, 0x41000,
					0x45001, 0x46000, 0, TOP, 0x20000 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(kb_plan_fixed(&fm, &r, bad[i], &p, &diag), KB_OK);
		assert_int_equal(p.base, 0x10000);
		assert_int_equal(p.start, 0x10000);
		assert_int_equal(p.index, 0);
		assert_int_equal(p.count, 9);
	}

	/* with an offset: the preferred *base* is what is checked */
	r.offset = 0x800;
	assert_int_equal(count_of(&r), 7);	/* a: 0x10000..0x14000; b2: 0x43000, 0x44000 */
	assert_int_equal(kb_plan_fixed(&fm, &r, 0x44000, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x44000);
	assert_int_equal(p.start, 0x44800);
	assert_int_equal(p.index, 6);
	assert_int_equal(kb_plan_fixed(&fm, &r, 0x45000, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x10000);
	assert_int_equal(p.start, 0x10800);
	assert_int_equal(kb_plan_fixed(&fm, &r, 0, NULL, &diag), KB_EINVAL);

	/* the highest slot (the loader's staging copy goes there) */
	assert_int_equal(kb_plan_highest(&fm, &r, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x44000);
	assert_int_equal(p.start, 0x44800);
	assert_int_equal(p.index, 6);
	assert_int_equal(p.count, 7);
	r.offset = 0;
	assert_int_equal(kb_plan_highest(&fm, &r, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x45000);
	assert_int_equal(p.index, 8);
	assert_int_equal(base_of(&r, p.index), p.base);
	r.size = 0x9000;
	assert_int_equal(kb_plan_highest(&fm, &r, &p, &diag), KB_ENOSPC);
	check_diag("plan: no 4 KiB-aligned window of 36 KiB fits in free memory");
	assert_int_equal(kb_plan_highest(&fm, &r, NULL, &diag), KB_EINVAL);
}

/* ------------------------------------------------------------------ */
/* kb_log2_centi */

static void test_log2_centi_exact(void **state)
{
	unsigned int k;

	(void)state;
	assert_int_equal(kb_log2_centi(0), 0);
	assert_int_equal(kb_log2_centi(1), 0);
	assert_int_equal(kb_log2_centi(2), 100);
	assert_int_equal(kb_log2_centi(3), 158);
	assert_int_equal(kb_log2_centi(5), 232);
	assert_int_equal(kb_log2_centi(10), 332);
	assert_int_equal(kb_log2_centi(231), 785);
	assert_int_equal(kb_log2_centi(1000), 996);
	assert_int_equal(kb_log2_centi(UINT64_C(1000000)), 1993);
	assert_int_equal(kb_log2_centi(0xffffffff), 3199);
	assert_int_equal(kb_log2_centi(UINT64_C(0x100000001)), 3200);
	assert_int_equal(kb_log2_centi(TOP), 6399);
	assert_int_equal(kb_log2_centi(TOP - 1), 6399);
	assert_int_equal(kb_log2_centi(UINT64_C(1) << 63), 6300);
	assert_int_equal(kb_log2_centi((UINT64_C(1) << 63) - 1), 6299);
	for (k = 0; k < 64; k++) {
		uint64_t p = UINT64_C(1) << k;

		assert_int_equal(kb_log2_centi(p), 100 * k);
		/* 100 log2(2^k - 1) = 100k - 144.3 / 2^k - ...: 100k - 1
		 * once 2^k > 144 */
		if (k >= 8)
			assert_int_equal(kb_log2_centi(p - 1), 100 * k - 1);
		if (k >= 8)
			assert_int_equal(kb_log2_centi(p + 1), 100 * k);
	}
	/* 2^(c/100) rounded: 2^0.5 = 1.41421...: 1414213562 * 2^... */
	assert_int_equal(kb_log2_centi(UINT64_C(3037000499)), 3149);	/* sqrt(2^63) = 3037000499.97 */
	assert_int_equal(kb_log2_centi(UINT64_C(3037000500)), 3150);
}

static uint64_t sm_state;

static uint64_t rnd(void)
{
	uint64_t z = (sm_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Exact reference, written differently from plan.c: 64-bit limbs,
 * 128-bit products, n^100 by square-and-multiply; bit length - 1. */
#define XL 104

static unsigned int big_mul(uint64_t *d, const uint64_t *a, unsigned int la,
			    const uint64_t *b, unsigned int lb)
{
	uint64_t t[2 * XL] = { 0 };
	unsigned int i, j, n = la + lb;

	assert_true(n <= 2 * XL);
	for (i = 0; i < la; i++) {
		u128 carry = 0;

		for (j = 0; j < lb; j++) {
			u128 v = (u128)a[i] * b[j] + t[i + j] + carry;

			t[i + j] = (uint64_t)v;
			carry = v >> 64;
		}
		t[i + lb] = (uint64_t)carry;
	}
	while (n > 1 && t[n - 1] == 0)
		n--;
	assert_true(n <= XL);
	memcpy(d, t, n * sizeof(t[0]));
	return n;
}

static unsigned int log2_centi_exact(uint64_t n)
{
	uint64_t acc[XL] = { 1 }, sq[XL] = { n };
	unsigned int la = 1, ls = 1, e = 100, bits;

	while (e) {
		if (e & 1)
			la = big_mul(acc, acc, la, sq, ls);
		e >>= 1;
		if (e)
			ls = big_mul(sq, sq, ls, sq, ls);
	}
	bits = 64 * (la - 1) + (64 - (unsigned int)__builtin_clzll(acc[la - 1]));
	return bits - 1;
}

static void check_log2_double(uint64_t n, unsigned int *near)
{
	long double ref = 100.0L * log2l((long double)n);
	long double fl = floorl(ref);
	unsigned int got = kb_log2_centi(n);

	/* exact, always */
	assert_int_equal(got, log2_centi_exact(n));

	/* Within 1e-9 of an integer: double precision cannot decide; accept
	 * either neighbour (the exact cases are pinned above). */
	if (ref - fl < 1e-9L || fl + 1 - ref < 1e-9L) {
		long double rd = roundl(ref);

		(*near)++;
		if (got != (unsigned int)rd && got != (unsigned int)rd - 1)
			fail_msg("log2_centi(%" PRIu64 ") = %u, reference %.12Lf", n, got, ref);
		return;
	}
	if (got != (unsigned int)fl)
		fail_msg("log2_centi(%" PRIu64 ") = %u, reference %.12Lf", n, got, ref);
}

static void test_log2_centi_reference(void **state)
{
	unsigned int near = 0, i, k;
	uint64_t n;

	(void)state;
	sm_state = 0x1092;
	for (n = 1; n <= 4096; n++)
		check_log2_double(n, &near);
	for (k = 2; k < 64; k++)
		for (i = 0; i < 8; i++) {
			check_log2_double((UINT64_C(1) << k) + i, &near);
			if ((UINT64_C(1) << k) > i)
				check_log2_double((UINT64_C(1) << k) - i, &near);
		}
	for (i = 0; i < 4000; i++) {
		unsigned int bits = 1 + (unsigned int)(rnd() % 64);

		n = rnd() >> (64 - bits);
		check_log2_double(n ? n : 1, &near);
	}
	/* 2^(c/100) for every c: the thresholds themselves */
	for (k = 1; k < 6400; k += 7) {
		long double t = powl(2.0L, k / 100.0L);

		if (t < 1.8e19L) {
			check_log2_double((uint64_t)t, &near);
			check_log2_double((uint64_t)t + 1, &near);
		}
	}
	/* those are decided by the exact reference alone */
	print_message("log2_centi: %u values within 1e-9 of an integer\n", near);
}

/* ------------------------------------------------------------------ */
/* kb_freemap_print */

static char out[4096];
static size_t out_len;

static int capture(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(out) - out_len);
	out_len += (size_t)n;
	return n;
}

static void test_print(void **state)
{
	(void)state;
	out_len = 0;
	out[0] = '\0';
	add_mem(0x80000000, 512 * MiB, "m");
	add_resv(0x80000000, 0x60000, KB_REGION_RESERVED_MEMORY, "opensbi");
	add_resv(0x80200000, 0x1234, KB_REGION_LOADER, "loader");
	add_mem(TOP - 0xfff, 0x1000, "top");
	build_ok(NULL, 0, 0, TOP);
	kb_freemap_print(&fm, "kb: ", capture);
	assert_string_equal(out,
		"kb: free  0x0000000080060000-0x0000000080200000  1664 KiB\n"
		"kb: free  0x0000000080201234-0x00000000a0000000  534769100 B\n"
#if KB_PHYS_BITS == 64
		"kb: free  0xfffffffffffff000-0x10000000000000000  4 KiB\n");
#else
		"kb: free  0x00000000fffff000-0x0000000100000000  4 KiB\n");
#endif

	out_len = 0;
	out[0] = '\0';
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	put_mem(0, TOP, "all");
	put_mem(TOP, 1, "last");
	build_ok(NULL, 0, 0, TOP);
	kb_freemap_print(&fm, NULL, capture);
#if KB_PHYS_BITS == 64
	assert_string_equal(out, "free  0x0000000000000000-0x10000000000000000  16 EiB\n");
#else
	assert_string_equal(out, "free  0x0000000000000000-0x0000000100000000  4 GiB\n");
#endif
	build_ok(NULL, 0, 0, TOP - 1);
	out_len = 0;
	kb_freemap_print(&fm, "", capture);
#if KB_PHYS_BITS == 64
	assert_string_equal(out, "free  0x0000000000000000-0xffffffffffffffff  18446744073709551615 B\n");
#else
	assert_string_equal(out, "free  0x0000000000000000-0x00000000ffffffff  4294967295 B\n");
#endif

	/* NULL callback, NULL map, empty map */
	out_len = 0;
	out[0] = '\0';
	kb_freemap_print(&fm, "", NULL);
	kb_freemap_print(NULL, "", capture);
	kb_freemap_init(&fm, spans, NSPAN);
	kb_freemap_print(&fm, "", capture);
	assert_string_equal(out, "");
}

/* ------------------------------------------------------------------ */
/* dtc-compiled fixtures through kb_memmap_from_fdt */

static void parse(const char *name, uint64_t dtb_addr)
{
	size_t n = kb_test_load_fixture(name, blob, BLOB_MAX);
	int r;

	r = kb_fdt_validate(blob, n, &diag);
	if (r)
		fail_msg("%s: validate: %d %s", name, r, diag.msg);
	r = kb_memmap_from_fdt(&map, blob, dtb_addr, &diag);
	if (r)
		fail_msg("%s: memmap: %d %s", name, r, diag.msg);
}

static void test_fixture_qemu_virt(void **state)
{
	const uint64_t dtb = 0x82200000;
	struct kb_slot_req r = { .size = 24 * MiB, .align = 2 * MiB };
	struct kb_span avoid[] = { { dtb, dtb + 64 * KiB - 1 } };	/* DTB growth */
	struct ref rf = { &map, avoid, 1, 0, TOP };
	struct fixed_uniform u = { 0 };
	struct kb_plan p;

	(void)state;
	add_resv(0x80200000, 0x20000, KB_REGION_LOADER, "kaslrboot");
	add_resv(0x80220000, 0x4000, KB_REGION_STACK, "kaslrboot stack");
	parse("plan_qemu_virt", dtb);
	assert_int_equal(map.nmem, 1);
	assert_int_equal(map.nresv, 5);
	build_ok(avoid, 1, 0, TOP);
	check_spans((const struct kb_span[]){
		{ 0x80060000, 0x801fffff },
		{ 0x80224000, 0x821fffff },
		{ 0x82210000, 0x9fffffff } }, 3);
	/* 0x80400000..0x80a00000 (4) and 0x82400000..0x9e800000 (227) */
	assert_int_equal(count_of(&r), 231);
	assert_int_equal(base_of(&r, 0), 0x80400000);
	assert_int_equal(base_of(&r, 3), 0x80a00000);
	assert_int_equal(base_of(&r, 4), 0x82400000);
	assert_int_equal(base_of(&r, 230), 0x9e800000);
	check_against_ref(&rf, &r);
	/* the conventional address is taken by the loader: lowest slot */
	assert_int_equal(kb_plan_fixed(&fm, &r, 0x80200000, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x80400000);
	u.index = 230;
	assert_int_equal(kb_plan_random(&fm, &r, fixed_uniform, &u, &p, &diag), KB_OK);
	assert_int_equal(p.base, 0x9e800000);
	assert_int_equal(kb_log2_centi(p.count), 785);
	/* a kernel that does not fit */
	r.size = 478 * MiB;	/* the largest span is 0x1ddf0000 */
	assert_int_equal(kb_plan_fixed(&fm, &r, 0, &p, &diag), KB_ENOSPC);
	check_diag("plan: no 2 MiB-aligned window of 478 MiB fits in free memory");
	r.size = 0x1ddf0000 - 0x1f0000;	/* exactly from 0x82400000 to the end */
	assert_int_equal(count_of(&r), 1);
	assert_int_equal(base_of(&r, 0), 0x82400000);
	r.size++;
	assert_int_equal(count_of(&r), 0);
	/* smaller alignment, offset */
	r = (struct kb_slot_req){ .size = 8 * MiB, .align = 64 * KiB, .offset = 0x1000 };
	check_against_ref(&rf, &r);
}

static void test_fixture_holes(void **state)
{
	const uint64_t dtb = 0x48000000;
	struct kb_slot_req r = { .size = 16 * MiB, .align = 2 * MiB };
	struct ref rf = { &map, NULL, 0, 0, TOP };
	uint64_t t;

	(void)state;
	parse("plan_holes", dtb);
	t = fdt_totalsize(blob);
	/* the disabled node is not memory; the two nodes meeting at 4 GiB
	 * are one range */
	assert_int_equal(map.nmem, 4);
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){
		{ 0x40100000, 0x47ffffff },
		{ dtb + t, 0x4effffff },
		{ 0x60000000, 0x60ffffff },	/* exactly 16 MiB */
		{ 0x61800000, 0x67ffffff },
		{ 0xc0000000, 0xfffeffff },
		{ UINT64_C(0x100010000), UINT64_C(0x1ffffffff) },
		{ UINT64_C(0x880000000), UINT64_C(0x8ffffffff) } }, 7);
	assert_int_equal(count_of(&r), 56 + 48 + 1 + 45 + 504 + 2040 + 1017);
	assert_int_equal(base_of(&r, 56 + 48), 0x60000000);
	check_against_ref(&rf, &r);

	/* 32-bit only */
	build_ok(NULL, 0, 0, 0xffffffff);
	assert_int_equal(fm.n, 5);
	assert_int_equal(count_of(&r), 56 + 48 + 1 + 45 + 504);
	rf.ceiling = 0xffffffff;
	check_against_ref(&rf, &r);
	/* above 4 GiB only */
	build_ok(NULL, 0, UINT64_C(0x100000000), TOP);
	assert_int_equal(count_of(&r), 2040 + 1017);
	rf.ceiling = TOP;
	rf.floor = UINT64_C(0x100000000);
	check_against_ref(&rf, &r);
	rf.floor = 0;

	/* the table must hold all 7 spans */
	kb_freemap_init(&fm, spans, 6);
	assert_int_equal(kb_freemap_build(&fm, &map, NULL, 0, 0, TOP, &diag), KB_ENOSPC);
	check_diag("plan: free-map table full (6 spans), cannot add free span [0x880000000, 0x8ffffffff] of memory /memory@880000000");
	kb_freemap_init(&fm, spans, 7);
	build_ok(NULL, 0, 0, TOP);

	/* 1 GiB, 1 GiB-aligned: not at 3 GiB (the straddling reservation),
	 * 5, 6 and 7 GiB (4 GiB is reserved at its start), 34 and 35 GiB */
	r = (struct kb_slot_req){ .size = GiB, .align = GiB };
	assert_int_equal(count_of(&r), 5);
	assert_int_equal(base_of(&r, 0), UINT64_C(0x140000000));
	check_against_ref(&rf, &r);
	r = (struct kb_slot_req){ .size = 30 * MiB, .align = 64 * KiB, .offset = 0x200000 };
	check_against_ref(&rf, &r);
}

static void test_fixture_top(void **state)
{
	struct kb_slot_req r = { .size = 16 * MiB, .align = 2 * MiB };
	struct ref rf = { &map, NULL, 0, 0, TOP };
	struct kb_plan p;

	(void)state;
	parse("plan_top", 0x80000000);
	/* memmap accepts memory ending exactly at 2^64 */
	assert_int_equal(map.nmem, 2);
	assert_int_equal(mem[1].base, UINT64_C(0xffffffff00000000));
	assert_int_equal(mem[1].size, UINT64_C(0x100000000));
	assert_true(kb_memmap_covers(&map, TOP, 1));
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){
		{ 0x80000000 + fdt_totalsize(blob), 0x8fffffff },
		{ UINT64_C(0xffffffff00000000), UINT64_C(0xfffffffffffeffff) } }, 2);
	assert_int_equal(count_of(&r), 120 + 2040);
	assert_int_equal(base_of(&r, 120 + 2039), UINT64_C(0xfffffffffee00000));
	check_against_ref(&rf, &r);
	assert_int_equal(kb_plan_fixed(&fm, &r, UINT64_C(0xfffffffffee00000), &p, &diag), KB_OK);
	assert_int_equal(p.index, 2159);

	/* without the top reservation the last slot ends on 2^64 - 1 */
	assert_int_equal(map.nresv, 2);
	assert_int_equal(resv[0].kind, KB_REGION_RESERVED_MEMORY);
	resv[0] = resv[1];	/* just the dtb */
	map.nresv = 1;
	build_ok(NULL, 0, 0, TOP);
	assert_int_equal(fm.span[1].last, TOP);
	assert_int_equal(count_of(&r), 120 + 2041);
	assert_int_equal(base_of(&r, 120 + 2040), UINT64_C(0xffffffffff000000));
	check_against_ref(&rf, &r);
	/* offset 1 pushes the last one past 2^64, and the last low one past
	 * 0x8fffffff */
	r.offset = 1;
	assert_int_equal(count_of(&r), 119 + 2040);
	check_against_ref(&rf, &r);
}

/* The existing memmap fixtures: overlapping / adjacent memory, every
 * reservation kind, unsorted memory nodes. */
static void test_fixture_existing(void **state)
{
	static const char *const names[] = { "overlap", "resv", "mem_cells1",
					     "mem_cells2", "initrd_empty", "ranges",
					     "misc" };
	static const struct kb_slot_req reqs[] = {
		{ 2 * MiB, 2 * MiB, 0 }, { 24 * MiB, 2 * MiB, 0 },
		{ 0x1000, 0x10000, 0 }, { 0x300, 0x10000, 0x10 },
		{ 0x100000, 0x10000, 0x1000 }, { 256 * MiB, 16 * MiB, 0 },
		{ 1, 64 * MiB, 0xfff }, { GiB, GiB, 0 },
	};
	struct ref rf = { &map, NULL, 0, 0, TOP };
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		setup(state);
		parse(names[i], 0x9fe00000);
		build_ok(NULL, 0, 0, TOP);
		check_sane(&fm);
		for (j = 0; j < sizeof(reqs) / sizeof(reqs[0]); j++)
			check_against_ref(&rf, &reqs[j]);
	}

	/* overlap: the three memory nodes merge, the reservations chop the
	 * start; a window may straddle two adjacent memory nodes */
	setup(state);
	parse("overlap", 0x9fe00000);
	build_ok(NULL, 0, 0, TOP);
	check_spans((const struct kb_span[]){ { 0x80005000, 0x980fffff } }, 1);
	assert_true(kb_slot_valid(&fm, &(struct kb_slot_req){ 0x200000, 0x100000, 0 },
				  0x97f00000));

	/* resv: free memory ends on the top of the 32-bit space */
	setup(state);
	parse("resv", 0x9fe00000);
	build_ok(NULL, 0, 0, TOP);
	assert_int_equal(fm.n, 5);
	assert_int_equal(fm.span[4].last, 0xffffffff);
	assert_true(kb_slot_valid(&fm, &(struct kb_slot_req){ 2 * MiB, 2 * MiB, 0 },
				  0xffe00000));
}

/* ------------------------------------------------------------------ */
/* property tests: random maps against a bitmap brute force */

#define PMAX_BITS	20
#define PMAX		(1u << PMAX_BITS)

static uint32_t pre[PMAX + 1];		/* pre[x] = free addresses below T + x */
static uint32_t wpre[PMAX + 1];		/* the same for "writable": memory, no reservation */
static int32_t dmem[PMAX + 1], dres[PMAX + 1], dav[PMAX + 1];
static uint64_t pref[PMAX + 1];		/* brute-force slot bases */
static uint64_t pcand[8192];

struct pstats {
	unsigned long maps, slots, nonzero, overflow_cap, top, around4g, huge_align;
	unsigned long valid_checks, index_checks, write_checks;
};

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* [T + a, T + b] relative inclusive, marked in a difference array */
static void mark(int32_t *dd, uint64_t a, uint64_t b)
{
	dd[a]++;
	dd[b + 1]--;
}

static bool win_free(uint64_t s, uint64_t e)	/* relative, inclusive */
{
	return pre[e + 1] - pre[s] == e - s + 1;
}

static bool win_writable(uint64_t s, uint64_t e)	/* relative, inclusive */
{
	return wpre[e + 1] - wpre[s] == e - s + 1;
}

/* The loader's write check on [s, e] (absolute, e may pass 2^64 - 1)
 * agrees with the bitmap: inside memory, no reservation. */
static void check_write_agrees(const struct kb_memmap *m, uint64_t T, uint32_t S,
			       u128 s, u128 e, struct pstats *st)
{
	bool want = s >= T && e < (u128)T + S &&
		    win_writable((uint64_t)(s - T), (uint64_t)(e - T));
	int err;

	if (s > TOP)
		return;
	err = kb_memmap_check_write(m, (uint64_t)s, (uint64_t)(e - s + 1), 0, "w", &diag);
	if ((err == KB_OK) != want)
		fail_msg("T 0x%" PRIx64 " S %u: write check of [0x%" PRIx64 ", +0x%" PRIx64
			 "] says %d (%s), bitmap says %s", T, S, (uint64_t)s,
			 (uint64_t)(e - s + 1), err, diag.msg, want ? "writable" : "not");
	st->write_checks++;
}

static void one_map(uint64_t T, uint32_t S, struct pstats *st)
{
	struct kb_region pm[8], pr[10];
	struct kb_memmap m;
	struct kb_span av[4], fs[32];
	struct kb_freemap f;
	struct kb_slot_req r;
	unsigned int nmem = 1 + (unsigned int)rnd_below(6), nres = (unsigned int)rnd_below(9);
	unsigned int nav = (unsigned int)rnd_below(4), i, nruns = 0, cap;
	uint64_t floor = 0, ceiling = TOP, prev_end = 0, count = 0, npref = 0;
	uint64_t x, ncand = 0;
	int32_t cm = 0, cr = 0, ca = 0;
	u128 lo, hi, b;
	int err;

	kb_memmap_init(&m, pm, 8, pr, 10);
	memset(dmem, 0, (S + 1) * sizeof(dmem[0]));
	memset(dres, 0, (S + 1) * sizeof(dres[0]));
	memset(dav, 0, (S + 1) * sizeof(dav[0]));
	for (i = 0; i < nmem; i++) {
		uint64_t a = rnd_below(S), len;

		if (i && rnd_below(4) == 0 && prev_end < S)
			a = prev_end;			/* adjacent to the previous */
		len = 1 + rnd_below(rnd_below(2) ? S / 2 : S / 16 + 1);
		if (len > S - a)
			len = S - a;
		prev_end = a + len;
		assert_int_equal(kb_memmap_add_mem(&m, T + a, len, "m", &diag), KB_OK);
		mark(dmem, a, a + len - 1);
	}
	for (i = 0; i < nres; i++) {
		uint64_t a = rnd_below(S), len = 1 + rnd_below(S / 16 + 1);

		if (len > S - a)
			len = S - a;
		assert_int_equal(kb_memmap_add_resv(&m, T + a, len,
						    (enum kb_region_kind)(1 + rnd_below(7)),
						    rnd_below(2) ? KB_REGION_NOMAP : 0,
						    "r", &diag), KB_OK);
		mark(dres, a, a + len - 1);
	}
	for (i = 0; i < nav; i++) {
		uint64_t a = rnd_below(S), len = 1 + rnd_below(S / 16 + 1);

		if (len > S - a)
			len = S - a;
		av[i].first = T + a;
		av[i].last = T + a + len - 1;
		mark(dav, a, a + len - 1);
	}
	switch (rnd_below(4)) {
	case 0:
		floor = T + rnd_below(S);
		break;
	case 1:
		floor = T + rnd_below(S);
		ceiling = floor + rnd_below(S - (floor - T));
		break;
	case 2:
		if (T < 0x100000000 && T + S > 0x100000000)
			ceiling = 0xffffffff;
		break;
	default:
		break;
	}

	/* reference free set: bitmap with prefix sums */
	pre[0] = wpre[0] = 0;
	for (x = 0; x < S; x++) {
		bool fr;

		cm += dmem[x];
		cr += dres[x];
		ca += dav[x];
		fr = cm > 0 && cr == 0 && ca == 0 && T + x >= floor && T + x <= ceiling;
		pre[x + 1] = pre[x] + fr;
		wpre[x + 1] = wpre[x] + (cm > 0 && cr == 0);
		if (fr && (x == 0 || pre[x] == pre[x - 1]))
			nruns++;
	}

	/* build: enough room (one entry per result span suffices), or a
	 * random smaller table: KB_ENOSPC exactly when it is too small */
	cap = rnd_below(8) == 0 ? (unsigned int)rnd_below(nruns + 1) : 32;
	kb_freemap_init(&f, fs, cap);
	err = kb_freemap_build(&f, &m, av, nav, floor, ceiling, &diag);
	if (nruns > cap) {
		char want[64];

		assert_int_equal(err, KB_ENOSPC);
		snprintf(want, sizeof(want), "plan: free-map table full (%u spans)", cap);
		assert_true(strncmp(diag.msg, want, strlen(want)) == 0);
		assert_int_equal(f.n, 0);
		st->overflow_cap++;
		return;
	}
	if (err)
		fail_msg("build: %d %s", err, diag.msg);
	check_sane(&f);
	/* the free map is exactly the bitmap's runs */
	assert_int_equal(f.n, nruns);
	for (i = 0; i < f.n; i++) {
		uint64_t s = f.span[i].first - T, e = f.span[i].last - T;

		assert_true(f.span[i].first >= T && e < S);
		assert_true(win_free(s, e));
		assert_true(s == 0 || pre[s] == pre[s - 1]);		/* s - 1 not free */
		assert_true(e + 1 == S || pre[e + 2] == pre[e + 1]);	/* e + 1 not free */
	}

	/* request */
	r.align = UINT64_C(1) << rnd_below(9);
	if (rnd_below(25) == 0) {
		r.align = (kb_phys_t)1 << rnd_below(KB_PHYS_BITS);
		st->huge_align++;
	}
	r.size = 1 + rnd_below(rnd_below(4) == 0 ? S / 2 : S / 32 + 1);
	switch (rnd_below(10)) {
	case 0: case 1: case 2:
		r.offset = rnd_below(2 * r.align);
		break;
	case 3:
		r.offset = rnd_below(S);
		break;
	case 4:
		r.offset = T == 0 ? TOP - rnd_below(S) : rnd_below(S);
		break;
	default:
		r.offset = 0;
		break;
	}

	/* brute force: every aligned base whose start lies in the region */
	lo = T >= r.offset ? T - r.offset : 0;
	hi = (u128)T + S - 1;
	if (hi >= r.offset) {
		hi -= r.offset;
		for (b = (lo + r.align - 1) / r.align * r.align; b <= hi; b += r.align) {
			u128 s = b + r.offset, e = s + r.size - 1;
			bool ok = s >= T && e < (u128)T + S &&
				  win_free((uint64_t)(s - T), (uint64_t)(e - T));

			if (ok)
				pref[npref++] = (uint64_t)b;
			if (ncand < sizeof(pcand) / sizeof(pcand[0]))
				pcand[ncand] = (uint64_t)b;
			else	/* reservoir: a uniform sample of candidates */
				pcand[rnd_below(ncand + 1) % (sizeof(pcand) / sizeof(pcand[0]))] = (uint64_t)b;
			ncand++;
		}
	}

	assert_int_equal(kb_slots_count(&f, &r, &count, &diag), KB_OK);
	if (count != npref)
		fail_msg("T 0x%" PRIx64 " S %u: count %" PRIu64 ", brute force %" PRIu64
			 " (size %" PRIu64 " align %" PRIu64 " offset %" PRIu64 ")",
			 T, S, count, npref, r.size, r.align, r.offset);
	{
		/* the per-span predicate sums to the count */
		uint64_t sum = 0, n;
		kb_phys_t fb;

		for (i = 0; i < f.n; i++) {
			kb_span_slots(&f.span[i], &r, &fb, &n);
			sum += n;
		}
		assert_int_equal(sum, count);
	}
	st->maps++;
	st->slots += count;
	st->nonzero += count != 0;

	/* every index, or a sample */
	{
		uint64_t k, step = count > 2048 ? count / 512 : 1;
		kb_phys_t prev = 0;

		for (k = 0; k < count; k += step) {
			kb_phys_t base = 0, base2 = 0;
			u128 s, e;

			assert_int_equal(kb_slots_base(&f, &r, k, &base, &diag), KB_OK);
			assert_int_equal(base, pref[k]);
			/* the properties themselves, checked directly */
			assert_int_equal(base & (r.align - 1), 0);
			s = (u128)base + r.offset;
			e = s + r.size - 1;
			assert_true(e <= TOP && s >= floor && e <= ceiling);
			assert_true(s >= T && e < (u128)T + S &&
				    win_free((uint64_t)(s - T), (uint64_t)(e - T)));
			assert_true(kb_slot_valid(&f, &r, base));
			/* what the planner chose passes the loader's write
			 * check before the copy: one notion of "usable" */
			check_write_agrees(&m, T, S, s, e, st);
			if (k > 0)
				assert_true(base > prev);
			if (k + 1 < count) {
				assert_int_equal(kb_slots_base(&f, &r, k + 1, &base2, &diag), KB_OK);
				assert_true(base2 > base);
			}
			prev = base;
			st->index_checks++;
		}
		assert_int_equal(kb_slots_base(&f, &r, count, &prev, &diag), KB_ERANGE);
	}

	/* kb_slot_valid agrees with the brute force on the candidates (all
	 * of them, or a uniform sample) and off-alignment neighbours */
	for (x = 0; x < ncand && x < sizeof(pcand) / sizeof(pcand[0]); x++) {
		uint64_t c = pcand[x];
		u128 s = (u128)c + r.offset, e = s + r.size - 1;
		bool want = s >= T && e < (u128)T + S &&
			    win_free((uint64_t)(s - T), (uint64_t)(e - T));

		assert_int_equal(kb_slot_valid(&f, &r, c), want);
		check_write_agrees(&m, T, S, s, e, st);
		if (r.align > 1)
			assert_false(kb_slot_valid(&f, &r, c + 1));
		st->valid_checks++;
	}

	/* kb_plan_fixed: a random candidate as the preferred address */
	if (count) {
		struct kb_plan p;
		uint64_t pick = ncand ? pcand[rnd_below(ncand < 8192 ? ncand : 8192)] : 0;
		uint64_t *hit = bsearch(&pick, pref, npref, sizeof(pref[0]), cmp_u64);

		assert_int_equal(kb_plan_fixed(&f, &r, pick, &p, &diag), KB_OK);
		assert_int_equal(p.count, count);
		if (hit) {
			assert_int_equal(p.base, pick);
			assert_int_equal(p.index, (uint64_t)(hit - pref));
		} else {
			assert_int_equal(p.base, pref[0]);
			assert_int_equal(p.index, 0);
		}
		assert_int_equal(p.start, p.base + r.offset);
	} else {
		assert_int_equal(kb_plan_fixed(&f, &r, 0, &(struct kb_plan){ 0 }, &diag),
				 KB_ENOSPC);
		assert_true(strncmp(diag.msg, "plan: no ", 9) == 0);
	}
}

static void test_property(void **state)
{
	struct pstats st = { 0 };
	unsigned int i;

	(void)state;
	sm_state = UINT64_C(0x6b61736c72626f6f);	/* "kaslrboo" */
	for (i = 0; i < 6000; i++) {
		uint32_t S = 1u << (6 + rnd_below(11));	/* 64 .. 64 Ki */
		uint64_t T = 0;

		if (i % 100 == 99)
			S = PMAX;				/* a few 1 Mi maps */
		switch (i % 6) {
		case 4:		/* the top of the address space (2^64, or 2^32) */
			T = (uint64_t)KB_PHYS_MAX - S + 1;
			st.top++;
			break;
		case 5:		/* across 4 GiB (32-bit addresses: across 2 GiB) */
			T = (KB_PHYS_BITS == 64 ? UINT64_C(0x100000000) : UINT64_C(0x80000000)) -
			    S / 2 - rnd_below(S / 4);
			st.around4g++;
			break;
		default:
			T = rnd_below(3) == 0 ? rnd_below(UINT64_C(1) << (KB_PHYS_BITS == 64 ? 40 : 31)) &
						~UINT64_C(0xffff) : 0;
			break;
		}
		one_map(T, S, &st);
	}
	print_message("property: %lu maps (%lu at 2^64, %lu across 4 GiB, %lu with huge "
		      "align, %lu table-full), %lu with slots, %lu slots, %lu index, "
		      "%lu validity and %lu write-check agreement checks\n",
		      st.maps + st.overflow_cap, st.top,
		      st.around4g, st.huge_align, st.overflow_cap, st.nonzero, st.slots,
		      st.index_checks, st.valid_checks, st.write_checks);
	assert_true(st.maps >= 5000);
	assert_true(st.nonzero >= 2500);
}

/* ------------------------------------------------------------------ */
/* uniformity over kaslrboot's own CTR_DRBG */

/* Fixed-pattern entropy: byte i of the stream is i * 37 + 11. */
static int pattern_entropy(void *ctx, unsigned char *buf, size_t len)
{
	size_t *pos = ctx, i;

	for (i = 0; i < len; i++, (*pos)++)
		buf[i] = (unsigned char)(*pos * 37 + 11);
	return 0;
}

static int drbg_uniform(void *ctx, uint64_t bound, uint64_t *out)
{
	return kb_drbg_uniform(bound, out, ctx);
}

#define CHI_DRAWS	120000
#define CHI_SLOTS	323
/* Critical value of chi-square with CHI_SLOTS - 1 = 322 degrees of freedom
 * at p = 0.001 (upper tail): x with Q(322/2, x/2) = 0.001, computed with
 * mpmath 1.3 (findroot of gammainc(161, x/2, inf, regularized=True) -
 * 0.001, 60 digits): 406.150728439.  (Wilson-Hilferty with z = 3.0902:
 * 406.18.)  Rounded down. */
#define CHI_CRIT	406.15

static void test_uniformity(void **state)
{
	struct kb_slot_req r = { .size = 8 * MiB, .align = 1 * MiB };
	static unsigned int hits[CHI_SLOTS];
	size_t pos = 0;
	double chi = 0, expect = (double)CHI_DRAWS / CHI_SLOTS;
	unsigned int i, min = ~0u, max = 0;
	struct kb_plan p;

	(void)state;
	/* 9 + 40 + 249 + 25 slots over four spans */
	add_mem(0x80000000, 64 * MiB, "a");
	add_resv(0x81000000, 1 * MiB, KB_REGION_RESERVED_MEMORY, "hole");	/* splits a */
	/* above 4 GiB; 32-bit addresses: the same layout below it */
	add_mem(KB_PHYS_BITS == 64 ? UINT64_C(0x100000000) : 0xa0000000, 256 * MiB, "b");
	add_mem(KB_PHYS_BITS == 64 ? UINT64_C(0x200000000) : 0xc0000000, 32 * MiB, "c");
	add_resv((KB_PHYS_BITS == 64 ? UINT64_C(0x200000000) : 0xc0000000) + 32 * MiB, 8 * MiB,
		 KB_REGION_OTHER, "outside");
	build_ok(NULL, 0, 0, TOP);
	assert_int_equal(fm.n, 4);
	assert_int_equal(count_of(&r), CHI_SLOTS);

	assert_int_equal(kb_drbg_seed(pattern_entropy, &pos, 32, "plan", 4, &diag), KB_OK);
	for (i = 0; i < CHI_DRAWS; i++) {
		assert_int_equal(kb_plan_random(&fm, &r, drbg_uniform, &diag, &p, &diag), KB_OK);
		assert_int_equal(p.count, CHI_SLOTS);
		assert_true(p.index < CHI_SLOTS);
		hits[p.index]++;
	}
	kb_drbg_wipe();
	/* every index maps to its base (spot check the last draw) */
	assert_int_equal(base_of(&r, p.index), p.base);
	assert_true(kb_slot_valid(&fm, &r, p.base));

	for (i = 0; i < CHI_SLOTS; i++) {
		double dlt = hits[i] - expect;

		chi += dlt * dlt / expect;
		if (hits[i] < min)
			min = hits[i];
		if (hits[i] > max)
			max = hits[i];
	}
	print_message("uniformity: %d draws over %d slots: chi-square %.2f, df %d "
		      "(critical %.2f at p = 0.001), hits %u..%u (expected %.1f)\n",
		      CHI_DRAWS, CHI_SLOTS, chi, CHI_SLOTS - 1, CHI_CRIT, min, max, expect);
	assert_true(min > 0);		/* every slot was hit */
	assert_true(chi < CHI_CRIT);
}

#if KB_PHYS_BITS < 64
/* 32-bit addresses (test_plan_phys32): the whole space [0, 2^32 - 1]
 * holds 2^32 one-byte slots, a count only 64 bits can hold (k + 1 is
 * computed in 64 bits); the top slot; an index past the last. */
static void test_phys32_edges(void **state)
{
	struct kb_slot_req r = { .size = 1, .align = 1 };
	struct kb_plan p;
	kb_phys_t b;
	uint64_t n;

	(void)state;
	spans[0] = (struct kb_span){ 0, KB_PHYS_MAX };
	kb_span_slots(&spans[0], &r, &b, &n);
	assert_int_equal(b, 0);
	assert_int_equal(n, UINT64_C(1) << 32);
	kb_freemap_init(&fm, spans, NSPAN);
	fm.n = 1;
	assert_int_equal(kb_slots_count(&fm, &r, &n, &diag), KB_OK);
	assert_int_equal(n, UINT64_C(1) << 32);
	assert_int_equal(kb_slots_base(&fm, &r, n - 1, &b, &diag), KB_OK);
	assert_int_equal(b, KB_PHYS_MAX);
	assert_int_equal(kb_slots_base(&fm, &r, n, &b, &diag), KB_ERANGE);
	assert_string_equal(diag.msg, "plan: slot index 4294967296 out of range (4294967296 slots)");
	assert_true(kb_slot_valid(&fm, &r, KB_PHYS_MAX));
	assert_int_equal(kb_plan_highest(&fm, &r, &p, &diag), KB_OK);
	assert_int_equal(p.start, KB_PHYS_MAX);
	assert_int_equal(p.index, KB_PHYS_MAX);
	assert_int_equal(p.count, UINT64_C(1) << 32);

	/* 2 MiB windows at the top of the space */
	r = (struct kb_slot_req){ .size = 2 * MiB, .align = 2 * MiB };
	spans[0] = (struct kb_span){ 0xffc00001, KB_PHYS_MAX };
	assert_int_equal(kb_slots_count(&fm, &r, &n, &diag), KB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kb_plan_fixed(&fm, &r, 0, &p, &diag), KB_OK);
	assert_int_equal(p.start, 0xffe00000);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_req_check, setup),
#endif
		cmocka_unit_test_setup(test_build_merge_sort, setup),
		cmocka_unit_test_setup(test_build_subtract, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_build_floor_ceiling, setup),
#endif
		cmocka_unit_test_setup(test_build_top_of_64, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_build_errors, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_build_table_full, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_span_slots_edges, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_count_and_base, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_count_overflow, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_plan_random, setup),
#endif
		cmocka_unit_test_setup(test_plan_fixed, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_log2_centi_exact, setup),
#endif
		cmocka_unit_test_setup(test_log2_centi_reference, setup),
		cmocka_unit_test_setup(test_print, setup),
		cmocka_unit_test_setup(test_fixture_qemu_virt, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_fixture_holes, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_fixture_top, setup),
#endif
		cmocka_unit_test_setup(test_fixture_existing, setup),
		cmocka_unit_test_setup(test_property, setup),
		cmocka_unit_test_setup(test_uniformity, setup),
#if KB_PHYS_BITS < 64
		cmocka_unit_test_setup(test_phys32_edges, setup),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
