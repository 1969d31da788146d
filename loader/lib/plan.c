// SPDX-License-Identifier: BSD-2-Clause
/*
 * Placement planner (see <kaslrboot/plan.h>): free map, slots, choice.
 *
 * Pure module: no hardware access, no allocation, no floating point; builds
 * for the host (unit tests, kaslrplan) and for the loader.
 *
 * Rules this file keeps, because each one is a known way to lose KASLR
 * entropy or to place a kernel on top of something:
 *  - Nothing is capped: every memory range, every reservation and every
 *    avoid span is processed; a full table is KB_ENOSPC, never a silent
 *    drop (a dropped reservation could be overwritten, a dropped range
 *    loses slots).
 *  - Spans are inclusive [first, last], so memory reaching 2^64 - 1 is
 *    representable; every bound check is written as a subtraction (or a
 *    comparison) that cannot wrap, with the reason next to it.
 *  - One computation, span_fit() (public face: kb_span_slots()), decides
 *    which bases are slots.  Counting, index -> base, base -> index
 *    (kb_slot_valid) and both choices all go through it, so they cannot
 *    disagree.
 *  - The index is drawn by the caller's uniform() over exactly [0, count)
 *    (rejection sampling in kb_drbg_uniform, no modulo or multiply-shift
 *    bias) and its result is range-checked before it is used.
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/fmt.h>
#include <kaslrboot/plan.h>

/* ---- formatting ----------------------------------------------------- */

/* "2 MiB": the largest binary unit that divides v exactly, else bytes (as
 * kb_memmap_print does).  whole64: the value is 2^64 ("16 EiB"), which a
 * uint64_t cannot hold. */
static void fmt_size(char *buf, size_t len, uint64_t v, bool whole64)
{
	if (whole64)
		kb_fmt_cat(buf, len, "16 EiB", "", "");
	else
		kb_size_str(v, buf, len);
}

/* ---- free map ------------------------------------------------------- */

void kb_freemap_init(struct kb_freemap *f, struct kb_span *span, unsigned int cap)
{
	f->span = span;
	f->n = 0;
	/* A NULL table has no room, whatever capacity was claimed. */
	f->cap = span ? cap : 0;
}

/* True if inclusive span A (ending at a_last) lies strictly below span B
 * (starting at b_first) with at least one address between them, i.e.
 * a_last < b_first - 1, written so that b_first = 0 cannot wrap. */
static bool below_with_gap(kb_phys_t a_last, kb_phys_t b_first)
{
	return a_last < b_first && b_first - a_last > 1;
}

/*
 * Add [first, last] to the set: sorted, disjoint, non-adjacent, kept so
 * by insertion in place (no allocation).  Every span that overlaps or
 * touches the new one is merged into it; only a span that touches nothing
 * takes a new entry, and only if the table has room.
 */
static int union_add(struct kb_freemap *f, kb_phys_t first, kb_phys_t last,
		     const struct kb_region *mem, struct kb_diag *d)
{
	unsigned int i = 0, j;

	/* Skip the spans entirely below with a gap: they stay as they are. */
	while (i < f->n && below_with_gap(f->span[i].last, first))
		i++;
	/* Absorb every span that is not entirely above with a gap.  last only
	 * grows, so a span touching the grown end is absorbed too. */
	for (j = i; j < f->n && !below_with_gap(last, f->span[j].first); j++) {
		if (f->span[j].first < first)
			first = f->span[j].first;
		if (f->span[j].last > last)
			last = f->span[j].last;
	}
	if (j == i) {
		/* A new entry.  Never write past the table, never drop a
		 * span silently (that would lose slots, and a caller that
		 * went on would plan on a wrong map). */
		if (f->n >= f->cap)
			return kb_diag_set(d, KB_ENOSPC,
					   "plan: free-map table full (%u spans), cannot add free span [0x%"
					   PRIxPHYS ", 0x%" PRIxPHYS "] of memory %.*s",
					   f->cap, first, last,
					   (int)strnlen(mem->name, sizeof(mem->name)),
					   mem->name);
		memmove(&f->span[i + 1], &f->span[i],
			(f->n - i) * sizeof(f->span[0]));
		f->n++;
	} else {
		/* span[i..j) become span[i]: close the gap of j - i - 1. */
		memmove(&f->span[i + 1], &f->span[j],
			(f->n - j) * sizeof(f->span[0]));
		f->n -= j - i - 1;
	}
	f->span[i].first = first;
	f->span[i].last = last;
	return KB_OK;
}

