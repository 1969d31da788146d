// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kaslrboot container (see <kaslrboot/container.h>, docs/container.md).
 *
 * Pure module: no hardware access, no allocation; builds for the host
 * (unit tests, kbimage, the fuzzer) and for the loader.
 *
 * The whole image is hostile until proven otherwise.  Rules this file keeps:
 *  - Nothing in the header is believed before the header SHA-256 matches,
 *    except the three fields needed to know what to hash (magic, version,
 *    header size), which are compared against constants and never used as
 *    lengths.
 *  - Fields are read byte by byte (the buffer may be unaligned, and the
 *    format is little-endian whatever the CPU).
 *  - Every bound is a subtraction or a comparison that cannot wrap.
 *  - No pointer leaves this function unless every check, including every
 *    part's SHA-256, has passed; on failure *c is zeroed.
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include <kaslrboot/container.h>
#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

/* Header layout (byte offsets; see container.h). */
#define OFF_MAGIC	0
#define OFF_VERSION	8
#define OFF_HDR_SIZE	12
#define OFF_TYPE	16
#define OFF_FLAGS	20
#define OFF_PARTS	24	/* 3 x (offset, size), 8 bytes each */
#define OFF_HASHES	72	/* 3 x 32 bytes */
#define OFF_RESERVED	168
#define OFF_HDR_HASH	224
#define SHA256_LEN	32

_Static_assert(OFF_HASHES == OFF_PARTS + 3 * 16, "container layout");
_Static_assert(OFF_RESERVED == OFF_HASHES + 3 * SHA256_LEN, "container layout");
_Static_assert(OFF_HDR_HASH + SHA256_LEN == KB_CONTAINER_HDR_SIZE,
	       "container layout");
_Static_assert(sizeof(KB_CONTAINER_MAGIC) == 8, "container magic");

enum { PART_PAYLOAD, PART_INITRD, PART_BOOTARGS, NPARTS };

static const char *const part_name[NPARTS] = { "payload", "initrd", "bootargs" };

struct part {
	uint64_t off, size;
};

