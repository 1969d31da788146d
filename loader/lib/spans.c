// SPDX-License-Identifier: BSD-2-Clause
#include <stdint.h>

#include <kaslrboot/error.h>
#include <kaslrboot/spans.h>

/* isspace() in the C locale, without the C library's 257-byte table */
static const char *skip_ws(const char *p)
{
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	return p;
}

/* One address, "0x..." hex or decimal; NULL if there is none or it does
 * not fit a kb_phys_t (64 bits, or 32 with CONFIG_PHYS_ADDR_32BIT).  (Not strtoull: picolibc's sets errno, a
 * thread-local the position-independent loader cannot relocate.) */
static const char *number(const char *p, kb_phys_t *v)
{
	unsigned int base = 10, digits = 0;
	kb_phys_t x = 0;

	p = skip_ws(p);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++, digits++) {
		unsigned int dv;

		if (*p >= '0' && *p <= '9')
			dv = (unsigned int)(*p - '0');
		else if (base == 16 && (*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			dv = (unsigned int)((*p | 0x20) - 'a' + 10);
		else
			break;
		/* x * base + dv must not pass KB_PHYS_MAX (no 64-bit division:
		 * on rv32 that would link libgcc's __udivdi3) */
		if (__builtin_mul_overflow(x, base, &x) || __builtin_add_overflow(x, dv, &x))
			return NULL;
	}
	if (digits == 0)
		return NULL;
	*v = x;
	return skip_ws(p);
}

int kb_parse_spans(const char *text, struct kb_span *out, unsigned int cap,
		   unsigned int *n, struct kb_diag *d)
{
	const char *p = skip_ws(text ? text : "");

	*n = 0;
	while (*p) {
		const char *start = p;
		kb_phys_t a, b;

		p = number(p, &a);
		if (p == NULL || *p != '-')
			return kb_diag_set(d, KB_EINVAL, "avoid: bad range at '%s' (want START-END)", start);
		p = number(p + 1, &b);
		if (p == NULL || (*p != ',' && *p != '\0'))
			return kb_diag_set(d, KB_EINVAL, "avoid: bad range at '%s' (want START-END)", start);
		/* END is exclusive: an empty or backwards range is a typo. */
		if (b <= a)
			return kb_diag_set(d, KB_EINVAL,
					   "avoid: bad range at '%s' (end not above start)", start);
		if (*n >= cap)
			return kb_diag_set(d, KB_ENOSPC, "avoid: more than %u ranges", cap);
		out[*n].first = a;
		out[*n].last = b - 1;
		(*n)++;
		if (*p == ',') {
			p = skip_ws(p + 1);
			/* "A-B," is a list missing its last range. */
			if (*p == '\0')
				return kb_diag_set(d, KB_EINVAL, "avoid: bad range at end (trailing ',')");
		}
	}
	return KB_OK;
}