/* Inclusive last byte of a region of size >= 1.  false if it would pass
 * 2^64 - 1 (kb_memmap_add_* never adds such a region, a hand-made map
 * might). */
static bool region_last(const struct kb_region *r, kb_phys_t *last)
{
	/* size - 1 <= KB_PHYS_MAX - base  <=>  base + size - 1 does not wrap. */
	if (r->size - 1 > KB_PHYS_MAX - r->base)
		return false;
	*last = r->base + (r->size - 1);
	return true;
}

/* What is cut out of memory: every reservation, then every avoid span. */
struct cuts {
	const struct kb_region *resv;
	unsigned int nresv;
	const struct kb_span *avoid;
	unsigned int navoid;
};

/* Cut i (0 <= i < nresv + navoid) as an inclusive span; false for an
 * empty reservation.  Validated beforehand: no wrap, first <= last. */
static bool cut_get(const struct cuts *c, unsigned int i, kb_phys_t *first,
		    kb_phys_t *last)
{
	if (i < c->nresv) {
		if (c->resv[i].size == 0)
			return false;
		*first = c->resv[i].base;
		return region_last(&c->resv[i], last);
	}
	*first = c->avoid[i - c->nresv].first;
	*last = c->avoid[i - c->nresv].last;
	return true;
}

/*
 * Add the free parts of [lo, hi] (one memory range, already clipped): the
 * pieces between the cuts, found without storing them by walking upward
 * from lo.
 */
static int add_pieces(struct kb_freemap *f, const struct cuts *c,
		      kb_phys_t lo, kb_phys_t hi, const struct kb_region *mem,
		      struct kb_diag *d)
{
	unsigned int ncuts = c->nresv + c->navoid, i;
	kb_phys_t pos = lo, end, cf, cl;
	bool moved;
	int err;

	for (;;) {
		/* Step pos past every cut that contains it (until none
		 * does: cuts may overlap in any order). */
		do {
			moved = false;
			for (i = 0; i < ncuts; i++) {
				if (!cut_get(c, i, &cf, &cl) || cf > pos || cl < pos)
					continue;
				/* The cut reaches the end of the range: done
				 * (and cl + 1 below could be 2^64). */
				if (cl >= hi)
					return KB_OK;
				pos = cl + 1;	/* cl < hi <= KB_PHYS_MAX */
				moved = true;
			}
		} while (moved);
		/* pos is free: the piece ends below the next cut above it. */
		end = hi;
		for (i = 0; i < ncuts; i++) {
			/* cf > pos >= 0: cf - 1 cannot wrap. */
			if (cut_get(c, i, &cf, &cl) && cf > pos && cf - 1 < end)
				end = cf - 1;
		}
		err = union_add(f, pos, end, mem, d);
		if (err)
			return err;
		/* end == hi: the range is done (end + 1 could be 2^64). */
		if (end == hi)
			return KB_OK;
		pos = end + 1;		/* end < hi <= KB_PHYS_MAX */
	}
}

