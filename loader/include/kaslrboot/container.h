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
 *   168     56    reserved, zero
 *   224     32    header SHA-256: of bytes 0..223
 *
 * Parts lie after the header, inside the image, in any order, without
 * overlapping each other or the header.
 */
#ifndef KASLRBOOT_CONTAINER_H
#define KASLRBOOT_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>

#define KB_CONTAINER_MAGIC	"KBIMAGE"	/* + NUL: 8 bytes */
#define KB_CONTAINER_VERSION	1
#define KB_CONTAINER_HDR_SIZE	256

struct kb_container {
	uint32_t type;
	const uint8_t *payload;
	uint64_t payload_size;
	const uint8_t *initrd;		/* NULL if none */
	uint64_t initrd_size;
	const char *bootargs;		/* NULL if none; NUL-terminated */
	uint64_t bootargs_size;
};

/*
 * Check the header (magic, version, header size, then the header SHA-256
 * before any other field is used: flags, reserved bytes, type), every
 * part's bounds against buflen, that parts do not overlap, the bootargs are
 * one NUL-terminated string, and every part's SHA-256 — before returning
 * any pointer.  Returns 0 or KB_EINVAL (then *c is zeroed) with a one-line
 * diag such as "container: payload SHA-256 mismatch", "container: bad magic",
 * "container: initrd (offset 0x..., size 0x...) runs past the end of the
 * 0x2000000-byte image".
 */
int kb_container_open(const void *buf, size_t buflen, struct kb_container *c,
		      struct kb_diag *d);

#endif
