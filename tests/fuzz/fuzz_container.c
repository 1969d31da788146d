// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: arbitrary bytes through kb_container_open().  On
 * success every returned pointer and size must lie inside the input, the
 * parts must not overlap each other or the header, the bootargs must be one
 * NUL-terminated string, and each part's SHA-256 (recomputed here) must be
 * the one in the header; on failure nothing may be returned and the diag
 * must be one "container: " line.  Any violation aborts.
 *
 * A fuzzer cannot forge SHA-256, so without help it would never get past
 * the header hash.  The first input byte is therefore a control byte and
 * the rest is the image: bit 0 set recomputes each in-bounds part's digest
 * into the header, bit 1 set recomputes the header digest (after the part
 * digests), so the bounds, overlap and bootargs checks are reached; with
 * both clear the image is used exactly as given.  The image is copied into
 * a heap buffer of exactly its length, so ASan catches any read past it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/container.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/sha256.h>

#define FUZZ_NAME "fuzz_container"
#define FUZZ_CONTAINER_DIGESTS
#include "fuzz.h"


#define HDR 256

static const uint8_t zero32[32];

static void sha(const uint8_t *p, size_t n, uint8_t *out)
{
	CHECK(kb_sha256(p, n, out) == 0, "sha256");
}

/* Is [p, p + n) inside [buf, buf + len)?  Computed as offsets, no wrap. */
static bool inside(const uint8_t *buf, size_t len, const void *p, uint64_t n)
{
	uintptr_t b = (uintptr_t)buf, q = (uintptr_t)p;

	return q >= b && q - b <= len && n <= len - (q - b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kb_container zero;
	struct kb_container c;
	struct kb_diag d;
	uint8_t *img;
	size_t len;
	int err;

	if (size == 0)
		return 0;
	len = size - 1;
	img = malloc(len ? len : 1);
	CHECK(img != NULL, "malloc");
	memcpy(img, data + 1, len);
	fuzz_fix_digests(img, len, data[0]);

	memset(&c, 0xa5, sizeof(c));
	d.msg[0] = '\0';
	err = kb_container_open(img, len, &c, &d);

	if (err != KB_OK) {
		CHECK(err == KB_EINVAL, "error %d", err);
		CHECK(strncmp(d.msg, "container: ", 11) == 0, "diag \"%s\"", d.msg);
		CHECK(strchr(d.msg, '\n') == NULL, "diag \"%s\"", d.msg);
		CHECK(memcmp(&c, &zero, sizeof(c)) == 0, "output not cleared on error");
		free(img);
		return 0;
	}

	const uint8_t *part[4] = { c.payload, c.initrd, (const uint8_t *)c.bootargs, c.sbi };
	uint64_t psize[4] = { c.payload_size, c.initrd_size, c.bootargs_size, c.sbi_size };
	/* where each part's offset/size and digest sit in the header */
	static const size_t f_off[4] = { 24, 40, 56, 172 }, f_hash[4] = { 72, 104, 136, 188 };

	CHECK(d.msg[0] == '\0', "diag \"%s\" on success", d.msg);
	CHECK(len >= HDR, "success on a %zu-byte buffer", len);
	CHECK(memcmp(img, "KBIMAGE", 8) == 0, "magic");
	/* every type the header allows, KARL (4) included: the loader
	 * refuses a KARL container itself where CONFIG_KARL is off */
	CHECK(c.type <= KB_PAYLOAD_KARL, "type %u", (unsigned int)c.type);
	/* the KASLR alignment: as in the header; 0, or an arm64 Image's
	 * power of two in [4 KiB, 2 MiB) */
	CHECK(c.kaslr_align == (uint32_t)get64(img + 168), "KASLR alignment");
	CHECK(c.kaslr_align == 0 ||
	      (c.type == KB_PAYLOAD_ARM64_IMAGE && (c.kaslr_align & (c.kaslr_align - 1)) == 0 &&
	       c.kaslr_align >= 4096 && c.kaslr_align < (2u << 20)),
	      "KASLR alignment 0x%x for type %u", (unsigned int)c.kaslr_align, (unsigned int)c.type);
	CHECK(c.payload != NULL && c.payload_size > 0, "no payload");
	/* the sbi footprint: in bytes as in the header (KiB), at least its
	 * size and with a per-hart size when present, zero when absent */
	CHECK(c.sbi_footprint == (uint64_t)(img[220] | img[221] << 8) << 10, "sbi footprint");
	CHECK(c.sbi_hart_size == (uint64_t)(img[222] | img[223] << 8) << 10, "sbi per-hart size");
	CHECK(c.sbi ? c.sbi_footprint >= c.sbi_size && c.sbi_hart_size > 0
		    : c.sbi_footprint == 0 && c.sbi_hart_size == 0, "sbi footprint fields");
	for (int i = 0; i < 4; i++) {
		uint8_t digest[32];

		CHECK((part[i] == NULL) == (psize[i] == 0), "part %d: pointer/size disagree", i);
		if (part[i] == NULL) {
			/* absent: zero offset and digest in the header */
			CHECK(get64(img + f_off[i]) == 0, "part %d: absent with an offset", i);
			CHECK(memcmp(img + f_hash[i], zero32, 32) == 0,
			      "part %d: absent with a digest", i);
			continue;
		}
		CHECK(inside(img, len, part[i], psize[i]), "part %d: [%p, +%llu) outside [%p, +%zu)",
		      i, (const void *)part[i], (unsigned long long)psize[i], (void *)img, len);
		CHECK((size_t)(part[i] - img) >= HDR, "part %d overlaps the header", i);
		CHECK(get64(img + f_off[i]) == (uint64_t)(part[i] - img), "part %d: offset", i);
		CHECK(get64(img + f_off[i] + 8) == psize[i], "part %d: size", i);
		sha(part[i], (size_t)psize[i], digest);
		CHECK(memcmp(digest, img + f_hash[i], 32) == 0, "part %d: digest", i);
		for (int j = 0; j < i; j++) {
			size_t a = (size_t)(part[i] - img), b = (size_t)(part[j] - img);

			if (part[j] == NULL)
				continue;
			CHECK(a + psize[i] <= b || b + psize[j] <= a, "parts %d and %d overlap", j, i);
		}
	}
	if (c.bootargs) {
		CHECK(c.bootargs[c.bootargs_size - 1] == '\0', "bootargs not NUL-terminated");
		CHECK(strlen(c.bootargs) == c.bootargs_size - 1, "bootargs: embedded NUL");
	}
	{
		uint8_t digest[32];

		sha(img, 224, digest);
		CHECK(memcmp(digest, img + 224, 32) == 0, "header digest");
	}
	free(img);
	return 0;
}