static int build(struct kb_freemap *f, const struct kb_memmap *m,
		 const struct kb_span *avoid, unsigned int navoid,
		 kb_phys_t floor, kb_phys_t ceiling, struct kb_diag *d)
{
	const struct kb_region *prev = NULL;
	struct cuts c = { m->resv, m->nresv, avoid, navoid };
	unsigned int i;
	kb_phys_t last;
	int err;

	if (floor > ceiling)
		return kb_diag_set(d, KB_EINVAL,
				   "plan: floor 0x%" PRIxPHYS " is above ceiling 0x%" PRIxPHYS,
				   floor, ceiling);
	/* A table claimed but absent would be read through NULL. */
	if ((m->nmem != 0 && m->mem == NULL) || (m->nresv != 0 && m->resv == NULL) ||
	    (navoid != 0 && avoid == NULL))
		return kb_diag_set(d, KB_EINVAL, "plan: table missing");
	/* navoid + nresv indexes the cuts: must not wrap an unsigned int. */
	if (navoid > UINT_MAX - m->nresv)
		return kb_diag_set(d, KB_EINVAL, "plan: too many reservations");

	/* Every input is checked before anything is built: the planner
	 * fails closed on what it cannot represent, rather than guess. */
	for (i = 0; i < m->nmem; i++) {
		const struct kb_region *r = &m->mem[i];

		if (r->size != 0 && !region_last(r, &last))
			return kb_diag_set(d, KB_ERANGE,
					   "plan: memory %.*s 0x%" PRIxPHYS "+0x%" PRIxPHYS
					   " wraps past " KB_PHYS_TOP,
					   (int)strnlen(r->name, sizeof(r->name)), r->name,
					   r->base, r->size);
	}
	for (i = 0; i < m->nresv; i++) {
		const struct kb_region *r = &m->resv[i];

		/* A reservation that cannot be represented cannot be
		 * protected. */
		if (r->size != 0 && !region_last(r, &last))
			return kb_diag_set(d, KB_ERANGE,
					   "plan: reservation %.*s 0x%" PRIxPHYS "+0x%" PRIxPHYS
					   " wraps past " KB_PHYS_TOP,
					   (int)strnlen(r->name, sizeof(r->name)), r->name,
					   r->base, r->size);
	}
	for (i = 0; i < navoid; i++) {
		/* An inverted span would otherwise be read as "nothing". */
		if (avoid[i].first > avoid[i].last)
			return kb_diag_set(d, KB_EINVAL,
					   "plan: avoid span %u [0x%" PRIxPHYS ", 0x%" PRIxPHYS
					   "] ends before it starts", i, avoid[i].first,
					   avoid[i].last);
	}

	/*
	 * Memory ranges in ascending base order (selection: the next range
	 * above the previous one by (base, table position); the memory
	 * table is the caller's and stays untouched), each clipped to
	 * [floor, ceiling] and added as its pieces between the cuts.  In
	 * this order no intermediate set has more spans than the final one,
	 * so KB_ENOSPC means exactly "the free map has more than cap spans".
	 */
	for (;;) {
		const struct kb_region *next = NULL;
		kb_phys_t lo, hi;

		for (i = 0; i < m->nmem; i++) {
			const struct kb_region *r = &m->mem[i];

			if (r->size == 0)
				continue;
			/* Strictly after prev in (base, position) order. */
			if (prev != NULL && (r->base < prev->base ||
					     (r->base == prev->base && r <= prev)))
				continue;
			if (next == NULL || r->base < next->base)
				next = r;
		}
		if (next == NULL)
			return KB_OK;
		prev = next;
		region_last(next, &hi);		/* checked above */
		lo = next->base;
		/* Outside [floor, ceiling] entirely: nothing of it is free. */
		if (hi < floor || lo > ceiling)
			continue;
		if (lo < floor)
			lo = floor;
		if (hi > ceiling)
			hi = ceiling;
		err = add_pieces(f, &c, lo, hi, next, d);
		if (err)
			return err;
	}
}

int kb_freemap_build(struct kb_freemap *f, const struct kb_memmap *m,
		     const struct kb_span *avoid, unsigned int navoid,
		     kb_phys_t floor, kb_phys_t ceiling, struct kb_diag *d)
{
	int err;

	if (f == NULL || m == NULL)
		return kb_diag_set(d, KB_EINVAL, "plan: no free map or no memory map");
	f->n = 0;
	err = build(f, m, avoid, navoid, floor, ceiling, d);
	/* On error the map is empty: a partial map (a reservation not yet
	 * subtracted) must never be planned on. */
	if (err)
		f->n = 0;
	return err;
}

/* ---- slots ---------------------------------------------------------- */

static bool req_ok(const struct kb_slot_req *r)
{
	return r != NULL && r->size != 0 && r->align != 0 &&
	       (r->align & (r->align - 1)) == 0;
}

