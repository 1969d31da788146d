// SPDX-License-Identifier: BSD-2-Clause
/*
 * Two payload slots (loader/lib/slot.c): the order by image version, the
 * staging copy (each flash byte read once, parts at their offsets, gaps
 * zero), the fallback when the candidate fails, and the one-line error
 * when nothing verifies.  Two fake flashes count every byte's reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <kaslrboot/container.h>
#include <kaslrboot/error.h>
#include <kaslrboot/load.h>
#include <kaslrboot/sha256.h>
#include <kaslrboot/slot.h>

#include "../le.h"

#define WIN	0x4000

struct fake {
	uint8_t data[WIN];
	unsigned int reads[WIN];
};
static struct fake fa, fb;

static int fake_read(void *ctx, kb_phys_t off, void *dst, size_t len)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < len; i++) {
		f->reads[off + i]++;
		((uint8_t *)dst)[i] = f->data[off + i];
	}
	return 0;
}

static const struct kb_flash flash_a = { fake_read, &fa, WIN, false, NULL, 0 };
static const struct kb_flash flash_b = { fake_read, &fb, WIN, false, NULL, 0 };
static struct kb_slot slot[2];
static struct kb_diag d;
static uint8_t stage[WIN];
static struct kb_slot_stage st;

#define PAY_OFF	0x800
#define PAY_LEN	0x900
#define ARG_OFF	0x300
static const char args[] = "console=ttyS0 nokaslr";

/* A container in f: version 2 with image version ver (ver < 0: version
 * 1), a payload and bootargs, parts apart with a gap between them. */
static void build(struct fake *f, long long ver, uint8_t seed)
{
	uint8_t *h = f->data;
	unsigned int hs = ver < 0 ? 256 : 512;

	memset(f, 0, sizeof(*f));
	memset(f->data, 0xff, sizeof(f->data));
	memset(h, 0, hs);
	memcpy(h, "KBIMAGE", 8);
	put32(h + 8, ver < 0 ? 1 : 2);
	put32(h + 12, hs);
	for (unsigned int i = 0; i < PAY_LEN; i++)
		f->data[PAY_OFF + i] = (uint8_t)(i * 7 + seed);
	memcpy(f->data + (hs == 512 ? 0x200 + ARG_OFF : ARG_OFF), args, sizeof(args));
	put64(h + 24, PAY_OFF);
	put64(h + 32, PAY_LEN);
	put64(h + 56, hs == 512 ? 0x200 + ARG_OFF : ARG_OFF);
	put64(h + 64, sizeof(args));
	assert_int_equal(kb_sha256(f->data + PAY_OFF, PAY_LEN, h + 72), 0);
	assert_int_equal(kb_sha256(args, sizeof(args), h + 136), 0);
	if (ver >= 0)
		put64(h + 224, (uint64_t)ver);
	assert_int_equal(kb_sha256(h, hs - 32, h + hs - 32), 0);
}

static void read_headers(void)
{
	memset(slot, 0, sizeof(slot));
	slot[0] = (struct kb_slot){ .name = "a", .flash = &flash_a };
	slot[1] = (struct kb_slot){ .name = "b", .flash = &flash_b };
	kb_slot_read_header(&slot[0]);
	kb_slot_read_header(&slot[1]);
}

static int choose(unsigned int *chosen)
{
	read_headers();
	memset(stage, 0xa5, sizeof(stage));	/* what a previous use left */
	*chosen = 99;
	return kb_slot_choose(slot, 2, stage, sizeof(stage), &st, chosen, &d);
}

/* Each byte of f's header and parts read once, every other byte never
 * (staged: true), or only the header (staged: false). */
static void read_once(const struct fake *f, bool staged)
{
	uint32_t hs = f->data[12] | f->data[13] << 8;
	uint64_t aoff = get64(f->data + 56);

	for (unsigned int a = 0; a < WIN; a++) {
		unsigned int want = a < hs;

		if (staged && ((a >= PAY_OFF && a < PAY_OFF + PAY_LEN) ||
			       (a >= aoff && a < aoff + sizeof(args))))
			want = 1;
		if (f->reads[a] != want)
			fail_msg("flash byte 0x%x read %u times, want %u", a, f->reads[a], want);
	}
}

static void test_higher_version_wins(void **state)
{
	unsigned int c;

	(void)state;
	build(&fa, 5, 1);
	build(&fb, 7, 2);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(slot[1].state, KB_SLOT_CHOSEN);
	assert_int_equal(slot[0].state, KB_SLOT_NOT_TRIED);
	read_once(&fb, true);
	read_once(&fa, false);	/* the older slot: its header only */
	/* the copy stands in for the window from its first part (the
	 * bootargs) on: no header, parts at their distances */
	assert_true(st.base == 0x200 + ARG_OFF);
	assert_memory_equal(stage, args, sizeof(args));
	assert_memory_equal(stage + (PAY_OFF - st.base), fb.data + PAY_OFF, PAY_LEN);
	for (unsigned int a = sizeof(args); a < PAY_OFF - st.base; a++)
		assert_int_equal(stage[a], 0);	/* the gap: zero, not read */
	assert_true(st.flash.mem == stage && st.flash.mem_off == st.base);

	/* ... and serves the load path without touching the flash again */
	{
		char buf[64];
		uint8_t pay[PAY_LEN];

		assert_true(st.flash.verified);
		assert_int_equal(kb_load_bootargs(&st.flash, &slot[1].hdr, buf, sizeof(buf), &d), 0);
		assert_string_equal(buf, args);
		assert_int_equal(kb_load_part(&st.flash, &slot[1].hdr, KB_PART_PAYLOAD, NULL, 0, pay, &d), 0);
		assert_memory_equal(pay, fb.data + PAY_OFF, PAY_LEN);
		read_once(&fb, true);
	}

	/* the other way round, and a tie: slot a */
	build(&fa, 9, 1);
	build(&fb, 7, 2);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 0);
	build(&fa, 7, 1);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 0);
	/* version 1 (image version 0) loses to any version 2 but 0 */
	build(&fa, -1, 1);
	build(&fb, 1, 2);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 1);
	build(&fb, 0, 2);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 0);
	/* image versions compare as unsigned 64-bit numbers */
	build(&fa, 0x7fffffffffffffffLL, 1);
	build(&fb, 0, 2);
	put64(fb.data + 224, 0x8000000000000000ULL);
	assert_int_equal(kb_sha256(fb.data, 480, fb.data + 480), 0);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 1);
}

