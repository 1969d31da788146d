/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PMP planner as it was before it was made smaller (loader/lib/pmp.c
 * up to commit 31f3ce0: uint64_t addresses, a dynamic program over whole
 * cost arrays, entries that also carried their range), kept as a second
 * oracle for tests/host/test_pmp.c: the new planner must plan exactly the
 * same entries (cfg and pmpaddr, in order) and refuse with exactly the
 * same line for every input both take (64-bit addresses).  Not built into
 * the loader.
 */
#ifndef KASLRBOOT_TESTS_PMP_REF_H
#define KASLRBOOT_TESTS_PMP_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/pmp.h>

#define REF_MAX_SEGS		40
#define REF_MAX_ENTRIES		64

struct ref_seg {
	uint64_t start, size;
	unsigned int perm;
	const char *name;
};

struct ref_params {
	unsigned int nr_entries, g, addr_bits;
	int background;
};

struct ref_entry {
	uint8_t cfg;
	uint64_t addr;
	uint64_t base, size;
};

#define REF_H(x)	((unsigned long long)(x))
#define REF_INF	1000000u

struct range {
	uint64_t start, end;	/* [start, end) */
	unsigned int perm;
	const char *name;	/* the first segment's */
};

static const char *ref_nm(const char *s)
{
	return s ? s : "(unnamed)";
}

static bool ref_napot_ok(const struct range *r, uint64_t granule)
{
	uint64_t size = r->end - r->start;

	/* NA4 (size 4) exists only with a 4-byte granule; NAPOT from 8. */
	return (size & (size - 1)) == 0 && size >= granule &&
	       (r->start & (size - 1)) == 0;
}

static void ref_napot_entry(struct ref_entry *e, const struct range *r)
{
	uint64_t size = r->end - r->start;

	e->base = r->start;
	e->size = size;
	if (size == 4) {
		e->cfg = KB_PMP_L | KB_PMP_A_NA4 | r->perm;
		e->addr = r->start >> 2;
	} else {
		/* yyyy...y0111: size / 8 - 1 ones below the base's bits. */
		e->cfg = KB_PMP_L | KB_PMP_A_NAPOT | r->perm;
		e->addr = (r->start >> 2) | ((size >> 3) - 1);
	}
}

