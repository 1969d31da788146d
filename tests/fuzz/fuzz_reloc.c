// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: the relocation engine, deeply.  A valid minimal static
 * PIE is built around fuzzer-provided RELA and RELR tables, parsed (which
 * must succeed), copied and relocated; the outcome is compared with an
 * independent model (128-bit bounds): the same accept/reject decision and
 * error code, on success the same image byte for byte, on failure an
 * untouched image.  Any difference aborts.
 *
 * Input: 16 parameter bytes (machine, link base, run base, how many RELA
 * entries), then the RELA entries (24 bytes each), then RELR words.
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

#define FUZZ_NAME "fuzz_reloc"
#include "fuzz.h"

typedef unsigned __int128 u128;


#define MAX_TABLES	(64 * 1024)	/* bytes of tables taken from the input */
#define TEXT		0x1000
#define DATA		0x1000		/* file offset of the data segment */
#define DYN_SZ		0x100
#define WORDS		0x800		/* file-backed data words before the tables */
#define BSS		0x800


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

/* ---- the model ---------------------------------------------------------- */

struct model {
	uint16_t machine;
	uint64_t lb, fp, bias;
	uint64_t rela_off, rela_size, relr_off, relr_size;
};

static bool m_overlap(const struct model *m, u128 o, u128 w)
{
	u128 a = m->rela_off, an = m->rela_size, r = m->relr_off, rn = m->relr_size;

	return (an && o < a + an && a < o + w) || (rn && o < r + rn && r < o + w);
}

/* 0 if the 8-byte word at link address `where` may be written. */
static int m_target(const struct model *m, u128 where, u128 *off)
{
	if (where < m->lb || where - m->lb + 8 > m->fp)
		return KB_EINVAL;
	*off = where - m->lb;
	if (m_overlap(m, *off, 8))
		return KB_EINVAL;
	return 0;
}

/* Validate and (into img) apply; returns the expected error. */
static int model_apply(const struct model *m, uint8_t *img)
{
	uint64_t n = m->rela_size / 24, i;
	u128 off, where = 0;
	bool have = false;
	int pass, err;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			const uint8_t *e = img + m->rela_off + 24 * i;
			uint64_t info = get64(e + 8);
			uint32_t t = (uint32_t)info;
			bool word;

			if (m->machine == KB_EM_RISCV) {
				if (t != 0 && t != 2 && t != 3)
					return KB_ENOTSUP;
				word = t != 0;
			} else {
				if (t != 0 && t != 256 && t != 257 && t != 1027)
					return KB_ENOTSUP;
				word = t == 257 || t == 1027;
			}
			if (info >> 32)
				return KB_ENOTSUP;
			if (!word)
				continue;
			err = m_target(m, get64(e), &off);
			if (err)
				return err;
			if (pass)
				put64(img + (uint64_t)off, get64(e + 16) + m->bias);
		}
		if (pass == 0) {
			/* RELR validation before any write */
			n = m->relr_size / 8;
			have = false;
			for (i = 0; i < n; i++) {
				uint64_t e = get64(img + m->relr_off + 8 * i);

				if (!(e & 1)) {
					if ((err = m_target(m, e, &off)))
						return err;
					where = (u128)e + 8;
					have = true;
					continue;
				}
				if (!have)
					return KB_EINVAL;
				for (unsigned int j = 1; j < 64; j++)
					if (((e >> j) & 1) &&
					    (err = m_target(m, where + 8 * (j - 1), &off)))
						return err;
				where += 63 * 8;
			}
			n = m->rela_size / 24;
		}
	}
	/* RELR writes */
	n = m->relr_size / 8;
	for (i = 0; i < n; i++) {
		uint64_t e = get64(img + m->relr_off + 8 * i);

		if (!(e & 1)) {
			put64(img + (e - m->lb), get64(img + (e - m->lb)) + m->bias);
			where = (u128)e + 8;
			continue;
		}
		for (unsigned int j = 1; j < 64; j++)
			if ((e >> j) & 1) {
				uint64_t o = (uint64_t)(where + 8 * (j - 1) - m->lb);

				put64(img + o, get64(img + o) + m->bias);
			}
		where += 63 * 8;
	}
	return 0;
}

