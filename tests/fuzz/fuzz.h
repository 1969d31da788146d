/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the libFuzzer targets share.  A target defines FUZZ_NAME
 * ("fuzz_elf", ...) before including this.
 */
#ifndef KASLRBOOT_TESTS_FUZZ_H
#define KASLRBOOT_TESTS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include "../le.h"

/* An invariant: on violation, say which and where, and abort (libFuzzer
 * saves the input as a crash reproducer). */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, FUZZ_NAME ": invariant failed at line %d: %s: ", \
			__LINE__, #cond);				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

#ifdef FUZZ_CONTAINER_DIGESTS
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/sha256.h>

/*
 * A fuzzer cannot forge SHA-256: the container targets' first input byte
 * is a control byte.  Bit 0 recomputes each in-bounds part's digest into
 * the header at img, bit 1 the header's own digest (after the parts'), so
 * that the checks behind the digests are reached; both clear: the image
 * as given.
 */
static inline void fuzz_fix_digests(uint8_t *img, size_t len, uint8_t ctl)
{
	if (len < 256)
		return;
	if (ctl & 1) {
		/* payload, initrd, bootargs; then the sbi part (offset 172) */
		static const size_t f_off[4] = { 24, 40, 56, 172 }, f_hash[4] = { 72, 104, 136, 188 };

		for (int i = 0; i < 4; i++) {
			uint64_t off = get64(img + f_off[i]);
			uint64_t size = get64(img + f_off[i] + 8);

			if (size && off >= 256 && off <= len && size <= len - off)
				CHECK(kb_sha256(img + off, (size_t)size, img + f_hash[i]) == 0,
				      "sha256");
		}
	}
	if (ctl & 2)
		CHECK(kb_sha256(img, 224, img + 224) == 0, "sha256");
}
#endif

#endif
