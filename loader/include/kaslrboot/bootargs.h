/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel command-line parsing (pure: loader/lib/bootargs.c).
 *
 * Parsed the way Linux's EFI stub does it (efi_parse_options() over
 * next_arg()): tokens are separated by white space (the kernel's isspace():
 * the C locale's six characters and 0xa0); double quotes group white space
 * into a token (a leading quote and its partner at the very end are
 * stripped); a token "name=value" has the parameter name "name"; a bare
 * "--" ends the kernel's parameters (everything after it belongs to init).
 * An unterminated quote runs to the end of the string.
 *
 * Matching is by parameter name, the value ignored: "nokaslr", "nokaslr=1"
 * and "nokaslr=0" all name "nokaslr"; "nokaslrx", "foo=nokaslr",
 * "\"a nokaslr\"" and "-- nokaslr" do not.  docs/placement.md compares this
 * with what each kernel does.
 */
#ifndef KASLRBOOT_BOOTARGS_H
#define KASLRBOOT_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

/* True if a parameter named `name` (with or without "=value") appears
 * before any bare "--" in the first len bytes of args (args need not be
 * NUL-terminated; a NUL ends it early).  An empty or NULL name matches
 * nothing. */
bool kb_bootargs_has_param(const char *args, size_t len, const char *name);

#endif
