// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests for crypto/drbg.c: the loader's CTR_DRBG (mbedTLS 3.6,
 * built with crypto/mbedtls_config.h, i.e. AES-256 with derivation function).
 *
 *  - API behaviour: seeding (what is asked of the entropy source, argument
 *    checks, failures and their diagnostics), requests split at
 *    MBEDTLS_CTR_DRBG_MAX_REQUEST, the automatic reseed, wiping.
 *  - kb_drbg_uniform(): every result below its bound, the exact rejection
 *    rule (replayed from the raw 64-bit draws), chi-square goodness of fit.
 *  - Known answers: every CTR_DRBG validation vector of mbedTLS's own test
 *    suite, read at run time from
 *    $KB_MBEDTLS_DIR/tests/suites/test_suite_ctr_drbg.data and replayed the
 *    way test_suite_ctr_drbg.function does; those that fit the loader's API
 *    (no reseed, no additional input) are replayed through kb_drbg_* too.
 *
 * The DRBG is deterministic here: its entropy callback hands out a fixed
 * pattern (or a test vector), so every number below is reproducible.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>

#include <kaslrboot/crypto.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/phys.h>

/* crypto/drbg.c, KB_HOST_TEST only */
const void *kb_drbg_test_state(size_t *len);

static struct kb_diag diag;

/* ------------------------------------------------------------------ */
/* Entropy sources */

#define MAX_CALLS 8

/* A fixed pattern: byte i of the stream is (i * 37 + tag) mod 256.  Counts
 * the calls and their lengths; fails the call numbered fail_call (1-based,
 * 0 = never). */
struct pattern {
	unsigned char tag;
	size_t pos;
	unsigned int calls;
	unsigned int fail_call;
	size_t len[MAX_CALLS];
};

static int pattern_entropy(void *ctx, unsigned char *buf, size_t len)
{
	struct pattern *p = ctx;
	size_t i;

	p->calls++;
	if (p->calls <= MAX_CALLS)
		p->len[p->calls - 1] = len;
	if (p->fail_call != 0 && p->calls >= p->fail_call)
		return -1;
	for (i = 0; i < len; i++, p->pos++)
		buf[i] = (unsigned char)(p->pos * 37 + p->tag);
	return 0;
}

/* A given byte string handed out in order, chunk by chunk (the replay
 * source of test_suite_ctr_drbg.function). */
struct stream {
	const unsigned char *p;
	size_t len, pos;
};

static int stream_entropy(void *ctx, unsigned char *buf, size_t len)
{
	struct stream *s = ctx;

	if (len > s->len - s->pos)
		return -1;
	memcpy(buf, s->p + s->pos, len);
	s->pos += len;
	return 0;
}

static const char pers_str[] = "kaslrboot host test";

static void seed_pattern(struct pattern *p, unsigned char tag)
{
	memset(p, 0, sizeof(*p));
	p->tag = tag;
	assert_int_equal(kb_drbg_seed(pattern_entropy, p, 32, pers_str,
				      sizeof(pers_str) - 1, &diag), 0);
	assert_true(kb_drbg_ready());
}

static void assert_state_zero(void)
{
	const unsigned char *s;
	size_t len, i;

	s = kb_drbg_test_state(&len);
	assert_true(len >= sizeof(mbedtls_ctr_drbg_context));
	for (i = 0; i < len; i++)
		if (s[i] != 0)
			fail_msg("DRBG context byte %zu is 0x%02x after wipe",
				 i, s[i]);
}

static int setup(void **state)
{
	(void)state;
	kb_drbg_wipe();
	kb_diag_clear(&diag);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kb_drbg_wipe();
	return 0;
}

/* ------------------------------------------------------------------ */
/* Seeding, readiness, wiping */

