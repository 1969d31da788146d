// SPDX-License-Identifier: BSD-2-Clause
/*
 * RISC-V Zkr entropy source: the seed CSR.
 *
 * Each read returns OPST in bits 31:30 and, in state ES16, 16 bits of
 * raw entropy in bits 15:0.  The Zkr specification only guarantees that
 * 2:1 conditioning yields full entropy, i.e. 0.5 bit per bit: H = 8 bits
 * per 16-bit sample.  Used only when the device tree lists "zkr" for the
 * boot hart (riscv,isa or riscv,isa-extensions) and the read does not trap.
 */
#include <stdbool.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/error.h>
#include <kaslrboot/dt_build.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/riscv.h>
#include <kaslrboot/rng.h>


#define SEED_OPST_SHIFT	30
#define SEED_OPST_BIST	0
#define SEED_OPST_WAIT	1
#define SEED_OPST_ES16	2
#define SEED_OPST_DEAD	3
/* BIST/WAIT may last a while after reset; never wait forever. */
#define SEED_MAX_POLLS	1000000u

static int zkr_read(struct kb_rng *rng, uint64_t *out, unsigned int n,
		    struct kb_diag *d)
{
	unsigned int got = 0, polls = 0;
	uint32_t v;

	(void)rng;
	while (got < n) {
		if (kb_riscv_seed_try(&v) != 0)
			return kb_diag_set(d, KB_EIO, "zkr: seed CSR read trapped");
		switch (v >> SEED_OPST_SHIFT) {
		case SEED_OPST_ES16:
			out[got++] = v & 0xffff;
			polls = 0;
			break;
		case SEED_OPST_DEAD:
			return kb_diag_set(d, KB_EIO,
					   "zkr: seed CSR reports DEAD (unrecoverable self-test failure)");
		default:	/* BIST or WAIT: no entropy yet */
			if (++polls >= SEED_MAX_POLLS)
				return kb_diag_set(d, KB_EIO,
						   "zkr: no entropy after %u polls (state %s)",
						   polls, (v >> SEED_OPST_SHIFT) == SEED_OPST_BIST ?
						   "BIST" : "WAIT");
		}
	}
	return (int)got;
}

static int zkr_probe(const void *fdt, const struct kb_boot_info *bi,
		     struct kb_rng *rng, struct kb_diag *d)
{
	uint32_t v;

	(void)d;
#ifdef CONFIG_DT_DEVICES_AT_BUILD
	/* The harts whose riscv,isa lists zkr, read at build time
	 * (tools/kbdtmap --zkr; hart ids 0..31). */
	(void)fdt;
	if (bi->hartid >= KB_DT_ZKR_HARTS || !(kb_dt_devices.zkr_harts >> bi->hartid & 1))
		return KB_ENODEV;
#else
	if (!kb_fdt_hart_has_isa_ext(fdt, bi->hartid, "zkr"))
		return KB_ENODEV;
#endif
	/* Listed in the tree but the firmware may not let us read it. */
	if (kb_riscv_seed_try(&v) != 0)
		return kb_diag_set(d, KB_ENODEV,
				   "zkr: listed for hart %lu but not readable in %s (firmware did not set mseccfg.SSEED)",
				   bi->hartid, bi->entry_mode);
	rng->name = "zkr";
	strcpy(rng->where, "seed CSR");
	rng->health = KB_HEALTH_PARAMS(8000);
	rng->sample_bytes = 2;
	rng->read = zkr_read;
	rng->release = NULL;
	return 0;
}

KB_RNG_DRIVER(10, zkr_driver) = {
	.name = "zkr",
	.probe = zkr_probe,
};
