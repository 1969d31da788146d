// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: an untrusted device tree through the loader's whole
 * planning path — kb_fdt_validate, kb_memmap_from_fdt, kb_freemap_build,
 * kb_slots_count / kb_slots_base / kb_slot_valid / kb_plan_random /
 * kb_plan_fixed — with invariants checked against independent (128-bit)
 * computations.  Any violation aborts.
 *
 * The input is the blob; its last 32 bytes (which may lie past the blob's
 * totalsize: trailing bytes are allowed) also choose the blob's address,
 * avoid spans, floor/ceiling and a few (size, align, offset) requests.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/memmap.h>
#include <kaslrboot/plan.h>

#define FUZZ_NAME "fuzz_plan"
#include "fuzz.h"

typedef unsigned __int128 u128;

/* Small tables, so that "table full" paths are reached too. */
#define NMEM	16
#define NRESV	32
#define NAVOID	3


struct params {
	const uint8_t *p;	/* 32 bytes */
};

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* ---- independent model --------------------------------------------- */

/* Slots of one span, in 128-bit arithmetic: bases b = k * align with
 * first <= b + offset and b + offset + size - 1 <= last, b + offset +
 * size - 1 < 2^64. */
static u128 model_span(const struct kb_span *s, const struct kb_slot_req *r,
		       u128 *first_base)
{
	u128 lo, hi, a = r->align;

	/* lowest base: first - offset rounded up (base >= 0) */
	lo = (u128)s->first > r->offset ? (u128)s->first - r->offset : 0;
	lo = (lo + a - 1) / a * a;
	/* highest base: last + 1 - size - offset, rounded down */
	if ((u128)s->last + 1 < (u128)r->size + r->offset)
		return 0;
	hi = (u128)s->last + 1 - r->size - r->offset;
	hi = hi / a * a;
	if (hi < lo || lo > UINT64_MAX)
		return 0;
	if (hi > UINT64_MAX)	/* bases are 64-bit addresses */
		hi = (u128)UINT64_MAX / a * a;
	*first_base = lo;
	return (hi - lo) / a + 1;
}

