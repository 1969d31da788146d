// SPDX-License-Identifier: BSD-2-Clause
/*
 * CONFIG_LOG_DICTIONARY (kaslrboot/msg.h, kaslrboot/fdt_util.h):
 * fdt_strerror() with its words in the dictionary.
 */
#include <stdint.h>

#include <libfdt.h>

#include <kaslrboot/fdt_util.h>

/* libfdt's fdt_strerror() (its words, for the FDT_ERR_* codes of the
 * libfdt this was written against) as one run of dictionary strings: the
 * pointer is computed from their lengths, so neither the words nor a
 * table of pointers is in the image. */
#define KB_FDT_ERRS(X)							\
	X(NOTFOUND) X(EXISTS) X(NOSPACE) X(BADOFFSET) X(BADPATH)	\
	X(BADPHANDLE) X(BADSTATE) X(TRUNCATED) X(BADMAGIC)		\
	X(BADVERSION) X(BADSTRUCTURE) X(BADLAYOUT) X(INTERNAL)		\
	X(BADNCELLS) X(BADVALUE) X(BADOVERLAY) X(NOPHANDLES)		\
	X(BADFLAGS) X(ALIGNMENT)
#define KB_FDT_ERR_WORD(n) "FDT_ERR_" #n "\0"
#define KB_FDT_ERR_LEN(n) sizeof("FDT_ERR_" #n),
_Static_assert(FDT_ERR_MAX == 19, "libfdt's error codes changed: update KB_FDT_ERRS");

#undef fdt_strerror
const char *kb_fdt_strerror(int err)
{
	static const char words[] __attribute__((section(".kb_msg"), aligned(1))) =
		"<valid offset/length>\0<no error>\0<unknown error>\0"
		KB_FDT_ERRS(KB_FDT_ERR_WORD);
	static const uint8_t len[] = { KB_FDT_ERRS(KB_FDT_ERR_LEN) };
	const char *p = words;
	int i;

	if (err > 0)
		return p;
	p += sizeof("<valid offset/length>");
	if (err == 0)
		return p;
	p += sizeof("<no error>");
	if (err < -FDT_ERR_MAX)
		return p;
	p += sizeof("<unknown error>");
	for (i = -1; i > err; i--)
		p += len[-i - 1];
	return p;
}
