// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: arbitrary bytes as the flash window, through the
 * loader's read-once path (loader/lib/load.c): header, bootargs, payload
 * (Image straight to its place, ELF through a staging copy), initrd.
 *
 * Invariants, any violation aborts:
 *  - no byte of the window is read more than once, whatever happens;
 *  - every diag is one line;
 *  - on success: the header is what kb_container_header says; the
 *    bootargs are one C string equal to the part; the staging copy (ELF)
 *    and the loaded Image file bytes equal the window's part; the rest of
 *    an Image's footprint is zero; the initrd equals its part;
 *  - place() is asked only for sizes the layout allows, at most once per
 *    kind, and the loader writes only into what it was given (ASan: every
 *    buffer is malloc'd at exactly the size asked for).
 *
 * As in fuzz_container, the first byte is a control byte: bit 0 fixes up
 * the in-bounds part digests, bit 1 the header digest, bit 2 picks the
 * machine (RISC-V / AArch64), bit 3 an rv32 loader (RISC-V: ELFCLASS32
 * payloads; the host's buffers lie above 4 GiB, so such a payload stops at
 * the below-4-GiB check after it was parsed); the rest is the window.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/container.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/load.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/sha256.h>

#define FUZZ_NAME "fuzz_load"
#define FUZZ_CONTAINER_DIGESTS
#include "fuzz.h"


#define HDR		256
#define PLACE_MAX	(8u << 20)	/* larger windows: "no room" */

static struct {
	const uint8_t *data;
	size_t len;
	uint8_t *reads;		/* per byte, saturating */
} fl;

static struct {
	uint8_t *buf[2];
	uint64_t size[2];
	int calls[2];
} pl;

static int fake_read(void *ctx, uint64_t off, void *dst, size_t len)
{
	CHECK(ctx == &fl, "ctx");
	CHECK(off <= fl.len && len <= fl.len - off, "read 0x%llx+%zu past %zu",
	      (unsigned long long)off, len, fl.len);
	for (size_t i = 0; i < len; i++) {
		CHECK(fl.reads[off + i] == 0, "byte 0x%llx read twice",
		      (unsigned long long)(off + i));
		fl.reads[off + i] = 1;
	}
	memcpy(dst, fl.data + off, len);
	return 0;
}

static int place(void *ctx, enum kb_load_what what, const struct kb_payload_info *pi,
		 uint64_t size, uint64_t *addr, struct kb_diag *d)
{
	CHECK(ctx == &pl, "ctx");
	CHECK(what == KB_LOAD_STAGING || what == KB_LOAD_KERNEL, "what %d", what);
	CHECK(pl.calls[what]++ == 0, "place(%d) twice", what);
	CHECK((what == KB_LOAD_STAGING) == (pi == NULL), "pi");
	if (pi)
		CHECK(size == pi->footprint, "kernel size");
	if (size == 0 || size > PLACE_MAX)
		return kb_diag_set(d, KB_ENOSPC, "plan: no room for %llu bytes",
				   (unsigned long long)size);
	pl.buf[what] = malloc((size_t)size);
	CHECK(pl.buf[what] != NULL, "malloc");
	memset(pl.buf[what], 0xa5, (size_t)size);
	pl.size[what] = size;
	*addr = (uint64_t)(uintptr_t)pl.buf[what];
	return KB_OK;
}

static void one_line(const struct kb_diag *d)
{
	CHECK(d->msg[0] != '\0', "error without a diag");
	CHECK(strchr(d->msg, '\n') == NULL, "diag \"%s\"", d->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kb_flash flash = { .read = fake_read, .ctx = &fl, .size = 0 };
	struct kb_flash f = flash;
	struct kb_container_hdr h;
	struct kb_payload_info pi;
	struct kb_diag d = { { 0 } };
	char args[512];
	uint8_t *img, *initrd = NULL;
	uint64_t start = 0;
	uint16_t machine;
	unsigned int xlen;
	int err;

	if (size == 0)
		return 0;
	fl.len = size - 1;
	img = malloc(fl.len ? fl.len : 1);
	fl.reads = calloc(fl.len ? fl.len : 1, 1);
	CHECK(img && fl.reads, "malloc");
	memcpy(img, data + 1, fl.len);
	fuzz_fix_digests(img, fl.len, data[0]);
	fl.data = img;
	f.size = fl.len;
	machine = (data[0] & 4) ? KB_EM_AARCH64 : KB_EM_RISCV;
	xlen = machine == KB_EM_RISCV && (data[0] & 8) ? 32 : 64;
	memset(&pl, 0, sizeof(pl));

	err = kb_load_header(&f, &h, &d);
	if (err) {
		one_line(&d);
		goto out;
	}
	CHECK(fl.len >= HDR && memcmp(img, "KBIMAGE", 8) == 0, "header accepted");
	err = kb_load_bootargs(&f, &h, args, sizeof(args), &d);
	if (err) {
		one_line(&d);
		CHECK(args[0] == '\0', "unverified bootargs left");
		goto out;
	}
	if (h.part[KB_PART_BOOTARGS].size) {
		const struct kb_container_part *p = &h.part[KB_PART_BOOTARGS];

		CHECK(strlen(args) + 1 == p->size, "bootargs length");
		CHECK(memcmp(args, img + p->off, (size_t)p->size) == 0, "bootargs bytes");
	}
	err = kb_load_payload(&f, &h, machine, xlen, 0x1000, place, &pl, &pi, &start, &d);
	if (err) {
		one_line(&d);
		goto out;
	}
	{
		const struct kb_container_part *p = &h.part[KB_PART_PAYLOAD];
		const uint8_t *k = (const uint8_t *)(uintptr_t)start;

		CHECK(pl.calls[KB_LOAD_KERNEL] == 1, "kernel placed");
		CHECK(start == (uint64_t)(uintptr_t)pl.buf[KB_LOAD_KERNEL], "start");
		if (pi.type == KB_PAYLOAD_ELF) {
			CHECK(pl.calls[KB_LOAD_STAGING] == 1, "ELF staged");
			CHECK(memcmp(pl.buf[KB_LOAD_STAGING], img + p->off, (size_t)p->size) == 0,
			      "staging copy");
		} else {
			CHECK(pl.calls[KB_LOAD_STAGING] == 0, "Image staged");
			CHECK(memcmp(k, img + p->off, (size_t)p->size) == 0, "Image bytes");
			for (uint64_t i = p->size; i < pi.footprint; i++)
				CHECK(k[i] == 0, "Image BSS byte %llu", (unsigned long long)i);
		}
	}
	if (h.part[KB_PART_INITRD].size) {
		const struct kb_container_part *p = &h.part[KB_PART_INITRD];

		if (p->size > PLACE_MAX)
			goto out;
		initrd = malloc((size_t)p->size);
		CHECK(initrd != NULL, "malloc");
		err = kb_load_part(&f, &h, KB_PART_INITRD, NULL, 0, initrd, &d);
		if (err)
			one_line(&d);
		else
			CHECK(memcmp(initrd, img + p->off, (size_t)p->size) == 0, "initrd bytes");
	}
out:
	free(initrd);
	free(pl.buf[0]);
	free(pl.buf[1]);
	free(fl.reads);
	free(img);
	return 0;
}
