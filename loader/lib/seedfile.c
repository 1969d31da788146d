// SPDX-License-Identifier: BSD-2-Clause
/*
 * The seed record carried across boots (see <kaslrboot/seedfile.h>).
 * Pure: builds for the host (kbimage seed, tests) and the loader.
 */
#include <stdio.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/seedfile.h>
#include <kaslrboot/sha256.h>

#define OFF_VERSION	8
#define OFF_RESERVED	12
#define OFF_GEN		16
#define OFF_SEED	24
#define OFF_HASH	(OFF_SEED + KB_SEEDFILE_SEED_LEN)

_Static_assert(OFF_HASH + KB_SHA256_LEN == KB_SEEDFILE_SIZE, "seed record layout");
_Static_assert(sizeof(KB_SEEDFILE_MAGIC) == 8, "seed record magic");

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int kb_seedfile_parse(const uint8_t *rec, size_t len, uint8_t *seed,
		      uint64_t *generation, struct kb_diag *d)
{
	uint8_t got[KB_SHA256_LEN];
	uint32_t version;
	bool erased = true;

	if (rec == NULL || len < KB_SEEDFILE_SIZE)
		return kb_diag_set(d, KB_EINVAL, "seed: %zu bytes are too few for a record (%d)",
				   rec ? len : 0, KB_SEEDFILE_SIZE);
	if (memcmp(rec, KB_SEEDFILE_MAGIC, sizeof(KB_SEEDFILE_MAGIC)) != 0) {
		for (size_t i = 0; i < KB_SEEDFILE_SIZE; i++)
			erased &= rec[i] == 0xff;
		if (erased)
			return kb_diag_set(d, KB_EINVAL, "seed: the sector is erased (0xff): no seed stored yet");
		return kb_diag_set(d, KB_EINVAL, "seed: bad magic");
	}
	version = rd32(rec + OFF_VERSION);
	if (version != KB_SEEDFILE_VERSION)
		return kb_diag_set(d, KB_EINVAL, "seed: unsupported version %" PRIu32 " (expected %d)",
				   version, KB_SEEDFILE_VERSION);
	if (kb_sha256(rec, OFF_HASH, got) != 0 || !kb_sha256_equal(got, rec + OFF_HASH))
		return kb_diag_set(d, KB_EINVAL, "seed: SHA-256 mismatch (corrupted or half-written)");
	if (rd32(rec + OFF_RESERVED) != 0)
		return kb_diag_set(d, KB_EINVAL, "seed: reserved bytes are not zero");
	memcpy(seed, rec + OFF_SEED, KB_SEEDFILE_SEED_LEN);
	*generation = (uint64_t)rd32(rec + OFF_GEN) | (uint64_t)rd32(rec + OFF_GEN + 4) << 32;
	return KB_OK;
}

void kb_seedfile_build(uint8_t *out, const uint8_t *seed, uint64_t generation)
{
	memset(out, 0, KB_SEEDFILE_SIZE);
	memcpy(out, KB_SEEDFILE_MAGIC, sizeof(KB_SEEDFILE_MAGIC));
	wr32(out + OFF_VERSION, KB_SEEDFILE_VERSION);
	wr32(out + OFF_GEN, (uint32_t)generation);
	wr32(out + OFF_GEN + 4, (uint32_t)(generation >> 32));
	memcpy(out + OFF_SEED, seed, KB_SEEDFILE_SEED_LEN);
	/* SHA-256 cannot fail on a buffer this size (mbedTLS reports no
	 * error for it); a failure would leave a zero digest, which the
	 * next parse refuses: fail closed. */
	if (kb_sha256(out, OFF_HASH, out + OFF_HASH) != 0)
		memset(out + OFF_HASH, 0, KB_SHA256_LEN);
}
