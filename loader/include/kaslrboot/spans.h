/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Parse a list of address ranges from configuration text (pure:
 * loader/lib/spans.c): "START-END[,START-END...]", numbers in C syntax
 * (0x... hex or decimal), END exclusive as everywhere in kaslrboot's logs,
 * white space allowed around tokens; the empty string is an empty list.
 * Used for CONFIG_PLAN_EXTRA_AVOID.
 */
#ifndef KASLRBOOT_SPANS_H
#define KASLRBOOT_SPANS_H

#include <kaslrboot/diag.h>
#include <kaslrboot/plan.h>

/* KB_EINVAL with a diag naming the bad text ("avoid: bad range '0x10-0x5'
 * (end below start)"), KB_ENOSPC if more than cap ranges. */
int kb_parse_spans(const char *text, struct kb_span *out, unsigned int cap,
		   unsigned int *n, struct kb_diag *d);

#endif
