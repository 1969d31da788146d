// SPDX-License-Identifier: BSD-2-Clause
/*
 * Names for the KB_E* error codes (in the dictionary with
 * CONFIG_LOG_DICTIONARY: kaslrboot/msg.h).
 */
#include <kaslrboot/error.h>
#include <kaslrboot/msg.h>

const char *kb_strerror(int err)
{
	switch (err) {
	case KB_OK:		return KB_MSG_STR("success");
	case KB_EFAIL:		return KB_MSG_STR("failure");
	case KB_EINVAL:		return KB_MSG_STR("malformed input");
	case KB_ENOSPC:		return KB_MSG_STR("table full");
	case KB_ENOENT:		return KB_MSG_STR("not found");
	case KB_ERANGE:		return KB_MSG_STR("address or size out of range");
	case KB_EFDT:		return KB_MSG_STR("invalid device tree blob");
	case KB_ENODEV:		return KB_MSG_STR("no usable device");
	case KB_EIO:		return KB_MSG_STR("device I/O error");
	case KB_EHEALTH:	return KB_MSG_STR("entropy health test failed");
	case KB_ENOTSUP:	return KB_MSG_STR("not supported");
	case KB_EOVERLAP:	return KB_MSG_STR("overlapping regions");
	case KB_EALIGN:		return KB_MSG_STR("misaligned address");
	default:		return KB_MSG_STR("unknown error");
	}
}
