// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: reading the container from flash once (loader/lib/load.c).
 *
 * The flash is a fake that counts the reads of every byte and can change
 * what a byte reads as: on every read after the first (an interposer on
 * the SPI bus, an update written concurrently), or on the first read
 * itself (a corrupted transfer).  The loader's path (header, bootargs,
 * payload, initrd) must read every byte of the header and the parts
 * exactly once and nothing else, and a changed byte must never reach the
 * loaded kernel unnoticed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/container.h>
#include <kaslrboot/error.h>
#include <kaslrboot/load.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/sha256.h>

#include "../le.h"

/* load_noimage.mk builds this file a second time as a loader with no
 * Image format (Cortex-M, the mcu profile: CONFIG_PAYLOAD_RISCV_IMAGE and
 * _ARM64_IMAGE off): the ELF tests and test_no_image() run then. */
#define NO_IMAGE (!KB_PAYLOAD_HAS_RISCV_IMAGE && !KB_PAYLOAD_HAS_ARM64_IMAGE)
#if NO_IMAGE
#pragma GCC diagnostic ignored "-Wunused-function"
#endif

#define HDR		256
#define FLASH_LEN	0x10000

/* ---- the fake flash ------------------------------------------------ */

enum mode {
	HONEST,		/* every read returns the stored bytes */
	CHANGE_LATER,	/* reads after a byte's first read return it inverted */
	CORRUPT_AT,	/* the first read of byte `at` returns it inverted */
	FAIL_AT,	/* a read touching byte `at` fails */
};

static struct {
	uint8_t data[FLASH_LEN];
	unsigned int reads[FLASH_LEN];
	enum mode mode;
	uint64_t at;
} fl;

static int fake_read(void *ctx, uint64_t off, void *dst, size_t len)
{
	uint8_t *out = dst;

	assert_ptr_equal(ctx, &fl);
	assert_true(off <= FLASH_LEN && len <= FLASH_LEN - off);
	if (fl.mode == FAIL_AT && fl.at >= off && fl.at - off < len)
		return KB_EIO;
	for (size_t i = 0; i < len; i++) {
		uint64_t a = off + i;
		uint8_t v = fl.data[a];

		if ((fl.mode == CHANGE_LATER && fl.reads[a] > 0) ||
		    (fl.mode == CORRUPT_AT && a == fl.at && fl.reads[a] == 0))
			v = (uint8_t)~v;
		fl.reads[a]++;
		out[i] = v;
	}
	return 0;
}

static const struct kb_flash flash = { .read = fake_read, .ctx = &fl, .size = FLASH_LEN };

/* ---- containers ------------------------------------------------------ */

struct part { uint64_t off, size; };
static unsigned int hdr_len = HDR;	/* the header as built: 256, or 512 (make_v2) */
static struct part parts[3];	/* payload, initrd, bootargs as built */

/* Header at 0, parts at the given offsets (gaps between them stay 0xff,
 * like erased flash: they must never be read). */
static void build(uint32_t type, const void *payload, size_t plen, uint64_t poff,
		  const void *initrd, size_t ilen, uint64_t ioff, const char *args,
		  uint64_t aoff)
{
	const void *src[3] = { payload, initrd, args };
	size_t len[3] = { plen, ilen, args ? strlen(args) + 1 : 0 };
	uint64_t off[3] = { poff, ioff, aoff };
	uint8_t *h = fl.data;

	memset(&fl, 0, sizeof(fl));
	memset(fl.data, 0xff, sizeof(fl.data));
	hdr_len = HDR;
	memset(h, 0, HDR);
	memcpy(h, "KBIMAGE", 8);
	put32(h + 8, 1);
	put32(h + 12, HDR);
	put32(h + 16, type);
	for (int i = 0; i < 3; i++) {
		parts[i].off = len[i] ? off[i] : 0;
		parts[i].size = len[i];
		if (!len[i])
			continue;
		memcpy(fl.data + off[i], src[i], len[i]);
		put64(h + 24 + 16 * i, off[i]);
		put64(h + 32 + 16 * i, len[i]);
		assert_int_equal(kb_sha256(src[i], len[i], h + 72 + 32 * i), 0);
	}
	assert_int_equal(kb_sha256(h, 224, h + 224), 0);
}