static void test_seed_and_wipe(void **state)
{
	struct pattern p;
	unsigned char buf[64];

	(void)state;
	assert_false(kb_drbg_ready());
	seed_pattern(&p, 1);
	assert_int_equal(kb_drbg_random(buf, sizeof(buf), &diag), 0);

	kb_drbg_wipe();
	assert_false(kb_drbg_ready());
	assert_state_zero();
	assert_int_equal(kb_drbg_random(buf, sizeof(buf), &diag), KB_EFAIL);

	/* Seedable again after a wipe. */
	seed_pattern(&p, 1);
	assert_int_equal(kb_drbg_random(buf, sizeof(buf), &diag), 0);
}

/* entropy_len bytes of entropy input, then a nonce of half as many (rounded
 * up), in two calls, whatever entropy_len is (mbedTLS alone would take no
 * nonce for entropy_len >= 48). */
static void test_seed_entropy_requests(void **state)
{
	static const size_t lens[] = { 32, 33, 47, 48, 64, 200, 256 };
	struct pattern p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(&p, 0, sizeof(p));
		assert_int_equal(kb_drbg_seed(pattern_entropy, &p, lens[i],
					      NULL, 0, &diag), 0);
		assert_int_equal(p.calls, 2);
		assert_int_equal(p.len[0], lens[i]);
		assert_int_equal(p.len[1], (lens[i] + 1) / 2);
	}
}

static void test_seed_bad_args(void **state)
{
	static const size_t bad[] = { 0, 1, 16, 31, 257, 384, SIZE_MAX };
	unsigned char pers[MBEDTLS_CTR_DRBG_MAX_SEED_INPUT] = { 0 };
	struct pattern p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&p, 0, sizeof(p));
		kb_diag_clear(&diag);
		assert_int_equal(kb_drbg_seed(pattern_entropy, &p, bad[i],
					      NULL, 0, &diag), KB_EINVAL);
		assert_int_equal(p.calls, 0);
		assert_false(kb_drbg_ready());
		assert_non_null(strstr(diag.msg, "entropy length"));
	}

	/* The bounds themselves are accepted. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(kb_drbg_seed(pattern_entropy, &p, 32, NULL, 0,
				      &diag), 0);
	memset(&p, 0, sizeof(p));
	assert_int_equal(kb_drbg_seed(pattern_entropy, &p, 256, NULL, 0,
				      &diag), 0);

	/* A failed seeding leaves no earlier state usable. */
	assert_true(kb_drbg_ready());
	assert_int_equal(kb_drbg_seed(NULL, NULL, 32, NULL, 0, &diag),
			 KB_EINVAL);
	assert_false(kb_drbg_ready());
	assert_int_equal(kb_drbg_seed(pattern_entropy, &p, 32, NULL, 1,
				      &diag), KB_EINVAL);

	/* Seed material is at most MBEDTLS_CTR_DRBG_MAX_SEED_INPUT bytes:
	 * 32 + 16 + 336 fits, one more byte does not. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(kb_drbg_seed(pattern_entropy, &p, 32, pers,
				      MBEDTLS_CTR_DRBG_MAX_SEED_INPUT - 48,
				      &diag), 0);
	memset(&p, 0, sizeof(p));
	kb_diag_clear(&diag);
	assert_int_equal(kb_drbg_seed(pattern_entropy, &p, 32, pers,
				      MBEDTLS_CTR_DRBG_MAX_SEED_INPUT - 47,
				      &diag), KB_EINVAL);
	assert_non_null(strstr(diag.msg, "personalization"));
	assert_false(kb_drbg_ready());
	/* 256 bytes of entropy + 128 of nonce leave no room at all. */
	assert_int_equal(kb_drbg_seed(pattern_entropy, &p, 256, pers, 1,
				      &diag), KB_EINVAL);
}

static void test_seed_entropy_failure(void **state)
{
	struct pattern p;
	unsigned char buf[16];
	unsigned int call;

	(void)state;
	/* Failing on the entropy input, then on the nonce. */
	for (call = 1; call <= 2; call++) {
		seed_pattern(&p, 2);	/* a state that must not survive */
		memset(&p, 0, sizeof(p));
		p.fail_call = call;
		kb_diag_clear(&diag);
		assert_int_equal(kb_drbg_seed(pattern_entropy, &p, 32,
					      pers_str, sizeof(pers_str) - 1,
					      &diag), KB_EFAIL);
		assert_int_equal(p.calls, call);
		assert_string_equal(diag.msg,
				    "crypto: CTR_DRBG seeding failed: entropy source failed (-0x0034)");
		assert_false(kb_drbg_ready());
		assert_state_zero();
		assert_int_equal(kb_drbg_random(buf, sizeof(buf), &diag),
				 KB_EFAIL);
	}
}

