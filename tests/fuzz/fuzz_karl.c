// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: KARL (loader/lib/karl.c), parse + layout + apply on a
 * fuzzed ELF file.  Input: byte 0 chooses the largest gap (0..1020 bytes,
 * a multiple of 4), byte 1 seeds the draws (an LCG; byte 1 = 0xff:
 * nokaslr), the rest is the payload file (the seed corpus holds a small
 * payload built to the contract).  On success the layout must keep the
 * relinking oracle's invariants: the order is a permutation of the
 * movable sections; every section aligned; head sections in place, the
 * tail moved by a multiple of 4 KiB; gaps multiples of the alignment and
 * at most the maximum; no two loaded sections overlapping after the move;
 * every section inside [new_base, new_end); the footprint within
 * kb_karl_max_footprint(); the PMP ranges (kb_karl_ranges) disjoint,
 * inside the image, each section in exactly one; an ELF32 image below
 * 4 GiB; and a failed apply leaves the output untouched.  (Byte equality with a relink is the oracle's
 * job: tests/build/karl_oracle.sh.)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/karl.h>

#define FUZZ_NAME "fuzz_karl"
#include "fuzz.h"

#define MAX_SEC		256
#define MAX_IMAGE	(4u << 20)

static struct kb_karl_sec sec[MAX_SEC];
static uint32_t order[MAX_SEC];
static uint8_t out[MAX_IMAGE];
static uint64_t lcg;

static int uniform(void *ctx, uint64_t bound, uint64_t *o)
{
	(void)ctx;
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	*o = (lcg >> 11) % bound;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kb_diag d;
	struct kb_karl k;
	uint64_t max_gap, seen = 0;
	bool nokaslr;
	unsigned char *used;
	int err;

	if (size < 2)
		return 0;
	max_gap = (uint64_t)data[0] * 4;
	nokaslr = data[1] == 0xff;
	lcg = data[1];
	if (kb_karl_parse(&k, data + 2, size - 2, sec, order, MAX_SEC, &d))
		return 0;
	CHECK(k.nmove >= 1 && k.nrela >= 1, "parse accepted %u movable, %llu relocations",
	      k.nmove, (unsigned long long)k.nrela);
	err = kb_karl_layout(&k, max_gap, 0, nokaslr ? NULL : uniform, NULL, &d);
	if (err)
		return 0;
	CHECK(k.new_end - k.new_base <= kb_karl_max_footprint(&k, max_gap),
	      "footprint 0x%llx above the bound 0x%llx", (unsigned long long)(k.new_end - k.new_base),
	      (unsigned long long)kb_karl_max_footprint(&k, max_gap));
	CHECK(k.tail_delta % 4096 == 0, "tail delta 0x%llx", (unsigned long long)k.tail_delta);
	used = calloc(k.nsec, 1);
	CHECK(used != NULL, "calloc");
	for (unsigned int j = 0; j < k.nmove + k.ndata; j++) {
		uint32_t i = k.order[j];

		CHECK(i < k.nsec && k.sec[i].kind == (j < k.nmove ? KB_KARL_MOVE : KB_KARL_DATA) &&
		      !used[i], "order[%u] = %u is not a fresh movable section or data object", j, i);
		if (j >= k.nmove) {
			const struct kb_karl_group *g = &k.grp[k.sec[i].cls];

			CHECK(j >= g->first && j - g->first < g->n, "order[%u] outside its class", j);
		}
		used[i] = 1;
		seen++;
	}
	free(used);
	CHECK(seen == k.nmove + k.ndata, "order");
	for (unsigned int i = 1; i < k.nsec; i++) {
		const struct kb_karl_sec *a = &k.sec[i];

		if (a->kind == KB_KARL_OTHER)
			continue;
		CHECK(a->new_addr % a->align == 0, "section %u misaligned", i);
		CHECK(a->new_addr >= k.new_base && a->new_addr + a->size <= k.new_end,
		      "section %u outside the image", i);
		if (a->kind == KB_KARL_HEAD)
			CHECK(a->new_addr == a->old_addr, "head %u moved", i);
		/* the tail moves by the text's growth and that of the data
		 * regions below it: multiples of 4 KiB */
		if (a->kind == KB_KARL_TAIL)
			CHECK(a->new_addr >= a->old_addr + k.tail_delta &&
			      (a->new_addr - a->old_addr) % 4096 == 0, "tail %u", i);
		if (a->kind == KB_KARL_DATA) {
			const struct kb_karl_group *g = &k.grp[a->cls];

			CHECK(a->old_addr >= g->lo && a->old_addr + a->size <= g->hi, "data %u region", i);
			CHECK(a->gap % a->align == 0 && a->gap <= max_gap, "gap of %u", i);
			CHECK(!nokaslr || a->new_addr == a->old_addr, "nokaslr moved %u", i);
		}
		if (a->kind == KB_KARL_MOVE) {
			CHECK(a->gap % a->align == 0 && a->gap <= max_gap, "gap of %u", i);
			CHECK(!nokaslr || a->new_addr == a->old_addr, "nokaslr moved %u", i);
		}
		for (unsigned int j = i + 1; j < k.nsec && a->size; j++) {
			const struct kb_karl_sec *b = &k.sec[j];

			if (b->kind == KB_KARL_OTHER || b->size == 0)
				continue;
			CHECK(a->new_addr + a->size <= b->new_addr ||
			      b->new_addr + b->size <= a->new_addr,
			      "sections %u and %u overlap after the move", i, j);
		}
	}
	/* The PMP ranges (M-mode boards): inside the image, disjoint, and
	 * every loaded section inside the range of its class. */
	{
		struct kb_karl_range r[3];
		unsigned int nr;

		if (kb_karl_ranges(&k, r, &nr, &d) == 0) {
			CHECK(nr <= 3, "%u ranges", nr);
			for (unsigned int a = 0; a < nr; a++) {
				CHECK(r[a].start < r[a].end && r[a].start >= k.new_base &&
				      r[a].end <= k.new_end, "range %s outside the image", r[a].what);
				for (unsigned int b = a + 1; b < nr; b++)
					CHECK(r[a].end <= r[b].start || r[b].end <= r[a].start,
					      "ranges %s and %s overlap", r[a].what, r[b].what);
			}
			for (unsigned int i = 1; i < k.nsec; i++) {
				const struct kb_karl_sec *c = &k.sec[i];
				unsigned int in = 0;

				if (c->kind == KB_KARL_OTHER || c->size == 0)
					continue;
				for (unsigned int a = 0; a < nr; a++)
					in += c->new_addr >= r[a].start && c->new_addr + c->size <= r[a].end;
				CHECK(in == 1, "section %u in %u ranges", i, in);
			}
		}
	}
	if (k.elf32)
		CHECK(k.new_end <= (UINT64_C(1) << 32), "ELF32 image ends at 0x%llx",
		      (unsigned long long)k.new_end);
	if (k.new_end - k.new_base > MAX_IMAGE)
		return 0;
	memset(out, 0xa5, k.new_end - k.new_base);
	err = kb_karl_apply(&k, out, MAX_IMAGE, &d);
	if (err) {
		for (uint64_t i = 0; i < k.new_end - k.new_base; i++)
			CHECK(out[i] == 0xa5, "byte %llu written by a failed apply (%s)",
			      (unsigned long long)i, d.msg);
		return 0;
	}
	return 0;
}
