// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reading the container from flash, each byte once (see <kaslrboot/load.h>).
 *
 * Pure module: flash is reached only through the caller's read callback,
 * memory only through the caller's place callback and the pointers it
 * returns; no allocation.  Builds for the host (tests count the reads of
 * every byte through a fake flash).
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/load.h>
#include <kaslrboot/sha256.h>

/* Bytes read and hashed per step: small enough that the hash reads the
 * chunk back while it is still in the data cache. */
#define CHUNK 16384

/* A part must be addressable in RAM here (a part of 4 GiB or more, on a
 * 32-bit loader with 64-bit offsets); always true where size_t is as wide
 * as kb_phys_t. */
static bool fits_size(kb_phys_t n)
{
#if KB_PHYS_MAX > SIZE_MAX
	return n <= SIZE_MAX;
#else
	(void)n;
	return true;
#endif
}

static int flash_read(const struct kb_flash *f, kb_phys_t off, void *dst,
		      size_t len, struct kb_diag *d)
{
	int err;

	/* off + len <= size, written so that neither side can wrap. */
	if (off > f->size || len > f->size - off)
		return kb_diag_set(d, KB_ERANGE,
				   "flash: read of %zu bytes at 0x%" PRIxPHYS
				   " runs past the 0x%" PRIxPHYS "-byte window", len, off, f->size);
	err = f->read(f->ctx, off, dst, len);
	if (err)
		return kb_diag_set(d, err < 0 ? err : KB_EIO,
				   "flash: read of %zu bytes at 0x%" PRIxPHYS " failed (%d)",
				   len, off, err);
	return KB_OK;
}

int kb_load_header(const struct kb_flash *f, struct kb_container_hdr *h,
		   struct kb_diag *d)
{
	/* zeroed, all of it: a version 1 header fills only half, and a
	 * buffer written in part is what the stack guard could miss
	 * (loader/main.c, KB_STACK_GUARD) */
	uint8_t hdr[KB_CONTAINER_HDR_MAX] = { 0 };
	uint32_t size;
	int err;

	if (f == NULL || f->read == NULL || h == NULL)
		return kb_diag_set(d, KB_EINVAL, "container: no flash window");
	if (f->size < KB_CONTAINER_HDR_SIZE)
		return kb_diag_set(d, KB_EINVAL,
				   "container: the 0x%" PRIxPHYS "-byte flash window cannot hold a header",
				   f->size);
	/* The smallest header first; its first 16 bytes say whether the
	 * header is bigger (version 2), and the rest is read after it:
	 * each byte once. */
	err = flash_read(f, 0, hdr, KB_CONTAINER_HDR_SIZE, d);
	if (err)
		return err;
	err = kb_container_hdr_size(hdr, KB_CONTAINER_HDR_SIZE, &size, d);
	if (err)
		return err;
	if (size > KB_CONTAINER_HDR_SIZE) {
		if (f->size < size)
			return kb_diag_set(d, KB_EINVAL,
					   "container: the 0x%" PRIxPHYS "-byte flash window cannot hold a %" PRIu32 "-byte header",
					   f->size, size);
		err = flash_read(f, KB_CONTAINER_HDR_SIZE, hdr + KB_CONTAINER_HDR_SIZE,
				 size - KB_CONTAINER_HDR_SIZE, d);
		if (err)
			return err;
	}
	/* Every field is checked, and later used, from this RAM copy. */
	return kb_container_header(hdr, size, f->size, h, d);
}

int kb_load_part(const struct kb_flash *f, const struct kb_container_hdr *h,
		 unsigned int part, const void *have, size_t nhave, void *dst,
		 struct kb_diag *d)
{
	const struct kb_container_part *p;
	uint8_t got[KB_SHA256_LEN], *out = dst;
	kb_sha256_ctx sha;
	kb_phys_t at;
	int err;

