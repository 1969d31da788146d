/* SPDX-License-Identifier: BSD-2-Clause */
/* What kbimage.c shares with its "slots" mode (kbimage_slots.c). */
#ifndef KBIMAGE_H
#define KBIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KB_EXIT_FAIL	1
#define KB_EXIT_USAGE	64

/* "kbimage: " + the message on stderr, then exit(status). */
void kb_die(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* A number, decimal or 0x hex, then an optional K/M/G; below 2^64. */
bool kb_parse_num(const char *s, uint64_t *out);
/* A whole regular, non-empty file of at most 4 GiB (malloc'd). */
uint8_t *kb_read_file(const char *what, const char *path, size_t *len);
/* kbimage seed FLASH --offset OFF */
int kb_seed_main(int argc, char **argv);
/* kbimage slots show|write ... */
int kb_slots_main(int argc, char **argv);

#endif
