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
 *  - No pointer leaves kb_container_open unless every check, including
 *    every part's SHA-256, has passed; on failure *c is zeroed.
 *  - The loader itself never hashes in flash: it copies the header into
 *    RAM, checks it with kb_container_header(), and reads each part once
 *    into RAM, where it is hashed (loader/lib/load.c).  kb_container_open
 *    checks a whole image that is already in memory (tools, tests).
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/container.h>
#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/sha256.h>

/* Header layout (byte offsets; see container.h). */
#define OFF_MAGIC	0
#define OFF_VERSION	8
#define OFF_HDR_SIZE	12
#define OFF_TYPE	16
#define OFF_FLAGS	20
#define OFF_PARTS	24	/* 3 x (offset, size), 8 bytes each */
#define OFF_HASHES	72	/* 3 x 32 bytes */
#define OFF_KASLR_ALIGN	168
#define OFF_SBI		172	/* offset, size, SHA-256 */
#define OFF_SBI_FOOTPRINT 220	/* 2 bytes, KiB */
#define OFF_SBI_HART	222	/* 2 bytes, KiB */
#define OFF_HDR_HASH	224	/* version 1: the header SHA-256 */
/* Version 2 (512 bytes): bytes 0..223 as in version 1, then */
#define OFF_IMAGE_VERSION 224	/* 8 bytes */
#define OFF_V2_RESERVED	232	/* .. 479, zero */
#define OFF_V2_HDR_HASH	480

_Static_assert(OFF_HASHES == OFF_PARTS + 3 * 16, "container layout");
_Static_assert(OFF_KASLR_ALIGN == OFF_HASHES + 3 * KB_SHA256_LEN, "container layout");
_Static_assert(OFF_SBI == OFF_KASLR_ALIGN + 4, "container layout");
_Static_assert(OFF_SBI_FOOTPRINT == OFF_SBI + 16 + KB_SHA256_LEN, "container layout");
_Static_assert(OFF_HDR_HASH == OFF_SBI_HART + 2, "container layout");
_Static_assert(OFF_HDR_HASH + KB_SHA256_LEN == KB_CONTAINER_HDR_SIZE,
	       "container layout");
_Static_assert(OFF_V2_HDR_HASH + KB_SHA256_LEN == KB_CONTAINER_HDR2_SIZE,
	       "container layout");
_Static_assert(KB_CONTAINER_PREFIX_SIZE == OFF_HDR_SIZE + 4, "container prefix");
_Static_assert(sizeof(KB_CONTAINER_MAGIC) == 8, "container magic");
_Static_assert(KB_PART_SBI == 3 && KB_PART_COUNT == 4, "container parts");

static const char *const part_name[KB_PART_COUNT] = { "payload", "initrd", "bootargs", "sbi" };

/* Where part i's offset/size pair and its digest are in the header: the
 * first three in two arrays, the sbi part (carved from the reserved
 * bytes later) in one block. */
static const uint16_t part_field[KB_PART_COUNT] = {
	OFF_PARTS, OFF_PARTS + 16, OFF_PARTS + 32, OFF_SBI,
};
static const uint16_t hash_field[KB_PART_COUNT] = {
	OFF_HASHES, OFF_HASHES + KB_SHA256_LEN, OFF_HASHES + 2 * KB_SHA256_LEN,
	OFF_SBI + 16,
};

const char *kb_container_part_name(unsigned int part)
{
	return part < KB_PART_COUNT ? part_name[part] : "?";
}

static uint32_t rd16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

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
	uint8_t got[KB_SHA256_LEN];

	if (kb_sha256(p, n, got) != 0)
		return false;
	return kb_sha256_equal(got, want);
}

/* Magic, version and header size: the three fields read before the
 * header digest is known, compared against constants, never used as a
 * length beyond the two sizes this loader knows. */
static int prefix(const uint8_t *h, uint32_t *version, uint32_t *hdr_size,
		  struct kb_diag *d)
{
	uint32_t want;

