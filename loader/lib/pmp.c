// SPDX-License-Identifier: BSD-2-Clause
/*
 * RISC-V PMP region planning: which locked entries cover which of the
 * payload's ranges.  Pure; see kaslrboot/pmp.h for the contract and
 * docs/pmp.md for the layout.  All arithmetic is on uint64_t addresses
 * below 2^56 (the largest physical space, addr_bits 54), so nothing wraps.
 */
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/pmp.h>

#define H(x)	((unsigned long long)(x))
#define INF	1000000u

struct range {
	uint64_t start, end;	/* [start, end) */
	unsigned int perm;
	const char *name;	/* the first segment's */
};

static const char *nm(const char *s)
{
	return s ? s : "(unnamed)";
}

const char *kb_pmp_perm_str(unsigned int perm)
{
	static const char *const s[8] = {
		"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx",
	};

	return s[perm & 7];
}

static bool napot_ok(const struct range *r, uint64_t granule)
{
	uint64_t size = r->end - r->start;

	/* NA4 (size 4) exists only with a 4-byte granule; NAPOT from 8. */
	return (size & (size - 1)) == 0 && size >= granule &&
	       (r->start & (size - 1)) == 0;
}

static void napot_entry(struct kb_pmp_entry *e, const struct range *r)
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

int kb_pmp_plan(const struct kb_pmp_seg *segs, size_t n,
		const struct kb_pmp_params *p, struct kb_pmp_entry *out,
		size_t *n_out, struct kb_diag *d)
{
	struct range r[KB_PMP_MAX_SEGS];
	/* cost[i][k]: fewest entries for ranges 0..i with range i encoded as
	 * NAPOT (k = 0) or TOR (k = 1); from[i][k]: range i-1's choice. */
	unsigned int cost[KB_PMP_MAX_SEGS][2], from[KB_PMP_MAX_SEGS][2];
	unsigned char choice[KB_PMP_MAX_SEGS];
	uint64_t granule, space;
	size_t nr = 0, i, k, ne = 0;
	unsigned int total, need;

	*n_out = 0;
	if (p->nr_entries < 1 || p->nr_entries > KB_PMP_MAX_ENTRIES)
		return kb_diag_set(d, KB_EINVAL, "pmp: %u entries available (1 .. %d)",
				   p->nr_entries, KB_PMP_MAX_ENTRIES);
	if (p->addr_bits < 8 || p->addr_bits > 54 || p->g + 2 >= p->addr_bits + 2)
		return kb_diag_set(d, KB_EINVAL,
				   "pmp: pmpaddr width %u bits (8 .. 54) or granularity G=%u out of range",
				   p->addr_bits, p->g);
	if (p->background != KB_PMP_NO_BACKGROUND &&
	    (p->background < 0 || p->background > 7 ||
	     (p->background & (KB_PMP_R | KB_PMP_W)) == KB_PMP_W))
		return kb_diag_set(d, KB_EINVAL, "pmp: background permissions %d are not R/W/X bits with W only beside R",
				   p->background);
	if (n > KB_PMP_MAX_SEGS)
		return kb_diag_set(d, KB_EINVAL, "pmp: %zu segments, at most %d",
				   n, KB_PMP_MAX_SEGS);
	granule = UINT64_C(1) << (p->g + 2);
	space = UINT64_C(1) << (p->addr_bits + 2);

	/* Check, and take the non-empty segments in ascending order
	 * (insertion sort: a few dozen at most). */
	for (i = 0; i < n; i++) {
		const struct kb_pmp_seg *s = &segs[i];
		struct range t;

		if (s->size == 0)
			continue;
		if (s->perm & ~7u)
			return kb_diag_set(d, KB_EINVAL,
					   "pmp: segment '%s' has permissions 0x%x (only R/W/X bits)",
					   nm(s->name), s->perm);
		/* R=0 W=1 is a reserved encoding (privileged spec). */
		if ((s->perm & (KB_PMP_R | KB_PMP_W)) == KB_PMP_W)
			return kb_diag_set(d, KB_EINVAL,
					   "pmp: segment '%s' asks for %s: write without read is a reserved PMP encoding",
					   nm(s->name), kb_pmp_perm_str(s->perm));
		if (s->start >= space || s->size > space - s->start)
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: segment '%s' [0x%llx, +0x%llx) is outside the 0x%llx-byte physical space",
					   nm(s->name), H(s->start), H(s->size), H(space));
		if ((s->start | s->size) & (granule - 1))
			return kb_diag_set(d, KB_EALIGN,
					   "pmp: segment '%s' [0x%llx, +0x%llx) is not aligned to the 0x%llx-byte PMP granule",
					   nm(s->name), H(s->start), H(s->size), H(granule));
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
						   nm(r[i].name), kb_pmp_perm_str(r[i].perm), H(r[i].start),
						   nm(r[k - 1].name), kb_pmp_perm_str(r[k - 1].perm),
						   H(r[k - 1].end));
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
		unsigned int best_prev = 0, bp = INF;

		if (i > 0) {
			best_prev = cost[i - 1][0] <= cost[i - 1][1] ? 0 : 1;
			bp = cost[i - 1][best_prev];
		} else {
			bp = 0;
		}
		cost[i][0] = napot_ok(&r[i], granule) ? bp + 1 : INF;
		from[i][0] = best_prev;
		cost[i][1] = INF;
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
		if (cost[i][0] >= INF && cost[i][1] >= INF)
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: segment '%s' ends at the top of the physical space (0x%llx) and is not a naturally aligned power of two: no entry can cover it",
					   nm(r[i].name), H(space));
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
				   need, p->nr_entries, nm(i < nr ? r[i].name : "background"),
				   H(i < nr ? r[i].start : 0));
	}

	for (i = 0; i < nr; i++) {
		struct kb_pmp_entry *e;

		if (choice[i] == 0) {
			napot_entry(&out[ne++], &r[i]);
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
		struct kb_pmp_entry *e = &out[ne++];

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

static int add_seg(struct kb_pmp_seg *out, size_t max, size_t *n, uint64_t start,
		   uint64_t end, unsigned int perm, const char *name, struct kb_diag *d)
{
	if (end <= start)
		return 0;
	if (*n == max)
		return kb_diag_set(d, KB_ENOSPC, "pmp: more than %zu payload segments", max);
	out[*n].start = start;
	out[*n].size = end - start;
	out[*n].perm = perm;
	out[*n].name = name;
	(*n)++;
	return 0;
}

int kb_pmp_payload_segs(const struct kb_payload_info *pi, uint64_t start,
			unsigned int g, struct kb_pmp_seg *out, size_t max,
			size_t *n, struct kb_diag *d)
{
	uint64_t gm = (UINT64_C(1) << ((g + 2) & 63)) - 1;
	uint64_t rs = 0, re = 0;
	int err;

	*n = 0;
	if (pi->relro_size) {
		if (start > UINT64_MAX - pi->relro_off ||
		    pi->relro_size > UINT64_MAX - (start + pi->relro_off))
			return kb_diag_set(d, KB_ERANGE, "pmp: the payload's RELRO wraps past 2^64");
		rs = start + pi->relro_off;
		re = rs + pi->relro_size;
	}
	for (unsigned int i = 0; i < pi->nseg; i++) {
		const struct kb_segment *s = &pi->seg[i];
		uint64_t a, b, lo, hi;

		if (start > UINT64_MAX - s->dst_off || s->memsz > UINT64_MAX - (start + s->dst_off) ||
		    start + s->dst_off + s->memsz > UINT64_MAX - gm)
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: payload segment %u at 0x%llx + 0x%llx wraps past 2^64",
					   i, H(s->dst_off), H(s->memsz));
		a = start + s->dst_off;
		b = a + s->memsz;
		lo = a & ~gm;			/* outward */
		hi = (b + gm) & ~gm;
		if (!(s->flags & (KB_PF_R | KB_PF_W | KB_PF_X)))
			return kb_diag_set(d, KB_ENOTSUP,
					   "pmp: payload segment %u has no permissions (an Image?): nothing to lock it by",
					   i);
		if ((s->flags & KB_PF_W) && (s->flags & KB_PF_X))
			return kb_diag_set(d, KB_ENOTSUP,
					   "pmp: payload segment %u at 0x%llx is writable and executable: it cannot be locked",
					   i, H(a));
		if (s->flags & KB_PF_X) {
			err = add_seg(out, max, n, lo, hi, KB_PMP_TEXT, "text", d);
		} else if (!(s->flags & KB_PF_W)) {
			err = add_seg(out, max, n, lo, hi, KB_PMP_RODATA, "rodata", d);
		} else if (re > rs && rs >= a && re <= b) {
			/* RELRO inward; the rest of the segment outward. */
			uint64_t r0 = (rs + gm) & ~gm, r1 = re & ~gm;

			if (r1 <= r0)
				r0 = r1 = lo;
			err = add_seg(out, max, n, lo, r0, KB_PMP_DATA, "data", d);
			if (!err)
				err = add_seg(out, max, n, r0, r1, KB_PMP_RODATA, "relro", d);
			if (!err)
				err = add_seg(out, max, n, r1 > lo ? r1 : lo, hi, KB_PMP_DATA, "data", d);
		} else {
			err = add_seg(out, max, n, lo, hi, KB_PMP_DATA, "data", d);
		}
		if (err)
			return err;
	}
	return 0;
}
