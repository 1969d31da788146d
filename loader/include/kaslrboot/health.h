/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NIST SP 800-90B section 4.4 continuous health tests on raw noise-source
 * samples, before any conditioning (pure module: crypto/health.c).
 *
 *  - Repetition Count Test (4.4.1): cutoff C = 1 + ceil(-log2(alpha) / H).
 *    The test fails on the sample that makes C identical samples in a row
 *    (a constant stream fails on its C-th sample, 1-based).
 *  - Adaptive Proportion Test (4.4.2): window W = 512 samples (non-binary
 *    sources); the window's first sample A counts as occurrence 1, and the
 *    test fails on the sample that brings the count of A in the window to
 *    C = 1 + CRITBINOM(W, 2^-H, 1 - alpha).  After W samples a new window
 *    starts with the next sample.
 *
 * H is the min-entropy per sample the source's driver documents; alpha is
 * 2^-CONFIG_HEALTH_ALPHA_LOG2.  The cutoffs are computed at build time by
 * scripts/health-cutoffs.py into <generated>/kb_health_cutoffs.h, which
 * defines for every H the build supports (in milli-bits per sample):
 *     KB_HEALTH_ALPHA_LOG2
 *     KB_HEALTH_RCT_CUTOFF_<milli>   e.g. KB_HEALTH_RCT_CUTOFF_8000
 *     KB_HEALTH_APT_CUTOFF_<milli>
 * A driver names its H with KB_HEALTH_PARAMS(<milli>); an H the build does
 * not generate is a compile error, never a silently wrong cutoff.
 * Both cutoffs are kept within 2..512 (by the generator, and again by
 * kb_health_init() for hand-made parameters): a cutoff of 1 would fail on
 * every window's first sample, one above 512 could never fire.
 *
 * Start-up (4.3): the loader runs at least KB_HEALTH_STARTUP_SAMPLES
 * samples through both tests and discards them before any output is used;
 * afterwards every sample used goes through the tests too.
 */
#ifndef KASLRBOOT_HEALTH_H
#define KASLRBOOT_HEALTH_H

#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kb_health_cutoffs.h>

#define KB_HEALTH_APT_WINDOW		512
#define KB_HEALTH_STARTUP_SAMPLES	1024

struct kb_health_params {
	uint32_t h_milli;	/* min-entropy per sample, in 1/1000 bit */
	uint32_t rct_cutoff;
	uint32_t apt_cutoff;
};

#define KB_HEALTH_PARAMS(milli)						\
	((struct kb_health_params){ .h_milli = (milli),			\
				    .rct_cutoff = KB_HEALTH_RCT_CUTOFF_##milli, \
				    .apt_cutoff = KB_HEALTH_APT_CUTOFF_##milli })

struct kb_health {
	struct kb_health_params p;
	uint64_t samples;	/* samples fed so far */
	uint64_t rct_last;
	uint32_t rct_run;	/* length of the current run of rct_last */
	uint64_t apt_ref;	/* A: first sample of the current window */
	uint32_t apt_count;	/* occurrences of A in the window so far */
	uint32_t apt_pos;	/* samples of the window seen so far */
	int failed;		/* sticky: 0, or the KB_EHEALTH code */
};

void kb_health_init(struct kb_health *h, const struct kb_health_params *p);

/*
 * Feed one raw sample.  0 while healthy; KB_EHEALTH from the failing sample
 * on (sticky: every later call fails too), with a diag such as
 *   "entropy: repetition count test failed at sample 5 (value 0x0 repeated 5 times, cutoff 5)"
 *   "entropy: adaptive proportion test failed at sample 300 (value 0x1 seen 62 times in a window of 512, cutoff 62)"
 * (sample numbers 1-based).
 */
int kb_health_feed(struct kb_health *h, uint64_t sample, struct kb_diag *d);

#endif
