// SPDX-License-Identifier: BSD-2-Clause
/*
 * Two payload slots: which to boot (see <kaslrboot/slot.h>, docs/flash.md).
 * Pure: no hardware access; the flash is a struct kb_flash.
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/slot.h>

int kb_slot_read_header(struct kb_slot *s)
{
	kb_diag_clear(&s->why);
	s->err = kb_load_header(s->flash, &s->hdr, &s->why);
	s->state = s->err ? KB_SLOT_BAD_HEADER : KB_SLOT_NOT_TRIED;
	return s->err;
}

size_t kb_slot_order(const struct kb_slot *s, size_t n, unsigned int *order)
{
	size_t k = 0, i, j;

	/* Insertion sort by image version, descending; stable, so that the
	 * lower index (slot A) stays first on a tie. */
	for (i = 0; i < n; i++) {
		if (s[i].err != 0)
			continue;
		for (j = k; j > 0 && s[order[j - 1]].hdr.image_version < s[i].hdr.image_version; j--)
			order[j] = order[j - 1];
		order[j] = (unsigned int)i;
		k++;
	}
	return k;
}

/* The window offset of the first part (0: no part). */
static kb_phys_t stage_base(const struct kb_container_hdr *h)
{
	/* A part's offset is below KB_PHYS_MAX (it ends inside the
	 * window): the initial value is no part's. */
	kb_phys_t base = KB_PHYS_MAX;

	for (unsigned int i = 0; i < KB_PART_COUNT; i++)
		if (h->part[i].size != 0 && h->part[i].off < base)
			base = h->part[i].off;
	return base == KB_PHYS_MAX ? 0 : base;
}

kb_phys_t kb_slot_stage_size(const struct kb_container_hdr *h)
{
	kb_phys_t end = 0;

	/* Each part lies inside the window (kb_container_header checked
	 * off <= size <= window - off), so off + size cannot wrap. */
	for (unsigned int i = 0; i < KB_PART_COUNT; i++)
		if (h->part[i].size != 0 && h->part[i].off + h->part[i].size > end)
			end = h->part[i].off + h->part[i].size;
	return end - stage_base(h);
}

static int stage_read(void *ctx, kb_phys_t off, void *dst, size_t len)
{
	const struct kb_slot_stage *st = ctx;

	/* kb_load's flash_read() checked off + len <= st->flash.size; the
	 * copy holds [base, base + len): the parts, nothing before them. */
	if (off < st->base || off - st->base > st->len || len > st->len - (off - st->base))
		return KB_EIO;
	memcpy(dst, st->buf + (off - st->base), len);
	return 0;
}

int kb_slot_stage(const struct kb_slot *s, uint8_t *buf, kb_phys_t len,
		  struct kb_slot_stage *st, struct kb_diag *d)
{
	kb_phys_t need = kb_slot_stage_size(&s->hdr), base = stage_base(&s->hdr), at = base;
	int err;

	memset(st, 0, sizeof(*st));
	if (s->err != 0)
		return kb_diag_set(d, KB_EINVAL, "slot %s: no valid header to stage", s->name);
	if (buf == NULL || len < need)
		return kb_diag_set(d, KB_ENOSPC,
				   "slot %s: a staging copy of 0x%" PRIxPHYS " bytes does not fit in 0x%" PRIxPHYS,
				   s->name, need, buf ? len : 0);
	/* Parts in offset order from the first; what lies between them (gaps)
	 * is zeroed, not read: no digest covers it. */
	for (;;) {
		const struct kb_container_part *next = NULL;
		unsigned int part = 0;

		for (unsigned int i = 0; i < KB_PART_COUNT; i++) {
			const struct kb_container_part *p = &s->hdr.part[i];

			if (p->size != 0 && p->off >= at && (next == NULL || p->off < next->off)) {
				next = p;
				part = i;
			}
		}
		if (next == NULL)
			break;
		memset(buf + (at - base), 0, (size_t)(next->off - at));
		err = kb_load_part(s->flash, &s->hdr, part, NULL, 0, buf + (next->off - base), d);
		if (err)
			return err;
		at = next->off + next->size;
	}
	st->buf = buf;
	st->base = base;
	st->len = need;
	st->flash = (struct kb_flash){
		.read = stage_read, .ctx = st, .size = s->flash->size, .verified = true,
		.mem = buf, .mem_off = base,
	};
	return KB_OK;
}

static const char *why_short(const struct kb_slot *s)
{
	static const char pre[] = "container: ";

#ifdef KB_MSG_DICT
	/* a record (kaslrboot/msg.h): tools/kblog drops the prefix */
	if (s->why.msg[0] == KB_DICT_NEST)
		return s->why.msg + 1;
#endif
	if (strncmp(s->why.msg, pre, sizeof(pre) - 1) == 0)
		return s->why.msg + sizeof(pre) - 1;
	return s->why.msg;
}

int kb_slot_choose(struct kb_slot *s, size_t n, uint8_t *buf, kb_phys_t len,
		   struct kb_slot_stage *st, unsigned int *chosen, struct kb_diag *d)
{
	unsigned int order[KB_SLOTS];
	size_t k, i;

	if (n == 0 || n > KB_SLOTS)
		return kb_diag_set(d, KB_EINVAL, "slots: %zu slots (1 .. %d)", n, KB_SLOTS);
	k = kb_slot_order(s, n, order);
	for (i = 0; i < k; i++) {
		struct kb_slot *c = &s[order[i]];

		if (kb_slot_stage(c, buf, len, st, &c->why) == KB_OK) {
			c->state = KB_SLOT_CHOSEN;
			*chosen = order[i];
			kb_diag_clear(d);
			return KB_OK;
		}
		c->state = KB_SLOT_BAD_PART;
	}
	/* Nothing verified: one line with every slot's reason (without
	 * the "container: " each starts with, to keep the line short). */
	if (n == 1)
		return kb_diag_set(d, KB_EINVAL, "slots: nothing to boot: slot %s: %s",
				   s[0].name, why_short(&s[0]));
	return kb_diag_set(d, KB_EINVAL, "slots: nothing to boot: slot %s: %s; slot %s: %s",
			   s[0].name, why_short(&s[0]), s[1].name, why_short(&s[1]));
}
