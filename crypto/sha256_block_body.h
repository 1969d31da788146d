/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The body of one SHA-256 compression function, included by
 * sha256_block.c once per variant with BLOCK_FN, SUM0, SUM1, SIG0, SIG1
 * defined (FIPS 180-4: Sigma0, Sigma1, sigma0, sigma1).
 *
 * 16 rounds per loop pass, unrolled; the working variables rotate by
 * renaming, so after 8 rounds they are back in place.  W holds the 16
 * words of the message schedule in use; between passes it is advanced by
 * 16 words in place (W[t] for t = 16..63 depends on W[t-16..t-1] only).
 */
#define CH(e, f, g)	((((f) ^ (g)) & (e)) ^ (g))
#define ROUND(a, b, c, d, e, f, g, h, i) do { \
	uint32_t t1_ = h + SUM1(e) + CH(e, f, g) + k[i] + w[i]; \
	uint32_t ab_ = a ^ b; \
	d += t1_; \
	h = t1_ + SUM0(a) + ((ab_ & bc) ^ b); \
	bc = ab_; \
} while (0)
#define ROUNDS8(i) do { \
	ROUND(a, b, c, d, e, f, g, h, (i) + 0); \
	ROUND(h, a, b, c, d, e, f, g, (i) + 1); \
	ROUND(g, h, a, b, c, d, e, f, (i) + 2); \
	ROUND(f, g, h, a, b, c, d, e, (i) + 3); \
	ROUND(e, f, g, h, a, b, c, d, (i) + 4); \
	ROUND(d, e, f, g, h, a, b, c, (i) + 5); \
	ROUND(c, d, e, f, g, h, a, b, (i) + 6); \
	ROUND(b, c, d, e, f, g, h, a, (i) + 7); \
} while (0)
/* W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], with
 * w[i] = W[t-16] for t = 16 * pass + i. */
#define SCHED(i) \
	(w[i] += SIG1(w[((i) + 14) & 15]) + w[((i) + 9) & 15] + SIG0(w[((i) + 1) & 15]))

BLOCK_ATTR void BLOCK_FN(uint32_t state[8], const uint8_t *data)
{
	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	uint32_t bc = b ^ c, w[16];
	const uint32_t *k = K;

	load_block(w, data);
	for (;;) {
		ROUNDS8(0);
		ROUNDS8(8);
		k += 16;
		if (k == K + 64)
			break;
		SCHED(0); SCHED(1); SCHED(2); SCHED(3);
		SCHED(4); SCHED(5); SCHED(6); SCHED(7);
		SCHED(8); SCHED(9); SCHED(10); SCHED(11);
		SCHED(12); SCHED(13); SCHED(14); SCHED(15);
	}
	state[0] += a; state[1] += b; state[2] += c; state[3] += d;
	state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

#undef CH
#undef ROUND
#undef ROUNDS8
#undef SCHED