/* The image build() made, as format version 2: a 512-byte header with an
 * image version (the parts must start at 0x200 or later). */
static void make_v2(uint64_t image_version)
{
	uint8_t *h = fl.data;

	put32(h + 8, 2);
	put32(h + 12, 512);
	memset(h + 224, 0, 512 - 224);
	put64(h + 224, image_version);
	assert_int_equal(kb_sha256(h, 480, h + 480), 0);
	hdr_len = 512;
}

/* Every byte of the header and of every part read exactly once, every
 * other byte never. */
static void assert_read_once(void)
{
	for (uint64_t a = 0; a < FLASH_LEN; a++) {
		unsigned int want = a < hdr_len;

		for (int i = 0; i < 3; i++)
			if (parts[i].size && a >= parts[i].off && a - parts[i].off < parts[i].size)
				want = 1;
		if (fl.reads[a] != want)
			fail_msg("flash byte 0x%llx read %u times, want %u",
				 (unsigned long long)a, fl.reads[a], want);
	}
}

/* ---- payloads -------------------------------------------------------- */

/* A minimal ELF64 static PIE: one PT_LOAD (R X) holding the whole file,
 * plus BSS; no dynamic relocations. */
#define ELF_LEN		0x600
#define ELF_BSS		0x1a00
static uint8_t elf[ELF_LEN];

static void build_elf(void)
{
	uint8_t *p = elf + 64;

	memset(elf, 0, sizeof(elf));
	memcpy(elf, "\177ELF\2\1\1", 7);
	elf[16] = 3;				/* ET_DYN */
	elf[18] = 243;				/* EM_RISCV */
	put32(elf + 20, 1);
	put64(elf + 24, 0x100);			/* e_entry */
	put64(elf + 32, 64);			/* e_phoff */
	elf[52] = 64;
	elf[54] = 56;
	elf[56] = 1;
	put32(p, 1);				/* PT_LOAD */
	put32(p + 4, 5);			/* R X */
	put64(p + 8, 0);
	put64(p + 16, 0);
	put64(p + 24, 0);
	put64(p + 32, ELF_LEN);
	put64(p + 40, ELF_LEN + ELF_BSS);
	put64(p + 48, 0x1000);
	for (unsigned int i = 0x100; i < ELF_LEN; i++)
		elf[i] = (uint8_t)(i * 11 + 3);
}

/* The same as ELFCLASS32 (rv32): 52-byte header, one 32-byte phdr. */
static uint8_t elf32[ELF_LEN];

static void build_elf32(void)
{
	uint8_t *p = elf32 + 52;

	memset(elf32, 0, sizeof(elf32));
	memcpy(elf32, "\177ELF\1\1\1", 7);
	elf32[16] = 3;				/* ET_DYN */
	elf32[18] = 243;			/* EM_RISCV */
	put32(elf32 + 20, 1);
	put32(elf32 + 24, 0x100);		/* e_entry */
	put32(elf32 + 28, 52);			/* e_phoff */
	elf32[40] = 52;
	elf32[42] = 32;
	elf32[44] = 1;
	put32(p, 1);				/* PT_LOAD */
	put32(p + 16, ELF_LEN);			/* p_filesz */
	put32(p + 20, ELF_LEN + ELF_BSS);	/* p_memsz */
	put32(p + 24, 5);			/* R X */
	put32(p + 28, 0x1000);
}

/* A Linux RISC-V Image: 64-byte header, image_size beyond the file. */
#define IMG_LEN		0x900
#define IMG_SIZE	0x4000
static uint8_t image[IMG_LEN];

static void build_image(void)
{
	memset(image, 0, sizeof(image));
	put32(image, 0x0000006f);
	put64(image + 16, IMG_SIZE);
	put32(image + 32, 2);
	memcpy(image + 48, "RISCV\0\0\0", 8);
	memcpy(image + 56, "RSC\x05", 4);
	for (unsigned int i = 64; i < IMG_LEN; i++)
		image[i] = (uint8_t)(i ^ 0x5a);
}

static uint8_t initrd[0x700];

/* ---- the place() callback: host buffers, recorded --------------------- */

