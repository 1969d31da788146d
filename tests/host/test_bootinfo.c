// SPDX-License-Identifier: BSD-2-Clause
/*
 * The boot-info block (loader/lib/bootinfo.c, docs/bootinfo.md): the
 * documented layout byte by byte; what is absent is absent (no KASLR, no
 * seed, no bootargs, no slot); the loader's refusals (a block larger than
 * its room, a misaligned block, a block over the payload, an address
 * above 4 GiB, a long slot name), each with its one line and nothing
 * written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <kaslrboot/bootinfo.h>
#include <kaslrboot/error.h>

static struct kb_diag d;
static _Alignas(8) uint8_t buf[512];
static const uint8_t seed[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static struct kb_bootinfo_args full(void)
{
	return (struct kb_bootinfo_args){
		.kaslr_seed = 0x1122334455667788ULL,
		.rng_seed = seed, .rng_seed_len = sizeof(seed),
		.bootargs = "fw.wait console", .bootargs_len = 15,
		.slot = "b", .image_version = 7,
		.payload_base = 0x20001000, .payload_size = 0xc40, .dtb = 0x1234,
	};
}

static void test_size(void **state)
{
	(void)state;
	assert_int_equal(kb_bootinfo_size(0, 0), 72);		/* 64 + NUL, rounded */
	assert_int_equal(kb_bootinfo_size(32, 15), 112);	/* 64 + 32 + 16 */
	assert_int_equal(kb_bootinfo_size(32, 16), 120);
}

/* Every field at its documented offset. */
static void test_layout(void **state)
{
	struct kb_bootinfo_args a = full();

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(kb_bootinfo_build(buf, 112, &a, &d), 0);
	assert_int_equal(le32(buf + 0), 0x4942424b);
	assert_memory_equal(buf, "KBBI", 4);
	assert_int_equal(buf[4] | buf[5] << 8, 1);
	assert_int_equal(buf[6] | buf[7] << 8, 64);
	assert_int_equal(le32(buf + 8), 112);
	assert_int_equal(le32(buf + 12), 0xf);
	assert_true(le64(buf + 16) == 0x1122334455667788ULL);
	assert_true(le64(buf + 24) == 7);
	assert_int_equal(le32(buf + 32), 0x20001000);
	assert_int_equal(le32(buf + 36), 0xc40);
	assert_int_equal(le32(buf + 40), 0x1234);
	assert_int_equal(le32(buf + 44), 64);
	assert_int_equal(le32(buf + 48), 32);
	assert_int_equal(le32(buf + 52), 96);
	assert_int_equal(le32(buf + 56), 15);
	assert_memory_equal(buf + 60, "b\0\0\0", 4);
	assert_memory_equal(buf + 64, seed, 32);
	assert_memory_equal(buf + 96, "fw.wait console", 16);	/* and its NUL */
	assert_int_equal(buf[111], 0);
	assert_int_equal(buf[112], 0xee);	/* nothing past size */
}

/* KASLR off, no entropy, no bootargs, one slot: flags clear, fields 0. */
static void test_absent(void **state)
{
	struct kb_bootinfo_args a = { .payload_base = 0x20000800, .payload_size = 0x100, .dtb = 0x800 };

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(kb_bootinfo_build(buf, 72, &a, &d), 0);
	assert_int_equal(le32(buf + 8), 72);
	assert_int_equal(le32(buf + 12), 0);
	assert_true(le64(buf + 16) == 0);
	assert_true(le64(buf + 24) == 0);
	for (int i = 44; i < 72; i++)
		assert_int_equal(buf[i], 0);
}

static void refused(void *blk, size_t room, const struct kb_bootinfo_args *a, int err,
		    const char *msg)
{
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(kb_bootinfo_build(blk, room, a, &d), err);
	assert_string_equal(d.msg, msg);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xee);
}

static void test_refusals(void **state)
{
	struct kb_bootinfo_args a = full();
	char msg[200];

	(void)state;
	refused(buf, 104, &a, KB_ERANGE,
		"handoff: the boot-info block needs 112 bytes, more than the 104 claimed for it");
	snprintf(msg, sizeof(msg), "handoff: the boot-info block at 0x%lx is not 8-byte aligned",
		 (unsigned long)(uintptr_t)(buf + 4));
	refused(buf + 4, 200, &a, KB_EINVAL, msg);
	/* The payload's last byte on the block's first; then its first on
	 * the block's last. */
	a.payload_base = (uintptr_t)buf - a.payload_size + 1;
	snprintf(msg, sizeof(msg),
		 "handoff: the boot-info block at 0x%lx (112 bytes) overlaps the payload at 0x%lx",
		 (unsigned long)(uintptr_t)buf, (unsigned long)a.payload_base);
	refused(buf, 112, &a, KB_EINVAL, msg);
	a.payload_base = (uintptr_t)buf + 111;
	snprintf(msg, sizeof(msg),
		 "handoff: the boot-info block at 0x%lx (112 bytes) overlaps the payload at 0x%lx",
		 (unsigned long)(uintptr_t)buf, (unsigned long)a.payload_base);
	refused(buf, 112, &a, KB_EINVAL, msg);
	a = full();
	a.dtb = 0x100000000ULL;
	refused(buf, 112, &a, KB_ERANGE,
		"handoff: the payload or the device tree lies above 4 GiB: a version 1 boot-info block holds 32-bit addresses");
	a = full();
	a.payload_base = 0xfffff000;
	a.payload_size = 0x1001;
	refused(buf, 112, &a, KB_ERANGE,
		"handoff: the payload or the device tree lies above 4 GiB: a version 1 boot-info block holds 32-bit addresses");
	a = full();
	a.slot = "abcd";
	refused(buf, 112, &a, KB_EINVAL,
		"handoff: slot name \"abcd\" is longer than the block's 3 characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
