// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: kb_pmp_plan on arbitrary parameters and segments.
 * On success, the planned entries are checked with the independent PMP
 * matcher of tests/pmp_oracle.h at 0, the top of the space and every
 * segment boundary +-1 granule: each address gets exactly its segment's
 * permissions (else the background's); every entry is locked, its pmpaddr
 * inside the implemented bits, no more entries than allowed.  On failure:
 * one of the documented codes with a "pmp: " diag.  Any violation aborts.
 *
 * Input: 4 parameter bytes (entries, G, pmpaddr width, background), then
 * 8-byte segments: start in granules (3 bytes, shifted left by byte 7's
 * high nibble), size in granules (2 bytes), permissions (byte 5), an
 * unaligned byte offset (byte 6, used when byte 7 bit 0 is set).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/pmp.h>

#define FUZZ_NAME "fuzz_pmp"
#include "fuzz.h"
#include "../pmp_oracle.h"

static void check_at(const struct kb_pmp_seg *s, size_t n, const struct kb_pmp_params *p,
		     const struct kb_pmp_entry *e, size_t ne, uint64_t a)
{
	uint64_t space = UINT64_C(1) << (p->addr_bits + 2);
	unsigned int want, got;

	if (a >= space)
		return;
	want = kb_test_pmp_intended(s, n, p->background, a);
	got = kb_test_pmp_oracle(e, ne, p->addr_bits, a);
	CHECK(want == got, "address 0x%llx: want %s, the %zu entries give %s",
	      (unsigned long long)a, kb_pmp_perm_str(want), ne, kb_pmp_perm_str(got));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int bgs[] = { KB_PMP_R | KB_PMP_W, KB_PMP_NO_BACKGROUND, 0, KB_PMP_R };
	struct kb_pmp_seg s[KB_PMP_MAX_SEGS + 1];
	struct kb_pmp_entry e[KB_PMP_MAX_ENTRIES];
	struct kb_pmp_params p;
	struct kb_diag d = { "" };
	uint64_t gr;
	size_t n = 0, ne = 12345;
	int err;

	if (size < 4)
		return 0;
	p.nr_entries = data[0] % 70;			/* 0 and > 64: refused */
	p.g = data[1] % 24;
	p.addr_bits = 6 + data[2] % 52;			/* < 8 and > 54: refused */
	p.background = (data[3] & 0x80) ? (int)(data[3] & 0x0f) - 4 : bgs[data[3] & 3];
	gr = UINT64_C(1) << ((p.g + 2) % 60);
	for (size_t off = 4; off + 8 <= size && n < KB_PMP_MAX_SEGS + 1; off += 8) {
		const uint8_t *r = data + off;
		uint64_t start = ((uint64_t)r[0] | (uint64_t)r[1] << 8 | (uint64_t)r[2] << 16)
				 << (r[7] >> 4);
		uint64_t sz = (uint64_t)r[3] | (uint64_t)r[4] << 8;

		/* In granules, kept below 2^62 so nothing wraps here. */
		start = (start * gr) & ((UINT64_C(1) << 62) - 1);
		sz = sz * gr;
		if (r[7] & 1)
			start += r[6];
		s[n].start = start;
		s[n].size = sz;
		s[n].perm = r[5] % 9;			/* 8: refused */
		s[n].name = "seg";
		n++;
	}

	err = kb_pmp_plan(s, n, &p, e, &ne, &d);
	if (err) {
		CHECK(err == KB_EINVAL || err == KB_EALIGN || err == KB_ERANGE ||
		      err == KB_EOVERLAP || err == KB_ENOSPC, "error %d", err);
		CHECK(strncmp(d.msg, "pmp: ", 5) == 0, "diag \"%s\"", d.msg);
		CHECK(ne == 0, "n_out %zu after an error", ne);
		return 0;
	}
	CHECK(ne <= p.nr_entries, "%zu entries, %u allowed", ne, p.nr_entries);
	for (size_t i = 0; i < ne; i++) {
		CHECK(e[i].cfg & KB_PMP_L, "entry %zu unlocked (cfg 0x%02x)", i, e[i].cfg);
		CHECK(e[i].addr < (UINT64_C(1) << p.addr_bits), "entry %zu pmpaddr 0x%llx",
		      i, (unsigned long long)e[i].addr);
		CHECK((e[i].cfg & (KB_PMP_R | KB_PMP_W)) != KB_PMP_W, "entry %zu W without R", i);
	}
	check_at(s, n, &p, e, ne, 0);
	check_at(s, n, &p, e, ne, (UINT64_C(1) << (p.addr_bits + 2)) - 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t b[2] = { s[i].start, s[i].start + s[i].size };

		for (int j = 0; j < 2; j++) {
			if (b[j] >= gr)
				check_at(s, n, &p, e, ne, b[j] - gr);
			if (b[j] >= 1)
				check_at(s, n, &p, e, ne, b[j] - 1);
			check_at(s, n, &p, e, ne, b[j]);
			check_at(s, n, &p, e, ne, b[j] + gr - 1);
			check_at(s, n, &p, e, ne, b[j] + gr);
		}
	}
	return 0;
}
