// SPDX-License-Identifier: BSD-2-Clause
/*
 * NIST SP 800-90B section 4.4 continuous health tests: Repetition Count Test
 * and Adaptive Proportion Test on raw noise-source samples.
 *
 * Pure module: no I/O, no allocation, no global state.  All state lives in
 * the caller's struct kb_health; the cutoffs come from the build-time
 * generated <kb_health_cutoffs.h> via KB_HEALTH_PARAMS().
 *
 * Both tests are updated with every sample first and checked afterwards, so
 * that after a failure the frozen state describes the failing sample for
 * both tests (the diag is rebuilt from it on every later, sticky call).  If
 * both fail on the same sample the RCT is the one reported.
 */
#include <inttypes.h>
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/health.h>

/* The APT cutoffs were computed for a window of this size; a mismatch would
 * make every APT_CUTOFF meaningless. */
_Static_assert(KB_HEALTH_CUTOFFS_WINDOW == KB_HEALTH_APT_WINDOW,
	       "kb_health_cutoffs.h was generated for another APT window");

/* Smallest cutoff that means anything: a run (RCT) or a window count (APT)
 * is 1 on the first sample by definition, so a cutoff of 0 or 1 would fail
 * on every new value.  SP 800-90B only compares after a repeat, which is
 * what a cutoff of 2 does. */
#define CUTOFF_MIN	2

void kb_health_init(struct kb_health *h, const struct kb_health_params *p)
{
	*h = (struct kb_health){ .p = *p };

	if (h->p.rct_cutoff < CUTOFF_MIN)
		h->p.rct_cutoff = CUTOFF_MIN;
	if (h->p.apt_cutoff < CUTOFF_MIN)
		h->p.apt_cutoff = CUTOFF_MIN;
	/* The count of A can never exceed the window, so a larger cutoff would
	 * silently disable the APT; the window size itself (all W samples
	 * equal to A) is the strictest cutoff that can still fire.
	 * scripts/health-cutoffs.py applies the same clamp. */
	if (h->p.apt_cutoff > KB_HEALTH_APT_WINDOW)
		h->p.apt_cutoff = KB_HEALTH_APT_WINDOW;
	/* Everything else is zero: no sample yet (rct_run == 0 marks "no
	 * previous value", so a first sample equal to the zeroed rct_last is
	 * not taken for a repeat), and apt_pos == 0 means "the next sample
	 * opens a window". */
}

/* The diag for a failure, from the state frozen at the failing sample. */
static int health_diag(const struct kb_health *h, struct kb_diag *d)
{
	/* rct_run < rct_cutoff is an invariant while healthy, so reaching the
	 * cutoff identifies the RCT as (one of) the failing test(s). */
	if (h->rct_run >= h->p.rct_cutoff)
		return kb_diag_set(d, KB_EHEALTH,
				   "entropy: repetition count test failed at sample %" PRIu64
				   " (value 0x%" PRIx64 " repeated %" PRIu32 " times, cutoff %" PRIu32 ")",
				   h->samples, h->rct_last, h->rct_run,
				   h->p.rct_cutoff);
	return kb_diag_set(d, KB_EHEALTH,
			   "entropy: adaptive proportion test failed at sample %" PRIu64
			   " (value 0x%" PRIx64 " seen %" PRIu32 " times in a window of %d, cutoff %" PRIu32 ")",
			   h->samples, h->apt_ref, h->apt_count,
			   KB_HEALTH_APT_WINDOW, h->p.apt_cutoff);
}

int kb_health_feed(struct kb_health *h, uint64_t sample, struct kb_diag *d)
{
	/* Sticky: once failed, the source stays untrusted until re-initialised;
	 * the state is left untouched so the diag still names the failure. */
	if (h->failed)
		return health_diag(h, d);

	/* 1-based number of this sample.  64 bits cannot wrap in practice
	 * (2^64 samples), so no overflow check. */
	h->samples++;

	/* RCT (4.4.1).  rct_run == 0 only before the first sample. */
	if (h->rct_run != 0 && sample == h->rct_last) {
		/* Cannot overflow: the run fails (and freezes) at rct_cutoff,
		 * which is a uint32_t, before it could pass UINT32_MAX. */
		h->rct_run++;
	} else {
		h->rct_last = sample;
		h->rct_run = 1;
	}

	/* APT (4.4.2).  apt_pos counts the samples of the current window
	 * including this one, 1..W. */
	if (h->apt_pos == 0) {
		/* First sample of a window: it is A, occurrence 1. */
		h->apt_ref = sample;
		h->apt_count = 1;
	} else if (sample == h->apt_ref) {
		/* apt_count <= apt_pos <= W: no overflow. */
		h->apt_count++;
	}
	h->apt_pos++;

	/* Checks after both updates.  ">=": the test fails on the sample that
	 * brings the run/count TO the cutoff (a constant stream fails on its
	 * C-th sample).  Both cutoffs are >= 2 (kb_health_init), so the
	 * count of 1 from a new value or a new window never fires. */
	if (h->rct_run >= h->p.rct_cutoff || h->apt_count >= h->p.apt_cutoff) {
		h->failed = KB_EHEALTH;
		return health_diag(h, d);
	}

	/* The window is complete after exactly W samples (the W-th sample is
	 * still compared above); the next sample opens a new window.  Only
	 * reset on success, so a failing sample's state stays as reported. */
	if (h->apt_pos == KB_HEALTH_APT_WINDOW)
		h->apt_pos = 0;

	return 0;
}