	/* Erased or foreign flash is the common case: say so plainly. */
	if (memcmp(h + OFF_MAGIC, KB_CONTAINER_MAGIC, sizeof(KB_CONTAINER_MAGIC)) != 0) {
		static const uint8_t erased[sizeof(KB_CONTAINER_MAGIC)] = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		};

		if (memcmp(h + OFF_MAGIC, erased, sizeof(erased)) == 0)
			return kb_diag_set(d, KB_EINVAL,
					   "container: bad magic: the flash reads erased (0xff), no container was written there");
		return kb_diag_set(d, KB_EINVAL, "container: bad magic");
	}

	/* Each version lays the header out its own way: even the position
	 * of the header hash is only known for the versions known here. */
	*version = rd32(h + OFF_VERSION);
	if (*version != KB_CONTAINER_VERSION && *version != KB_CONTAINER_VERSION_2)
		return kb_diag_set(d, KB_EINVAL,
				   "container: unsupported version %" PRIu32 " (expected 1 or 2)",
				   *version);

	/* The header size is fixed per version, not a length to follow:
	 * accepting another value would let the image choose how much of
	 * itself is hashed. */
	*hdr_size = rd32(h + OFF_HDR_SIZE);
	want = *version == KB_CONTAINER_VERSION ? KB_CONTAINER_HDR_SIZE : KB_CONTAINER_HDR2_SIZE;
	if (*hdr_size != want)
		return kb_diag_set(d, KB_EINVAL,
				   "container: header size %" PRIu32 " (expected %" PRIu32 " for version %" PRIu32 ")",
				   *hdr_size, want, *version);
	return KB_OK;
}

int kb_container_hdr_size(const void *buf, size_t len, uint32_t *size,
			  struct kb_diag *d)
{
	uint32_t version;
	int err;

	*size = 0;
	if (buf == NULL || len < KB_CONTAINER_PREFIX_SIZE)
		return kb_diag_set(d, KB_EINVAL,
				   "container: %zu bytes are too few for the header's first %u",
				   buf ? len : 0, (unsigned int)KB_CONTAINER_PREFIX_SIZE);
	err = prefix(buf, &version, size, d);
	if (err)
		*size = 0;
	return err;
}

static int header(const void *buf, size_t hdr_len, uint64_t image_len,
		  struct kb_container_hdr *c, struct kb_diag *d)
{
	const uint8_t *h = buf;
	struct kb_container_part *p;
	uint32_t version, hdr_size, type, flags, kaslr_align, sbi_fp_kib, sbi_hart_kib;
	uint32_t hash_off;
	/* The window's length in the offsets' type (2^32 - 1 at most with
	 * 32-bit offsets: a part must end below it anyway). */
	kb_phys_t len = kb_phys_fits(image_len) ? (kb_phys_t)image_len : KB_PHYS_MAX;
	unsigned int i, j;
	int err;

	if (c)
		memset(c, 0, sizeof(*c));
	if (buf == NULL || c == NULL)
		return kb_diag_set(d, KB_EINVAL, "container: no image (NULL pointer)");
	p = c->part;

	/* Every byte of the smallest header is read below: all 256 must
	 * lie in the image (and in the caller's copy). */
	if (image_len < KB_CONTAINER_HDR_SIZE || hdr_len < KB_CONTAINER_HDR_SIZE)
		return kb_diag_set(d, KB_EINVAL,
				   "container: buffer of %llu bytes is too small for a header (%u bytes)",
				   (unsigned long long)(image_len < hdr_len ? image_len : hdr_len),
				   (unsigned int)KB_CONTAINER_HDR_SIZE);
	err = prefix(h, &version, &hdr_size, d);
	if (err)
		return err;
	/* A version 2 header is 512 bytes: all of them in the image and in
	 * the copy the caller read. */
	if (image_len < hdr_size || hdr_len < hdr_size)
		return kb_diag_set(d, KB_EINVAL,
				   "container: buffer of %llu bytes is too small for a version %" PRIu32 " header (%" PRIu32 " bytes)",
				   (unsigned long long)(image_len < hdr_len ? image_len : hdr_len),
				   version, hdr_size);
	hash_off = hdr_size - KB_SHA256_LEN;