static struct {
	uint8_t *stage, *kernel;
	uint64_t stage_size, kernel_size;
	int calls[2];
	int fail;		/* return this from the next KERNEL call */
	uint64_t fake;		/* KERNEL: return this address (never written) */
} pl;

static unsigned int xlen;	/* the loader's XLEN for load_all() */
static uint16_t machine;	/* and its machine (KB_EM_RISCV unless a test says) */

static int place(void *ctx, enum kb_load_what what, const struct kb_payload_info *pi,
		 uint64_t size, uint64_t *addr, struct kb_diag *d)
{
	assert_ptr_equal(ctx, &pl);
	pl.calls[what]++;
	if (what == KB_LOAD_STAGING) {
		assert_null(pi);
		pl.stage = malloc(size);
		assert_non_null(pl.stage);
		memset(pl.stage, 0xcc, size);
		pl.stage_size = size;
		*addr = (uint64_t)(uintptr_t)pl.stage;
		return KB_OK;
	}
	assert_non_null(pi);
	assert_int_equal(size, pi->footprint);
	if (pl.fail)
		return kb_diag_set(d, pl.fail, "plan: no room (test)");
	if (pl.fake) {
		*addr = pl.fake;
		return KB_OK;
	}
	pl.kernel = malloc(size);
	assert_non_null(pl.kernel);
	memset(pl.kernel, 0xcc, size);	/* BSS must be zeroed by the loader */
	pl.kernel_size = size;
	*addr = (uint64_t)(uintptr_t)pl.kernel;
	return KB_OK;
}

static struct kb_diag d;
static struct kb_container_hdr h;
static struct kb_payload_info pi;
static char args[64];
static uint8_t initrd_ram[sizeof(initrd)];

static int setup(void **state)
{
	(void)state;
	memset(&pl, 0, sizeof(pl));
	memset(&d, 0, sizeof(d));
	build_elf();
	build_elf32();
	build_image();
	xlen = 64;
	machine = KB_EM_RISCV;
	for (unsigned int i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 29 + 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(pl.stage);
	free(pl.kernel);
	return 0;
}

/* The loader's whole path through the container, in main.c's order. */
static int load_all(uint64_t *start)
{
	int err = kb_load_header(&flash, &h, &d);

	if (!err)
		err = kb_load_bootargs(&flash, &h, args, sizeof(args), &d);
	if (!err)
		err = kb_load_payload(&flash, &h, machine, xlen, 0x1000, place, &pl,
				      &pi, start, &d);
	if (!err)
		err = kb_load_part(&flash, &h, KB_PART_INITRD, NULL, 0, initrd_ram, &d);
	return err;
}

static void check_diag(const char *want)
{
	if (strcmp(d.msg, want) != 0)
		fail_msg("diag \"%s\", want \"%s\"", d.msg, want);
}

static void check_elf_loaded(uint64_t start)
{
	const uint8_t *k = (const uint8_t *)(uintptr_t)start;

	assert_int_equal(pi.type, KB_PAYLOAD_ELF);
	assert_int_equal(pl.calls[KB_LOAD_STAGING], 1);
	assert_int_equal(pl.calls[KB_LOAD_KERNEL], 1);
	assert_memory_equal(pl.stage, elf, ELF_LEN);
	assert_memory_equal(k, elf, ELF_LEN);
	for (unsigned int i = ELF_LEN; i < ELF_LEN + ELF_BSS; i++)
		assert_int_equal(k[i], 0);
}

static void check_image_loaded(uint64_t start)
{
	const uint8_t *k = (const uint8_t *)(uintptr_t)start;

	assert_int_equal(pi.type, KB_PAYLOAD_RISCV_IMAGE);
	assert_int_equal(pl.calls[KB_LOAD_STAGING], 0);	/* straight to its place */
	assert_int_equal(pl.calls[KB_LOAD_KERNEL], 1);
	assert_int_equal(pl.kernel_size, IMG_SIZE);
	assert_memory_equal(k, image, IMG_LEN);
	for (unsigned int i = IMG_LEN; i < IMG_SIZE; i++)
		assert_int_equal(k[i], 0);
}

/* ---- tests ---------------------------------------------------------- */

static void test_elf_read_once(void **state)
{
	uint64_t start = 0;

	(void)state;
	/* parts in a different order than the header lists them, with gaps */
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x400,
	      "console=ttyS0 nokaslr", 0x1000);
	assert_int_equal(load_all(&start), 0);
	assert_read_once();
	check_elf_loaded(start);
	assert_string_equal(args, "console=ttyS0 nokaslr");
	assert_memory_equal(initrd_ram, initrd, sizeof(initrd));
}

