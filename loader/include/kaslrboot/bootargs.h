/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel command-line parsing (pure: loader/lib/bootargs.c).
 *
 * Tokenized the way Linux's EFI stub and x86 do it (next_arg()): tokens are
 * separated by white space; double quotes group white space into a token
 * and are not part of it; a bare "--" ends the kernel's parameters
 * (everything after it belongs to init).  Matching is by whole token:
 * "nokaslrx", "foo=nokaslr" and "-- nokaslr" do not match "nokaslr".
 * An unterminated quote runs to the end of the string.
 */
#ifndef KASLRBOOT_BOOTARGS_H
#define KASLRBOOT_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

/* True if `flag` appears as a whole token of the first len bytes of args
 * (args need not be NUL-terminated; a NUL ends it early). */
bool kb_bootargs_has_flag(const char *args, size_t len, const char *flag);

#endif
