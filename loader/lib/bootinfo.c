// SPDX-License-Identifier: BSD-2-Clause
/*
 * The boot-info block (kaslrboot/bootinfo.h, docs/bootinfo.md): checked,
 * then written in one go into the room the loader claimed for it.
 */
#include <string.h>

#include <kaslrboot/bootinfo.h>
#include <kaslrboot/error.h>

size_t kb_bootinfo_size(size_t rng_seed_len, size_t bootargs_len)
{
	size_t n = sizeof(struct kb_bootinfo) + rng_seed_len + bootargs_len + 1;

	return (n + KB_BOOTINFO_ALIGN - 1) & ~(size_t)(KB_BOOTINFO_ALIGN - 1);
}

int kb_bootinfo_build(void *blk, size_t room, const struct kb_bootinfo_args *a,
		      struct kb_diag *d)
{
	struct kb_bootinfo *bi = blk;
	uintptr_t at = (uintptr_t)blk;
	size_t seed_len = a->rng_seed ? a->rng_seed_len : 0;
	size_t args_len = a->bootargs ? a->bootargs_len : 0;
	size_t size = kb_bootinfo_size(seed_len, args_len);
	size_t slot_len = a->slot ? strlen(a->slot) : 0;
	uint8_t *p = (uint8_t *)blk + sizeof(*bi);

	if (at & (KB_BOOTINFO_ALIGN - 1))
		return kb_diag_set(d, KB_EINVAL,
				   "handoff: the boot-info block at 0x%lx is not 8-byte aligned",
				   (unsigned long)at);
	if (size > room)
		return kb_diag_set(d, KB_ERANGE,
				   "handoff: the boot-info block needs %lu bytes, more than the %lu claimed for it",
				   (unsigned long)size, (unsigned long)room);
	if (at < a->payload_base + a->payload_size && a->payload_base < at + room)
		return kb_diag_set(d, KB_EINVAL,
				   "handoff: the boot-info block at 0x%lx (%lu bytes) overlaps the payload at 0x%lx",
				   (unsigned long)at, (unsigned long)room,
				   (unsigned long)a->payload_base);
	/* The block's own address is in r0, not in the block. */
	if (((a->payload_base + a->payload_size) | a->dtb) > UINT32_MAX)
		return kb_diag_set(d, KB_ERANGE,
				   "handoff: the payload or the device tree lies above 4 GiB: a version 1 boot-info block holds 32-bit addresses");
	if (slot_len > 3)
		return kb_diag_set(d, KB_EINVAL,
				   "handoff: slot name \"%s\" is longer than the block's 3 characters",
				   a->slot);

	memset(blk, 0, size);
	bi->magic = KB_BOOTINFO_MAGIC;
	bi->version = KB_BOOTINFO_VERSION;
	bi->header_size = sizeof(*bi);
	bi->size = (uint32_t)size;
	if (a->kaslr_seed) {
		bi->flags |= KB_BOOTINFO_KASLR;
		bi->kaslr_seed = a->kaslr_seed;
	}
	bi->payload_base = (uint32_t)a->payload_base;
	bi->payload_size = (uint32_t)a->payload_size;
	bi->dtb = (uint32_t)a->dtb;
	if (seed_len) {
		bi->flags |= KB_BOOTINFO_RNG_SEED;
		bi->rng_seed_off = (uint32_t)(p - (uint8_t *)blk);
		bi->rng_seed_len = (uint32_t)seed_len;
		memcpy(p, a->rng_seed, seed_len);
		p += seed_len;
	}
	if (a->bootargs) {
		bi->flags |= KB_BOOTINFO_BOOTARGS;
		bi->bootargs_off = (uint32_t)(p - (uint8_t *)blk);
		bi->bootargs_len = (uint32_t)args_len;
		memcpy(p, a->bootargs, args_len);	/* the NUL: memset above */
	}
	if (a->slot) {
		bi->flags |= KB_BOOTINFO_SLOT;
		memcpy(bi->slot, a->slot, slot_len);
		bi->image_version = a->image_version;
	}
	return 0;
}