/* From a verified staging copy in RAM (a slot's, kb_slot_stage): the ELF
 * is parsed and copied from where it lies, no second staging copy; only
 * its first bytes go through read() (the format's magic). */
static void test_elf_from_verified_copy(void **state)
{
	const struct kb_flash ram = {
		.read = fake_read, .ctx = &fl, .size = FLASH_LEN,
		.verified = true, .mem = fl.data,
	};
	uint64_t start = 0;
	int err;

	(void)state;
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, NULL, 0, 0, NULL, 0);
	err = kb_load_header(&ram, &h, &d);
	if (!err)
		err = kb_load_payload(&ram, &h, KB_EM_RISCV, xlen, 0x1000, place, &pl,
				      &pi, &start, &d);
	assert_int_equal(err, 0);
	assert_int_equal(pl.calls[KB_LOAD_STAGING], 0);
	assert_int_equal(pl.calls[KB_LOAD_KERNEL], 1);
	assert_memory_equal((const uint8_t *)(uintptr_t)start, elf, ELF_LEN);
	for (unsigned int i = KB_PAYLOAD_HDR_SIZE; i < ELF_LEN; i++)
		assert_int_equal(fl.reads[0x2000 + i], 0);
}

static void test_v2_read_once(void **state)
{
	uint64_t start = 0;

	(void)state;
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x400,
	      "console=ttyS0", 0x1000);
	make_v2(42);
	assert_int_equal(load_all(&start), 0);
	assert_int_equal(h.version, 2);
	assert_true(h.image_version == 42);
	assert_read_once();
	check_elf_loaded(start);
}

static void test_image_read_once(void **state)
{
	uint64_t start = 0;

	(void)state;
	build(KB_PAYLOAD_RISCV_IMAGE, image, IMG_LEN, 0x3000, initrd, sizeof(initrd),
	      0x100 + HDR, NULL, 0);
	assert_int_equal(load_all(&start), 0);
	assert_read_once();
	check_image_loaded(start);
	assert_string_equal(args, "");
}

/* Bytes that read differently the second time: nothing is read twice, so
 * the kernel gets exactly what was read (and hashed) once. */
static void test_changing_flash(void **state)
{
	uint64_t start = 0;

	(void)state;
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x800,
	      "a=b", 0x1800);
	fl.mode = CHANGE_LATER;
	assert_int_equal(load_all(&start), 0);
	assert_read_once();
	check_elf_loaded(start);
	assert_memory_equal(initrd_ram, initrd, sizeof(initrd));
	teardown(NULL);
	setup(NULL);

	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, "x", 0x300);
	fl.mode = CHANGE_LATER;
	assert_int_equal(load_all(&start), 0);
	assert_read_once();
	check_image_loaded(start);
}

/* A byte corrupted on its one read: the digest over the RAM copy catches
 * it, whichever byte it is (the Image header that placed the kernel, the
 * ELF headers parsed from the staging copy, the last byte of a chunk). */
static void corrupt(uint64_t at, const char *want)
{
	uint64_t start = 0;

	teardown(NULL);
	setup(NULL);
	fl.mode = CORRUPT_AT;
	fl.at = at;
	assert_int_not_equal(load_all(&start), 0);
	check_diag(want);
}

