// SPDX-License-Identifier: BSD-2-Clause
/*
 * Diagnostics: format a one-line reason into a caller-owned struct kb_diag.
 */
#include <inttypes.h>
#include <stdarg.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/fmt.h>

int (kb_diag_set)(struct kb_diag *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return err;

	KB_MSG_EXPAND(fmt);
	va_start(ap, fmt);
#ifdef KB_MSG_DICT
	/* CONFIG_LOG_DICTIONARY: the record, printed when the line is */
	if (kb_dict_is(fmt)) {
		kb_dict_vset(d->msg, sizeof(d->msg), fmt, ap);
	} else {
		/* every kb_diag_set() call's format is in the dictionary
		 * (the macro in kaslrboot/diag.h); one from elsewhere is
		 * kept as written (no formatter is linked, docs/size.md) */
		kb_fmt_cat(d->msg, sizeof(d->msg), fmt, "", "");
	}
	va_end(ap);
	return err;
#else
	/* kb_vsnprintf always NUL-terminates within sizeof(d->msg) and silently
	 * truncates a longer line, which is what a diagnostic wants. */
	if (kb_vsnprintf(d->msg, sizeof(d->msg), fmt, ap) < 0)
		d->msg[0] = '\0';
	va_end(ap);

	return err;
#endif
}

const char *kb_size_str(uint64_t v, char *buf, size_t len)
{
	/* " B" ... " EiB", 5 bytes each */
	static const char unit[] = " B\0\0\0 KiB\0 MiB\0 GiB\0 TiB\0 PiB\0 EiB";
	char dec[21];
	unsigned int u = 0;

	while (v != 0 && (v & 1023) == 0 && u < 6) {
		v >>= 10;
		u++;
	}
	dec[20] = '\0';
	return kb_fmt_cat(buf, len, kb_fmt_dec(dec + 20, v), unit + 5 * u, "");
}