int kb_slot_req_check(const struct kb_slot_req *r, struct kb_diag *d)
{
	if (r == NULL)
		return kb_diag_set(d, KB_EINVAL, "plan: no request");
	if (r->size == 0)
		return kb_diag_set(d, KB_EINVAL, "plan: image size is 0");
	/* Rounding below relies on align - 1 being a mask. */
	if (r->align == 0 || (r->align & (r->align - 1)) != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "plan: alignment 0x%" PRIxPHYS " is not a power of two",
				   r->align);
	return KB_OK;
}

/*
 * THE slot predicate.  A slot is an aligned base b with
 *     s->first <= b + offset  and  b + offset + size - 1 <= s->last
 * (no sum wrapping).  Returns false if the span has none; else the lowest
 * slot *first_base and *last_k = (number of slots) - 1, so the slots are
 * first_base + k * align for k = 0..last_k.  last_k always fits in 64 bits
 * where the count might not (2^64 slots: the whole space, size 1, align 1).
 * r must satisfy req_ok().
 */
static bool span_fit(const struct kb_span *s, const struct kb_slot_req *r,
		     kb_phys_t *first_base, kb_phys_t *last_k)
{
	kb_phys_t hi_start, lo_base, hi_base, b;

	/* Not a span: never let last - first below wrap. */
	if (s->first > s->last)
		return false;
	/* The image must fit at all: size - 1 <= last - first, both sides
	 * exact (size >= 1, first <= last). */
	if (r->size - 1 > s->last - s->first)
		return false;
	/* Highest start: the image's last byte on s->last; >= s->first by
	 * the check above, so no wrap. */
	hi_start = s->last - (r->size - 1);
	/* base = start - offset must be >= 0: the highest start must be at
	 * least offset (this also rejects an offset that would wrap). */
	if (hi_start < r->offset)
		return false;
	hi_base = hi_start - r->offset;
	/* Lowest base whose start is >= s->first; 0 if offset reaches past
	 * s->first (then b + offset >= offset > s->first for every b). */
	lo_base = s->first >= r->offset ? s->first - r->offset : 0;
	/* Round lo_base up to align without wrapping: the next aligned
	 * address above an unaligned one may be 2^64 itself. */
	b = lo_base & ~(r->align - 1);
	if (b != lo_base) {
		if (b > KB_PHYS_MAX - r->align)
			return false;
		b += r->align;
	}
	if (b > hi_base)
		return false;
	*first_base = b;
	/* hi_base - b >= 0 by the check above; exact, no rounding bias. */
	*last_k = (hi_base - b) / r->align;
	return true;
}

void kb_span_slots(const struct kb_span *s, const struct kb_slot_req *r,
		   kb_phys_t *first_base, uint64_t *n)
{
	kb_phys_t b, k;

	*first_base = 0;
	*n = 0;
	if (s == NULL || !req_ok(r) || !span_fit(s, r, &b, &k))
		return;
	*first_base = b;
	/* k + 1 slots.  The single case of 2^64 slots (span [0, 2^64 - 1],
	 * size 1, align 1, offset 0) cannot be told in a uint64_t: it
	 * saturates here, and kb_slots_count reports it as KB_ERANGE. */
	*n = KB_PHYS_BITS == 64 && k == KB_PHYS_MAX ? UINT64_MAX : (uint64_t)k + 1;
}

/* "plan: no 2 MiB-aligned window of 24 MiB fits in free memory" */
static int no_window(const struct kb_slot_req *r, struct kb_diag *d)
{
	char sz[24], al[24], off[24];

	kb_size_str(r->size, sz, sizeof(sz));
	kb_size_str(r->align, al, sizeof(al));
	if (r->offset == 0)
		return kb_diag_set(d, KB_ENOSPC,
				   "plan: no %s-aligned window of %s fits in free memory",
				   al, sz);
	kb_size_str(r->offset, off, sizeof(off));
	return kb_diag_set(d, KB_ENOSPC,
			   "plan: no %s-aligned window of %s at offset %s fits in free memory",
			   al, sz, off);
}

