/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Placement planner (pure module: loader/lib/plan.c; host-buildable, used
 * by the loader and by the host tool kaslrplan alike).
 *
 *  1. Free map: memory ranges minus every reservation minus caller-supplied
 *     ranges to avoid, clipped to [floor, ceiling].  Spans are inclusive
 *     [first, last] so that memory reaching the very top of the 64-bit
 *     address space is representable.  Addresses and sizes are kb_phys_t
 *     (32 bits with CONFIG_PHYS_ADDR_32BIT); slot counts and indexes stay
 *     64-bit at either width.  Sorted, disjoint, non-adjacent.
 *  2. Slots: an image of `size` bytes whose start is `offset` bytes above an
 *     `align`-aligned base.  A slot is an aligned base b such that
 *     [b + offset, b + offset + size - 1] lies inside one free span (and no
 *     address wraps).  Slots are numbered in address order across spans.
 *     Counting and mapping an index back to a base use the very same
 *     per-span computation (kb_span_slots), so the two can never disagree
 *     (the bug Linux's efi_random_alloc had until 2024).
 *  3. Choice: an index drawn uniformly in [0, count) by the caller's
 *     uniform() (rejection sampling on the DRBG: kb_drbg_uniform), mapped
 *     back to its base.
 *
 * No fixed cap on regions except the caller-supplied table capacities;
 * a full table is KB_ENOSPC with a diag, never a silent truncation.
 */
#ifndef KASLRBOOT_PLAN_H
#define KASLRBOOT_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/memmap.h>

struct kb_span {
	kb_phys_t first;	/* inclusive */
	kb_phys_t last;		/* inclusive: first <= last always */
};

struct kb_freemap {
	struct kb_span *span;
	unsigned int n;
	unsigned int cap;
};

struct kb_slot_req {
	kb_phys_t size;		/* memory footprint (not file size), >= 1 */
	kb_phys_t align;	/* power of two, >= 1 */
	kb_phys_t offset;	/* image start above the aligned base (text_offset), usually 0 */
};

struct kb_plan {
	kb_phys_t base;		/* aligned base of the chosen slot */
	kb_phys_t start;	/* base + offset: where the image goes */
	uint64_t index;		/* chosen slot index */
	uint64_t count;		/* slots that existed */
};

void kb_freemap_init(struct kb_freemap *f, struct kb_span *span, unsigned int cap);

/*
 * Build the free map: every memory range of m, minus every reservation of
 * m (all kinds), minus avoid[0..navoid) (inclusive spans), clipped to
 * [floor, ceiling] (inclusive; 0 and KB_PHYS_MAX for no limit).
 * KB_ENOSPC if the table is too small, KB_EINVAL if floor > ceiling.
 */
int kb_freemap_build(struct kb_freemap *f, const struct kb_memmap *m,
		     const struct kb_span *avoid, unsigned int navoid,
		     kb_phys_t floor, kb_phys_t ceiling, struct kb_diag *d);

/* Validate a request: size >= 1, align a power of two.  KB_EINVAL + diag. */
int kb_slot_req_check(const struct kb_slot_req *r, struct kb_diag *d);

/*
 * Slots in one span: *first_base = the lowest slot's base, *n = how many
 * (slots are first_base + k * align, k < n).  *n = 0 if none.  The one
 * predicate both counting and mapping use.
 */
void kb_span_slots(const struct kb_span *s, const struct kb_slot_req *r,
		   kb_phys_t *first_base, uint64_t *n);

/* Total slots.  KB_ERANGE if the count does not fit in 64 bits. */
int kb_slots_count(const struct kb_freemap *f, const struct kb_slot_req *r,
		   uint64_t *count, struct kb_diag *d);

/* Base of slot `index` (0-based, address order).  KB_ERANGE if index >= count. */
int kb_slots_base(const struct kb_freemap *f, const struct kb_slot_req *r,
		  uint64_t index, kb_phys_t *base, struct kb_diag *d);

/* True if `base` is a slot (aligned, and the image at base + offset fits in
 * one free span). */
bool kb_slot_valid(const struct kb_freemap *f, const struct kb_slot_req *r,
		   kb_phys_t base);

/*
 * Count, draw index = uniform(ctx, count) and map it back.  Zero slots is
 * KB_ENOSPC with a diag ("plan: no 2 MiB-aligned window of 24 MiB fits in
 * free memory").  uniform() returns 0 and sets *out in [0, bound), or a
 * negative KB_E* code (its diag is the caller's business).
 */
int kb_plan_random(const struct kb_freemap *f, const struct kb_slot_req *r,
		   int (*uniform)(void *ctx, uint64_t bound, uint64_t *out),
		   void *ctx, struct kb_plan *p, struct kb_diag *d);

/*
 * The fixed placement used when KASLR is off: `preferred` if it is a valid
 * slot (a format's conventional address), else the lowest slot.  Zero slots
 * is KB_ENOSPC.
 */
int kb_plan_fixed(const struct kb_freemap *f, const struct kb_slot_req *r,
		  kb_phys_t preferred, struct kb_plan *p, struct kb_diag *d);

/* The highest slot (for what should stay out of the way of low fixed
 * placements, such as a staging copy).  Zero slots is KB_ENOSPC. */
int kb_plan_highest(const struct kb_freemap *f, const struct kb_slot_req *r,
		    struct kb_plan *p, struct kb_diag *d);

/* floor(100 * log2(n)) for n >= 1, in integer arithmetic (no FPU in the
 * loader): 2^64 - 1 gives 6399, 3 gives 158.  0 for n = 0. */
unsigned int kb_log2_centi(uint64_t n);

/* Print the free map: "<prefix>free  0x...-0x...  <size>" per span, end
 * exclusive as in kb_memmap_print (a span ending at 2^64 prints its end as
 * 0x10000000000000000). */
void kb_freemap_print(const struct kb_freemap *f, const char *prefix,
		      int (*pr)(const char *fmt, ...));

#endif
