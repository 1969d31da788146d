// SPDX-License-Identifier: BSD-2-Clause
/*
 * kbimage slots: a flash image with two payload slots (docs/flash.md "Two
 * slots"), with the loader's own code (loader/lib/slot.c, load.c,
 * container.c) on a file instead of the flash:
 *
 *   kbimage slots show  FLASH --slot-a OFF --slot-b OFF --slot-size SIZE
 *   kbimage slots write FLASH --slot-a OFF --slot-b OFF --slot-size SIZE \
 *                       --slot a|b CONTAINER
 *
 * show prints each slot's status and which one the loader would boot
 * (the same choice: headers, order by image version, every part's
 * digest).  write puts a container into one slot's window of an existing
 * image (what an updater does), erasing (0xff) the rest of the window, and
 * leaves every other byte of the file as it was; it refuses a container
 * that does not verify or does not fit, and (without --force) writing the
 * slot the loader would boot now: an updater overwrites the other one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kaslrboot/container.h>
#include <kaslrboot/error.h>
#include <kaslrboot/load.h>
#include <kaslrboot/slot.h>

#include "kbimage.h"

struct file_win {
	const uint8_t *base;	/* the image, mapped */
	uint64_t off;		/* the slot's offset in it */
};

static int file_read(void *ctx, uint64_t off, void *dst, size_t len)
{
	const struct file_win *w = ctx;

	memcpy(dst, w->base + w->off + off, len);
	return 0;
}

static const char *type_str(uint32_t t)
{
	static const char *const s[] = { "auto", "elf", "riscv-image", "arm64-image", "karl" };

	return t < sizeof(s) / sizeof(s[0]) ? s[t] : "?";
}

/* Evaluate both slots of the mapped image as the loader would. */
static int evaluate(const uint8_t *img, const uint64_t off[2], uint64_t size,
		    struct kb_slot slot[2], struct file_win win[2], struct kb_flash fl[2],
		    unsigned int *chosen, struct kb_diag *d)
{
	static struct kb_slot_stage st;
	uint64_t need = 0;
	uint8_t *buf;
	int err;

	for (int i = 0; i < 2; i++) {
		win[i] = (struct file_win){ img, off[i] };
		fl[i] = (struct kb_flash){ .read = file_read, .ctx = &win[i], .size = size };
		slot[i] = (struct kb_slot){ .name = i ? "b" : "a", .flash = &fl[i] };
		if (kb_slot_read_header(&slot[i]) == 0 && kb_slot_stage_size(&slot[i].hdr) > need)
			need = kb_slot_stage_size(&slot[i].hdr);
	}
	buf = malloc(need ? need : 1);
	if (buf == NULL)
		kb_die(KB_EXIT_FAIL, "out of memory (%" PRIu64 " bytes)", need);
	err = kb_slot_choose(slot, 2, buf, need, &st, chosen, d);
	free(buf);
	return err;
}