static bool model_valid(const struct kb_freemap *f, const struct kb_slot_req *r,
			uint64_t base)
{
	u128 start = (u128)base + r->offset, end = start + r->size - 1;
	unsigned int i;

	if (base % r->align)
		return false;
	for (i = 0; i < f->n; i++)
		if (start >= f->span[i].first && end <= f->span[i].last)
			return true;
	return false;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

/* The free map is sorted, disjoint, non-adjacent, inside memory and
 * [floor, ceiling], outside every reservation and avoid span. */
static void check_freemap(const struct kb_freemap *f, const struct kb_memmap *m,
			  const struct kb_span *avoid, unsigned int navoid,
			  uint64_t floor, uint64_t ceiling)
{
	unsigned int i, j;

	CHECK(f->n <= f->cap, "n %u cap %u", f->n, f->cap);
	for (i = 0; i < f->n; i++) {
		const struct kb_span *s = &f->span[i];
		bool in_mem = false;

		CHECK(s->first <= s->last, "span %u", i);
		CHECK(s->first >= floor && s->last <= ceiling, "span %u", i);
		if (i > 0)
			CHECK(f->span[i - 1].last < s->first &&
			      s->first - f->span[i - 1].last > 1,
			      "spans %u/%u not sorted, disjoint, non-adjacent", i - 1, i);
		for (j = 0; j < m->nresv; j++) {
			const struct kb_region *r = &m->resv[j];

			if (r->size)
				CHECK(!overlaps(s->first, s->last, r->base,
						r->base + r->size - 1),
				      "span %u overlaps reservation %u", i, j);
		}
		for (j = 0; j < navoid; j++)
			CHECK(!overlaps(s->first, s->last, avoid[j].first, avoid[j].last),
			      "span %u overlaps avoid %u", i, j);
		/* Inside the union of memory: every byte is in some range.
		 * Walk the span through the (possibly overlapping) ranges. */
		{
			u128 at = s->first;
			bool progress = true;

			while (at <= s->last && progress) {
				progress = false;
				for (j = 0; j < m->nmem; j++) {
					const struct kb_region *r = &m->mem[j];

					if (r->size && at >= r->base &&
					    at < (u128)r->base + r->size) {
						at = (u128)r->base + r->size;
						progress = true;
					}
				}
			}
			in_mem = at > s->last;
		}
		CHECK(in_mem, "span %u [0x%llx, 0x%llx] not inside memory", i,
		      (unsigned long long)s->first, (unsigned long long)s->last);
	}
}

/* kb_freemap_print prints one "free" line per span, end exclusive (2^64
 * as 0x10000000000000000), which parses back to the same spans. */
static char print_buf[64 * 1024];
static size_t print_len;

static int print_cb(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(print_buf + print_len, sizeof(print_buf) - print_len, fmt, ap);
	va_end(ap);
	CHECK(n >= 0 && (size_t)n < sizeof(print_buf) - print_len, "print overflow");
	print_len += (size_t)n;
	return n;
}

static void check_print(const struct kb_freemap *f)
{
	const char *line = print_buf;
	unsigned int i;

	print_len = 0;
	print_buf[0] = '\0';
	kb_freemap_print(f, "> ", print_cb);
	for (i = 0; i < f->n; i++) {
		const char *nl = strchr(line, '\n');
		char first[40], end[40], want_end[40];

		CHECK(nl != NULL, "span %u not printed", i);
		CHECK(sscanf(line, "> free  0x%39[0-9a-f]-0x%39[0-9a-f]", first, end) == 2,
		      "span %u: bad line %.*s", i, (int)(nl - line), line);
		CHECK(strtoull(first, NULL, 16) == f->span[i].first, "span %u: first", i);
		if (f->span[i].last == UINT64_MAX)
			snprintf(want_end, sizeof(want_end), "10000000000000000");
		else
			snprintf(want_end, sizeof(want_end), "%016llx",
				 (unsigned long long)f->span[i].last + 1);
		CHECK(strcmp(end, want_end) == 0, "span %u: end %s, want %s", i, end, want_end);
		line = nl + 1;
	}
	CHECK(*line == '\0', "extra output: %s", line);
}

/* floor(100 * log2(n)), checked against long double with a margin. */
static void check_log2(uint64_t n)
{
	unsigned int c = kb_log2_centi(n);
	long double l;

	if (n == 0) {
		CHECK(c == 0, "log2_centi(0) = %u", c);
		return;
	}
	l = 100.0L * log2l((long double)n);
	CHECK(c <= l + 1e-6L && (long double)c + 1 > l - 1e-6L,
	      "log2_centi(%llu) = %u, log2 * 100 = %Lf", (unsigned long long)n, c, l);
	if (n > 1)
		CHECK(kb_log2_centi(n - 1) <= c, "log2_centi not monotonic at %llu",
		      (unsigned long long)n);
}

/* ---- one request ----------------------------------------------------- */

static uint64_t draw_value;

static int fixed_uniform(void *ctx, uint64_t bound, uint64_t *out)
{
	(void)ctx;
	*out = draw_value % bound;
	return 0;
}

static int bad_uniform(void *ctx, uint64_t bound, uint64_t *out)
{
	(void)ctx;
	*out = bound;		/* out of range: must be refused */
	return 0;
}

static void check_base(const struct kb_freemap *f, const struct kb_slot_req *r,
		       uint64_t index, uint64_t count)
{
	struct kb_diag d;
	uint64_t base;
	int err;

	err = kb_slots_base(f, r, index, &base, &d);
	CHECK(err == 0, "kb_slots_base(%llu of %llu): %d %s",
	      (unsigned long long)index, (unsigned long long)count, err, d.msg);
	CHECK(base % r->align == 0, "base 0x%llx not aligned to 0x%llx",
	      (unsigned long long)base, (unsigned long long)r->align);
	CHECK(kb_slot_valid(f, r, base), "base 0x%llx (index %llu) not valid",
	      (unsigned long long)base, (unsigned long long)index);
	CHECK(model_valid(f, r, base), "base 0x%llx (index %llu) outside free memory",
	      (unsigned long long)base, (unsigned long long)index);
	/* Neighbours: kb_slot_valid agrees with the model. */
	if (base >= r->align)
		CHECK(kb_slot_valid(f, r, base - r->align) == model_valid(f, r, base - r->align),
		      "kb_slot_valid(base - align)");
	if (base <= UINT64_MAX - r->align)
		CHECK(kb_slot_valid(f, r, base + r->align) == model_valid(f, r, base + r->align),
		      "kb_slot_valid(base + align)");
	if (r->align > 1)
		CHECK(!kb_slot_valid(f, r, base + 1), "unaligned base valid");
}

static void check_request(const struct kb_freemap *f, const struct kb_slot_req *r)
{
	struct kb_diag d;
	struct kb_plan p;
	uint64_t count = 0, fb, n, b0, b1;
	u128 model = 0, mfb;
	unsigned int i;
	int err;

	if (kb_slot_req_check(r, &d) != 0)
		return;

	for (i = 0; i < f->n; i++) {
		u128 k = model_span(&f->span[i], r, &mfb);

		kb_span_slots(&f->span[i], r, &fb, &n);
		CHECK(n == k, "span %u: kb_span_slots %llu, model %llu", i,
		      (unsigned long long)n, (unsigned long long)k);
		if (n)
			CHECK(fb == mfb, "span %u: first base 0x%llx, model 0x%llx", i,
			      (unsigned long long)fb, (unsigned long long)mfb);
		model += k;
	}

	err = kb_slots_count(f, r, &count, &d);
	if (model > UINT64_MAX) {
		CHECK(err == KB_ERANGE, "count overflow not reported (%d)", err);
		return;
	}
	CHECK(err == 0, "kb_slots_count: %d %s", err, d.msg);
	CHECK(count == model, "count %llu, model %llu",
	      (unsigned long long)count, (unsigned long long)model);
	check_log2(count);

	if (count == 0) {
		CHECK(kb_plan_random(f, r, fixed_uniform, NULL, &p, &d) == KB_ENOSPC,
		      "zero slots: kb_plan_random not ENOSPC");
		CHECK(kb_plan_fixed(f, r, 0, &p, &d) == KB_ENOSPC,
		      "zero slots: kb_plan_fixed not ENOSPC");
		return;
	}

	check_base(f, r, 0, count);
	check_base(f, r, count - 1, count);
	check_base(f, r, count / 2, count);
	check_base(f, r, draw_value % count, count);
	CHECK(kb_slots_base(f, r, count, &b0, &d) == KB_ERANGE, "index == count accepted");

	/* Address order. */
	CHECK(kb_slots_base(f, r, 0, &b0, &d) == 0 &&
	      kb_slots_base(f, r, count - 1, &b1, &d) == 0 && b0 <= b1, "order");

	/* The random choice maps the drawn index exactly. */
	memset(&p, 0, sizeof(p));
	err = kb_plan_random(f, r, fixed_uniform, NULL, &p, &d);
	CHECK(err == 0, "kb_plan_random: %d %s", err, d.msg);
	CHECK(p.count == count && p.index == draw_value % count, "plan index/count");
	CHECK(kb_slots_base(f, r, p.index, &b0, &d) == 0 && b0 == p.base, "plan base");
	CHECK(p.start == p.base + r->offset, "plan start");
	CHECK(kb_plan_random(f, r, bad_uniform, NULL, &p, &d) != 0,
	      "out-of-range uniform() accepted");

	/* Fixed: a valid preferred base is kept, an invalid one gives the
	 * lowest slot. */
	kb_slots_base(f, r, count / 2, &b1, &d);
	CHECK(kb_plan_fixed(f, r, b1, &p, &d) == 0 && p.base == b1, "fixed keeps a slot");
	kb_slots_base(f, r, 0, &b0, &d);
	if (!model_valid(f, r, b1 + 1))
		CHECK(kb_plan_fixed(f, r, b1 + 1, &p, &d) == 0 && p.base == b0,
		      "fixed falls back to the lowest slot");
}

/* ---- entry ------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kb_region mem[NMEM], resv[NRESV];
	struct kb_span spans[NMEM + NRESV + NAVOID + 1], small[2], avoid[NAVOID];
	struct kb_freemap f, fs;
	struct kb_memmap m;
	struct kb_diag d;
	uint8_t p[32] = { 0 };
	uint64_t dtb_addr, floor = 0, ceiling = UINT64_MAX, anchor;
	unsigned int navoid, i;
	void *fdt;
	int err;

	/* The last 32 bytes (zero-padded) are the parameters. */
	memcpy(p + (size < 32 ? 32 - size : 0), data + (size < 32 ? 0 : size - 32),
	       size < 32 ? size : 32);
	draw_value = le(p + 24, 8);

	/* An 8-byte-aligned copy of exactly size bytes (ASan sees past it). */
	fdt = malloc(size ? size : 1);
	if (fdt == NULL)
		return 0;
	memcpy(fdt, data, size);
	kb_diag_clear(&d);
	if (kb_fdt_validate(fdt, size, &d) != 0) {
		CHECK(d.msg[0] != '\0', "validation failed without a diagnostic");
		goto out;
	}

	switch (p[0] & 3) {
	case 0:	dtb_addr = 0x80000000u + (le(p + 1, 4) & 0x3fffffffu); break;
	case 1:	dtb_addr = le(p + 1, 8); break;
	case 2:	dtb_addr = UINT64_MAX - (p[1] & 0x3f); break;	/* wraps */
	default: dtb_addr = 0x9fe00000u; break;
	}

	kb_memmap_init(&m, mem, NMEM, resv, NRESV);
	err = kb_memmap_from_fdt(&m, fdt, dtb_addr, &d);
	if (err) {
		CHECK(err < 0 && d.msg[0] != '\0', "memmap error %d without a diagnostic", err);
		goto out;
	}
	CHECK(m.nmem <= NMEM && m.nresv <= NRESV, "table overrun");

	/* Avoid spans and limits, near the first memory range so they bite. */
	anchor = m.nmem ? m.mem[0].base : 0x80000000u;
	navoid = p[9] % (NAVOID + 1);
	for (i = 0; i < navoid; i++) {
		uint64_t off = le(p + 10 + 2 * i, 2) << 16, len = ((uint64_t)p[16 + i] << 20) | 1;

		avoid[i].first = off > UINT64_MAX - anchor ? UINT64_MAX - len : anchor + off;
		avoid[i].last = len > UINT64_MAX - avoid[i].first ? UINT64_MAX
								 : avoid[i].first + len - 1;
	}
	if (p[19] & 1)
		floor = anchor + ((uint64_t)p[20] << 22);
	if (p[19] & 2)
		ceiling = anchor + ((uint64_t)p[21] << 24) + 0xffffff;
	if (floor < anchor && (p[19] & 1))	/* wrapped */
		floor = 0;
	if (ceiling < anchor && (p[19] & 2))
		ceiling = UINT64_MAX;

	kb_freemap_init(&f, spans, m.nmem + m.nresv + navoid + 1);
	err = kb_freemap_build(&f, &m, avoid, navoid, floor, ceiling, &d);
	if (floor > ceiling) {
		CHECK(err == KB_EINVAL, "floor > ceiling accepted");
		goto out;
	}
	/* This capacity always suffices: each cut splits at most one span. */
	CHECK(err == 0, "kb_freemap_build: %d %s", err, d.msg);
	check_freemap(&f, &m, avoid, navoid, floor, ceiling);
	check_print(&f);
	check_log2(draw_value);

	/* A too-small table is an error, never a silent truncation. */
	kb_freemap_init(&fs, small, 2);
	err = kb_freemap_build(&fs, &m, avoid, navoid, floor, ceiling, &d);
	if (err == 0) {
		CHECK(fs.n == f.n && memcmp(small, spans, f.n * sizeof(spans[0])) == 0,
		      "small table: different result");
	} else {
		CHECK(err == KB_ENOSPC, "small table: %d %s", err, d.msg);
	}

	/* Requests: the usual ones, then some from the input. */
	{
		struct kb_slot_req req[] = {
			{ 32u << 20, 2u << 20, 0 },
			{ 2u << 20, 2u << 20, 0 },
			{ 1, 1, 0 },
			{ 24u << 20, 2u << 20, 0x200000 },
			{ UINT64_MAX, 1, 0 },
			{ 1, UINT64_C(1) << 63, 0 },
			{ (le(p + 4, 4) << (p[8] % 40)) | 1,
			  UINT64_C(1) << (p[22] % 64),
			  (p[23] & 1) ? le(p + 12, 3) << (p[23] >> 3) : 0 },
			{ le(p + 16, 8) | 1, UINT64_C(1) << (p[3] % 64), le(p + 24, 8) },
		};

		for (i = 0; i < sizeof(req) / sizeof(req[0]); i++)
			check_request(&f, &req[i]);
	}
out:
	free(fdt);
	return 0;
}
