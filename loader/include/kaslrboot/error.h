/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one error-code header of kaslrboot.
 *
 * Every function that can fail returns 0 on success or one of these
 * negative codes.  The human-readable detail (which node, which property,
 * which value) travels separately in a struct kb_diag, so that a code stays
 * cheap to compare while the message stays specific.
 */
#ifndef KASLRBOOT_ERROR_H
#define KASLRBOOT_ERROR_H

#define KB_OK		0
#define KB_EFAIL	-1	/* generic failure */
#define KB_EINVAL	-2	/* malformed input (device tree, image, bootargs) */
#define KB_ENOSPC	-3	/* a fixed-size table is full */
#define KB_ENOENT	-4	/* something required is absent */
#define KB_ERANGE	-5	/* an address or size does not fit / wraps */
#define KB_EFDT		-6	/* libfdt rejected the blob */
#define KB_ENODEV	-7	/* no usable device (console, TRNG) */
#define KB_EIO		-8	/* a device reported a failure */
#define KB_EHEALTH	-9	/* an entropy health test failed */
#define KB_ENOTSUP	-10	/* valid but not supported by this build */
#define KB_EOVERLAP	-11	/* a destination overlaps something it must not */
#define KB_EALIGN	-12	/* misaligned address */

const char *kb_strerror(int err);

#endif
