// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: the relocation engine, deeply.  A valid minimal static
 * PIE is built around fuzzer-provided RELA and RELR tables, parsed (which
 * must succeed), copied and relocated; the outcome is compared with an
 * independent model (128-bit bounds): the same accept/reject decision and
 * error code, on success the same image byte for byte, on failure an
 * untouched image.  Any difference aborts.
 *
 * Input: 16 parameter bytes (machine, class, link base, run base, how many
 * RELA entries), then the RELA entries (24 bytes each; ELF32 12), then
 * RELR words (8 bytes; ELF32 4).  p[0] bit 3 (RISC-V only) makes the frame
 * ELFCLASS32 for an rv32 loader: 4-byte words, r_info >> 8 symbols,
 * R_RISCV_32, 31-word RELR bitmaps, values that must fit in 32 bits and an
 * image that must lie below 4 GiB.
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

static unsigned int W = 8;	/* the frame's word size: 8 (ELF64) or 4 (ELF32) */

static void put_word(uint8_t *p, uint64_t v)
{
	for (unsigned int i = 0; i < W; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_word(const uint8_t *p)
{
	return le(p, W);
}

/* Elf64_Phdr / Elf32_Phdr (whose p_flags comes after the sizes). */
static void phdr(uint8_t *b, unsigned int i, uint32_t type, uint32_t flags, uint64_t off,
		 uint64_t va, uint64_t fsz, uint64_t msz, uint64_t al)
{
	uint8_t *p = b + (W == 8 ? 64 + 56 * i : 52 + 32 * i);

	put32(p, type);
	if (W == 8)
		put32(p + 4, flags);
	else
		put32(p + 24, flags);
	put_word(p + (W == 8 ? 8 : 4), off);
	put_word(p + 2 * W, va);
	put_word(p + 3 * W, va);
	put_word(p + 4 * W, fsz);
	put_word(p + 5 * W, msz);
	put_word(p + (W == 8 ? 48 : 28), al);
}

/* ---- the model ---------------------------------------------------------- */

struct model {
	uint16_t machine;
	uint64_t lb, fp, bias, base;
	uint64_t rela_off, rela_size, relr_off, relr_size;
};

static bool m_overlap(const struct model *m, u128 o, u128 w)
{
	u128 a = m->rela_off, an = m->rela_size, r = m->relr_off, rn = m->relr_size;

	return (an && o < a + an && a < o + w) || (rn && o < r + rn && r < o + w);
}

/* 0 if the W-byte word at link address `where` may be written. */
static int m_target(const struct model *m, u128 where, u128 *off)
{
	if (where < m->lb || where - m->lb + W > m->fp)
		return KB_EINVAL;
	*off = where - m->lb;
	if (m_overlap(m, *off, W))
		return KB_EINVAL;
	return 0;
}

/* 0 if link-time value a relocates to a word of the class (ELF32: the
 * exact result, in 128 bits, inside [0, 2^32)); *v the word written. */
static int m_value(const struct model *m, uint64_t a, uint64_t *v)
{
	__int128 r = (__int128)a + m->base - m->lb;

	*v = a + m->bias;
	if (W == 4 && (r < 0 || r > UINT32_MAX))
		return KB_EINVAL;
	return 0;
}

/* Validate and (into img) apply; returns the expected error. */
static int model_apply(const struct model *m, uint8_t *img)
{
	const unsigned int ent = 3 * W, bits = 8 * W;
	uint64_t n = m->rela_size / ent, i, v;
	u128 off, where = 0;
	bool have = false;
	int pass, err;

	/* ELF32: the whole image below 4 GiB */
	if (W == 4 && ((u128)m->base + m->fp > (u128)1 << 32 || m->lb > UINT32_MAX))
		return KB_EINVAL;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			const uint8_t *e = img + m->rela_off + ent * i;
			uint64_t info = get_word(e + W);
			uint32_t t = W == 8 ? (uint32_t)info : (uint32_t)(info & 0xff);
			uint64_t sym = W == 8 ? info >> 32 : info >> 8;
			bool word;

			if (m->machine == KB_EM_RISCV) {
				/* R_RISCV_64 in ELF64, R_RISCV_32 in ELF32 */
				if (t != 0 && t != (W == 8 ? 2u : 1u) && t != 3)
					return KB_ENOTSUP;
				word = t != 0;
			} else {
				if (t != 0 && t != 256 && t != 257 && t != 1027)
					return KB_ENOTSUP;
				word = t == 257 || t == 1027;
			}
			if (sym)
				return KB_ENOTSUP;
			if (!word)
				continue;
			err = m_target(m, get_word(e), &off);
			if (!err)
				err = m_value(m, get_word(e + 2 * W), &v);
			if (err)
				return err;
			if (pass)
				put_word(img + (uint64_t)off, v);
		}
		if (pass == 0) {
			/* RELR validation before any write (values as loaded) */
			n = m->relr_size / W;
			have = false;
			for (i = 0; i < n; i++) {
				uint64_t e = get_word(img + m->relr_off + W * i);

				if (!(e & 1)) {
					if ((err = m_target(m, e, &off)) ||
					    (err = m_value(m, get_word(img + (uint64_t)off), &v)))
						return err;
					where = (u128)e + W;
					have = true;
					continue;
				}
				if (!have)
					return KB_EINVAL;
				for (unsigned int j = 1; j < bits; j++)
					if (((e >> j) & 1) &&
					    ((err = m_target(m, where + W * (j - 1), &off)) ||
					     (err = m_value(m, get_word(img + (uint64_t)off), &v))))
						return err;
				where += (bits - 1) * W;
			}
			n = m->rela_size / ent;
		}
	}
	/* RELR writes */
	n = m->relr_size / W;
	for (i = 0; i < n; i++) {
		uint64_t e = get_word(img + m->relr_off + W * i);

		if (!(e & 1)) {
			put_word(img + (e - m->lb), get_word(img + (e - m->lb)) + m->bias);
			where = (u128)e + W;
			continue;
		}
		for (unsigned int j = 1; j < bits; j++)
			if ((e >> j) & 1) {
				uint64_t o = (uint64_t)(where + W * (j - 1) - m->lb);

				put_word(img + o, get_word(img + o) + m->bias);
			}
		where += (bits - 1) * W;
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
	machine = (p[0] & 1) ? KB_EM_AARCH64 : KB_EM_RISCV;
	W = machine == KB_EM_RISCV && (p[0] & 8) ? 4 : 8;
	ntab = size - 16 > MAX_TABLES ? MAX_TABLES : size - 16;
	rela_bytes = (size_t)le(p + 9, 2) * 3 * W;
	if (rela_bytes > ntab / (3 * W) * (3 * W))
		rela_bytes = ntab / (3 * W) * (3 * W);
	relr_bytes = (ntab - rela_bytes) / W * W;

	switch ((p[0] >> 1) & 3) {
	case 0: link = 0; break;
	case 1: link = 0xffffffff80000000ULL; break;
	case 2: link = 0x80200000; break;
	default: link = le(p + 11, 5) << 12; break;
	}
	base = le(p + 1, 8);
	if (W == 4) {
		/* the frame must parse: the whole image below 4 GiB at its
		 * link address; the base mostly below 4 GiB too */
		link &= 0x7ffff000;
		if (!(p[8] & 0x80))
			base &= UINT32_MAX;
	}

	/* The file: text, then data = dynamic array, words, RELA, RELR. */
	data_fsz = DYN_SZ + WORDS + rela_bytes + relr_bytes;
	len = DATA + data_fsz;
	b = calloc(1, len);
	CHECK(b != NULL, "calloc");
	dva = link + 0x1000 + DATA;		/* data's p_vaddr (one page gap) */
	memcpy(b, W == 8 ? "\177ELF\2\1\1" : "\177ELF\1\1\1", 7);
	put16(b + 16, 3);
	put16(b + 18, machine);
	put32(b + 20, 1);
	put_word(b + 24, link + 0x100);
	put_word(b + 24 + W, W == 8 ? 64 : 52);				/* e_phoff */
	put16(b + (W == 8 ? 52 : 40), W == 8 ? 64 : 52);		/* e_ehsize */
	put16(b + (W == 8 ? 54 : 42), W == 8 ? 56 : 32);		/* e_phentsize */
	put16(b + (W == 8 ? 56 : 44), 3);				/* e_phnum */
	phdr(b, 0, 1, 5, 0, link, TEXT, TEXT, 0x1000);
	phdr(b, 1, 1, 6, DATA, dva, data_fsz, data_fsz + BSS, 0x1000);
	phdr(b, 2, 2, 6, DATA, dva, DYN_SZ, DYN_SZ, 8);
#define DYN(tag, val) do { put_word(b + DATA + 2 * W * nd, tag); put_word(b + DATA + 2 * W * nd + W, val); nd++; } while (0)
	if (rela_bytes) {
		DYN(7, dva + DYN_SZ + WORDS);
		DYN(8, rela_bytes);
		DYN(9, 3 * W);
	}
	if (relr_bytes) {
		DYN(36, dva + DYN_SZ + WORDS + rela_bytes);
		DYN(35, relr_bytes);
		DYN(37, W);
	}
#undef DYN
	/* words: a pattern, so RELR's in-place additions are visible */
	for (size_t i = 0; i < WORDS; i++)
		b[DATA + DYN_SZ + i] = (uint8_t)(i * 13 + p[15]);
	memcpy(b + DATA + DYN_SZ + WORDS, tab, rela_bytes + relr_bytes);

	kb_diag_clear(&d);
	err = kb_payload_parse(b, len, KB_PAYLOAD_AUTO, machine, 8 * W, 0x1000, &pi, &d);
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
	m.base = base;
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
