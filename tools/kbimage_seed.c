// SPDX-License-Identifier: BSD-2-Clause
/*
 * kbimage seed FLASH --offset OFF: provision the carried seed
 * (docs/entropy.md, "A seed carried across boots"): 512 bits from the
 * host's getrandom(2) in a record (loader/lib/seedfile.c) at offset OFF of
 * an existing flash image: what a factory writes once, so that the first
 * boot of a board without a TRNG (CONFIG_SEED_ONLY_INSECURE) has a seed.
 * Every other byte of the file is left as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kaslrboot/seedfile.h>

#include "kbimage.h"

int kb_seed_main(int argc, char **argv)
{
	uint8_t seed[KB_SEEDFILE_SEED_LEN], rec[KB_SEEDFILE_SIZE];
	const char *path = NULL;
	uint64_t off = UINT64_MAX;
	struct stat st;
	ssize_t n;
	int fd, i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--offset") == 0 && i + 1 < argc) {
			if (off != UINT64_MAX || !kb_parse_num(argv[++i], &off) || off == UINT64_MAX)
				kb_die(KB_EXIT_USAGE, "seed: --offset: '%s' is not an offset (or given twice)", argv[i]);
		} else if (argv[i][0] != '-' && path == NULL) {
			path = argv[i];
		} else {
			kb_die(KB_EXIT_USAGE, "seed: unexpected argument '%s' (kbimage seed FLASH --offset OFF)", argv[i]);
		}
	}
	if (path == NULL || off == UINT64_MAX)
		kb_die(KB_EXIT_USAGE, "seed: give a FLASH image and --offset OFF (the seed sector's offset in it)");
	if (off % 4)
		kb_die(KB_EXIT_USAGE, "seed: --offset 0x%" PRIx64 " is not 4-byte aligned", off);
	fd = open(path, O_RDWR);
	if (fd < 0 || fstat(fd, &st) != 0)
		kb_die(KB_EXIT_FAIL, "%s: %s", path, strerror(errno));
	if (off > (uint64_t)st.st_size || KB_SEEDFILE_SIZE > (uint64_t)st.st_size - off)
		kb_die(KB_EXIT_FAIL, "%s: a %d-byte seed record at 0x%" PRIx64 " runs past the %jd-byte image",
		       path, KB_SEEDFILE_SIZE, off, (intmax_t)st.st_size);
	n = getrandom(seed, sizeof(seed), 0);
	if (n != (ssize_t)sizeof(seed))
		kb_die(KB_EXIT_FAIL, "seed: getrandom: %s", n < 0 ? strerror(errno) : "short read");
	kb_seedfile_build(rec, seed, 0);
	memset(seed, 0, sizeof(seed));
	if (pwrite(fd, rec, sizeof(rec), (off_t)off) != (ssize_t)sizeof(rec) || fsync(fd) != 0)
		kb_die(KB_EXIT_FAIL, "%s: %s", path, strerror(errno));
	memset(rec, 0, sizeof(rec));
	close(fd);
	printf("%s: seed record (generation 0, 512 bits from getrandom) at 0x%" PRIx64 "\n", path, off);
	return 0;
}