static int kb_test_pmp_plan_ref(const struct ref_seg *segs, size_t n,
		const struct ref_params *p, struct ref_entry *out,
		size_t *n_out, struct kb_diag *d)
{
	struct range r[REF_MAX_SEGS];
	/* cost[i][k]: fewest entries for ranges 0..i with range i encoded as
	 * NAPOT (k = 0) or TOR (k = 1); from[i][k]: range i-1's choice. */
	unsigned int cost[REF_MAX_SEGS][2], from[REF_MAX_SEGS][2];
	unsigned char choice[REF_MAX_SEGS];
	uint64_t granule, space;
	size_t nr = 0, i, k, ne = 0;
	unsigned int total, need;

	*n_out = 0;
	if (p->nr_entries < 1 || p->nr_entries > REF_MAX_ENTRIES)
		return kb_diag_set(d, KB_EINVAL, "pmp: %u entries available (1 .. %d)",
				   p->nr_entries, REF_MAX_ENTRIES);
	if (p->addr_bits < 8 || p->addr_bits > 54 || p->g + 2 >= p->addr_bits + 2)
		return kb_diag_set(d, KB_EINVAL,
				   "pmp: pmpaddr width %u bits (8 .. 54) or granularity G=%u out of range",
				   p->addr_bits, p->g);
	if (p->background != KB_PMP_NO_BACKGROUND &&
	    (p->background < 0 || p->background > 7 ||
	     (p->background & (KB_PMP_R | KB_PMP_W)) == KB_PMP_W))
		return kb_diag_set(d, KB_EINVAL, "pmp: background permissions %d are not R/W/X bits with W only beside R",
				   p->background);
	if (n > REF_MAX_SEGS)
		return kb_diag_set(d, KB_EINVAL, "pmp: %zu segments, at most %d",
				   n, REF_MAX_SEGS);
	granule = UINT64_C(1) << (p->g + 2);
	space = UINT64_C(1) << (p->addr_bits + 2);

	/* Check, and take the non-empty segments in ascending order
	 * (insertion sort: a few dozen at most). */
	for (i = 0; i < n; i++) {
		const struct ref_seg *s = &segs[i];
		struct range t;

		if (s->size == 0)
			continue;
		if (s->perm & ~7u)
			return kb_diag_set(d, KB_EINVAL,
					   "pmp: segment '%s' has permissions 0x%x (only R/W/X bits)",
					   ref_nm(s->name), s->perm);
		/* R=0 W=1 is a reserved encoding (privileged spec). */
		if ((s->perm & (KB_PMP_R | KB_PMP_W)) == KB_PMP_W)
			return kb_diag_set(d, KB_EINVAL,
					   "pmp: segment '%s' asks for %s: write without read is a reserved PMP encoding",
					   ref_nm(s->name), kb_pmp_perm_str(s->perm));
		if (s->start >= space || s->size > space - s->start)
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: segment '%s' [0x%llx, +0x%llx) is outside the 0x%llx-byte physical space",
					   ref_nm(s->name), REF_H(s->start), REF_H(s->size), REF_H(space));
		if ((s->start | s->size) & (granule - 1))
			return kb_diag_set(d, KB_EALIGN,
					   "pmp: segment '%s' [0x%llx, +0x%llx) is not aligned to the 0x%llx-byte PMP granule",
					   ref_nm(s->name), REF_H(s->start), REF_H(s->size), REF_H(granule));
		t.start = s->start;
		t.end = s->start + s->size;
		t.perm = s->perm;
		t.name = s->name;
		for (k = nr; k > 0 && r[k - 1].start > t.start; k--)
			r[k] = r[k - 1];
		r[k] = t;
		nr++;
	}

	/* Merge overlapping and adjacent ranges of equal permissions;
	 * overlapping ranges of different permissions have no single
	 * meaning: refuse. */
	k = 0;
	for (i = 0; i < nr; i++) {
		if (k > 0 && r[i].start <= r[k - 1].end) {
			if (r[i].start < r[k - 1].end && r[i].perm != r[k - 1].perm)
				return kb_diag_set(d, KB_EOVERLAP,
						   "pmp: segment '%s' (%s) at 0x%llx overlaps '%s' (%s), which ends at 0x%llx",
						   ref_nm(r[i].name), kb_pmp_perm_str(r[i].perm), REF_H(r[i].start),
						   ref_nm(r[k - 1].name), kb_pmp_perm_str(r[k - 1].perm),
						   REF_H(r[k - 1].end));
			if (r[i].perm == r[k - 1].perm) {
				if (r[i].end > r[k - 1].end)
					r[k - 1].end = r[i].end;
				continue;
			}
		}
		r[k++] = r[i];
	}
	nr = k;

	/* What the background gives already needs no entry. */
	if (p->background != KB_PMP_NO_BACKGROUND) {
		k = 0;
		for (i = 0; i < nr; i++)
			if (r[i].perm != (unsigned int)p->background)
				r[k++] = r[i];
		nr = k;
	}

	/* Fewest entries: NAPOT costs 1 where possible; TOR costs 1 when the
	 * entry before it is a TOR ending at this start (or it is entry 0
	 * and starts at 0), else 2 (an OFF entry holding the bottom). */
	for (i = 0; i < nr; i++) {
		bool tor_ok = r[i].end < space; /* pmpaddr holds end >> 2 */
		unsigned int best_prev = 0, bp = REF_INF;

		if (i > 0) {
			best_prev = cost[i - 1][0] <= cost[i - 1][1] ? 0 : 1;
			bp = cost[i - 1][best_prev];
		} else {
			bp = 0;
		}
		cost[i][0] = ref_napot_ok(&r[i], granule) ? bp + 1 : REF_INF;
		from[i][0] = best_prev;
		cost[i][1] = REF_INF;
		from[i][1] = best_prev;
		if (tor_ok) {
			if (i == 0) {
				cost[i][1] = r[i].start == 0 ? 1 : 2;
			} else {
				unsigned int via_tor = cost[i - 1][1] +
					(r[i - 1].end == r[i].start ? 1 : 2);
				unsigned int via_napot = cost[i - 1][0] + 2;

				cost[i][1] = via_tor <= via_napot ? via_tor : via_napot;
				from[i][1] = via_tor <= via_napot ? 1 : 0;
			}
		}
		if (cost[i][0] >= REF_INF && cost[i][1] >= REF_INF)
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: segment '%s' ends at the top of the physical space (0x%llx) and is not a naturally aligned power of two: no entry can cover it",
					   ref_nm(r[i].name), REF_H(space));
	}
	total = 0;
	if (nr > 0) {
		k = cost[nr - 1][0] <= cost[nr - 1][1] ? 0 : 1;
		total = cost[nr - 1][k];
		for (i = nr; i-- > 0;) {
			choice[i] = (unsigned char)k;
			k = from[i][k];
		}
	}
	need = total + (p->background != KB_PMP_NO_BACKGROUND ? 1 : 0);
	if (need > p->nr_entries) {
		/* Name the first range that does not fit. */
		unsigned int used = 0;

		for (i = 0; i < nr; i++) {
			if (choice[i] == 0)
				used += 1;
			else if ((i == 0 && r[i].start == 0) ||
				 (i > 0 && choice[i - 1] == 1 && r[i - 1].end == r[i].start))
				used += 1;
			else
				used += 2;
			if (used + (p->background != KB_PMP_NO_BACKGROUND ? 1 : 0) > p->nr_entries)
				break;
		}
		return kb_diag_set(d, KB_ENOSPC,
				   "pmp: the payload needs %u PMP entries, %u are available (segment '%s' at 0x%llx is the first that does not fit)",
				   need, p->nr_entries, ref_nm(i < nr ? r[i].name : "background"),
				   REF_H(i < nr ? r[i].start : 0));
	}

	for (i = 0; i < nr; i++) {
		struct ref_entry *e;

		if (choice[i] == 0) {
			ref_napot_entry(&out[ne++], &r[i]);
			continue;
		}
		/* The bottom is the previous entry's address (0 for entry
		 * 0): reuse it when that entry is a TOR ending here. */
		if (!((ne == 0 && r[i].start == 0) ||
		      (ne > 0 && (out[ne - 1].cfg & KB_PMP_A_MASK) == KB_PMP_A_TOR &&
		       out[ne - 1].addr == r[i].start >> 2))) {
			e = &out[ne++];
			e->cfg = KB_PMP_L | KB_PMP_A_OFF;
			e->addr = r[i].start >> 2;
			e->base = r[i].start;
			e->size = 0;
		}
		e = &out[ne++];
		e->cfg = KB_PMP_L | KB_PMP_A_TOR | r[i].perm;
		e->addr = r[i].end >> 2;
		e->base = r[i].start;
		e->size = r[i].end - r[i].start;
	}
	if (p->background != KB_PMP_NO_BACKGROUND) {
		struct ref_entry *e = &out[ne++];

		/* 0111...1: NAPOT over the whole 2^(addr_bits+2)-byte
		 * space (the spec's encoding table). */
		e->cfg = KB_PMP_L | KB_PMP_A_NAPOT | (unsigned int)p->background;
		e->addr = (space >> 3) - 1;
		e->base = 0;
		e->size = space;
	}
	*n_out = ne;
	return 0;
}


#endif
