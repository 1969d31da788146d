// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: untrusted payload bytes through kb_payload_parse
 * (AUTO, for both machines, and for an rv32 loader: ELFCLASS32), and for every accepted payload whose footprint
 * is at most FOOTPRINT_CAP: kb_payload_copy into a malloc'd footprint and
 * kb_reloc_apply at a base derived from the input.  Invariants (checked in
 * 128-bit arithmetic) abort on violation: every segment inside the file and
 * the footprint, sorted and disjoint, entry and relocation tables inside,
 * alignment a power of two >= min_align, one "payload: " diag per failure,
 * the copy exact, a rejected relocation leaving the image untouched.
 *
 * Input byte 0 chooses the mode: even = the rest is the payload, as is;
 * odd = the rest is XORed over a built-in valid static PIE (RELA + RELR,
 * BSS, a gap; riscv or aarch64, low or high link address), so that the
 * fuzzer starts deep inside the ELF parser without a seed corpus.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

#define FUZZ_NAME "fuzz_elf"
#include "fuzz.h"

typedef unsigned __int128 u128;


#define FOOTPRINT_CAP	(16u << 20)	/* bigger footprints: parse only */
#define TMPL_LEN	0x2000


static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static void phdr(uint8_t *b, unsigned int i, uint32_t type, uint32_t flags, uint64_t off,
		 uint64_t va, uint64_t fsz, uint64_t msz, uint64_t al)
{
	uint8_t *p = b + 64 + 56 * i;

	put32(p, type);
	put32(p + 4, flags);
	put64(p + 8, off);
	put64(p + 16, va);
	put64(p + 24, va);
	put64(p + 32, fsz);
	put64(p + 40, msz);
	put64(p + 48, al);
}

/* A good static PIE: text at file 0 (0x1000), data at file 0x1000
 * (0x1000 + 0x2000 BSS) at link + 0x2000; dynamic array, RELA (3 entries),
 * RELR (3 words) and pointer words in data. */
static void tmpl(uint8_t *b, uint16_t machine, uint64_t link)
{
	uint64_t dv = link + 0x2000;	/* link address of file offset 0x1000 */
	uint32_t rel = machine == KB_EM_RISCV ? 3 : 1027, abs = machine == KB_EM_RISCV ? 2 : 257;
	uint8_t *dy = b + 0x1000;

	memset(b, 0, TMPL_LEN);
	memcpy(b, "\177ELF\2\1\1", 7);
	put16(b + 16, 3);
	put16(b + 18, machine);
	put32(b + 20, 1);
	put64(b + 24, link + 0x100);
	put64(b + 32, 64);
	put16(b + 52, 64);
	put16(b + 54, 56);
	put16(b + 56, 4);
	phdr(b, 0, 1, 5, 0, link, 0x1000, 0x1000, 0x1000);
	phdr(b, 1, 1, 6, 0x1000, dv, 0x1000, 0x3000, 0x1000);
	phdr(b, 2, 2, 6, 0x1000, dv, 0x100, 0x100, 8);
	phdr(b, 3, 0x6474e551, 6, 0, 0, 0, 0, 16);
	put64(dy + 0x00, 7);  put64(dy + 0x08, dv + 0x100);	/* DT_RELA */
	put64(dy + 0x10, 8);  put64(dy + 0x18, 72);
	put64(dy + 0x20, 9);  put64(dy + 0x28, 24);
	put64(dy + 0x30, 36); put64(dy + 0x38, dv + 0x200);	/* DT_RELR */
	put64(dy + 0x40, 35); put64(dy + 0x48, 24);
	put64(dy + 0x50, 37); put64(dy + 0x58, 8);
	/* RELA */
	put64(dy + 0x100, dv + 0x400); put64(dy + 0x108, rel); put64(dy + 0x110, link + 0x123);
	put64(dy + 0x118, dv + 0x408); put64(dy + 0x120, abs); put64(dy + 0x128, dv + 0x800);
	put64(dy + 0x130, 0);          put64(dy + 0x138, 0);   put64(dy + 0x140, 0);
	/* RELR: one address, two bitmaps */
	put64(dy + 0x200, dv + 0x410);
	put64(dy + 0x208, 0x27);
	put64(dy + 0x210, (UINT64_C(1) << 63) | 3);
	for (unsigned int i = 0x410; i < 0x1000; i += 8)
		put64(dy + i, link + i);
}