static void test_corrupted_read(void **state)
{
	(void)state;
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x800,
	      "a=b", 0x1800);
	/* the header is checked whole before any field is used */
	for (uint64_t at = 0; at < HDR; at += 37) {
		build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x800,
		      "a=b", 0x1800);
		corrupt(at, at == 0 ? "container: bad magic" :
			    "container: header SHA-256 mismatch");
	}
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x800,
	      "a=b", 0x1800);
	corrupt(0x1800, "container: bootargs SHA-256 mismatch");
	assert_string_equal(args, "");		/* no unverified string left */
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x800,
	      "a=b", 0x1800);
	corrupt(0x2000 + 16, "container: payload SHA-256 mismatch");	/* e_type */
	assert_int_equal(pl.calls[KB_LOAD_KERNEL], 0);	/* never parsed, never placed */
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x800,
	      "a=b", 0x1800);
	corrupt(0x2000 + ELF_LEN - 1, "container: payload SHA-256 mismatch");
	build(KB_PAYLOAD_AUTO, elf, ELF_LEN, 0x2000, initrd, sizeof(initrd), 0x800,
	      "a=b", 0x1800);
	corrupt(0x800 + 5, "container: initrd SHA-256 mismatch");
	/* an Image's size field: placed from it, then refused by the digest */
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	corrupt(0x4000 + 16 + 2, "container: payload SHA-256 mismatch");
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	corrupt(0x4000 + IMG_LEN - 1, "container: payload SHA-256 mismatch");
	/* ... and one of its two magics (the other still names it) */
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	corrupt(0x4000 + 57, "container: payload SHA-256 mismatch");
}

static void test_read_errors(void **state)
{
	uint64_t start = 0;

	(void)state;
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	fl.mode = FAIL_AT;
	fl.at = 0x4000 + IMG_LEN - 1;
	assert_int_equal(load_all(&start), KB_EIO);
	check_diag("flash: read of 2240 bytes at 0x4040 failed (-8)");
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	fl.mode = FAIL_AT;
	fl.at = 3;
	assert_int_equal(load_all(&start), KB_EIO);
	check_diag("flash: read of 256 bytes at 0x0 failed (-8)");
}

static void test_bootargs_limits(void **state)
{
	char small[4];

	(void)state;
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, "abcd", 0x300);
	assert_int_equal(kb_load_header(&flash, &h, &d), 0);
	assert_int_equal(kb_load_bootargs(&flash, &h, small, sizeof(small), &d), KB_EINVAL);
	check_diag("container: bootargs of 5 bytes exceed the loader's 4-byte buffer (CONFIG_BOOTARGS_MAX_SIZE)");
	assert_int_equal(small[0], 0);
	/* nothing of the part was read for it */
	assert_int_equal(fl.reads[0x300], 0);
	assert_int_equal(kb_load_bootargs(&flash, &h, args, sizeof(args), &d), 0);
	assert_string_equal(args, "abcd");
}

static void test_place_failure(void **state)
{
	uint64_t start = 0;

	(void)state;
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	pl.fail = KB_ENOSPC;
	assert_int_equal(load_all(&start), KB_ENOSPC);
	check_diag("plan: no room (test)");
	/* only the Image header was read */
	for (uint64_t a = 0x4000 + KB_PAYLOAD_HDR_SIZE; a < 0x4000 + IMG_LEN; a++)
		assert_int_equal(fl.reads[a], 0);
}

/* Between two loads in one test: the buffers freed, the counts reset. */
static void reset(uint64_t fake)
{
	teardown(NULL);
	memset(&pl, 0, sizeof(pl));
	pl.fake = fake;
}

/* A 32-bit payload placed where it cannot address itself: refused before
 * a byte is written there (the fake addresses are not mapped). */