int kb_slots_count(const struct kb_freemap *f, const struct kb_slot_req *r,
		   uint64_t *count, struct kb_diag *d)
{
	uint64_t total = 0;
	kb_phys_t b, k;
	unsigned int i;
	int err;

	err = kb_slot_req_check(r, d);
	if (err)
		return err;
	if (f == NULL || count == NULL || (f->n != 0 && f->span == NULL))
		return kb_diag_set(d, KB_EINVAL, "plan: no free map");
	for (i = 0; i < f->n; i++) {
		if (!span_fit(&f->span[i], r, &b, &k))
			continue;
		/* total + (k + 1) <= UINT64_MAX  <=>  k < UINT64_MAX - total
		 * (also catches k + 1 itself wrapping).  A wrapped count
		 * would make most slots unreachable. */
		if (k >= UINT64_MAX - total) {
			char sz[24], al[24];

			kb_size_str(r->size, sz, sizeof(sz));
			kb_size_str(r->align, al, sizeof(al));
			return kb_diag_set(d, KB_ERANGE,
					   "plan: over 2^64 - 1 slots (%s-aligned windows of %s)",
					   al, sz);
		}
		total += (uint64_t)k + 1;
	}
	*count = total;
	return KB_OK;
}

int kb_slots_base(const struct kb_freemap *f, const struct kb_slot_req *r,
		  uint64_t index, kb_phys_t *base, struct kb_diag *d)
{
	uint64_t rem = index;
	kb_phys_t b, k;
	unsigned int i;
	int err;

	err = kb_slot_req_check(r, d);
	if (err)
		return err;
	if (f == NULL || base == NULL || (f->n != 0 && f->span == NULL))
		return kb_diag_set(d, KB_EINVAL, "plan: no free map");
	for (i = 0; i < f->n; i++) {
		if (!span_fit(&f->span[i], r, &b, &k))
			continue;
		if (rem <= k) {
			/* rem * align <= k * align <= hi_base - b: neither
			 * the product nor the sum can wrap. */
			*base = b + (kb_phys_t)rem * r->align;
			return KB_OK;
		}
		/* rem > k, so k + 1 <= rem: no wrap either way (k + 1
		 * in 64 bits: with 32-bit addresses k may be 2^32 - 1). */
		rem -= (uint64_t)k + 1;
	}
	/* Every slot was skipped over: index - rem of them exist. */
	return kb_diag_set(d, KB_ERANGE,
			   "plan: slot index %" PRIu64 " out of range (%" PRIu64 " slots)",
			   index, index - rem);
}

/* Index of the slot at base, if base is one.  Same predicate as above. */
static bool slot_index(const struct kb_freemap *f, const struct kb_slot_req *r,
		       kb_phys_t base, uint64_t *index)
{
	uint64_t seen = 0;
	kb_phys_t b, k, delta;
	unsigned int i;

	for (i = 0; i < f->n; i++) {
		if (!span_fit(&f->span[i], r, &b, &k))
			continue;
		/* Slots of later spans are higher: base below this span's
		 * lowest slot is no slot at all. */
		if (base < b)
			return false;
		delta = base - b;	/* base >= b: no wrap */
		if ((delta & (r->align - 1)) == 0 && delta / r->align <= k) {
			*index = seen + delta / r->align;
			return true;
		}
		/* seen + k + 1 <= count; it can only pass 2^64 - 1 in the
		 * single-span whole-space case, which returned above. */
		seen = k >= UINT64_MAX - seen ? UINT64_MAX : seen + k + 1;
	}
	return false;
}

bool kb_slot_valid(const struct kb_freemap *f, const struct kb_slot_req *r,
		   kb_phys_t base)
{
	uint64_t index;

	if (f == NULL || !req_ok(r) || (f->n != 0 && f->span == NULL))
		return false;
	return slot_index(f, r, base, &index);
}

/* ---- choice --------------------------------------------------------- */

/* The slot count every choice starts from; no slot at all is an error. */
static int slots_to_choose_from(const struct kb_freemap *f, const struct kb_slot_req *r,
				const struct kb_plan *p, uint64_t *count, struct kb_diag *d)
{
	int err;

	if (p == NULL)
		return kb_diag_set(d, KB_EINVAL, "plan: no plan");
	err = kb_slots_count(f, r, count, d);
	if (err)
		return err;
	if (*count == 0)
		return no_window(r, d);
	return KB_OK;
}