static void test_unseeded(void **state)
{
	unsigned char buf[8] = { 0 };
	uint64_t x = 42;

	(void)state;
	kb_diag_clear(&diag);
	assert_int_equal(kb_drbg_random(buf, sizeof(buf), &diag), KB_EFAIL);
	assert_true(diag.msg[0] != '\0');
	kb_diag_clear(&diag);
	assert_int_equal(kb_drbg_random(buf, 0, &diag), KB_EFAIL);
	assert_int_equal(kb_drbg_uniform(10, &x, &diag), KB_EFAIL);
	assert_true(diag.msg[0] != '\0');
	assert_int_equal(x, 42);
	/* A NULL diag is allowed. */
	assert_int_equal(kb_drbg_random(buf, sizeof(buf), NULL), KB_EFAIL);
}

static void test_bad_requests(void **state)
{
	struct pattern p;
	uint64_t x = 42;

	(void)state;
	assert_int_equal(kb_drbg_uniform(0, &x, &diag), KB_EINVAL);	/* unseeded */
	seed_pattern(&p, 3);
	kb_diag_clear(&diag);
	assert_int_equal(kb_drbg_uniform(0, &x, &diag), KB_EINVAL);
	assert_true(diag.msg[0] != '\0');
	assert_int_equal(x, 42);
	assert_int_equal(kb_drbg_uniform(5, NULL, &diag), KB_EINVAL);
	assert_int_equal(kb_drbg_random(NULL, 1, &diag), KB_EINVAL);
	assert_int_equal(kb_drbg_random(NULL, 0, &diag), 0);
	assert_true(kb_drbg_ready());
}

/* Long requests come out exactly as a sequence of
 * MBEDTLS_CTR_DRBG_MAX_REQUEST-byte mbedTLS requests would. */
static void test_random_split(void **state)
{
	enum { LEN = 2 * MBEDTLS_CTR_DRBG_MAX_REQUEST + 452 };
	static unsigned char got[LEN + 1], want[LEN];
	mbedtls_ctr_drbg_context ref;
	struct pattern p, q;
	size_t off, n;

	(void)state;
	seed_pattern(&p, 4);
	got[LEN] = 0xa5;
	assert_int_equal(kb_drbg_random(got, LEN, &diag), 0);
	assert_int_equal(got[LEN], 0xa5);

	memset(&q, 0, sizeof(q));
	q.tag = 4;
	mbedtls_ctr_drbg_init(&ref);
	mbedtls_ctr_drbg_set_entropy_len(&ref, 32);
	assert_int_equal(mbedtls_ctr_drbg_set_nonce_len(&ref, 16), 0);
	assert_int_equal(mbedtls_ctr_drbg_seed(&ref, pattern_entropy, &q,
					       (const unsigned char *)pers_str,
					       sizeof(pers_str) - 1), 0);
	for (off = 0; off < LEN; off += n) {
		n = LEN - off < MBEDTLS_CTR_DRBG_MAX_REQUEST ?
			LEN - off : MBEDTLS_CTR_DRBG_MAX_REQUEST;
		assert_int_equal(mbedtls_ctr_drbg_random(&ref, want + off, n), 0);
	}
	mbedtls_ctr_drbg_free(&ref);
	assert_memory_equal(got, want, LEN);
}

/* mbedTLS reseeds from the registered callback after
 * MBEDTLS_CTR_DRBG_RESEED_INTERVAL requests; if that fails, the request
 * fails, the output is cleared and the DRBG is wiped. */