	/* From here on the header is integrity-checked as a whole, so that no
	 * field (type, offsets, sizes, part hashes) is acted on unless it is
	 * exactly what kbimage wrote.  (Integrity, not authenticity: anyone
	 * who can write the flash can write a matching hash.) */
	if (!sha256_matches(h, hash_off, h + hash_off))
		return kb_diag_set(d, KB_EINVAL, "container: header SHA-256 mismatch");

	/* Version 2: the image version (slots, docs/flash.md), and reserved
	 * bytes that must be zero, so that a later field carved from them
	 * is refused by this loader rather than ignored. */
	if (version == KB_CONTAINER_VERSION_2) {
		if (!all_zero(h + OFF_V2_RESERVED, OFF_V2_HDR_HASH - OFF_V2_RESERVED))
			return kb_diag_set(d, KB_EINVAL,
					   "container: reserved header bytes are not zero");
		c->image_version = rd64(h + OFF_IMAGE_VERSION);
	}

	/* Unknown flags may carry meaning this loader cannot honour (e.g. a
	 * future "signed" bit): refuse rather than ignore them. */
	flags = rd32(h + OFF_FLAGS);
	if (flags != 0)
		return kb_diag_set(d, KB_EINVAL,
				   "container: unknown flags 0x%08" PRIx32, flags);

	/* The type selects a parser: an unknown one must not fall through to
	 * a default. */
	type = rd32(h + OFF_TYPE);
	if (type > KB_PAYLOAD_KARL)
		return kb_diag_set(d, KB_EINVAL,
				   "container: unknown payload type %" PRIu32, type);

	/* The KASLR alignment is the packer's statement that the kernel is
	 * relocatable below its format's alignment (arm64 CONFIG_RELOCATABLE
	 * fixes up a base that is not 2 MiB-aligned; the EFI stub relies on
	 * it).  One encoding per image: 0 is "the format's own rule", so the
	 * format's own alignment itself is not a second way to say it, and
	 * the field only exists where it means something: an arm64 Image
	 * named as such (with type 0 the loader would learn the format only
	 * from the payload's bytes, after the header was accepted). */
	kaslr_align = rd32(h + OFF_KASLR_ALIGN);
	if (kaslr_align != 0) {
		if (type != KB_PAYLOAD_ARM64_IMAGE)
			return kb_diag_set(d, KB_EINVAL,
					   "container: KASLR alignment 0x%" PRIx32 " is set for payload type %" PRIu32
					   "; it applies to arm64 Images (type 3) only",
					   kaslr_align, type);
		if (kaslr_align & (kaslr_align - 1))
			return kb_diag_set(d, KB_EINVAL,
					   "container: KASLR alignment 0x%" PRIx32 " is not a power of two",
					   kaslr_align);
		if (kaslr_align < KB_CONTAINER_KASLR_ALIGN_MIN)
			return kb_diag_set(d, KB_EINVAL,
					   "container: KASLR alignment 0x%" PRIx32 " is below 4 KiB (a page)",
					   kaslr_align);
		if (kaslr_align >= KB_ARM64_IMAGE_ALIGN)
			return kb_diag_set(d, KB_EINVAL,
					   "container: KASLR alignment 0x%" PRIx32
					   " is not below the arm64 Image's own 2 MiB (write 0 for that)",
					   kaslr_align);
	}