static void test_above_4g(void **state)
{
	uint64_t start = 0;

	(void)state;
	xlen = 32;
	build(KB_PAYLOAD_AUTO, elf32, ELF_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	/* footprint 0x2000: one page higher than fits below 4 GiB */
	reset(UINT64_C(0x100000000) - (ELF_LEN + ELF_BSS) + 0x1000);
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: placed at 0xfffff000 (0x2000 bytes), past the 32-bit payload's last address 0xffffffff");
	assert_int_equal(pi.xlen, 32);
	assert_int_equal(pl.calls[KB_LOAD_KERNEL], 1);
	build(KB_PAYLOAD_AUTO, elf32, ELF_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	reset(UINT64_C(0x100000000));
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: placed at 0x100000000 (0x2000 bytes), past the 32-bit payload's last address 0xffffffff");
	/* an rv32 RISC-V Image likewise (straight from flash: nothing read
	 * past its header) */
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	reset(UINT64_C(0x100000000) - IMG_SIZE + 1);
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: placed at 0xffffc001 (0x4000 bytes), past the 32-bit payload's last address 0xffffffff");
	for (uint64_t a = 0x4000 + KB_PAYLOAD_HDR_SIZE; a < 0x4000 + IMG_LEN; a++)
		assert_int_equal(fl.reads[a], 0);
	/* the ELF32 file on an rv64 loader: the class, before any placing */
	xlen = 64;
	build(KB_PAYLOAD_AUTO, elf32, ELF_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	reset(0);
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: ELF class ELFCLASS32 (a 32-bit payload), but this loader boots 64-bit payloads");
	assert_int_equal(pl.calls[KB_LOAD_KERNEL], 0);
}

/* Short payloads: the prefix read is the whole payload, never more. */
static void test_short_payload(void **state)
{
	static const uint8_t tiny[5] = { 1, 2, 3, 4, 5 };
	uint64_t start = 0;

	(void)state;
	build(KB_PAYLOAD_AUTO, tiny, sizeof(tiny), 0x400, NULL, 0, 0, NULL, 0);
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: unrecognized format (5 bytes; not ELF, RISC-V Image or arm64 Image)");
	assert_int_equal(fl.reads[0x405], 0);
	build(KB_PAYLOAD_RISCV_IMAGE, tiny, sizeof(tiny), 0x400, NULL, 0, 0, NULL, 0);
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: RISC-V Image header truncated (5 bytes, need 64)");
	/* an Image declared as something else by the header is refused by
	 * that format's parser, after its digest was checked */
	build(KB_PAYLOAD_ELF, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	assert_int_equal(load_all(&start), KB_EINVAL);
	assert_non_null(strstr(d.msg, "payload: "));
	assert_int_equal(pl.calls[KB_LOAD_KERNEL], 0);
}

#if NO_IMAGE
/* No Image format built in: a non-ELF payload gets the Image path's
 * refusal line (kb_payload_image_check) from its first bytes, which are
 * all that is read of it; nothing is placed.  The ELF path is unchanged. */
static void test_no_image(void **state)
{
	static const uint8_t tiny[5] = { 1, 2, 3, 4, 5 };
	uint64_t start = 0;

	(void)state;
	build(KB_PAYLOAD_AUTO, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	assert_int_equal(load_all(&start), KB_ENOTSUP);
	check_diag("payload: Linux RISC-V Image support is not built into this loader (CONFIG_PAYLOAD_RISCV_IMAGE)");
	for (uint64_t a = 0x4000 + KB_PAYLOAD_HDR_SIZE; a < 0x4000 + IMG_LEN; a++)
		assert_int_equal(fl.reads[a], 0);
	assert_int_equal(pl.calls[KB_LOAD_STAGING] + pl.calls[KB_LOAD_KERNEL], 0);
	/* named as an Image by the container, on a Cortex-M loader */
	build(KB_PAYLOAD_RISCV_IMAGE, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	machine = KB_EM_ARM;
	xlen = 32;
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: RISC-V Image, but this loader boots Arm");
	assert_int_equal(pl.calls[KB_LOAD_STAGING] + pl.calls[KB_LOAD_KERNEL], 0);
	/* neither ELF nor Image */
	build(KB_PAYLOAD_AUTO, tiny, sizeof(tiny), 0x400, NULL, 0, 0, NULL, 0);
	assert_int_equal(load_all(&start), KB_EINVAL);
	check_diag("payload: unrecognized format (5 bytes; not ELF, RISC-V Image or arm64 Image)");
	/* an unknown type: the container header refuses it first */
	build(KB_PAYLOAD_ARM64_IMAGE + 3, image, IMG_LEN, 0x4000, NULL, 0, 0, NULL, 0);
	assert_int_not_equal(load_all(&start), 0);
	assert_int_equal(pl.calls[KB_LOAD_STAGING] + pl.calls[KB_LOAD_KERNEL], 0);
}
#endif

int main(void)
{
#if NO_IMAGE
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_elf_read_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_from_verified_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_image, setup, teardown),
	};
#else
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v2_read_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_read_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_from_verified_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_read_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changing_flash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupted_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bootargs_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_above_4g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_payload, setup, teardown),
	};
#endif

	return cmocka_run_group_tests(tests, NULL, NULL);
}