static void test_reseed_failure(void **state)
{
	struct pattern p;
	unsigned char buf[16];
	unsigned int i;
	size_t j;

	(void)state;
	seed_pattern(&p, 5);
	assert_int_equal(p.calls, 2);
	p.fail_call = 3;
	for (i = 1; i < MBEDTLS_CTR_DRBG_RESEED_INTERVAL + 1; i++)
		assert_int_equal(kb_drbg_random(buf, sizeof(buf), &diag), 0);
	assert_int_equal(p.calls, 2);

	memset(buf, 0xa5, sizeof(buf));
	kb_diag_clear(&diag);
	assert_int_equal(kb_drbg_random(buf, sizeof(buf), &diag), KB_EFAIL);
	assert_int_equal(p.calls, 3);
	assert_int_equal(p.len[2], 32);
	assert_string_equal(diag.msg,
			    "crypto: CTR_DRBG generate failed: entropy source failed (-0x0034)");
	for (j = 0; j < sizeof(buf); j++)
		assert_int_equal(buf[j], 0);
	assert_false(kb_drbg_ready());
	assert_state_zero();
}

/* ------------------------------------------------------------------ */
/* kb_drbg_uniform() */

#define TWO_POW(n) (UINT64_C(1) << (n))

/* The draw's width: 64 bits, 32 with 32-bit addresses (test_drbg_phys32,
 * as on the 32-bit boards). */
#define DRAW_BITS KB_PHYS_BITS

/* Draws n values below bound and replays them from the raw DRAW_BITS-bit
 * draws (same seed): each uniform draw must be the first raw big-endian
 * draw x with x >= 2^DRAW_BITS mod bound, reduced mod bound.  Returns how
 * many raw draws were rejected; *lo / *hi count results below / at or
 * above split. */
static unsigned long uniform_replay(uint64_t bound, unsigned int n,
				    uint64_t split, unsigned long *lo,
				    unsigned long *hi)
{
	static uint64_t got[4096];
	/* 2^DRAW_BITS mod bound, computed apart from the loader's way. */
	uint64_t threshold = DRAW_BITS == 64 ? (0 - bound) % bound :
			     (uint64_t)((((unsigned __int128)1) << 32) % bound), x;
	unsigned char b[DRAW_BITS / 8];
	unsigned long rejected = 0;
	struct pattern p;
	unsigned int i;
	int k;

	assert_true(n <= sizeof(got) / sizeof(got[0]));
	*lo = *hi = 0;
	seed_pattern(&p, 6);
	for (i = 0; i < n; i++) {
		assert_int_equal(kb_drbg_uniform(bound, &got[i], &diag), 0);
		assert_true(got[i] < bound);
		if (got[i] < split)
			(*lo)++;
		else
			(*hi)++;
	}

	seed_pattern(&p, 6);
	for (i = 0; i < n; i++) {
		for (;;) {
			assert_int_equal(kb_drbg_random(b, sizeof(b), &diag), 0);
			for (x = 0, k = 0; k < (int)sizeof(b); k++)
				x = (x << 8) | b[k];
			if (x >= threshold)
				break;
			rejected++;
		}
		assert_true(x % bound == got[i]);
	}
	return rejected;
}

