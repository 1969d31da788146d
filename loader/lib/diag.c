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
		va_end(ap);
		return err;
	}
#endif
	/* kb_vsnprintf always NUL-terminates within sizeof(d->msg) and silently
	 * truncates a longer line, which is what a diagnostic wants. */
	if (kb_vsnprintf(d->msg, sizeof(d->msg), fmt, ap) < 0)
		d->msg[0] = '\0';
	va_end(ap);

	return err;
}

const char *kb_size_str(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB",
					    "PiB", "EiB" };
	unsigned int u = 0;

	while (v != 0 && (v & 1023) == 0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v >>= 10;
		u++;
	}
	kb_snprintf(buf, len, "%" PRIu64 " %s", v, unit[u]);
	return buf;
}