/* n bytes at p are zero (memcmp against itself shifted: fast under ASan) */
static bool all_zero(const uint8_t *p, uint64_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/* The ELF relocation table [off, off + size) lies in one segment's
 * file-backed part. */
static bool table_ok(const struct kb_payload_info *pi, uint64_t off, uint64_t size)
{
	if (size == 0)
		return true;
	for (unsigned int i = 0; i < pi->nseg; i++)
		if (off >= pi->seg[i].dst_off &&
		    (u128)off + size <= (u128)pi->seg[i].dst_off + pi->seg[i].filesz)
			return true;
	return false;
}

static void check_info(const struct kb_payload_info *pi, size_t len, uint16_t machine,
		       unsigned int xlen, uint64_t min_align)
{
	CHECK(pi->type >= KB_PAYLOAD_ELF && pi->type <= KB_PAYLOAD_ARM64_IMAGE, "type %u", pi->type);
	CHECK(pi->machine == machine, "machine %u", pi->machine);
	/* the payload's class is the loader's XLEN; a 32-bit ELF lies below
	 * 4 GiB at its link address */
	CHECK(pi->xlen == xlen, "xlen %u on a %u-bit loader", pi->xlen, xlen);
	CHECK(xlen == 64 || pi->type != KB_PAYLOAD_ELF ||
	      (u128)pi->link_base + pi->footprint <= (u128)1 << 32, "ELF32 past 4 GiB");
	CHECK(pi->nseg >= 1 && pi->nseg <= KB_MAX_SEGMENTS, "nseg %u", pi->nseg);
	CHECK(pow2(pi->align) && pi->align >= min_align, "align 0x%llx",
	      (unsigned long long)pi->align);
	CHECK(pi->footprint >= 1, "empty footprint");
	CHECK(pi->entry_off < pi->footprint, "entry 0x%llx outside footprint 0x%llx",
	      (unsigned long long)pi->entry_off, (unsigned long long)pi->footprint);
	CHECK((u128)pi->offset + pi->footprint <= (u128)UINT64_MAX + 1, "offset + footprint wraps");
	for (unsigned int i = 0; i < pi->nseg; i++) {
		const struct kb_segment *s = &pi->seg[i];

		CHECK(s->filesz <= s->memsz && s->memsz > 0, "segment %u sizes", i);
		CHECK((u128)s->file_off + s->filesz <= len, "segment %u outside the file", i);
		CHECK((u128)s->dst_off + s->memsz <= pi->footprint, "segment %u outside the footprint", i);
		if (i)
			CHECK(s->dst_off >= pi->seg[i - 1].dst_off + pi->seg[i - 1].memsz,
			      "segments %u/%u overlap or out of order", i - 1, i);
	}
	if (pi->type == KB_PAYLOAD_ELF) {
		bool in = false;

		CHECK(pi->offset == 0, "ELF offset");
		CHECK(pi->rela_size % (xlen == 32 ? 12 : 24) == 0 &&
		      pi->relr_size % (xlen / 8) == 0, "table sizes");
		CHECK(table_ok(pi, pi->rela_off, pi->rela_size), "RELA outside file data");
		CHECK(table_ok(pi, pi->relr_off, pi->relr_size), "RELR outside file data");
		CHECK(pi->link_base % pi->align == 0, "link base not aligned");
		for (unsigned int i = 0; i < pi->nseg; i++)
			in |= pi->entry_off >= pi->seg[i].dst_off &&
			      pi->entry_off - pi->seg[i].dst_off < pi->seg[i].filesz;
		CHECK(in, "entry not in a segment's file data");
	} else {
		CHECK(pi->nseg == 1 && pi->entry_off == 0 && pi->rela_size == 0 &&
		      pi->relr_size == 0 && pi->link_base == 0, "Image info");
		CHECK(pi->seg[0].filesz == len && pi->seg[0].memsz == pi->footprint, "Image segment");
	}
}

static void one(const uint8_t *buf, size_t len, uint16_t machine, unsigned int xlen,
		uint64_t min_align, uint64_t base_seed)
{
	struct kb_payload_info pi;
	struct kb_diag d;
	uint8_t *img, *before;
	uint64_t base, at = 0;
	int err;

	kb_diag_clear(&d);
	err = kb_payload_parse(buf, len, KB_PAYLOAD_AUTO, machine, xlen, min_align, &pi, &d);
	if (err) {
		CHECK(err < 0 && strncmp(d.msg, "payload: ", 9) == 0 && !strchr(d.msg, '\n'),
		      "error %d with diag \"%s\"", err, d.msg);
		return;
	}
	CHECK(d.msg[0] == '\0', "diag on success: %s", d.msg);
	check_info(&pi, len, machine, xlen, min_align);
	if (pi.footprint > FOOTPRINT_CAP)
		return;

	img = malloc(pi.footprint);
	before = malloc(pi.footprint);
	CHECK(img && before, "malloc");
	memset(img, 0xa5, pi.footprint);
	kb_payload_copy(&pi, buf, img);
	/* the copy: segment bytes from the file, everything else zero */
	for (unsigned int i = 0; i < pi.nseg; i++) {
		const struct kb_segment *s = &pi.seg[i];

		CHECK(all_zero(img + at, s->dst_off - at), "gap before segment %u", i);
		CHECK(memcmp(img + s->dst_off, buf + s->file_off, s->filesz) == 0, "segment %u", i);
		CHECK(all_zero(img + s->dst_off + s->filesz, s->memsz - s->filesz),
		      "segment %u BSS", i);
		at = s->dst_off + s->memsz;
	}
	CHECK(all_zero(img + at, pi.footprint - at), "tail");
	memcpy(before, img, pi.footprint);

	/* an aligned base; it may wrap past 2^64 with the footprint: the
	 * engine does not care (the planner does) */
	base = (base_seed & ~(pi.align - 1)) + pi.offset;
	/* mostly below 4 GiB for a 32-bit payload, so relocation runs */
	if (xlen == 32 && !(base_seed >> 63))
		base &= UINT32_MAX;
	kb_diag_clear(&d);
	err = kb_reloc_apply(&pi, img, base, &d);
	if (err) {
		CHECK(strncmp(d.msg, "payload: ", 9) == 0, "reloc diag \"%s\"", d.msg);
		CHECK(memcmp(img, before, pi.footprint) == 0, "rejected relocation wrote");
	} else {
		CHECK(d.msg[0] == '\0', "reloc diag on success: %s", d.msg);
		/* the tables are never modified */
		CHECK(memcmp(img + pi.rela_off, before + pi.rela_off, pi.rela_size) == 0 &&
		      memcmp(img + pi.relr_off, before + pi.relr_off, pi.relr_size) == 0,
		      "a relocation table changed");
	}
	free(before);
	free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t links[4] = { 0, 0xffffffff80000000ULL, 0x1000, 0x80200000 };
	uint8_t *buf;
	size_t len;
	uint64_t seed, min_align;

	if (size < 1)
		return 0;
	seed = size >= 9 ? le(data + size - 8, 8) : 0x80200000;
	min_align = UINT64_C(1) << ((data[0] >> 4) % 24);
	if (data[0] & 1) {
		/* template mode: bit 1 machine, bits 2-3 link address */
		len = size - 1 > TMPL_LEN ? size - 1 : TMPL_LEN;
		buf = malloc(len);
		CHECK(buf != NULL, "malloc");
		memset(buf, 0, len);
		tmpl(buf, (data[0] & 2) ? KB_EM_AARCH64 : KB_EM_RISCV, links[(data[0] >> 2) & 3]);
		/* a short input only patches the start of the template */
		for (size_t i = 1; i < size; i++)
			buf[i - 1] ^= data[i];
	} else {
		len = size - 1;
		buf = malloc(len ? len : 1);
		CHECK(buf != NULL, "malloc");
		memcpy(buf, data + 1, len);
	}
	one(buf, len, KB_EM_RISCV, 64, min_align, seed);
	one(buf, len, KB_EM_AARCH64, 64, min_align, seed);
	one(buf, len, KB_EM_RISCV, 32, min_align, seed);
	free(buf);
	return 0;
}
