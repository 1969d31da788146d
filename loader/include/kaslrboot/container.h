/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kaslrboot container (pure: loader/lib/container.c; format in
 * docs/container.md; built by build/host/kbimage).  What the loader boots,
 * as it sits in flash:
 *
 *   offset  size  field (little-endian)
 *   0       8     magic "KBIMAGE\0"
 *   8       4     format version (1)
 *   12      4     header size (256)
 *   16      4     payload type (enum kb_payload_type; 0 = detect)
 *   20      4     flags (0; unknown bits are rejected)
 *   24      8     payload offset      32  8  payload size
 *   40      8     initrd offset       48  8  initrd size (0: none, offset 0)
 *   56      8     bootargs offset     64  8  bootargs size (0: none, offset 0;
 *                                              includes the NUL)
 *   72      32    payload SHA-256
 *   104     32    initrd SHA-256 (zero if none)
 *   136     32    bootargs SHA-256 (zero if none)
 *   168     4     KASLR alignment: 0, or (payload type 3, arm64 Image, only)
 *                 the alignment of a randomized kernel base, a power of two
 *                 from 4 KiB to 1 MiB, below the format's own 2 MiB
 *   172     8     sbi offset          180  8  sbi size (0: none, offset 0)
 *   188     32    sbi SHA-256 (zero if none)
 *   220     2     sbi footprint, KiB: the bytes OpenSBI uses from its load
 *                 address (image, BSS: its _fw_end), >= the sbi size
 *   222     2     sbi per-hart size, KiB: what it adds per hart (stack,
 *                 scratch, heap share); both 0 if there is no sbi part
 *   224     32    header SHA-256: of bytes 0..223
 *
 * Format version 2 (kbimage --image-version; 512-byte header): bytes
 * 0..223 as above (version 2, header size 512), then
 *   224     8     image version: what an updater bumps; of two valid
 *                 slots the loader boots the higher (docs/flash.md)
 *   232     248   reserved, zero
 *   480     32    header SHA-256: of bytes 0..479
 *
 * Parts lie after the header, inside the image, in any order, without
 * overlapping each other or the header.
 */
#ifndef KASLRBOOT_CONTAINER_H
#define KASLRBOOT_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/phys.h>

#define KB_CONTAINER_MAGIC	"KBIMAGE"	/* + NUL: 8 bytes */
#define KB_CONTAINER_VERSION	1
#define KB_CONTAINER_HDR_SIZE	256	/* version 1; the smallest header */
#define KB_CONTAINER_VERSION_2	2
#define KB_CONTAINER_HDR2_SIZE	512	/* version 2 */
#define KB_CONTAINER_HDR_MAX	KB_CONTAINER_HDR2_SIZE
/* Magic, format version, header size: what says how big the header is. */
#define KB_CONTAINER_PREFIX_SIZE 16
/* The smallest non-zero KASLR alignment: a page. */
#define KB_CONTAINER_KASLR_ALIGN_MIN	4096

enum kb_container_part_id {
	KB_PART_PAYLOAD,
	KB_PART_INITRD,
	KB_PART_BOOTARGS,
	KB_PART_SBI,		/* OpenSBI fw_dynamic.bin (docs/m-mode.md) */
	KB_PART_COUNT
};

/* One part as the checked header describes it (in RAM).  Offsets and
 * sizes in the flash window are kb_phys_t (kaslrboot/phys.h): with
 * CONFIG_PHYS_ADDR_32BIT a field above 2^32 - 1 is refused by
 * kb_container_header() before it is stored. */
struct kb_container_part {
	kb_phys_t off;		/* from the start of the image; 0 if absent */
	kb_phys_t size;		/* 0: absent */
	uint8_t sha256[32];	/* all zero if absent */
};

/* A header that passed kb_container_header(): every field copied out. */
struct kb_container_hdr {
	uint32_t version;	/* format version: 1 or 2 */
	uint32_t hdr_size;	/* 256 or 512 */
	uint64_t image_version;	/* version 2's field; 0 for version 1 */
	uint32_t type;		/* enum kb_payload_type */
	uint32_t kaslr_align;	/* 0: the format's own rule */
	struct kb_container_part part[KB_PART_COUNT];
	/* The sbi part's memory use (bytes; 0 if there is none): from its
	 * load address, and per hart on top of that. */
	kb_phys_t sbi_footprint, sbi_hart_size;
};

/*
 * The header's size from its first bytes (len >= KB_CONTAINER_PREFIX_SIZE,
 * in RAM): magic, format version (1 or 2), header size (256 or 512, the
 * version's).  Returns 0 with *size set, or KB_EINVAL (*size = 0) with the
 * same one-line diag kb_container_header() gives for these fields.  A
 * reader that copies the header from flash reads the smallest header
 * (256 bytes), asks this, then reads the rest: each byte once.
 */
int kb_container_hdr_size(const void *buf, size_t len, uint32_t *size,
			  struct kb_diag *d);

/*
 * Check a copy of the header (already in RAM; hdr_len bytes of it are
 * readable) for an image of image_len bytes: magic, version, header size,
 * then the header SHA-256
 * before any other field is used (flags, type, KASLR alignment, the sbi
 * footprint fields), every part's bounds against image_len (outside the header),
 * that parts do not overlap, that an absent part has offset 0 and an
 * all-zero digest, that a payload exists, and (version 2) that the
 * reserved bytes are zero.  It reads at most the header's own size (256
 * or 512) at hdr, never more than hdr_len.  Returns 0, or
 * KB_EINVAL (then *h is zeroed) with a one-line diag such as
 * "container: header SHA-256 mismatch", "container: bad magic",
 * "container: initrd (offset 0x..., size 0x...) runs past the end of the
 * 0x2000000-byte image".
 */
int kb_container_header(const void *hdr, size_t hdr_len, uint64_t image_len,
			struct kb_container_hdr *h, struct kb_diag *d);

/* The bootargs part (in RAM, size bytes) is one C string: its last byte is
 * the only NUL.  KB_EINVAL "container: bootargs are not NUL-terminated" /
 * "container: bootargs contain a NUL at byte N of M". */
int kb_container_check_bootargs(const char *ba, uint64_t size,
				struct kb_diag *d);

/* "payload", "initrd", "bootargs", "sbi". */
const char *kb_container_part_name(unsigned int part);

/* A whole image already in memory, every hash checked (tools, tests). */
struct kb_container {
	uint32_t version;		/* format version: 1 or 2 */
	uint64_t image_version;		/* 0 for version 1 */
	uint32_t type;
	uint32_t kaslr_align;		/* 0: the format's own rule */
	const uint8_t *payload;
	uint64_t payload_size;
	const uint8_t *initrd;		/* NULL if none */
	uint64_t initrd_size;
	const char *bootargs;		/* NULL if none; NUL-terminated */
	uint64_t bootargs_size;
	const uint8_t *sbi;		/* NULL if none */
	uint64_t sbi_size, sbi_footprint, sbi_hart_size;
};

/*
 * kb_container_header() on the first bytes of buf, then the bootargs
 * rule, then every part's SHA-256 over the bytes in buf, before returning
 * any pointer.  Returns 0 or KB_EINVAL (then *c is zeroed) with a one-line
 * diag ("container: payload SHA-256 mismatch", ...).  Hashes in place:
 * for an image in RAM.  The loader reads flash through loader/lib/load.c
 * instead, which copies every byte once and hashes the copy.
 */
int kb_container_open(const void *buf, size_t buflen, struct kb_container *c,
		      struct kb_diag *d);

#endif