	if (f == NULL || h == NULL || part >= KB_PART_COUNT)
		return kb_diag_set(d, KB_EINVAL, "container: no such part");
	p = &h->part[part];
	if (p->size == 0)
		return KB_OK;
	/* The whole part must be addressable here (a 32-bit loader and a
	 * part of 4 GiB or more), and what the caller has must be a prefix. */
	if (!fits_size(p->size) || nhave > p->size || dst == NULL ||
	    (nhave != 0 && have == NULL))
		return kb_diag_set(d, KB_EINVAL,
				   "container: %s of 0x%" PRIxPHYS " bytes cannot be loaded here",
				   kb_container_part_name(part), p->size);
	if (KB_LOAD_FROM_COPY && f->verified) {
		/* A verified staging copy (kb_slot_stage): the same bytes
		 * were hashed against this header when they were staged.
		 * Only a loader with two slots makes one. */
		if (nhave != 0 && have != dst)
			memcpy(out, have, nhave);
		return flash_read(f, p->off + nhave, out + nhave, (size_t)(p->size - nhave), d);
	}
	if (kb_sha256_start(&sha) != 0)
		return kb_diag_set(d, KB_EFAIL, "container: SHA-256 failed");
	if (nhave != 0) {
		if (have != dst)
			memcpy(out, have, nhave);
		err = kb_sha256_update(&sha, out, nhave);
		if (err)
			goto hash_fail;
	}
	for (at = nhave; at < p->size; ) {
		/* p->size - at > 0: the chunk is what is left, at most CHUNK. */
		size_t n = p->size - at > CHUNK ? CHUNK : (size_t)(p->size - at);

		/* p->off + p->size <= f->size (header check): no wrap. */
		err = flash_read(f, p->off + at, out + at, n, d);
		if (err) {
			kb_sha256_finish(&sha, got);
			return err;
		}
		/* Hash what is now in RAM, never the flash. */
		err = kb_sha256_update(&sha, out + at, n);
		if (err)
			goto hash_fail;
		at += n;
	}
	if (kb_sha256_finish(&sha, got) != 0)
		return kb_diag_set(d, KB_EFAIL, "container: SHA-256 failed");
	if (!kb_sha256_equal(got, p->sha256))
		return kb_diag_set(d, KB_EINVAL, "container: %s SHA-256 mismatch",
				   kb_container_part_name(part));
	return KB_OK;
hash_fail:
	kb_sha256_finish(&sha, got);
	return kb_diag_set(d, KB_EFAIL, "container: SHA-256 failed");
}

int kb_load_bootargs(const struct kb_flash *f, const struct kb_container_hdr *h,
		     char *buf, size_t cap, struct kb_diag *d)
{
	kb_phys_t n;
	int err;

	if (h == NULL || buf == NULL || cap == 0)
		return kb_diag_set(d, KB_EINVAL, "container: no bootargs buffer");
	buf[0] = '\0';
	n = h->part[KB_PART_BOOTARGS].size;
	if (n == 0)
		return KB_OK;
	if (n > cap)
		return kb_diag_set(d, KB_EINVAL,
				   "container: bootargs of %" PRIuPHYS " bytes exceed the loader's %zu-byte buffer (CONFIG_BOOTARGS_MAX_SIZE)",
				   n, cap);
	err = kb_load_part(f, h, KB_PART_BOOTARGS, NULL, 0, buf, d);
	if (!err)
		err = kb_container_check_bootargs(buf, n, d);
	if (err)
		buf[0] = '\0';	/* never leave unverified bytes as a string */
	return err;
}

/* A 32-bit payload placed (by the caller's place()) where it could not
 * address itself: refuse before a byte is written there. */
static int check_below_ceiling(const struct kb_payload_info *pi, kb_phys_t dst,
			       struct kb_diag *d)
{
	uint64_t ceiling = kb_payload_ceiling(pi);
	/* At most the address space's last address: nothing lies above. */
	kb_phys_t top = kb_phys_fits(ceiling) ? (kb_phys_t)ceiling : KB_PHYS_MAX;

	/* footprint >= 1 (the parsers refuse empty images). */
	if (dst > top || pi->footprint - 1 > top - dst)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: placed at 0x%" PRIxPHYS " (0x%" PRIxPHYS " bytes), past the %u-bit payload's last address 0x%" PRIxPHYS,
				   dst, pi->footprint, (unsigned int)pi->xlen, top);
	return KB_OK;
}