static void test_uniform_bounds(void **state)
{
	unsigned long lo, hi, rej;

	(void)state;

	/* bound 1: always 0 */
	rej = uniform_replay(1, 1000, 1, &lo, &hi);
	assert_int_equal(lo, 1000);
	assert_int_equal(rej, 0);

	/* 2 and 3 */
	uniform_replay(2, 4000, 1, &lo, &hi);
	assert_true(lo > 0 && hi > 0);
	uniform_replay(3, 4000, 2, &lo, &hi);
	assert_true(lo > 0 && hi > 0);

	/* 2^(N-1) + 1: 2^N mod bound = 2^(N-1) - 1, so about half of all
	 * raw draws are rejected: the rejection path runs, and is the right
	 * one (the replay checks every result).  Both halves occur. */
	rej = uniform_replay(TWO_POW(DRAW_BITS - 1) + 1, 4000, TWO_POW(DRAW_BITS - 2),
			     &lo, &hi);
	assert_true(lo > 0 && hi > 0);
	assert_true(rej > 1000 && rej < 10000);
	print_message("# uniform(2^%d+1): %lu of %lu raw draws rejected\n",
		      DRAW_BITS - 1, rej, rej + 4000);

	/* 2^N - 1: only x = 0 is rejected; results span the range */
	uniform_replay(DRAW_BITS == 64 ? UINT64_MAX : UINT32_MAX, 4000,
		       TWO_POW(DRAW_BITS - 1), &lo, &hi);
	assert_true(lo > 0 && hi > 0);

#if DRAW_BITS == 64
	/* 2^32 + 1: values above 2^31 occur (32 bits are in play) */
	uniform_replay(TWO_POW(32) + 1, 4000, TWO_POW(31), &lo, &hi);
	assert_true(lo > 0 && hi > 0);
#else
	/* 2^32, the largest bound of 32-bit draws: every draw taken as it
	 * is (no rejection), both halves occur. */
	rej = uniform_replay(TWO_POW(32), 4000, TWO_POW(31), &lo, &hi);
	assert_int_equal(rej, 0);
	assert_true(lo > 0 && hi > 0);
	/* 2^32 + 1 and beyond cannot be drawn with 32 bits: refused by
	 * name, not reduced. */
	{
		uint64_t x = 7;

		assert_int_equal(kb_drbg_uniform(TWO_POW(32) + 1, &x, &diag), KB_ERANGE);
		assert_string_equal(diag.msg,
				    "crypto: uniform draw with bound 4294967297, above 2^32 (32-bit draws: CONFIG_PHYS_ADDR_32BIT)");
		assert_int_equal(x, 7);
		assert_int_equal(kb_drbg_uniform(UINT64_MAX, &x, &diag), KB_ERANGE);
	}
#endif
}

/* Chi-square goodness of fit of n draws below k to the uniform
 * distribution, against the critical value at p = 0.001 for k - 1 degrees
 * of freedom.  The DRBG is deterministic here, so this cannot flake: it
 * either always passes or always fails. */
static void chi_square(uint64_t k, double critical)
{
	enum { N = 100000 };
	unsigned long count[16] = { 0 };
	double expected = (double)N / (double)k, chi2 = 0, dlt;
	struct pattern p;
	uint64_t x;
	unsigned int i;

	assert_true(k <= 16);
	seed_pattern(&p, (unsigned char)(0x40 + k));
	for (i = 0; i < N; i++) {
		assert_int_equal(kb_drbg_uniform(k, &x, &diag), 0);
		assert_true(x < k);
		count[x]++;
	}
	for (i = 0; i < k; i++) {
		dlt = (double)count[i] - expected;
		chi2 += dlt * dlt / expected;
	}
	print_message("# uniform(%llu): chi-square %.3f over %d draws (df %llu, critical %.3f at p = 0.001)\n",
		      (unsigned long long)k, chi2, N,
		      (unsigned long long)(k - 1), critical);
	assert_true(chi2 < critical);
}

static void test_uniform_chi_square(void **state)
{
	(void)state;
	/* Upper 0.1 % points of the chi-square distribution (NIST/SEMATECH
	 * e-Handbook, table 1.3.6.7.4), df = bound - 1. */
	chi_square(2, 10.828);	/* df 1 */
	chi_square(3, 13.816);	/* df 2 */
	chi_square(7, 22.458);	/* df 6 */
	chi_square(10, 27.877);	/* df 9 */
}

/* ------------------------------------------------------------------ */
/* Known answers: mbedTLS's test_suite_ctr_drbg.data */

enum kat_mode { KAT_NO_RESEED, KAT_PR, KAT_RESEED_BETWEEN, KAT_RESEED_FIRST };