static uint32_t rd32(const uint8_t *p)
{
	uint8_t b[4];

	memcpy(b, p, sizeof(b));
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

/* Digest of n bytes at p equals want?  A failure inside mbedTLS (it has
 * none for SHA-256, but the API can report one) is a mismatch: fail closed. */
static bool sha256_matches(const uint8_t *p, size_t n, const uint8_t *want)
{
	uint8_t got[SHA256_LEN];
	uint8_t diff = 0;
	unsigned int i;

	if (mbedtls_sha256_ret(p, n, got, 0) != 0)
		return false;
	/* Constant time: nothing secret here, but it costs nothing. */
	for (i = 0; i < SHA256_LEN; i++)
		diff |= got[i] ^ want[i];
	return diff == 0;
}

int kb_container_open(const void *buf, size_t buflen, struct kb_container *c,
		      struct kb_diag *d)
{
	const uint8_t *h = buf;
	struct part p[NPARTS];
	uint32_t version, hdr_size, type, flags;
	unsigned int i, j;

	if (c)
		memset(c, 0, sizeof(*c));
	if (buf == NULL || c == NULL)
		return kb_diag_set(d, KB_EINVAL, "container: no image (NULL pointer)");

	/* Every header byte is read below: all 256 must lie in the buffer. */
	if (buflen < KB_CONTAINER_HDR_SIZE)
		return kb_diag_set(d, KB_EINVAL,
				   "container: buffer of %zu bytes is too small for a header (%u bytes)",
				   buflen, (unsigned int)KB_CONTAINER_HDR_SIZE);

	/* Erased or foreign flash is the common case: say so plainly. */
	if (memcmp(h + OFF_MAGIC, KB_CONTAINER_MAGIC, sizeof(KB_CONTAINER_MAGIC)) != 0)
		return kb_diag_set(d, KB_EINVAL, "container: bad magic");

	/* A later version may lay the header out differently: even the
	 * position of the header hash is only known for version 1. */
	version = rd32(h + OFF_VERSION);
	if (version != KB_CONTAINER_VERSION)
		return kb_diag_set(d, KB_EINVAL,
				   "container: unsupported version %" PRIu32 " (expected %u)",
				   version, (unsigned int)KB_CONTAINER_VERSION);

	/* The header size is fixed, not a length to follow: accepting another
	 * value would let the image choose how much of itself is hashed. */
	hdr_size = rd32(h + OFF_HDR_SIZE);
	if (hdr_size != KB_CONTAINER_HDR_SIZE)
		return kb_diag_set(d, KB_EINVAL,
				   "container: header size %" PRIu32 " (expected %u)",
				   hdr_size, (unsigned int)KB_CONTAINER_HDR_SIZE);

	/* From here on the header is integrity-checked as a whole, so that no
	 * field (type, offsets, sizes, part hashes) is acted on unless it is
	 * exactly what kbimage wrote.  (Integrity, not authenticity: anyone
	 * who can write the flash can write a matching hash.) */
	if (!sha256_matches(h, OFF_HDR_HASH, h + OFF_HDR_HASH))
		return kb_diag_set(d, KB_EINVAL, "container: header SHA-256 mismatch");

	/* Unknown flags may carry meaning this loader cannot honour (e.g. a
	 * future "signed" bit): refuse rather than ignore them. */
	flags = rd32(h + OFF_FLAGS);
	if (flags != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "container: unknown flags 0x%08" PRIx32, flags);

	/* Reserved bytes must be zero so that a later version can give them a
	 * meaning without old loaders silently misreading such images. */
	if (!all_zero(h + OFF_RESERVED, OFF_HDR_HASH - OFF_RESERVED))
		return kb_diag_set(d, KB_EINVAL,
				   "container: reserved header bytes are not zero");

	/* The type selects a parser: an unknown one must not fall through to
	 * a default. */
	type = rd32(h + OFF_TYPE);
	if (type > KB_PAYLOAD_ARM64_IMAGE)
		return kb_diag_set(d, KB_EINVAL,
				   "container: unknown payload type %" PRIu32, type);

	for (i = 0; i < NPARTS; i++) {
		p[i].off = rd64(h + OFF_PARTS + 16 * i);
		p[i].size = rd64(h + OFF_PARTS + 16 * i + 8);
	}

	/* Nothing to boot is an error, not an empty kernel. */
	if (p[PART_PAYLOAD].size == 0)
		return kb_diag_set(d, KB_EINVAL, "container: no payload (size 0)");

	for (i = 0; i < NPARTS; i++) {
		if (p[i].size == 0) {
			/* An absent part has no offset either: one image, one
			 * encoding, nothing for a checker to disagree about. */
			if (p[i].off != 0)
				return kb_diag_set(d, KB_EINVAL,
						   "container: %s is absent (size 0) but has offset 0x%" PRIx64,
						   part_name[i], p[i].off);
			continue;
		}
		/* Inside the buffer: off <= buflen and size <= buflen - off.
		 * Written as subtractions from buflen, which cannot wrap
		 * once off <= buflen is known; off + size could wrap past
		 * 2^64 and look small. */
		if (p[i].off > buflen || p[i].size > (uint64_t)buflen - p[i].off)
			return kb_diag_set(d, KB_EINVAL,
					   "container: %s (offset 0x%" PRIx64 ", size 0x%" PRIx64
					   ") runs past the end of the 0x%zx-byte image",
					   part_name[i], p[i].off, p[i].size, buflen);
		/* Not inside the header: the header's bytes would then be
		 * both metadata and payload. */
		if (p[i].off < KB_CONTAINER_HDR_SIZE)
			return kb_diag_set(d, KB_EINVAL,
					   "container: %s (offset 0x%" PRIx64 ", size 0x%" PRIx64
					   ") overlaps the header",
					   part_name[i], p[i].off, p[i].size);
	}

	/* Parts do not share bytes: the loader may later modify one in place
	 * (or the kernel may free the initrd), and a byte that is both kernel
	 * and initrd is a confusion an attacker can steer.  Both ranges are
	 * known to lie in the buffer, so off + size cannot wrap. */
	for (i = 0; i < NPARTS; i++) {
		for (j = i + 1; j < NPARTS; j++) {
			if (p[i].size == 0 || p[j].size == 0)
				continue;
			if (p[i].off < p[j].off + p[j].size &&
			    p[j].off < p[i].off + p[i].size)
				return kb_diag_set(d, KB_EINVAL,
						   "container: %s (offset 0x%" PRIx64 ", size 0x%" PRIx64
						   ") overlaps %s (offset 0x%" PRIx64 ", size 0x%" PRIx64 ")",
						   part_name[j], p[j].off, p[j].size,
						   part_name[i], p[i].off, p[i].size);
		}
	}

	/* The bootargs are handed on as a C string (into /chosen/bootargs):
	 * exactly one NUL, the last byte, so that what was hashed is what the
	 * kernel sees, and no reader runs past the part looking for the end. */
	if (p[PART_BOOTARGS].size != 0) {
		const uint8_t *ba = h + p[PART_BOOTARGS].off;
		size_t n = (size_t)p[PART_BOOTARGS].size;
		const uint8_t *nul;

		if (ba[n - 1] != '\0')
			return kb_diag_set(d, KB_EINVAL,
					   "container: bootargs are not NUL-terminated");
		nul = memchr(ba, '\0', n - 1);
		if (nul != NULL)
			return kb_diag_set(d, KB_EINVAL,
					   "container: bootargs contain a NUL at byte %zu of %zu",
					   (size_t)(nul - ba), n);
	}

	/* Each part's digest, over exactly the bytes that will be used.  An
	 * absent part's digest must be zero: otherwise an image whose part
	 * was cut off could still present a plausible header. */
	for (i = 0; i < NPARTS; i++) {
		const uint8_t *want = h + OFF_HASHES + SHA256_LEN * i;

		if (p[i].size == 0) {
			if (!all_zero(want, SHA256_LEN))
				return kb_diag_set(d, KB_EINVAL,
						   "container: %s is absent but its SHA-256 is not zero",
						   part_name[i]);
			continue;
		}
		if (!sha256_matches(h + p[i].off, (size_t)p[i].size, want))
			return kb_diag_set(d, KB_EINVAL,
					   "container: %s SHA-256 mismatch", part_name[i]);
	}

	c->type = type;
	c->payload = h + p[PART_PAYLOAD].off;
	c->payload_size = p[PART_PAYLOAD].size;
	if (p[PART_INITRD].size != 0) {
		c->initrd = h + p[PART_INITRD].off;
		c->initrd_size = p[PART_INITRD].size;
	}
	if (p[PART_BOOTARGS].size != 0) {
		c->bootargs = (const char *)(h + p[PART_BOOTARGS].off);
		c->bootargs_size = p[PART_BOOTARGS].size;
	}
	kb_diag_clear(d);
	return KB_OK;
}
