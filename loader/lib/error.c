// SPDX-License-Identifier: BSD-2-Clause
/*
 * Names for the KB_E* error codes.
 */
#include <kaslrboot/error.h>

const char *kb_strerror(int err)
{
	switch (err) {
	case KB_OK:		return "success";
	case KB_EFAIL:		return "failure";
	case KB_EINVAL:		return "malformed input";
	case KB_ENOSPC:		return "table full";
	case KB_ENOENT:		return "not found";
	case KB_ERANGE:		return "address or size out of range";
	case KB_EFDT:		return "invalid device tree blob";
	case KB_ENODEV:		return "no usable device";
	case KB_EIO:		return "device I/O error";
	case KB_EHEALTH:	return "entropy health test failed";
	case KB_ENOTSUP:	return "not supported";
	case KB_EOVERLAP:	return "overlapping regions";
	case KB_EALIGN:		return "misaligned address";
	default:		return "unknown error";
	}
}