int kb_slots_main(int argc, char **argv)
{
	const char *cmd, *path = NULL, *container = NULL, *which = NULL;
	uint64_t off[2] = { UINT64_MAX, UINT64_MAX }, size = 0;
	bool force = false, write;
	struct kb_slot slot[2];
	struct file_win win[2];
	struct kb_flash fl[2];
	struct kb_diag d;
	unsigned int chosen = 0;
	struct stat st;
	uint8_t *img;
	int fd, err, i;

	if (argc < 2)
		kb_die(KB_EXIT_USAGE, "slots: show or write? (kbimage slots show|write FLASH ...)");
	cmd = argv[1];
	if (strcmp(cmd, "show") != 0 && strcmp(cmd, "write") != 0)
		kb_die(KB_EXIT_USAGE, "slots: unknown command '%s' (show, write)", cmd);
	write = cmd[0] == 'w';
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--force") == 0) {
			force = true;
			continue;
		}
		if (a[0] != '-') {
			if (path == NULL)
				path = a;
			else if (write && container == NULL)
				container = a;
			else
				kb_die(KB_EXIT_USAGE, "slots %s: unexpected argument '%s'", cmd, a);
			continue;
		}
		if (i + 1 >= argc)
			kb_die(KB_EXIT_USAGE, "slots %s: %s needs a value", cmd, a);
		i++;
		if (strcmp(a, "--slot-a") == 0 || strcmp(a, "--slot-b") == 0) {
			uint64_t *o = &off[a[7] == 'b'];

			if (*o != UINT64_MAX || !kb_parse_num(argv[i], o) || *o == UINT64_MAX)
				kb_die(KB_EXIT_USAGE, "slots %s: %s: '%s' is not an offset (or given twice)",
				       cmd, a, argv[i]);
		} else if (strcmp(a, "--slot-size") == 0) {
			if (size || !kb_parse_num(argv[i], &size) || size < KB_CONTAINER_HDR2_SIZE)
				kb_die(KB_EXIT_USAGE, "slots %s: --slot-size: '%s' is not a size of at least 512 bytes (or given twice)",
				       cmd, argv[i]);
		} else if (strcmp(a, "--slot") == 0 && write) {
			which = argv[i];
			if (strcmp(which, "a") != 0 && strcmp(which, "b") != 0)
				kb_die(KB_EXIT_USAGE, "slots write: --slot: '%s' is neither a nor b", which);
		} else {
			kb_die(KB_EXIT_USAGE, "slots %s: unknown option '%s'", cmd, a);
		}
	}
	if (path == NULL)
		kb_die(KB_EXIT_USAGE, "slots %s: no FLASH image given", cmd);
	if (off[0] == UINT64_MAX || off[1] == UINT64_MAX || size == 0)
		kb_die(KB_EXIT_USAGE, "slots %s: give --slot-a OFF, --slot-b OFF and --slot-size SIZE", cmd);
	/* Two windows that do not share a byte (subtractions: no wrap once
	 * each window is known to lie in the file, below). */
	if (!(off[1] >= off[0] ? off[1] - off[0] >= size : off[0] - off[1] >= size))
		kb_die(KB_EXIT_USAGE, "slots %s: the slot windows overlap (a 0x%" PRIx64 ", b 0x%" PRIx64 ", 0x%" PRIx64 " bytes each)",
		       cmd, off[0], off[1], size);
	if (write && (which == NULL || container == NULL))
		kb_die(KB_EXIT_USAGE, "slots write: give --slot a|b and a CONTAINER file");

	fd = open(path, write ? O_RDWR : O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0)
		kb_die(KB_EXIT_FAIL, "%s: %s", path, strerror(errno));
	for (i = 0; i < 2; i++)
		if (off[i] > (uint64_t)st.st_size || size > (uint64_t)st.st_size - off[i])
			kb_die(KB_EXIT_FAIL, "%s: slot %c (0x%" PRIx64 " + 0x%" PRIx64 ") runs past the %jd-byte image",
			       path, 'a' + i, off[i], size, (intmax_t)st.st_size);
	img = mmap(NULL, (size_t)st.st_size, PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	if (img == MAP_FAILED)
		kb_die(KB_EXIT_FAIL, "%s: mmap: %s", path, strerror(errno));
	close(fd);

	err = evaluate(img, off, size, slot, win, fl, &chosen, &d);
	if (write) {
		unsigned int w = which[0] == 'b';
		size_t clen;
		uint8_t *c = kb_read_file("container", container, &clen);
		struct kb_container cc;
		struct kb_diag cd;

		if (clen > size)
			kb_die(KB_EXIT_FAIL, "container %s: %zu bytes do not fit in the 0x%" PRIx64 "-byte slot",
			       container, clen, size);
		if (kb_container_open(c, clen, &cc, &cd) != KB_OK)
			kb_die(KB_EXIT_FAIL, "container %s: does not verify: %s", container, cd.msg);
		if (!err && chosen == w && !force)
			kb_die(KB_EXIT_FAIL, "slot %s holds the image the loader boots now (image version %" PRIu64 "): write the other slot, or --force",
			       which, slot[w].hdr.image_version);
		if (!err && cc.image_version <= slot[chosen].hdr.image_version && chosen != w)
			fprintf(stderr, "kbimage: warning: image version %" PRIu64 " is not above slot %s's %" PRIu64 ": the loader keeps booting slot %s\n",
				cc.image_version, slot[chosen].name, slot[chosen].hdr.image_version,
				slot[chosen].name);
		memcpy(img + off[w], c, clen);
		memset(img + off[w] + clen, 0xff, (size_t)(size - clen));
		free(c);
		if (msync(img, (size_t)st.st_size, MS_SYNC) != 0)
			kb_die(KB_EXIT_FAIL, "%s: msync: %s", path, strerror(errno));
		printf("%s: slot %s: wrote %zu bytes at 0x%" PRIx64 " (image version %" PRIu64 "), the rest of its 0x%" PRIx64 " bytes erased\n",
		       path, which, clen, off[w], cc.image_version, size);
		err = evaluate(img, off, size, slot, win, fl, &chosen, &d);
	}

	/* The loader stops at the first slot that verifies; a report checks
	 * the other one's parts too (a fallback that would not work is what
	 * an updater wants to know). */
	for (i = 0; i < 2; i++) {
		if (slot[i].state == KB_SLOT_NOT_TRIED) {
			static struct kb_slot_stage sst;
			uint64_t n = kb_slot_stage_size(&slot[i].hdr);
			uint8_t *buf = malloc(n ? n : 1);

			if (buf == NULL)
				kb_die(KB_EXIT_FAIL, "out of memory (%" PRIu64 " bytes)", n);
			if (kb_slot_stage(&slot[i], buf, n, &sst, &slot[i].why) != KB_OK)
				slot[i].state = KB_SLOT_BAD_PART;
			free(buf);
		}
	}
	printf("%s: %jd bytes, two slots of 0x%" PRIx64 " bytes\n", path, (intmax_t)st.st_size, size);
	for (i = 0; i < 2; i++) {
		const struct kb_slot *s = &slot[i];

		printf("  slot %s  0x%08" PRIx64 "  ", s->name, off[i]);
		if (s->state == KB_SLOT_BAD_HEADER)
			printf("invalid: %s\n", s->why.msg);
		else if (s->state == KB_SLOT_BAD_PART)
			printf("invalid: image version %" PRIu64 ", %s\n", s->hdr.image_version, s->why.msg);
		else
			printf("valid: format %" PRIu32 ", image version %" PRIu64 ", type %s, payload %" PRIu64 " bytes%s%s%s\n",
			       s->hdr.version, s->hdr.image_version, type_str(s->hdr.type),
			       s->hdr.part[KB_PART_PAYLOAD].size,
			       s->hdr.part[KB_PART_INITRD].size ? ", initrd" : "",
			       s->hdr.part[KB_PART_BOOTARGS].size ? ", bootargs" : "",
			       s->state == KB_SLOT_CHOSEN ? ": boots" : ", verified: the fallback");
	}
	if (err)
		printf("  the loader would halt: %s\n", d.msg);
	munmap(img, (size_t)st.st_size);
	return err ? KB_EXIT_FAIL : 0;
}
