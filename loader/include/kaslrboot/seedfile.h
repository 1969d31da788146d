/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seed carried across boots (pure: loader/lib/seedfile.c; docs/entropy.md
 * "A seed carried across boots").  One record at the start of a flash
 * sector of its own:
 *
 *   offset  size  field (little-endian)
 *   0       8     magic "KBSEED\0\0"
 *   8       4     version (1)
 *   12      4     reserved, zero
 *   16      8     generation: +1 on every write (diagnostics only)
 *   24      64    seed: 512 bits drawn from the previous boot's DRBG
 *                 (or, for the first boot, kbimage seed's host entropy)
 *   88      32    SHA-256 of bytes 0..87
 *
 * The record catches a corrupted, half-written or erased sector; it is not
 * a secret against whoever can read the flash (nothing in flash is).
 */
#ifndef KASLRBOOT_SEEDFILE_H
#define KASLRBOOT_SEEDFILE_H

#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>

#define KB_SEEDFILE_MAGIC	"KBSEED\0"	/* + NUL: 8 bytes */
#define KB_SEEDFILE_VERSION	1
#define KB_SEEDFILE_SEED_LEN	64
#define KB_SEEDFILE_SIZE	120

/* Check a record read into RAM (len >= KB_SEEDFILE_SIZE); on success copy
 * its seed and generation out.  KB_EINVAL with one line: "seed: the
 * sector is erased (0xff): no seed stored yet", "seed: bad magic",
 * "seed: unsupported version N", "seed: SHA-256 mismatch (corrupted or
 * half-written)", "seed: reserved bytes are not zero". */
int kb_seedfile_parse(const uint8_t *rec, size_t len, uint8_t *seed,
		      uint64_t *generation, struct kb_diag *d);

/* Write a record carrying seed (KB_SEEDFILE_SEED_LEN bytes) and
 * generation into out (KB_SEEDFILE_SIZE bytes). */
void kb_seedfile_build(uint8_t *out, const uint8_t *seed, uint64_t generation);

#endif
