// SPDX-License-Identifier: BSD-2-Clause
/*
 * RISC-V PMP region planning: which locked entries cover which of the
 * payload's ranges.  Pure; see kaslrboot/pmp.h for the contract and
 * docs/pmp.md for the layout.
 *
 * Segments come in as kb_phys_t bytes; the plan works in pmpaddr units
 * (the byte address >> 2, an unsigned long: what the CSR holds), each
 * range as its first and its last word, so that a range ending at the
 * very top of the physical space (2^34 bytes on rv32, whose word 2^32
 * does not fit 32 bits) needs no wider type: on rv32 every address
 * computation is one 32-bit instruction.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/pmp.h>

#define H(x)	((unsigned long long)(x))

typedef unsigned long word_t;	/* a pmpaddr: byte address >> 2 */

struct range {
	word_t s, last;		/* words [s, last] */
	uint8_t perm;
	uint8_t f;		/* F_* below, for the plan */
	const char *name;	/* the first segment's */
};

#define F_NAPOT	1	/* it is a naturally aligned power of two */
#define F_TOR	2	/* a TOR can end it (it ends below the top) */
#define F_ADJ	4	/* it starts where the previous range ends (the
			 * first: at 0, the bottom of entry 0) */
#define F_D	8	/* a TOR for it is among the cheapest plans of the
			 * ranges up to it */
#define F_USE	16	/* the plan: a TOR for it (else a NAPOT) */

/* The size of the space and of a granule, for the messages. */
#define SPACE	((H(lim) + 1) << 2)
#define GRANULE	((H(gmask) + 1) << 2)

/* A range copied field by field (a struct copy becomes a memcpy call). */
static void cp(struct range *to, const struct range *from)
{
	to->s = from->s;
	to->last = from->last;
	to->perm = from->perm;
	to->name = from->name;
}

static const char *nm(const char *s)
{
	return s ? s : "(unnamed)";
}

const char *kb_pmp_perm_str(unsigned int perm)
{
	static const char s[8][4] = {
		"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx",
	};

	return s[perm & 7];
}

/* Whether the range is a NAPOT (or NA4) one, and its pmpaddr: its size
 * in words minus one is its mask (a power of two minus one when the size
 * is a power of two), the base's low bits must be clear, and the
 * pmpaddr yyyy...y0111 holds mask >> 1 ones. */
static bool napot(const struct range *r, word_t *addr)
{
	word_t mask = r->last - r->s;

	/* NA4 (one word) only with a 4-byte granule: a range is a whole
	 * number of granules (checked), so with G > 0 it has two words or
	 * more. */
	if ((mask & (mask + 1)) || (r->s & mask))
		return false;
	*addr = r->s | (mask >> 1);
	return true;
}