/* ---- entry ------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t p[16] = { 0 };
	const uint8_t *tab = data + 16;
	size_t ntab, rela_bytes, relr_bytes, len, data_fsz;
	uint16_t machine;
	uint64_t link, base, dva;
	struct kb_payload_info pi;
	struct kb_diag d;
	uint8_t *b, *img, *ref;
	struct model m;
	unsigned int nd = 0;
	int err, want;

	if (size < 16)
		return 0;
	memcpy(p, data, 16);
	ntab = size - 16 > MAX_TABLES ? MAX_TABLES : size - 16;
	rela_bytes = (size_t)le(p + 9, 2) * 24;
	if (rela_bytes > ntab / 24 * 24)
		rela_bytes = ntab / 24 * 24;
	relr_bytes = (ntab - rela_bytes) / 8 * 8;

	machine = (p[0] & 1) ? KB_EM_AARCH64 : KB_EM_RISCV;
	switch ((p[0] >> 1) & 3) {
	case 0: link = 0; break;
	case 1: link = 0xffffffff80000000ULL; break;
	case 2: link = 0x80200000; break;
	default: link = le(p + 11, 5) << 12; break;
	}
	base = le(p + 1, 8);

	/* The file: text, then data = dynamic array, words, RELA, RELR. */
	data_fsz = DYN_SZ + WORDS + rela_bytes + relr_bytes;
	len = DATA + data_fsz;
	b = calloc(1, len);
	CHECK(b != NULL, "calloc");
	dva = link + 0x1000 + DATA;		/* data's p_vaddr (one page gap) */
	memcpy(b, "\177ELF\2\1\1", 7);
	put16(b + 16, 3);
	put16(b + 18, machine);
	put32(b + 20, 1);
	put64(b + 24, link + 0x100);
	put64(b + 32, 64);
	put16(b + 52, 64);
	put16(b + 54, 56);
	put16(b + 56, 3);
	phdr(b, 0, 1, 5, 0, link, TEXT, TEXT, 0x1000);
	phdr(b, 1, 1, 6, DATA, dva, data_fsz, data_fsz + BSS, 0x1000);
	phdr(b, 2, 2, 6, DATA, dva, DYN_SZ, DYN_SZ, 8);
#define DYN(tag, val) do { put64(b + DATA + 16 * nd, tag); put64(b + DATA + 16 * nd + 8, val); nd++; } while (0)
	if (rela_bytes) {
		DYN(7, dva + DYN_SZ + WORDS);
		DYN(8, rela_bytes);
		DYN(9, 24);
	}
	if (relr_bytes) {
		DYN(36, dva + DYN_SZ + WORDS + rela_bytes);
		DYN(35, relr_bytes);
		DYN(37, 8);
	}
#undef DYN
	/* words: a pattern, so RELR's in-place additions are visible */
	for (size_t i = 0; i < WORDS; i++)
		b[DATA + DYN_SZ + i] = (uint8_t)(i * 13 + p[15]);
	memcpy(b + DATA + DYN_SZ + WORDS, tab, rela_bytes + relr_bytes);

	kb_diag_clear(&d);
	err = kb_payload_parse(b, len, KB_PAYLOAD_AUTO, machine, 64, 0x1000, &pi, &d);
	CHECK(err == 0, "the frame did not parse: %d %s", err, d.msg);
	CHECK(pi.link_base == link && pi.rela_size == rela_bytes && pi.relr_size == relr_bytes,
	      "link base / tables");

	img = malloc(pi.footprint);
	ref = malloc(pi.footprint);
	CHECK(img && ref, "malloc");
	kb_payload_copy(&pi, b, img);
	memcpy(ref, img, pi.footprint);

	m.machine = machine;
	m.lb = pi.link_base;
	m.fp = pi.footprint;
	m.bias = base - pi.link_base;
	m.rela_off = pi.rela_off;
	m.rela_size = pi.rela_size;
	m.relr_off = pi.relr_off;
	m.relr_size = pi.relr_size;
	want = model_apply(&m, ref);

	kb_diag_clear(&d);
	err = kb_reloc_apply(&pi, img, base, &d);
	CHECK(err == want, "kb_reloc_apply %d (%s), model %d", err, d.msg, want);
	if (err) {
		CHECK(strncmp(d.msg, "payload: ", 9) == 0 && strchr(d.msg, '\n') == NULL,
		      "diag \"%s\"", d.msg);
		/* nothing written: ref was only written by a valid model */
		kb_payload_copy(&pi, b, ref);
	} else {
		CHECK(d.msg[0] == '\0', "diag on success: %s", d.msg);
	}
	CHECK(memcmp(img, ref, pi.footprint) == 0, "image differs from the model (err %d)", err);

	free(ref);
	free(img);
	free(b);
	return 0;
}
