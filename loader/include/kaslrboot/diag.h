/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Diagnostics: a one-line, human-readable reason attached to an error code.
 *
 * Pure modules (fdt/, crypto/, the planner...) never print.  They fill a
 * struct kb_diag and return a negative KB_E* code; the caller (the loader,
 * a host tool, a unit test) decides where the line goes.
 */
#ifndef KASLRBOOT_DIAG_H
#define KASLRBOOT_DIAG_H

#include <stddef.h>
#include <stdint.h>

#define KB_DIAG_LEN 160

struct kb_diag {
	char msg[KB_DIAG_LEN];
};

/* Format the message (printf-style) and return err unchanged, so that a
 * failure path reads:  return kb_diag_set(d, KB_EINVAL, "...", ...);
 * d may be NULL. */
int kb_diag_set(struct kb_diag *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <kaslrboot/msg.h>
#ifdef KB_MSG_SECTION
/* CONFIG_LOG_COMPRESS, CONFIG_LOG_DICTIONARY: the literal goes to .kb_msg (kaslrboot/msg.h). */
#define kb_diag_set(d, err, fmt, ...)					\
	(KB_MSG_FMT_CHECK(fmt, ##__VA_ARGS__),				\
	 (kb_diag_set)(d, err, KB_MSG(fmt), ##__VA_ARGS__))
#endif

/* "512 MiB": v in the largest binary unit (B .. EiB) that divides it
 * exactly, else bytes, into buf; returns buf.  The one size formatter of
 * every log line, diag and tool output. */
const char *kb_size_str(uint64_t v, char *buf, size_t len);

static inline void kb_diag_clear(struct kb_diag *d)
{
	if (d)
		d->msg[0] = '\0';
}

#endif