int kb_pmp_plan(const struct kb_pmp_seg *segs, size_t n,
		const struct kb_pmp_params *p, struct kb_pmp_entry *out,
		size_t *n_out, struct kb_diag *d)
{
	struct range r[KB_PMP_MAX_SEGS];
	word_t gmask, lim, a;
	kb_phys_t plim;
	size_t nr = 0, i, k, ne = 0;
	unsigned int need, bg;
	bool cheap, shared, use_tor;

	*n_out = 0;
	if (p->nr_entries < 1 || p->nr_entries > KB_PMP_MAX_ENTRIES)
		return kb_diag_set(d, KB_EINVAL, "pmp: %u entries available (1 .. %d)",
				   p->nr_entries, KB_PMP_MAX_ENTRIES);
	if (p->addr_bits < 8 || p->addr_bits > KB_PMP_MAX_ADDR_BITS || p->g >= p->addr_bits)
		return kb_diag_set(d, KB_EINVAL,
				   "pmp: pmpaddr width %u bits (8 .. %u) or granularity G=%u out of range",
				   p->addr_bits, (unsigned int)KB_PMP_MAX_ADDR_BITS, p->g);
	if (p->background != KB_PMP_NO_BACKGROUND &&
	    (p->background < 0 || p->background > 7 ||
	     (p->background & (KB_PMP_R | KB_PMP_W)) == KB_PMP_W))
		return kb_diag_set(d, KB_EINVAL, "pmp: background permissions %d are not R/W/X bits with W only beside R",
				   p->background);
	if (n > KB_PMP_MAX_SEGS)
		return kb_diag_set(d, KB_EINVAL, "pmp: %zu segments, at most %d",
				   n, (int)KB_PMP_MAX_SEGS);
	bg = p->background != KB_PMP_NO_BACKGROUND;
	gmask = ((word_t)1 << p->g) - 1;
	/* The last word of the space, as a word and as a kb_phys_t (every
	 * word a 32-bit kb_phys_t can reach is inside a 2^32-word space). */
	lim = ~(word_t)0 >> (sizeof(word_t) * 8 - p->addr_bits);
	plim = p->addr_bits >= KB_PHYS_BITS ? KB_PHYS_MAX :
		((kb_phys_t)1 << p->addr_bits) - 1;

	/* Check, and take the non-empty segments in ascending order
	 * (insertion sort: a few dozen at most). */
	for (i = 0; i < n; i++) {
		const struct kb_pmp_seg *s = &segs[i];
		const char *name = nm(s->name);
		struct range t;
		kb_phys_t ew;

		if (s->size == 0)
			continue;
		if (s->perm & ~7u)
			return kb_diag_set(d, KB_EINVAL,
					   "pmp: segment '%s' has permissions 0x%x (only R/W/X bits)",
					   name, s->perm);
		/* R=0 W=1 is a reserved encoding (privileged spec). */
		if ((s->perm & (KB_PMP_R | KB_PMP_W)) == KB_PMP_W)
			return kb_diag_set(d, KB_EINVAL,
					   "pmp: segment '%s' asks for %s: write without read is a reserved PMP encoding",
					   name, kb_pmp_perm_str(s->perm));
		/* The end rounded up to a word, exactly, at either width:
		 * outside when past the space's last word. */
		ew = (s->start >> 2) + (s->size >> 2) + (((s->start & 3) + (s->size & 3) + 3) >> 2);
		if (ew - 1 > plim)
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: segment '%s' [0x%" PRIxPHYS ", +0x%" PRIxPHYS ") is outside the 0x%llx-byte physical space",
					   name, s->start, s->size,
					   SPACE);
		if (((s->start | s->size) & 3) || (((s->start | s->size) >> 2) & gmask))
			return kb_diag_set(d, KB_EALIGN,
					   "pmp: segment '%s' [0x%" PRIxPHYS ", +0x%" PRIxPHYS ") is not aligned to the 0x%llx-byte PMP granule",
					   name, s->start, s->size, GRANULE);
		t.s = (word_t)(s->start >> 2);
		t.last = (word_t)(ew - 1);
		t.perm = (uint8_t)s->perm;
		t.name = name;
		for (k = nr; k > 0 && r[k - 1].s > t.s; k--)
			cp(&r[k], &r[k - 1]);
		cp(&r[k], &t);
		nr++;
	}

	/* Merge overlapping and adjacent ranges of equal permissions;
	 * overlapping ranges of different permissions have no single
	 * meaning: refuse.  What the background gives needs no entry. */
	k = 0;
	for (i = 0; i < nr; i++) {
		if (k > 0 && (r[i].s == 0 || r[i].s - 1 <= r[k - 1].last)) {
			struct range *q = &r[k - 1];

			if (r[i].s <= q->last && r[i].perm != q->perm)
				return kb_diag_set(d, KB_EOVERLAP,
						   "pmp: segment '%s' (%s) at 0x%" PRIxPHYS " overlaps '%s' (%s), which ends at 0x%llx",
						   r[i].name, kb_pmp_perm_str(r[i].perm), (kb_phys_t)r[i].s << 2,
						   q->name, kb_pmp_perm_str(q->perm),
						   (H(q->last) + 1) << 2);
			if (r[i].perm == q->perm) {
				if (r[i].last > q->last)
					q->last = r[i].last;
				continue;
			}
		}
		cp(&r[k++], &r[i]);
	}
	nr = 0;
	for (i = 0; i < k; i++)
		if (!bg || r[i].perm != (unsigned int)p->background)
			cp(&r[nr++], &r[i]);

	/* Fewest entries: NAPOT costs 1 where possible; TOR costs 1 when
	 * the entry before it is a TOR ending at this start (or it is entry
	 * 0 and starts at 0), else 2 (an OFF entry holding the bottom).
	 * This is a dynamic program over the two choices per range, in its
	 * closed form: the cheapest count grows by 1 when the range can be
	 * a NAPOT or a TOR sharing the bottom with a TOR that is among the
	 * cheapest plans before it (F_D), else by 2; a TOR is among the
	 * cheapest for this range (F_D) when it is possible and either
	 * shares its bottom so or no NAPOT is possible.  Ties go as they
	 * did when the program was spelled out (tests/pmp_ref.h). */
	need = bg;
	for (i = 0, cheap = true; i < nr; i++) {
		unsigned int f = napot(&r[i], &a) ? F_NAPOT : 0;

		if (r[i].last < lim)	/* a TOR's pmpaddr holds end >> 2 */
			f |= F_TOR;
		if (i ? r[i - 1].last + 1 == r[i].s : r[i].s == 0)
			f |= F_ADJ;
		if (!(f & (F_NAPOT | F_TOR)))
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: segment '%s' ends at the top of the physical space (0x%llx) and is not a naturally aligned power of two: no entry can cover it",
					   r[i].name, SPACE);
		shared = (f & F_ADJ) && cheap;
		need += (f & F_NAPOT) || ((f & F_TOR) && shared) ? 1 : 2;
		cheap = (f & F_TOR) && (shared || !(f & F_NAPOT));
		r[i].f = (uint8_t)(f | (cheap ? F_D : 0));
	}
	/* Back from the last range (a NAPOT where it can be): before a
	 * NAPOT, a NAPOT where possible; before a TOR that shares its
	 * bottom, a TOR where possible; before one that does not, a TOR
	 * where that is among the cheapest. */
	for (i = nr, use_tor = nr && !(r[nr - 1].f & F_NAPOT); i-- > 0;) {
		unsigned int f = r[i].f;

		r[i].f = use_tor ? F_USE : 0;
		if (i > 0)
			use_tor = !use_tor ? !(r[i - 1].f & F_NAPOT) :
				(r[i - 1].f & ((f & F_ADJ) ? F_TOR : F_D)) != 0;
	}

	/* Emit, naming the first range that does not fit. */
	for (i = 0; i < nr; i++) {
		struct kb_pmp_entry *e = &out[ne];
		bool tor = r[i].f, bottom = !tor ||
			(ne == 0 ? r[i].s == 0 :
			 (e[-1].cfg & KB_PMP_A_MASK) == KB_PMP_A_TOR && e[-1].addr == r[i].s);

		if (ne + 2 - bottom + bg > p->nr_entries)
			return kb_diag_set(d, KB_ENOSPC,
					   "pmp: the payload needs %u PMP entries, %u are available (segment '%s' at 0x%" PRIxPHYS " is the first that does not fit)",
					   need, p->nr_entries, r[i].name, (kb_phys_t)r[i].s << 2);
		if (!bottom) {
			e->cfg = KB_PMP_L | KB_PMP_A_OFF;
			e++->addr = r[i].s;
		}
		if (tor) {
			e->cfg = (uint8_t)(KB_PMP_L | KB_PMP_A_TOR | r[i].perm);
			e->addr = r[i].last + 1;
		} else {
			napot(&r[i], &e->addr);
			e->cfg = (uint8_t)(KB_PMP_L | (r[i].last == r[i].s ? KB_PMP_A_NA4 : KB_PMP_A_NAPOT) |
					   r[i].perm);
		}
		ne = (size_t)(e + 1 - out);
	}
	if (bg) {
		/* 0111...1: NAPOT over the whole 2^(addr_bits+2)-byte
		 * space (the spec's encoding table). */
		out[ne].cfg = (uint8_t)(KB_PMP_L | KB_PMP_A_NAPOT | (unsigned int)p->background);
		out[ne++].addr = lim >> 1;
	}
	*n_out = ne;
	return 0;
}

