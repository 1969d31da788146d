// SPDX-License-Identifier: BSD-2-Clause
/*
 * The nRF51 NVMC (non-volatile memory controller; QEMU 7.2
 * hw/nvram/nrf51_nvm.c): the code flash's own write path, for the carried
 * seed's sector (docs/entropy.md, "A seed carried across boots";
 * docs/cortex-m.md).  CONFIG.WEN selects read-only (0), write (1) or erase
 * (2); ERASEPAGE erases the 1 KiB page whose address is written to it;
 * with write enabled a word store to the flash programs it (bits go only
 * from 1 to 0); READY reads 1 when the controller is idle.  The same
 * contract as the CFI driver (<kaslrboot/flash.h>): erase the sector
 * (every page of it), check it reads erased, program the record word by
 * word, back to read-only, read every byte back.
 *
 * The loader runs in place from this flash: on the chip the core stalls
 * on its own fetches while a page is erased or a word programmed, so no
 * code has to move to RAM (the sector is never one the loader runs from:
 * the build and mkflash keep it outside kaslrboot.bin).
 */
#include <stdint.h>

#include <kaslrboot/error.h>
#include <kaslrboot/flash.h>

#define NVMC_READY	0x400
#define NVMC_CONFIG	0x504
#define NVMC_ERASEPAGE	0x508
#define CONFIG_REN	0u
#define CONFIG_WEN	1u
#define CONFIG_EEN	2u
#define PAGE		1024u	/* nRF51: 1 KiB pages */
#define POLL_MAX	1000000u

static void wr(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static uint32_t rd(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

/* Wait for READY: 0, or KB_EIO after POLL_MAX reads. */
static int wait_ready(void)
{
	for (uint32_t i = 0; i < POLL_MAX; i++)
		if (rd(CONFIG_NRF51_NVMC_BASE + NVMC_READY) & 1u)
			return KB_OK;
	return KB_EIO;
}

/* CONFIG.WEN, once the controller is idle. */
static int set_mode(uint32_t mode)
{
	int err = wait_ready();

	wr(CONFIG_NRF51_NVMC_BASE + NVMC_CONFIG, mode);
	return err;
}

int kb_flash_rewrite(uintptr_t sector, size_t sector_size, const void *data,
		     size_t len, struct kb_diag *d)
{
	const uint8_t *src = data;
	size_t i;
	uint8_t v;

	if ((sector % PAGE) || sector_size == 0 || (sector_size % PAGE) || len > sector_size)
		return kb_diag_set(d, KB_EINVAL, "flash: cannot write %zu bytes into the 0x%zx-byte sector at 0x%lx (nRF51 NVMC: whole 1 KiB pages)",
				   len, sector_size, (unsigned long)sector);
	if (set_mode(CONFIG_EEN))
		goto timeout;
	for (i = 0; i < sector_size; i += PAGE) {
		wr(CONFIG_NRF51_NVMC_BASE + NVMC_ERASEPAGE, (uint32_t)(sector + i));
		if (wait_ready())
			goto timeout;
	}
	if (set_mode(CONFIG_REN))
		goto timeout;
	/* An erase the controller ignored (a protected region) leaves the
	 * old bytes: programming over them would AND them with the new. */
	for (i = 0; i < sector_size; i++) {
		v = *(volatile const uint8_t *)(sector + i);
		if (v != 0xff)
			return kb_diag_set(d, KB_EIO, "flash: erasing the sector at 0x%lx failed (0x%lx reads 0x%02x after the erase, not 0xff)",
					   (unsigned long)sector, (unsigned long)(sector + i), v);
	}
	if (set_mode(CONFIG_WEN))
		goto timeout;
	for (i = 0; i < len; i += 4) {
		wr(sector + i, kb_flash_word(src, i, len));
		if (wait_ready())
			goto timeout;
	}
	if (set_mode(CONFIG_REN))
		goto timeout;
	return kb_flash_readback(sector, src, len, d);
timeout:
	wr(CONFIG_NRF51_NVMC_BASE + NVMC_CONFIG, CONFIG_REN);
	return kb_diag_set(d, KB_EIO, "flash: the NVMC at 0x%lx stayed busy (READY = 0): sector at 0x%lx not written",
			   (unsigned long)CONFIG_NRF51_NVMC_BASE, (unsigned long)sector);
}