/* The chosen slot, as the caller sees it. */
static int set_plan(struct kb_plan *p, const struct kb_slot_req *r,
		    kb_phys_t base, uint64_t index, uint64_t count)
{
	p->base = base;
	p->start = base + r->offset;	/* span_fit: b + offset never wraps */
	p->index = index;
	p->count = count;
	return KB_OK;
}

int kb_plan_random(const struct kb_freemap *f, const struct kb_slot_req *r,
		   int (*uniform)(void *ctx, uint64_t bound, uint64_t *out),
		   void *ctx, struct kb_plan *p, struct kb_diag *d)
{
	uint64_t count, index = 0;
	kb_phys_t base;
	int err;

	if (uniform == NULL || p == NULL)
		return kb_diag_set(d, KB_EINVAL, "plan: no uniform() or no plan");
	err = slots_to_choose_from(f, r, p, &count, d);
	if (err)
		return err;
	err = uniform(ctx, count, &index);
	if (err < 0)
		return err;
	if (err > 0)
		return kb_diag_set(d, KB_EFAIL, "plan: uniform() failed (%d)", err);
	/* Never trust the draw: an index outside [0, count) maps to no slot
	 * (and a clamped one would bias the choice). */
	if (index >= count)
		return kb_diag_set(d, KB_ERANGE,
				   "plan: uniform() returned %" PRIu64 ", not below %" PRIu64,
				   index, count);
	err = kb_slots_base(f, r, index, &base, d);
	if (err)
		return err;
	return set_plan(p, r, base, index, count);
}

int kb_plan_fixed(const struct kb_freemap *f, const struct kb_slot_req *r,
		  kb_phys_t preferred, struct kb_plan *p, struct kb_diag *d)
{
	uint64_t count, index;
	kb_phys_t base;
	int err;

	err = slots_to_choose_from(f, r, p, &count, d);
	if (err)
		return err;
	if (slot_index(f, r, preferred, &index)) {
		base = preferred;
	} else {
		index = 0;
		err = kb_slots_base(f, r, 0, &base, d);
		if (err)
			return err;
	}
	return set_plan(p, r, base, index, count);
}

int kb_plan_highest(const struct kb_freemap *f, const struct kb_slot_req *r,
		    struct kb_plan *p, struct kb_diag *d)
{
	uint64_t count;
	kb_phys_t base;
	int err;

	err = slots_to_choose_from(f, r, p, &count, d);
	if (err)
		return err;
	err = kb_slots_base(f, r, count - 1, &base, d);
	if (err)
		return err;
	return set_plan(p, r, base, count - 1, count);
}

/* ---- entropy figure ------------------------------------------------- */

/*
 * floor(100 * log2(n)) = floor(log2(n^100)) = bit length of n^100, minus 1.
 * n^100 is computed exactly (n < 2^64, so n^100 < 2^6400: 200 32-bit
 * limbs), which is exact for every n where any fixed-point series would
 * have to be proven not to round across an integer.  ~10^4 multiplies.
 * The limbs are on the stack, under a placement: an n below 2^32 (every
 * slot count of a 32-bit payload, most others) needs only half of them
 * (n^100 < 2^3200), so it gets a buffer of half the size (404 bytes less
 * at the deepest point of a Cortex-M boot).  p holds enough limbs:
 * before step i, p = n^i has at most i limbs per 32 bits of n, and the
 * step writes two more.
 */
/* a * b in 64 bits.  Thumb-1 (Cortex-M0) has no widening multiply, so
 * GCC calls libgcc's __aeabi_lmul for (uint64_t)a * b; there the product
 * is four 16 x 16-bit ones instead (KB_MUL_HALVES; tests/host/plan.mk
 * builds it into test_plan_mulhalves too): no 64-bit libgcc helper. */
