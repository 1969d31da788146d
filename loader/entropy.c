// SPDX-License-Identifier: BSD-2-Clause
/*
 * Entropy: pick the TRNG, run the SP 800-90B start-up test, and feed the
 * CTR_DRBG through a callback that health-tests every sample it hands out.
 * Nothing else (timers, counters, build strings, a DTB's rng-seed) ever
 * stands in for entropy.
 */
#include <string.h>

#include <mbedtls/platform_util.h>

#include <kaslrboot/console.h>
#include <kaslrboot/error.h>
#include <kaslrboot/rng.h>

extern const struct kb_rng_driver __kb_rng_drivers_start[];
extern const struct kb_rng_driver __kb_rng_drivers_end[];

/* The drivers built in, for the line that says none was found: one
 * literal, no arguments to pass. */
#if IS_ENABLED(CONFIG_RNG_ZKR)
#define RNG_KNOWN_ZKR " zkr"
#else
#define RNG_KNOWN_ZKR ""
#endif
#if IS_ENABLED(CONFIG_RNG_RNDRRS)
#define RNG_KNOWN_RNDRRS " rndrrs"
#else
#define RNG_KNOWN_RNDRRS ""
#endif
#if IS_ENABLED(CONFIG_RNG_NRF)
#define RNG_KNOWN_NRF " nrf-rng"
#else
#define RNG_KNOWN_NRF ""
#endif
#if IS_ENABLED(CONFIG_RNG_VIRTIO)
#define RNG_KNOWN_VIRTIO " virtio-rng"
#else
#define RNG_KNOWN_VIRTIO ""
#endif

/* Samples per driver call (CONFIG_RNG_BATCH: 8 bytes of .bss each). */
#define BATCH CONFIG_RNG_BATCH

static struct kb_rng rng;
static struct kb_health health;
static uint64_t samples[BATCH];
static unsigned int avail, pos;	/* unread samples in samples[pos..avail) */
static struct kb_diag read_err;
static int ready;

/* Next health-tested sample, refilling the batch from the device. */
static int next_sample(uint64_t *s, struct kb_diag *d)
{
	int n, err;

	if (pos == avail) {
		n = rng.read(&rng, samples, BATCH, d);
		if (n < 0)
			return n;
		/* A driver that reports more than it was given room for is
		 * broken: refuse rather than read past the batch. */
		if (n == 0 || n > BATCH)
			return kb_diag_set(d, KB_EIO, "entropy: %s returned %d samples",
					   rng.name, n);
		avail = (unsigned int)n;
		pos = 0;
	}
	*s = samples[pos];
	samples[pos++] = 0;
	err = kb_health_feed(&health, *s, d);
	if (err)
		*s = 0;
	return err;
}

int kb_entropy_init(const void *fdt, const struct kb_boot_info *bi,
		    struct kb_diag *d)
{
	const struct kb_rng_driver *drv;
	uint64_t s;
	int err = KB_ENODEV;

	for (drv = __kb_rng_drivers_start; drv < __kb_rng_drivers_end; drv++) {
		memset(&rng, 0, sizeof(rng));
		kb_diag_clear(d);
		err = drv->probe(fdt, bi, &rng, d);
		if (err == 0)
			break;
		if (err != KB_ENODEV)
			return err;
		/* Present in the tree but unusable here: say so, go on. */
		if (d && d->msg[0])
			kb_info("entropy: %s", d->msg);
	}
	if (err)
		return kb_diag_set(d, KB_ENODEV,
				   "entropy: no TRNG found (this build knows:"
				   RNG_KNOWN_ZKR RNG_KNOWN_RNDRRS RNG_KNOWN_NRF RNG_KNOWN_VIRTIO ")");

	/* SP 800-90B 4.3: the start-up test runs the continuous tests over
	 * at least 1024 samples, and none of them is ever used. */
	kb_health_init(&health, &rng.health);
	avail = pos = 0;
	for (unsigned int i = 0; i < KB_HEALTH_STARTUP_SAMPLES; i++) {
		err = next_sample(&s, d);
		if (err) {
			kb_entropy_finish();
			return err;
		}
	}
	s = 0;
	ready = 1;
	kb_info("entropy: %s at %s, H = %u.%03u bits/sample, start-up health test passed over %u samples (alpha 2^-%d, RCT cutoff %u, APT cutoff %u/%u)",
	       rng.name, rng.where, (unsigned int)(rng.health.h_milli / 1000),
	       (unsigned int)(rng.health.h_milli % 1000),
	       (unsigned int)health.samples, KB_HEALTH_ALPHA_LOG2,
	       (unsigned int)rng.health.rct_cutoff, (unsigned int)rng.health.apt_cutoff,
	       (unsigned int)KB_HEALTH_APT_WINDOW);
	return 0;
}

size_t kb_entropy_len_for_256_bits(void)
{
	/* bytes = 256 bits / (H bits per sample / bytes per sample),
	 * rounded up; h_milli is per sample.  32-bit division, rounded up
	 * without an addition that could wrap. */
	uint32_t h_per_byte_milli = rng.health.h_milli / rng.sample_bytes;

	return 256000u / h_per_byte_milli + (256000u % h_per_byte_milli != 0);
}

int kb_entropy_read(void *ctx, unsigned char *buf, size_t len)
{
	uint64_t s;
	size_t i = 0;

	(void)ctx;
	if (!ready)
		return kb_diag_set(&read_err, KB_ENODEV, "entropy: no TRNG ready");
	while (i < len) {
		int err = next_sample(&s, &read_err);

		if (err) {
			mbedtls_platform_zeroize(buf, len);
			return err;
		}
		/* Low byte first; a shift by a constant 8 (no 64-bit shift
		 * by a variable count: a libgcc call on Cortex-M0). */
		for (unsigned int b = 0; b < rng.sample_bytes && i < len; b++, s >>= 8)
			buf[i++] = (unsigned char)s;
	}
	s = 0;
	return 0;
}

const struct kb_diag *kb_entropy_last_error(void)
{
	return &read_err;
}

void kb_entropy_finish(void)
{
	/* Once: fatal() may call this again after a failure path did. */
	if (rng.release) {
		rng.release(&rng);
		rng.release = NULL;
	}
	mbedtls_platform_zeroize(samples, sizeof(samples));
	mbedtls_platform_zeroize(&health, sizeof(health));
	avail = pos = 0;
	ready = 0;
}