static int add_seg(struct kb_pmp_seg *out, size_t max, size_t *n, kb_phys_t start,
		   kb_phys_t end, unsigned int perm, const char *name, struct kb_diag *d)
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

int kb_pmp_payload_segs(const struct kb_payload_info *pi, kb_phys_t start,
			unsigned int g, struct kb_pmp_seg *out, size_t max,
			size_t *n, struct kb_diag *d)
{
	kb_phys_t gm = g + 2 >= KB_PHYS_BITS ? KB_PHYS_MAX : ((kb_phys_t)1 << (g + 2)) - 1;
	kb_phys_t rs = 0, re = 0;
	int err;

	*n = 0;
	if (pi->relro_size) {
		if (start > KB_PHYS_MAX - pi->relro_off ||
		    pi->relro_size > KB_PHYS_MAX - (start + pi->relro_off))
			return kb_diag_set(d, KB_ERANGE, "pmp: the payload's RELRO wraps past " KB_PHYS_TOP);
		rs = start + pi->relro_off;
		re = rs + pi->relro_size;
	}
	for (unsigned int i = 0; i < pi->nseg; i++) {
		const struct kb_segment *s = &pi->seg[i];
		kb_phys_t a, b, lo, hi;

		if (start > KB_PHYS_MAX - s->dst_off || s->memsz > KB_PHYS_MAX - (start + s->dst_off) ||
		    start + s->dst_off + s->memsz > KB_PHYS_MAX - gm)
			return kb_diag_set(d, KB_ERANGE,
					   "pmp: payload segment %u at 0x%" PRIxPHYS " + 0x%" PRIxPHYS " wraps past " KB_PHYS_TOP,
					   i, s->dst_off, s->memsz);
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
					   "pmp: payload segment %u at 0x%" PRIxPHYS " is writable and executable: it cannot be locked",
					   i, a);
		if (s->flags & KB_PF_X) {
			err = add_seg(out, max, n, lo, hi, KB_PMP_TEXT, "text", d);
		} else if (!(s->flags & KB_PF_W)) {
			err = add_seg(out, max, n, lo, hi, KB_PMP_RODATA, "rodata", d);
		} else if (re > rs && rs >= a && re <= b) {
			/* RELRO inward; the rest of the segment outward. */
			kb_phys_t r0 = (rs + gm) & ~gm, r1 = re & ~gm;

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