static void test_fallback(void **state)
{
	unsigned int c;

	(void)state;
	/* the newer slot's payload corrupted: the older boots, and says why */
	build(&fa, 3, 1);
	build(&fb, 4, 2);
	fb.data[PAY_OFF + 0x123] ^= 0x10;
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(slot[1].state, KB_SLOT_BAD_PART);
	assert_string_equal(slot[1].why.msg, "container: payload SHA-256 mismatch");
	read_once(&fa, true);
	read_once(&fb, true);	/* tried: each byte still once */
	assert_memory_equal(stage + (PAY_OFF - st.base), fa.data + PAY_OFF, PAY_LEN);

	/* truncated mid-write: header and the start of the payload written,
	 * the rest still erased */
	build(&fa, 8, 1);
	build(&fb, 2, 2);
	memset(fa.data + PAY_OFF + 0x400, 0xff, PAY_LEN - 0x400);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 1);
	assert_string_equal(slot[0].why.msg, "container: payload SHA-256 mismatch");

	/* a bad header: the other slot, the header's own line */
	build(&fa, 8, 1);
	fa.data[100] ^= 1;
	build(&fb, 2, 2);
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(slot[0].state, KB_SLOT_BAD_HEADER);
	assert_string_equal(slot[0].why.msg, "container: header SHA-256 mismatch");

	/* erased slot b (the first flash of a board): slot a */
	build(&fa, -1, 1);
	memset(&fb, 0, sizeof(fb));
	memset(fb.data, 0xff, sizeof(fb.data));
	assert_int_equal(choose(&c), 0);
	assert_int_equal(c, 0);
	assert_string_equal(slot[1].why.msg,
			    "container: bad magic: the flash reads erased (0xff), no container was written there");
}

static void test_nothing_to_boot(void **state)
{
	unsigned int c;

	(void)state;
	build(&fa, 3, 1);
	fa.data[PAY_OFF] ^= 1;
	memset(&fb, 0, sizeof(fb));
	memset(fb.data, 0x00, sizeof(fb.data));
	assert_int_equal(choose(&c), KB_EINVAL);
	assert_int_equal(c, 99);
	assert_string_equal(d.msg, "slots: nothing to boot: slot a: payload SHA-256 mismatch; slot b: bad magic");
	assert_null(strchr(d.msg, '\n'));

	/* both corrupted the same way */
	build(&fa, 3, 1);
	build(&fb, 3, 2);
	fa.data[PAY_OFF + PAY_LEN - 1] ^= 1;
	fb.data[0x200 + ARG_OFF] ^= 1;
	assert_int_equal(choose(&c), KB_EINVAL);
	assert_string_equal(d.msg, "slots: nothing to boot: slot a: payload SHA-256 mismatch; slot b: bootargs SHA-256 mismatch");
}

static void test_stage_bounds(void **state)
{
	(void)state;
	build(&fa, 1, 1);
	read_headers();
	/* from the first part (bootargs at 0x500) to the payload's end */
	assert_int_equal(kb_slot_stage_size(&slot[0].hdr), PAY_OFF + PAY_LEN - 0x500);
	assert_int_equal(kb_slot_stage(&slot[0], stage, PAY_OFF + PAY_LEN - 0x500 - 1, &st, &d), KB_ENOSPC);
	assert_string_equal(d.msg, "slot a: a staging copy of 0xc00 bytes does not fit in 0xbff");
	assert_int_equal(kb_slot_stage(&slot[0], stage, PAY_OFF + PAY_LEN - 0x500, &st, &d), KB_OK);
	assert_true(st.len == PAY_OFF + PAY_LEN - 0x500);
	/* the copy refuses reads before its first part or past its end */
	{
		uint8_t b[2];

		assert_int_equal(st.flash.read(st.flash.ctx, 0x4ff, b, 2), KB_EIO);
		assert_int_equal(st.flash.read(st.flash.ctx, PAY_OFF + PAY_LEN - 1, b, 2), KB_EIO);
		assert_int_equal(st.flash.read(st.flash.ctx, PAY_OFF + PAY_LEN - 2, b, 2), 0);
	}
	assert_int_equal(kb_slot_stage(&slot[1], stage, sizeof(stage), &st, &d), KB_EINVAL);
	assert_false(st.flash.verified);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_higher_version_wins),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_nothing_to_boot),
		cmocka_unit_test(test_stage_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