int kb_load_payload(const struct kb_flash *f, const struct kb_container_hdr *h,
		    uint16_t machine, unsigned int xlen, uint64_t min_align,
		    kb_place_fn place, void *ctx, struct kb_payload_info *pi,
		    kb_phys_t *start, struct kb_diag *d)
{
	uint8_t pre[KB_PAYLOAD_HDR_SIZE];
	const struct kb_container_part *p;
	kb_phys_t stage, dst;
	uint32_t type;
	size_t npre;
	int err;

	if (f == NULL || h == NULL || place == NULL || pi == NULL || start == NULL)
		return kb_diag_set(d, KB_EINVAL, "payload: nothing to load");
	memset(pi, 0, sizeof(*pi));
	p = &h->part[KB_PART_PAYLOAD];
	if (p->size == 0)
		return kb_diag_set(d, KB_EINVAL, "container: no payload (size 0)");
	if (!fits_size(p->size))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: 0x%" PRIxPHYS " bytes cannot be loaded here", p->size);
	/* The first bytes tell the format; they are read once, here. */
	npre = p->size < sizeof(pre) ? (size_t)p->size : sizeof(pre);
	err = flash_read(f, p->off, pre, npre, d);
	if (err)
		return err;
	type = h->type != KB_PAYLOAD_AUTO ? h->type : kb_payload_detect(pre, npre);

	if (type == KB_PAYLOAD_ELF) {
		/* Refused before anything is staged. */
		err = kb_payload_check_builtin(type, d);
		if (err || !KB_PAYLOAD_HAS_ELF)
			return err;
		/* The layout of an ELF lies anywhere in the file: stage the
		 * whole file in RAM, verify and parse it there.  A verified
		 * staging copy in RAM already is that: the file is used
		 * where it lies (p->off + p->size <= f->size: header check). */
#if KB_LOAD_FROM_COPY
		if (f->verified && f->mem != NULL && p->off >= f->mem_off) {
			stage = (kb_phys_t)(uintptr_t)(f->mem + (p->off - f->mem_off));
		} else
#endif
		{
			err = place(ctx, KB_LOAD_STAGING, NULL, p->size, &stage, d);
			if (err)
				return err;
			err = kb_load_part(f, h, KB_PART_PAYLOAD, pre, npre,
					   (void *)(uintptr_t)stage, d);
		}
		/* The ELF parser itself, not kb_payload_parse(): the format
		 * is known and checked built in (above); kb_elf_parse() makes
		 * the dispatch's loader and alignment checks itself. */
		if (!err)
			err = kb_elf_parse((const void *)(uintptr_t)stage,
					   (size_t)p->size, machine, xlen, min_align, pi, d);
		if (!err)
			err = place(ctx, KB_LOAD_KERNEL, pi, pi->footprint, &dst, d);
		if (!err)
			err = check_below_ceiling(pi, dst, d);
		if (err)
			return err;
		kb_payload_copy(pi, (const void *)(uintptr_t)stage,
				(void *)(uintptr_t)dst);
		*start = dst;
		return KB_OK;
	}

	/* No Image format built in (Cortex-M, the mcu profile): the refusal
	 * line of the Image path (kb_payload_image_check: not recognized, for
	 * another machine, or the format not built in, named by its option),
	 * none of the Image parsing. */
	if (!KB_PAYLOAD_HAS_RISCV_IMAGE && !KB_PAYLOAD_HAS_ARM64_IMAGE) {
		err = kb_payload_image_check(type, machine, p->size, d);
		return err ? err : kb_diag_set(d, KB_EFAIL,
					       "payload: no Image format is built into this loader");
	}
	/* An Image (or nothing known, which the parser reports): its layout
	 * is its header, now in RAM. */
	err = kb_payload_parse_header(pre, npre, p->size, type, machine, xlen,
				      min_align, pi, d);
	if (err)
		return err;
	/* One segment, file byte i at image byte i: what makes reading the
	 * file straight to its final place possible.  The parser guarantees
	 * it; checked again because the copy below relies on it. */
	if (pi->nseg != 1 || pi->seg[0].file_off != 0 || pi->seg[0].dst_off != 0 ||
	    pi->seg[0].filesz != p->size || pi->seg[0].memsz != pi->footprint)
		return kb_diag_set(d, KB_EINVAL, "payload: Image layout is not one flat segment");
	err = place(ctx, KB_LOAD_KERNEL, pi, pi->footprint, &dst, d);
	if (!err)
		err = check_below_ceiling(pi, dst, d);
	if (!err)
		err = kb_load_part(f, h, KB_PART_PAYLOAD, pre, npre,
				   (void *)(uintptr_t)dst, d);
	if (err)
		return err;
	/* The rest of the footprint (BSS, what the kernel expects free). */
	memset((uint8_t *)(uintptr_t)dst + p->size, 0, (size_t)(pi->footprint - p->size));
	*start = dst;
	return KB_OK;
}
