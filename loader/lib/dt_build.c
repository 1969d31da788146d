// SPDX-License-Identifier: BSD-2-Clause
/*
 * Matching a driver against a device read at build time
 * (kaslrboot/dt_build.h, CONFIG_DT_DEVICES_AT_BUILD).
 */
#include <stddef.h>
#include <string.h>

#include <kaslrboot/dt_build.h>

bool kb_dt_dev_compatible(const struct kb_dt_dev_build *dev, const char *compat)
{
	const char *p, *end;
	size_t n;

	if (dev == NULL || dev->compat == NULL || compat == NULL)
		return false;
	n = strlen(compat);
	p = dev->compat;
	end = p + dev->compat_len;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);

		if (len == n && memcmp(p, compat, n) == 0)
			return true;
		p += len + 1;
	}
	return false;
}

const struct kb_dt_dev_build *kb_dt_rng_find(const struct kb_dt_devices_build *b,
					     const char *compat)
{
	for (unsigned int i = 0; b != NULL && i < b->nrng; i++)
		if (kb_dt_dev_compatible(&b->rng[i], compat))
			return &b->rng[i];
	return NULL;
}
