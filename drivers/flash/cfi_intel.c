// SPDX-License-Identifier: BSD-2-Clause
/*
 * CFI NOR flash, Intel/Sharp command set (QEMU virt's pflash_cfi01: two
 * x16 devices side by side, a 32-bit bus, 256 KiB erase blocks).  Just
 * enough to rewrite one sector: erase it, program it word by word, go
 * back to read-array mode and read it back (docs/entropy.md, "A seed
 * carried across boots").  Commands are written to both 16-bit lanes.
 *
 * The loader runs from RAM when it calls this (the M-mode board copies
 * itself there); parked harts sit in wfi in flash code and wake only on
 * the release IPI, after this has put the flash back into read-array mode.
 */
#include <stdint.h>

#include <kaslrboot/error.h>
#include <kaslrboot/flash.h>

#define CMD(c)		((uint32_t)(c) * 0x00010001u)	/* both lanes */
#define CMD_READ_ARRAY	CMD(0xff)
#define CMD_CLEAR_SR	CMD(0x50)
#define CMD_ERASE	CMD(0x20)
#define CMD_CONFIRM	CMD(0xd0)
#define CMD_PROGRAM	CMD(0x40)
#define SR_READY	CMD(0x80)
#define SR_ERASE_ERR	CMD(0x20)
#define SR_PROG_ERR	CMD(0x10)
#define SR_ERRORS	CMD(0x3a)	/* erase, program, Vpp, lock */
#define POLL_MAX	10000000u

static void wr(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static uint32_t rd(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

#define TIMED_OUT	1

/* Wait for both devices' ready bit: KB_OK, KB_EIO (an error bit in *sr)
 * or TIMED_OUT. */
static int wait_ready(uintptr_t a, uint32_t *sr)
{
	for (uint32_t i = 0; i < POLL_MAX; i++) {
		*sr = rd(a);
		if ((*sr & SR_READY) == SR_READY)
			return (*sr & SR_ERRORS) ? KB_EIO : KB_OK;
	}
	return TIMED_OUT;
}

int kb_flash_rewrite(uintptr_t sector, size_t sector_size, const void *data,
		     size_t len, struct kb_diag *d)
{
	const uint8_t *src = data;
	uint32_t sr = 0;
	size_t i;
	int err;

	if ((sector & 3) || len > sector_size || (sector_size & 3))
		return kb_diag_set(d, KB_EINVAL, "flash: cannot write %zu bytes into the 0x%zx-byte sector at 0x%lx",
				   len, sector_size, (unsigned long)sector);
	wr(sector, CMD_CLEAR_SR);
	wr(sector, CMD_ERASE);
	wr(sector, CMD_CONFIRM);
	err = wait_ready(sector, &sr);
	if (err) {
		wr(sector, CMD_CLEAR_SR);
		wr(sector, CMD_READ_ARRAY);
		return kb_diag_set(d, KB_EIO, "flash: erasing the sector at 0x%lx failed (status 0x%08lx%s)",
				   (unsigned long)sector, (unsigned long)sr,
				   err == TIMED_OUT ? ", timed out" : (sr & SR_ERASE_ERR) ? ": erase error, write-protected?" : "");
	}
	for (i = 0; i < len; i += 4) {
		wr(sector + i, CMD_PROGRAM);
		wr(sector + i, kb_flash_word(src, i, len));
		err = wait_ready(sector + i, &sr);
		if (err) {
			wr(sector, CMD_CLEAR_SR);
			wr(sector, CMD_READ_ARRAY);
			return kb_diag_set(d, KB_EIO, "flash: programming 0x%lx failed (status 0x%08lx%s)",
					   (unsigned long)(sector + i), (unsigned long)sr,
					   err == TIMED_OUT ? ", timed out" : (sr & SR_PROG_ERR) ? ": program error" : "");
		}
	}
	wr(sector, CMD_READ_ARRAY);
	return kb_flash_readback(sector, src, len, d);
}
