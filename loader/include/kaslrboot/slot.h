/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two payload slots (pure: loader/lib/slot.c; docs/flash.md "Two slots").
 *
 * Slot A and slot B are two flash windows, each holding a complete
 * container.  The loader reads both headers (each byte once), orders the
 * slots whose header is valid by image version (higher first; A on a
 * tie), and verifies the first candidate completely before it uses any of
 * it: every part is read from flash once into a staging copy in RAM and
 * checked against the header's digest there.  Only a slot that verified
 * is booted, from that copy; when the candidate fails, the other is tried
 * the same way.  A slot is never half-used: nothing is placed before the
 * choice is made.
 */
#ifndef KASLRBOOT_SLOT_H
#define KASLRBOOT_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/container.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/load.h>

#define KB_SLOTS 2

enum kb_slot_state {
	KB_SLOT_UNREAD,
	KB_SLOT_BAD_HEADER,	/* why: the header's one line */
	KB_SLOT_BAD_PART,	/* header valid, a part failed: why says which */
	KB_SLOT_NOT_TRIED,	/* valid header, another slot was chosen first */
	KB_SLOT_CHOSEN,
};

struct kb_slot {
	const char *name;		/* "a", "b": as in /chosen/kaslrboot,slot */
	const struct kb_flash *flash;	/* its window */
	int err;			/* kb_load_header()'s result */
	enum kb_slot_state state;
	struct kb_container_hdr hdr;	/* when err == 0 */
	struct kb_diag why;		/* BAD_HEADER, BAD_PART: the one line */
};

/* Read slot s's header (kb_load_header: each byte once) into s->hdr, or
 * its failure into s->err / s->why.  Returns s->err. */
int kb_slot_read_header(struct kb_slot *s);

/* The slots to try, best first: those with a valid header, the higher
 * image version first, the lower index first on a tie.  Returns how many
 * (0..n) are in order[]. */
size_t kb_slot_order(const struct kb_slot *s, size_t n, unsigned int *order);

/* Bytes a staging copy of slot s needs: from its first part to the end of
 * its last (parts keep their distances, so the copy can stand in for the
 * window; the header, already in RAM, is not copied). */
kb_phys_t kb_slot_stage_size(const struct kb_container_hdr *h);

/* A staging copy standing in for a slot's flash window. */
struct kb_slot_stage {
	uint8_t *buf;
	kb_phys_t base;			/* the window offset of buf[0] */
	kb_phys_t len;
	struct kb_flash flash;		/* reads from buf; verified */
};

/*
 * Copy every part of slot s (valid header) from its flash, once, into
 * buf (len >= kb_slot_stage_size) at the part's offset, and check each
 * digest there; the bytes between parts are zeroed, never read.  On
 * success st->flash reads from the copy and is marked verified (the load
 * path then copies without hashing again).  KB_EINVAL with the part's
 * "container: <part> SHA-256 mismatch", or KB_ENOSPC when len is short.
 */
int kb_slot_stage(const struct kb_slot *s, uint8_t *buf, kb_phys_t len,
		  struct kb_slot_stage *st, struct kb_diag *d);

/*
 * The whole choice, after kb_slot_read_header() on every slot: stage the
 * candidates in kb_slot_order()'s order into buf (len bytes, at least
 * the largest kb_slot_stage_size() of a valid slot) until one verifies.
 * Returns 0 with *chosen its index and *st its staging copy; every slot's
 * state says why it was or was not booted.  When none verifies: KB_EINVAL
 * with one line naming every slot's reason ("slots: nothing to boot:
 * slot a: container: bad magic; slot b: container: payload SHA-256
 * mismatch").
 */
int kb_slot_choose(struct kb_slot *s, size_t n, uint8_t *buf, kb_phys_t len,
		   struct kb_slot_stage *st, unsigned int *chosen, struct kb_diag *d);

#endif