#if !defined(KB_MUL_HALVES) && defined(__thumb__) && !defined(__thumb2__)
#define KB_MUL_HALVES 1
#endif
static inline uint64_t mul_wide(uint32_t a, uint32_t b)
{
#if defined(KB_MUL_HALVES) && KB_MUL_HALVES
	uint32_t a0 = a & 0xffff, a1 = a >> 16, b0 = b & 0xffff, b1 = b >> 16;
	uint32_t lo = a0 * b0, m1 = a0 * b1, m2 = a1 * b0, hi = a1 * b1;
	/* Bits 16..47: at most 3 x 0xffff, no wrap; its carry and the
	 * middle products' high halves go to the top word, which holds
	 * a * b >> 32 < 2^32. */
	uint32_t mid = (lo >> 16) + (m1 & 0xffff) + (m2 & 0xffff);

	hi += (m1 >> 16) + (m2 >> 16) + (mid >> 16);
	return (uint64_t)hi << 32 | (mid << 16) | (lo & 0xffff);
#else
	return (uint64_t)a * b;
#endif
}

static unsigned int __attribute__((noinline)) log2_pow100(uint32_t *p, uint32_t lo, uint32_t hi)
{
	uint32_t top;
	unsigned int len = 1, i, j, bits;

	p[0] = 1;
	for (i = 0; i < 100; i++) {
		/* p *= n, in place: limb j of the product is
		 * p[j] * lo + p[j - 1] * hi + carry. */
		uint64_t carry = 0;
		uint32_t prev = 0;

		for (j = 0; j < len + 2; j++) {
			uint32_t cur = j < len ? p[j] : 0;
			uint64_t t1 = mul_wide(cur, lo);
			uint64_t t2 = mul_wide(prev, hi);
			/* Add low and high halves apart: t1 + t2 + carry
			 * could pass 2^64. */
			uint64_t low = (t1 & 0xffffffffu) + (t2 & 0xffffffffu) +
				       (carry & 0xffffffffu);

			p[j] = (uint32_t)low;
			carry = (t1 >> 32) + (t2 >> 32) + (carry >> 32) + (low >> 32);
			prev = cur;
		}
		len += 2;
		while (len > 1 && p[len - 1] == 0)
			len--;
	}
	top = p[len - 1];
	bits = 32 * (len - 1);
	while (top != 0) {
		bits++;
		top >>= 1;
	}
	return bits - 1;
}

/* The limbs are zeroed first, all of them: a buffer the stack guard
 * could miss is one written only in part (loader/main.c, KB_STACK_GUARD). */
static unsigned int __attribute__((noinline)) log2_centi32(uint32_t n)
{
	uint32_t p[100 + 2] = { 0 };

	return log2_pow100(p, n, 0);
}

static unsigned int __attribute__((noinline)) log2_centi64(uint64_t n)
{
	uint32_t p[200 + 2] = { 0 };

	return log2_pow100(p, (uint32_t)n, (uint32_t)(n >> 32));
}

unsigned int kb_log2_centi(uint64_t n)
{
	if (n == 0)
		return 0;
	return n >> 32 ? log2_centi64(n) : log2_centi32((uint32_t)n);
}

/* ---- printing ------------------------------------------------------- */

void kb_freemap_print(const struct kb_freemap *f, const char *prefix,
		      int (*pr)(const char *fmt, ...))
{
	unsigned int i;

	if (f == NULL || pr == NULL || (f->n != 0 && f->span == NULL))
		return;
	if (prefix == NULL)
		prefix = "";
	for (i = 0; i < f->n; i++) {
		const struct kb_span *s = &f->span[i];
		char size[24];
		const char *top = "";
		/* End exclusive; last + 1 wraps to 0 for a span ending at
		 * 2^64 - 1, which prints as 2^64 (a "1" before 16 zeros).
		 * 32-bit addresses: last + 1 <= 2^32 holds in 64 bits. */
		uint64_t end = (uint64_t)s->last + 1;

#if KB_PHYS_BITS < 64
		fmt_size(size, sizeof(size), (uint64_t)s->last - s->first + 1, false);
#else
		if (end == 0)
			top = "1";
		fmt_size(size, sizeof(size), s->last - s->first + 1,
			 s->first == 0 && s->last == UINT64_MAX);
#endif
		/* a dictionary string with CONFIG_LOG_DICTIONARY (as
		 * kb_memmap_print's) */
		pr(KB_MSG_STR("%sfree  0x%016" PRIxPHYS "-0x%s%016" PRIx64 "  %s\n"),
		   prefix, s->first, top, end, size);
	}
}