	/* Each part in turn, one table entry (part_field, hash_field,
	 * part_name) at a time: its fields, whether it is absent or inside
	 * the image, and whether it shares a byte with a part before it. */
	for (i = 0; i < KB_PART_COUNT; i++) {
		uint64_t off = rd64(h + part_field[i]), size = rd64(h + part_field[i] + 8);

		/* 32-bit offsets (CONFIG_PHYS_ADDR_32BIT): a field that does
		 * not fit is refused before it is stored, never cut (such a
		 * part would run past any window this loader reads anyway). */
		if (!kb_phys_fits(off) || !kb_phys_fits(size))
			return kb_diag_set(d, KB_EINVAL,
					   "container: %s (offset 0x%" PRIx64 ", size 0x%" PRIx64
					   ") does not fit in 32 bits (CONFIG_PHYS_ADDR_32BIT)",
					   part_name[i], off, size);
		p[i].off = (kb_phys_t)off;
		p[i].size = (kb_phys_t)size;
		memcpy(p[i].sha256, h + hash_field[i], KB_SHA256_LEN);

		if (p[i].size == 0) {
			/* Nothing to boot is an error, not an empty kernel. */
			if (i == KB_PART_PAYLOAD)
				return kb_diag_set(d, KB_EINVAL, "container: no payload (size 0)");
			/* An absent part has no offset either: one image, one
			 * encoding, nothing for a checker to disagree about. */
			if (p[i].off != 0)
				return kb_diag_set(d, KB_EINVAL,
						   "container: %s is absent (size 0) but has offset 0x%" PRIxPHYS,
						   part_name[i], p[i].off);
			/* Its digest must be zero: otherwise an image whose
			 * part was cut off could still present a plausible
			 * header. */
			if (!all_zero(p[i].sha256, KB_SHA256_LEN))
				return kb_diag_set(d, KB_EINVAL,
						   "container: %s is absent but its SHA-256 is not zero",
						   part_name[i]);
			continue;
		}
		/* Inside the image: off <= image_len and size <= image_len -
		 * off.  Written as subtractions from image_len, which cannot
		 * wrap once off <= image_len is known; off + size could wrap
		 * past 2^64 (2^32 with 32-bit offsets) and look small.  len is
		 * image_len, or 2^32 - 1 where it is larger and offsets are
		 * 32 bits: every part fits below that already. */
		if (p[i].off > len || p[i].size > len - p[i].off)
			return kb_diag_set(d, KB_EINVAL,
					   "container: %s (offset 0x%" PRIxPHYS ", size 0x%" PRIxPHYS
					   ") runs past the end of the 0x%llx-byte image",
					   part_name[i], p[i].off, p[i].size,
					   (unsigned long long)image_len);
		/* Not inside the header: the header's bytes would then be
		 * both metadata and payload. */
		if (p[i].off < hdr_size)
			return kb_diag_set(d, KB_EINVAL,
					   "container: %s (offset 0x%" PRIxPHYS ", size 0x%" PRIxPHYS
					   ") overlaps the header",
					   part_name[i], p[i].off, p[i].size);
		/* Parts do not share bytes: each byte is read from flash
		 * once, for one purpose (and the kernel may free the
		 * initrd); a byte that is both kernel and initrd is a
		 * confusion an attacker can steer.  Both ranges are known to
		 * lie in the image (part j < i was checked in its turn), so
		 * off + size cannot wrap. */
		for (j = 0; j < i; j++) {
			if (p[j].size != 0 &&
			    p[i].off < p[j].off + p[j].size &&
			    p[j].off < p[i].off + p[i].size)
				return kb_diag_set(d, KB_EINVAL,
						   "container: %s (offset 0x%" PRIxPHYS ", size 0x%" PRIxPHYS
						   ") overlaps %s (offset 0x%" PRIxPHYS ", size 0x%" PRIxPHYS ")",
						   part_name[i], p[i].off, p[i].size,
						   part_name[j], p[j].off, p[j].size);
		}
	}
	/* The sbi part's memory use: nothing without the part (one encoding
	 * per image); with it, at least its own bytes, and something per hart
	 * (every OpenSBI has a stack per hart).  The loader sizes the region
	 * it reserves for OpenSBI from these (docs/m-mode.md). */
	sbi_fp_kib = rd16(h + OFF_SBI_FOOTPRINT);
	sbi_hart_kib = rd16(h + OFF_SBI_HART);
	if (p[KB_PART_SBI].size == 0) {
		if (sbi_fp_kib != 0 || sbi_hart_kib != 0)
			return kb_diag_set(d, KB_EINVAL,
					   "container: sbi is absent but its footprint fields are not zero");
	} else {
		/* At most 0xffff KiB: the shift fits 32 bits. */
		if ((kb_phys_t)sbi_fp_kib << 10 < p[KB_PART_SBI].size)
			return kb_diag_set(d, KB_EINVAL,
					   "container: sbi footprint %" PRIu32 " KiB is smaller than its own 0x%" PRIxPHYS " bytes",
					   sbi_fp_kib, p[KB_PART_SBI].size);
		if (sbi_hart_kib == 0)
			return kb_diag_set(d, KB_EINVAL,
					   "container: sbi per-hart size is 0 (OpenSBI needs a stack per hart)");
	}
	c->version = version;
	c->hdr_size = hdr_size;
	c->type = type;
	c->kaslr_align = kaslr_align;
	c->sbi_footprint = (kb_phys_t)sbi_fp_kib << 10;
	c->sbi_hart_size = (kb_phys_t)sbi_hart_kib << 10;
	kb_diag_clear(d);
	return KB_OK;
}

