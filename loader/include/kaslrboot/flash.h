/* SPDX-License-Identifier: BSD-2-Clause */
/* Writing NOR flash (drivers/flash/): one sector, for the carried seed.
 * One driver per build (Kconfig "Flash write driver"): cfi_intel.c (QEMU
 * virt's pflash), nrf51_nvmc.c (the nRF51's code flash). */
#ifndef KASLRBOOT_FLASH_H
#define KASLRBOOT_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>

/*
 * Erase the sector_size-byte sector at `sector` (memory-mapped, aligned),
 * program len bytes of data at its start, return the flash to read-array
 * mode and read the bytes back.  0, or KB_EIO (also on a timeout) / KB_EINVAL
 * with one line ("flash: erasing the sector at 0x... failed (status
 * 0x...: erase error, write-protected?)" from the CFI driver, "... failed
 * (0x... reads 0x.. after the erase, not 0xff)" or "flash: the NVMC at
 * 0x... stayed busy ..." from the NVMC's, "flash: read-back of 0x...
 * differs from what was written" from both).
 */
int kb_flash_rewrite(uintptr_t sector, size_t sector_size, const void *data,
		     size_t len, struct kb_diag *d);

/* For the drivers: the little-endian word of src[i..i+3] as programmed,
 * bytes past len erased (0xff). */
static inline uint32_t kb_flash_word(const uint8_t *src, size_t i, size_t len)
{
	uint32_t w = 0;

	for (unsigned int k = 0; k < 4; k++)
		w |= (uint32_t)(i + k < len ? src[i + k] : 0xff) << (8 * k);
	return w;
}

/* For the drivers, once the flash reads as memory again: what a later
 * boot will read must be the bytes written. */
static inline int kb_flash_readback(uintptr_t sector, const uint8_t *src, size_t len,
				    struct kb_diag *d)
{
	for (size_t i = 0; i < len; i++)
		if (*(volatile const uint8_t *)(sector + i) != src[i])
			return kb_diag_set(d, KB_EIO, "flash: read-back of 0x%lx differs from what was written",
					   (unsigned long)(sector + i));
	return KB_OK;
}

#endif
