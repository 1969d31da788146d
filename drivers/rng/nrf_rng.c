// SPDX-License-Identifier: BSD-2-Clause
/*
 * Nordic nRF51/nRF52 RNG ("nordic,nrf-rng"): CONFIG.DERCEN = 1 (the
 * digital bias correction on), TASKS_START, then per byte a wait for
 * EVENTS_VALRDY and a read of VALUE (8 bits).  Polled, bounded.
 *
 * Min-entropy: Nordic documents the generator as based on internal
 * thermal noise, with the bias correction giving a uniform distribution
 * of 0 and 1, but gives no SP 800-90B min-entropy figure.  kaslrboot
 * therefore claims H = 4 bits per 8-bit sample (half of full entropy, as
 * for virtio-rng) and health-tests every byte (docs/entropy.md).  Under
 * QEMU the values come from the host's RNG (qemu_guest_getrandom).
 *
 * Released (TASKS_STOP, CONFIG and the event cleared) before handoff, as
 * the reset left it.
 */
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/dt_build.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/rng.h>

#define NRF_RNG_TASKS_START	0x000
#define NRF_RNG_TASKS_STOP	0x004
#define NRF_RNG_EVENTS_VALRDY	0x100
#define NRF_RNG_CONFIG		0x504
#define NRF_RNG_VALUE		0x508
#define NRF_RNG_CONFIG_DERCEN	1
/* QEMU paces values with a timer (the first took tens of thousands of
 * polls); silicon gives one every ~120 us with DERCEN.  Never forever. */
#define NRF_RNG_MAX_POLLS	20000000u

static inline void wr(uintptr_t base, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static inline uint32_t rd(uintptr_t base, unsigned int off)
{
	return *(volatile uint32_t *)(base + off);
}

static int nrf_rng_read(struct kb_rng *rng, uint64_t *out, unsigned int n,
			struct kb_diag *d)
{
	for (unsigned int got = 0; got < n; got++) {
		unsigned int polls = 0;

		while (rd(rng->base, NRF_RNG_EVENTS_VALRDY) == 0)
			if (++polls >= NRF_RNG_MAX_POLLS)
				return kb_diag_set(d, KB_EIO,
						   "nrf-rng: %s: no value after %u polls (EVENTS_VALRDY never set)",
						   rng->where, polls);
		out[got] = rd(rng->base, NRF_RNG_VALUE) & 0xff;
		wr(rng->base, NRF_RNG_EVENTS_VALRDY, 0);
	}
	return (int)n;
}

static void nrf_rng_release(struct kb_rng *rng)
{
	wr(rng->base, NRF_RNG_TASKS_STOP, 1);
	wr(rng->base, NRF_RNG_EVENTS_VALRDY, 0);
	wr(rng->base, NRF_RNG_CONFIG, 0);
}

/* The node found, its reg translated: the checks and the start. */
static int nrf_rng_setup(uint64_t addr, uint64_t size, struct kb_rng *rng,
		 struct kb_diag *d)
{
	if (size < NRF_RNG_VALUE + 4 || addr > UINTPTR_MAX - NRF_RNG_VALUE)
		return kb_diag_set(d, KB_EINVAL, "nrf-rng: reg too small or out of reach");
	rng->base = (uintptr_t)addr;
	wr(rng->base, NRF_RNG_TASKS_STOP, 1);
	wr(rng->base, NRF_RNG_EVENTS_VALRDY, 0);
	wr(rng->base, NRF_RNG_CONFIG, NRF_RNG_CONFIG_DERCEN);
	wr(rng->base, NRF_RNG_TASKS_START, 1);
	rng->name = "nrf-rng";
	rng->health = KB_HEALTH_PARAMS(4000);
	rng->sample_bytes = 1;
	rng->read = nrf_rng_read;
	rng->release = nrf_rng_release;
	return 0;
}

#ifdef CONFIG_DT_DEVICES_AT_BUILD
/* The first enabled node, as read at build time (tools/kbdtmap
 * --rng-compat nordic,nrf-rng; CONFIG_DT_DEVICES_AT_BUILD). */
static int nrf_rng_probe(const void *fdt, const struct kb_boot_info *bi,
			 struct kb_rng *rng, struct kb_diag *d)
{
	const struct kb_dt_dev_build *dev = kb_dt_rng_find(&kb_dt_devices, "nordic,nrf-rng");

	(void)fdt;
	(void)bi;
	if (dev == NULL)
		return KB_ENODEV;
	strncpy(rng->where, dev->path, sizeof(rng->where) - 1);
	rng->where[sizeof(rng->where) - 1] = '\0';
	return nrf_rng_setup(dev->addr, dev->size, rng, d);
}
#else
static int nrf_rng_probe(const void *fdt, const struct kb_boot_info *bi,
			 struct kb_rng *rng, struct kb_diag *d)
{
	struct kb_fdt_walk w = { .node = -1 };
	uint64_t addr, size;
	int err;

	(void)bi;
	while ((err = kb_fdt_next_compatible(fdt, &w, "nordic,nrf-rng", d)) == KB_OK) {
		if (!kb_fdt_node_enabled(fdt, w.node))
			continue;
		err = kb_fdt_reg_cpu_walk(fdt, &w, 0, &addr, &size, d);
		if (err)
			return err;
		kb_fdt_path(fdt, w.node, rng->where, sizeof(rng->where));
		return nrf_rng_setup(addr, size, rng, d);
	}
	if (err != KB_ENOENT)
		return err;
	kb_diag_clear(d);
	return KB_ENODEV;
}
#endif

KB_RNG_DRIVER(40, nrf_rng_driver) = {
	.name = "nrf-rng",
	.probe = nrf_rng_probe,
};