int kb_container_header(const void *buf, size_t hdr_len, uint64_t image_len,
			struct kb_container_hdr *c, struct kb_diag *d)
{
	int err = header(buf, hdr_len, image_len, c, d);

	/* Nothing half-parsed leaves this function. */
	if (err && c)
		memset(c, 0, sizeof(*c));
	return err;
}

int kb_container_check_bootargs(const char *ba, uint64_t n, struct kb_diag *d)
{
	const char *nul;

	/* Handed on as a C string (into /chosen/bootargs): exactly one NUL,
	 * the last byte, so that what was hashed is what the kernel sees, and
	 * no reader runs past the part looking for the end. */
	if (ba == NULL || n == 0 || ba[n - 1] != '\0')
		return kb_diag_set(d, KB_EINVAL,
				   "container: bootargs are not NUL-terminated");
	nul = memchr(ba, '\0', (size_t)n - 1);
	if (nul != NULL)
		return kb_diag_set(d, KB_EINVAL,
				   "container: bootargs contain a NUL at byte %zu of %zu",
				   (size_t)(nul - ba), (size_t)n);
	return KB_OK;
}

int kb_container_open(const void *buf, size_t buflen, struct kb_container *c,
		      struct kb_diag *d)
{
	const uint8_t *h = buf;
	struct kb_container_hdr hdr;
	const struct kb_container_part *p = hdr.part;
	unsigned int i;
	int err;

	if (c)
		memset(c, 0, sizeof(*c));
	if (c == NULL)
		return kb_diag_set(d, KB_EINVAL, "container: no image (NULL pointer)");
	err = kb_container_header(buf, buflen, buflen, &hdr, d);
	if (err)
		return err;
	if (p[KB_PART_BOOTARGS].size != 0) {
		err = kb_container_check_bootargs((const char *)h + p[KB_PART_BOOTARGS].off,
						  p[KB_PART_BOOTARGS].size, d);
		if (err)
			return err;
	}
	/* Each part's digest, over exactly the bytes that will be used. */
	for (i = 0; i < KB_PART_COUNT; i++) {
		if (p[i].size != 0 &&
		    !sha256_matches(h + p[i].off, (size_t)p[i].size, p[i].sha256))
			return kb_diag_set(d, KB_EINVAL,
					   "container: %s SHA-256 mismatch", part_name[i]);
	}

	c->version = hdr.version;
	c->image_version = hdr.image_version;
	c->type = hdr.type;
	c->kaslr_align = hdr.kaslr_align;
	c->payload = h + p[KB_PART_PAYLOAD].off;
	c->payload_size = p[KB_PART_PAYLOAD].size;
	if (p[KB_PART_INITRD].size != 0) {
		c->initrd = h + p[KB_PART_INITRD].off;
		c->initrd_size = p[KB_PART_INITRD].size;
	}
	if (p[KB_PART_BOOTARGS].size != 0) {
		c->bootargs = (const char *)(h + p[KB_PART_BOOTARGS].off);
		c->bootargs_size = p[KB_PART_BOOTARGS].size;
	}
	if (p[KB_PART_SBI].size != 0) {
		c->sbi = h + p[KB_PART_SBI].off;
		c->sbi_size = p[KB_PART_SBI].size;
		c->sbi_footprint = hdr.sbi_footprint;
		c->sbi_hart_size = hdr.sbi_hart_size;
	}
	kb_diag_clear(d);
	return KB_OK;
}
