/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading the container from flash, each byte once (pure:
 * loader/lib/load.c; host-buildable).
 *
 * MCUboot's RAM-load model: nothing is hashed or parsed in flash.  The
 * header is copied into RAM and checked there; each part is copied from
 * flash once, to its final place where it has one, and hashed from that
 * RAM copy as it arrives; everything the loader acts on afterwards (the
 * bootargs, the payload's headers, relocations, the initrd) is read from
 * RAM.  A flash whose contents change between two reads (an interposer on
 * the SPI bus, an update written concurrently, flaky XIP) therefore cannot
 * get a byte past the hash: there is no second read.
 *
 * The parts do not overlap each other or the header (kb_container_header
 * checks it), and this module reads each part's bytes exactly once, so
 * every byte of the window is read at most once per boot.
 */
#ifndef KASLRBOOT_LOAD_H
#define KASLRBOOT_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/container.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/payload.h>

/* A verified staging copy exists only with two slots: a loader without
 * them leaves the in-place ELF path and its two fields out (its size
 * stays as it was); the host build has both. */
#ifdef CONFIG_ARCH
#define KB_LOAD_FROM_COPY	IS_ENABLED(CONFIG_PAYLOAD_SLOTS)
#else
#define KB_LOAD_FROM_COPY	1
#endif

/* The flash window holding the container.  Offsets, sizes and addresses
 * are kb_phys_t (kaslrboot/phys.h): 32 bits with CONFIG_PHYS_ADDR_32BIT,
 * where the container's fields are refused above 2^32 - 1. */
struct kb_flash {
	/* Copy len bytes at offset off of the window to dst (RAM); 0 or a
	 * negative KB_E* code.  off + len <= size is guaranteed. */
	int (*read)(void *ctx, kb_phys_t off, void *dst, size_t len);
	void *ctx;
	kb_phys_t size;		/* bytes in the window */
	/* A staging copy in RAM whose every part was already checked
	 * against the header the caller passes (kb_slot_stage): parts are
	 * copied without hashing them a second time. */
	bool verified;
	/* With verified: the copy itself, byte off of the window (off >=
	 * mem_off) at mem[off - mem_off].  kb_load_payload() then parses an
	 * ELF file where it lies instead of staging it a second time (on a
	 * 16 KiB SRAM the second copy does not fit beside the first). */
#if KB_LOAD_FROM_COPY
	const uint8_t *mem;
	kb_phys_t mem_off;
#endif
};

/* What kb_load_payload() asks its caller to place. */
enum kb_load_what {
	KB_LOAD_STAGING,	/* a RAM copy of the whole payload file (ELF) */
	KB_LOAD_KERNEL,		/* the payload's final place */
};

/*
 * place(ctx, what, pi, size, addr, d): choose where `size` bytes for
 * `what` go, check them writable and claim them; return 0 and the address
 * in *addr.  For KB_LOAD_STAGING pi is NULL and size the file size; for
 * KB_LOAD_KERNEL pi is the parsed layout (footprint, align, offset), size
 * is the footprint, and *addr is the image start (an aligned base +
 * pi->offset): exactly [*addr, *addr + size) is written, nothing below it.
 * A non-zero return (with its diag) stops the load.
 */
typedef int (*kb_place_fn)(void *ctx, enum kb_load_what what,
			   const struct kb_payload_info *pi, kb_phys_t size,
			   kb_phys_t *addr, struct kb_diag *d);

/* Read the 256-byte header into RAM once and check it there
 * (kb_container_header with the window's size). */
int kb_load_header(const struct kb_flash *f, struct kb_container_hdr *h,
		   struct kb_diag *d);

/*
 * Read the bootargs part (if any) once into buf (cap bytes), check its
 * digest and that it is one C string.  Returns 0 with buf holding the
 * string ("" if absent), or KB_EINVAL ("container: bootargs SHA-256
 * mismatch", "container: bootargs of N bytes exceed the N-byte buffer").
 */
int kb_load_bootargs(const struct kb_flash *f, const struct kb_container_hdr *h,
		     char *buf, size_t cap, struct kb_diag *d);

/*
 * Copy part `part` to dst (RAM, part size bytes): the first `nhave` bytes
 * are taken from `have` (already read into RAM by the caller, not read
 * again; may equal dst), the rest read from flash once; the digest is
 * computed over dst as the bytes arrive and compared with the header's.
 * KB_EINVAL "container: <part> SHA-256 mismatch" (dst then holds
 * unverified bytes that nothing may use), KB_EIO for a failed read.
 * An absent part is a no-op.
 */
int kb_load_part(const struct kb_flash *f, const struct kb_container_hdr *h,
		 unsigned int part, const void *have, size_t nhave, void *dst,
		 struct kb_diag *d);

/*
 * Load the payload: read its first KB_PAYLOAD_HDR_SIZE bytes into RAM and
 * tell the format (the header's type, or the bytes' magic), then
 *  - an Image: parse the layout from that RAM header, place the kernel
 *    (KB_LOAD_KERNEL), copy the header there and read the rest of the file
 *    straight to its final place, hash it there, zero the rest of the
 *    footprint;
 *  - an ELF: place a staging copy (KB_LOAD_STAGING), read the file into it,
 *    hash and parse it there, place the kernel, copy the segments from the
 *    staging copy and zero BSS and gaps.  From a verified RAM copy
 *    (f->verified and f->mem: a slot's staging copy) the file is parsed
 *    and copied from where it lies: no KB_LOAD_STAGING.
 * Either way each payload byte is read from flash once, and the digest is
 * checked before anything parsed from the bytes beyond the Image header is
 * used.  (An Image is placed from its header before the digest is known,
 * as MCUboot places a RAM-load image from its header: the window is
 * checked free by place(), and a forged header fails the digest before
 * anything runs.)  On success *pi is the layout and *start the image start;
 * relocation is the caller's next step.
 */
int kb_load_payload(const struct kb_flash *f, const struct kb_container_hdr *h,
		    uint16_t machine, unsigned int xlen, uint64_t min_align,
		    kb_place_fn place, void *ctx, struct kb_payload_info *pi,
		    kb_phys_t *start, struct kb_diag *d);

#endif