static const struct {
	const char *name;
	enum kat_mode mode;
	int nargs;
} kat_funcs[] = {
	{ "ctr_drbg_validate_no_reseed",	KAT_NO_RESEED,		5 },
	{ "ctr_drbg_validate_pr",		KAT_PR,			5 },
	{ "ctr_drbg_validate_reseed_between",	KAT_RESEED_BETWEEN,	6 },
	{ "ctr_drbg_validate_reseed_first",	KAT_RESEED_FIRST,	6 },
};

/* The depends_on symbols these vectors use, as this build has them. */
static const struct {
	const char *name;
	int defined;
} kat_symbols[] = {
#ifdef MBEDTLS_CTR_DRBG_USE_128_BIT_KEY
	{ "MBEDTLS_CTR_DRBG_USE_128_BIT_KEY", 1 },
#else
	{ "MBEDTLS_CTR_DRBG_USE_128_BIT_KEY", 0 },
#endif
#ifdef MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH
	{ "MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH", 1 },
#else
	{ "MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH", 0 },
#endif
	{ "MBEDTLS_CTR_DRBG_C", 1 },
	{ "MBEDTLS_AES_C", 1 },
};

#define KAT_MAX_ARGS 6

struct hex {
	unsigned char *x;
	size_t len;
};

struct kat {
	char desc[256];
	enum kat_mode mode;
	struct hex a[KAT_MAX_ARGS];
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses the "hex":"hex":... arguments of a test-case line into kt->a[]
 * (malloc'ed); 0 or -1. */
static int kat_parse_args(const char *s, struct kat *kt, int nargs)
{
	const char *q;
	size_t n, i;
	int k, h, l;

	for (k = 0; k < nargs; k++) {
		if (*s++ != '"')
			return -1;
		q = strchr(s, '"');
		if (q == NULL || (q - s) % 2 != 0)
			return -1;
		n = (size_t)(q - s) / 2;
		kt->a[k].len = n;
		kt->a[k].x = malloc(n + 1);
		assert_non_null(kt->a[k].x);
		for (i = 0; i < n; i++) {
			h = hexval(s[2 * i]);
			l = hexval(s[2 * i + 1]);
			if (h < 0 || l < 0)
				return -1;
			kt->a[k].x[i] = (unsigned char)(h << 4 | l);
		}
		s = q + 1;
		if (k + 1 < nargs && *s++ != ':')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

static void kat_free(struct kat *kt)
{
	int k;

	for (k = 0; k < KAT_MAX_ARGS; k++) {
		free(kt->a[k].x);
		kt->a[k].x = NULL;
		kt->a[k].len = 0;
	}
}

/* 1 if every depends_on:A:!B:... condition holds in this build, 0 if one
 * does not, -1 if a symbol is unknown here (the vector is skipped,
 * reported, and fails the test: a symbol a new mbedTLS version introduced
 * must be added to kat_symbols, or its vectors would silently stop
 * running). */
static int kat_deps_met(char *deps)
{
	char *tok, *save = NULL;
	int neg, defined, found, met = 1;
	size_t i;

	for (tok = strtok_r(deps, ":", &save); tok != NULL;
	     tok = strtok_r(NULL, ":", &save)) {
		neg = tok[0] == '!';
		if (neg)
			tok++;
		found = 0;
		defined = 0;
		for (i = 0; i < sizeof(kat_symbols) / sizeof(kat_symbols[0]); i++)
			if (strcmp(tok, kat_symbols[i].name) == 0) {
				found = 1;
				defined = kat_symbols[i].defined;
			}
		if (!found) {
			print_message("# CTR_DRBG KAT: unknown dependency %s\n", tok);
			return -1;
		}
		if (defined == neg)
			met = 0;
	}
	return met;
}

/* Replays one vector as ctr_drbg_validate_internal() in
 * test_suite_ctr_drbg.function does; 0 if the second output matches. */
static int kat_replay_mbedtls(const struct kat *kt)
{
	const struct hex *nonce = &kt->a[0], *entropy = &kt->a[1];
	const struct hex *add1 = &kt->a[2], *add2, *reseed = NULL, *result;
	mbedtls_ctr_drbg_context ctx;
	unsigned char buf[MBEDTLS_CTR_DRBG_MAX_REQUEST];
	struct stream src = { entropy->x, entropy->len, 0 };
	size_t chunk;
	int ret = -1;

	switch (kt->mode) {
	case KAT_NO_RESEED:
		chunk = entropy->len;
		add2 = &kt->a[3];
		result = &kt->a[4];
		break;
	case KAT_PR:
		chunk = entropy->len / 3;
		add2 = &kt->a[3];
		result = &kt->a[4];
		break;
	default:
		chunk = entropy->len / 2;
		reseed = &kt->a[3];
		add2 = &kt->a[4];
		result = &kt->a[5];
		break;
	}
	if (result->len > sizeof(buf))
		return -1;

	mbedtls_ctr_drbg_init(&ctx);
	mbedtls_ctr_drbg_set_entropy_len(&ctx, chunk);
	if (mbedtls_ctr_drbg_set_nonce_len(&ctx, 0) != 0)
		goto out;
	if (mbedtls_ctr_drbg_seed(&ctx, stream_entropy, &src,
				  nonce->x, nonce->len) != 0)
		goto out;
	if (kt->mode == KAT_PR)
		mbedtls_ctr_drbg_set_prediction_resistance(&ctx,
							   MBEDTLS_CTR_DRBG_PR_ON);
	if (kt->mode == KAT_RESEED_FIRST &&
	    mbedtls_ctr_drbg_reseed(&ctx, reseed->x, reseed->len) != 0)
		goto out;
	if (mbedtls_ctr_drbg_random_with_add(&ctx, buf, result->len,
					     add1->x, add1->len) != 0)
		goto out;
	if (kt->mode == KAT_RESEED_BETWEEN &&
	    mbedtls_ctr_drbg_reseed(&ctx, reseed->x, reseed->len) != 0)
		goto out;
	if (mbedtls_ctr_drbg_random_with_add(&ctx, buf, result->len,
					     add2->x, add2->len) != 0)
		goto out;
	ret = memcmp(buf, result->x, result->len) == 0 ? 0 : -1;
out:
	mbedtls_ctr_drbg_free(&ctx);
	return ret;
}

/* A vector without reseed or additional input, through the loader's API:
 * its seed material entropy || nonce||perso is what kb_drbg_seed() gathers
 * with entropy_len 32 (32 bytes, a 16-byte nonce, then the personalization
 * string), so the first 48 bytes go to the entropy callback and the rest
 * is the personalization.  1 if replayed and matching, 0 if the vector does
 * not fit the API, -1 on a mismatch. */
static int kat_replay_api(const struct kat *kt)
{
	static unsigned char material[MBEDTLS_CTR_DRBG_MAX_SEED_INPUT];
	static unsigned char buf[MBEDTLS_CTR_DRBG_MAX_REQUEST];
	const struct hex *nonce = &kt->a[0], *entropy = &kt->a[1];
	const struct hex *result = &kt->a[4];
	struct stream src;
	size_t total = entropy->len + nonce->len;

	if (kt->mode != KAT_NO_RESEED || kt->a[2].len != 0 ||
	    kt->a[3].len != 0 || total < 48 || total > sizeof(material) ||
	    result->len > sizeof(buf))
		return 0;
	memcpy(material, entropy->x, entropy->len);
	if (nonce->len)
		memcpy(material + entropy->len, nonce->x, nonce->len);
	src.p = material;
	src.len = 48;
	src.pos = 0;
	if (kb_drbg_seed(stream_entropy, &src, 32, material + 48, total - 48,
			 &diag) != 0 || src.pos != 48)
		return -1;
	if (kb_drbg_random(buf, result->len, &diag) != 0 ||
	    kb_drbg_random(buf, result->len, &diag) != 0)
		return -1;
	kb_drbg_wipe();
	return memcmp(buf, result->x, result->len) == 0 ? 1 : -1;
}

/* The start-up self-tests the loader runs (kb_crypto_selftest): our
 * CTR_DRBG known-answer test (the NIST vector of mbedTLS's self-test for
 * the mode the loader uses; mbedTLS's own, both vectors, passes too) and
 * our FIPS 180-4 SHA-256 one, one-shot and streamed.  Run twice: the
 * vector's entropy is handed out from its start each time. */
static void test_crypto_selftest(void **state)
{
	(void)state;
	assert_int_equal(mbedtls_ctr_drbg_self_test(0), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(kb_ctr_drbg_selftest(), 0);
		assert_int_equal(kb_sha256_selftest(), 0);
		assert_int_equal(kb_crypto_selftest(), 0);
	}
}

static void test_ctr_drbg_kat(void **state)
{
	const char *dir = getenv("KB_MBEDTLS_DIR");
	unsigned int run = 0, failed = 0, skipped = 0, unknown = 0;
	unsigned int api_run = 0, api_failed = 0, lineno = 0;
	char path[1024], *line = NULL, *colon, deps[512];
	int have_desc = 0, have_deps = 0, met, r;
	struct kat kt;
	size_t cap = 0, i, len;
	ssize_t n;
	FILE *f;

	(void)state;
	if (dir == NULL || dir[0] == '\0')
		fail_msg("KB_MBEDTLS_DIR is not set (the mbedTLS source tree, for tests/suites/test_suite_ctr_drbg.data)");
	snprintf(path, sizeof(path), "%s/tests/suites/test_suite_ctr_drbg.data",
		 dir);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);

	memset(&kt, 0, sizeof(kt));
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		len = (size_t)n;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0) {
			have_desc = have_deps = 0;
			continue;
		}
		if (!have_desc) {
			snprintf(kt.desc, sizeof(kt.desc), "%s", line);
			have_desc = 1;
			continue;
		}
		if (strncmp(line, "depends_on:", 11) == 0) {
			snprintf(deps, sizeof(deps), "%s", line + 11);
			have_deps = 1;
			continue;
		}
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		for (i = 0; i < sizeof(kat_funcs) / sizeof(kat_funcs[0]); i++)
			if (strcmp(line, kat_funcs[i].name) == 0)
				break;
		if (i == sizeof(kat_funcs) / sizeof(kat_funcs[0]))
			continue;	/* not a validation vector */

		kt.mode = kat_funcs[i].mode;
		met = have_deps ? kat_deps_met(deps) : 1;
		if (met <= 0) {
			skipped++;
			unknown += met < 0;
			continue;
		}
		if (kat_parse_args(colon + 1, &kt, kat_funcs[i].nargs) != 0) {
			kat_free(&kt);
			fail_msg("%s:%u: cannot parse the arguments of %s",
				 path, lineno, line);
		}
		run++;
		if (kat_replay_mbedtls(&kt) != 0) {
			failed++;
			print_message("# CTR_DRBG KAT FAILED: %s (line %u)\n",
				      kt.desc, lineno);
		}
		r = kat_replay_api(&kt);
		if (r != 0)
			api_run++;
		if (r < 0) {
			api_failed++;
			print_message("# CTR_DRBG KAT FAILED through kb_drbg_*: %s (line %u): %s\n",
				      kt.desc, lineno, diag.msg);
		}
		kat_free(&kt);
	}
	free(line);
	fclose(f);

	print_message("# CTR_DRBG KAT: %u vectors run, %u failed, %u skipped "
		      "(they need another key size; this build is AES-%d%s)\n",
		      run, failed, skipped,
		      MBEDTLS_CTR_DRBG_KEYBITS,
		      unknown ? "; some with unknown dependencies" : "");
	print_message("# CTR_DRBG KAT through kb_drbg_seed/random: %u vectors run, %u failed\n",
		      api_run, api_failed);
	assert_int_equal(failed, 0);
	assert_int_equal(api_failed, 0);
	if (unknown)
		fail_msg("%u CTR_DRBG vectors depend on symbols kat_symbols[] does not know", unknown);
	assert_true(run > 0);
	assert_true(api_run > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed_and_wipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_entropy_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_entropy_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unseeded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reseed_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uniform_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uniform_chi_square, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctr_drbg_kat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_selftest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
