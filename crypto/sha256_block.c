// SPDX-License-Identifier: BSD-2-Clause
/*
 * The SHA-256 compression function (FIPS 180-4 section 6.2.2), for the
 * payload hash: every byte of the payload goes through it once, so on a
 * CPU without SHA-256 instructions it is most of a boot's instructions.
 *
 * Two variants of one body (sha256_block_body.h):
 *  - kb_sha256_block_c(): portable C, 16 rounds unrolled per loop pass
 *    with the message schedule updated in a rolling 16-word window.  On
 *    rv64 without Zbb a 32-bit rotation costs three instructions; the
 *    Sigma functions instead duplicate the word into both halves of a
 *    64-bit register once (three instructions) and shift that (one each).
 *  - kb_sha256_block_zknh(): the same rounds with the RISC-V scalar
 *    crypto instructions sha256sum0/sum1/sig0/sig1 (Zknh).  On the host
 *    (KB_HOST_TEST) the four instructions are emulated in C as the Zknh
 *    specification defines them (the low 32 bits of rs1, the result
 *    sign-extended to XLEN), so the host tests run this code path too.
 *
 * With CONFIG_SHA256_KB_BLOCK the loader's mbedTLS is built with
 * MBEDTLS_SHA256_PROCESS_ALT and mbedtls_internal_sha256_process() below
 * calls one of them; the rest of SHA-256 (padding, length, streaming) stays
 * mbedTLS's.  Pure module: builds for the host (tests/host/test_sha256.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/sha256_block.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Big-endian 32-bit load, byte by byte: correct at any alignment under
 * -mstrict-align, and no more instructions than an aligned load plus a
 * byte swap without Zbb. */
static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The block's 16 big-endian words.  64-bit: where data is 8-byte aligned
 * (the loader hashes its RAM copy, which is), one load and a byte swap
 * of both halves at once (about 6.5 instructions per word without Zbb,
 * against 10 for four byte loads). */
static inline void load_block(uint32_t w[16], const uint8_t *data)
{
#if UINTPTR_MAX > 0xffffffffu && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (((uintptr_t)data & 7) == 0) {
		const uint64_t m8 = 0x00ff00ff00ff00ffull, m16 = 0x0000ffff0000ffffull;

		for (unsigned int i = 0; i < 16; i += 2) {
			uint64_t x = ((const uint64_t *)(const void *)data)[i / 2];

			/* little-endian load: w[i] is the low half, swapped */
			x = ((x & m8) << 8) | ((x >> 8) & m8);
			x = ((x & m16) << 16) | ((x >> 16) & m16);
			w[i] = (uint32_t)x;
			w[i + 1] = (uint32_t)(x >> 32);
		}
		return;
	}
#endif
	for (unsigned int i = 0; i < 16; i++)
		w[i] = be32(data + 4 * i);
}

/* ---- portable C ---- */

#if UINTPTR_MAX > 0xffffffffu
/* 64-bit registers: rotate by shifting a doubled word (x:x). */
#define DUP(x)		({ uint64_t t_ = (uint64_t)(x) << 32; t_ | (t_ >> 32); })
#define ROT3(x, a, b, c) ({ uint64_t d_ = DUP(x); \
			(uint32_t)((d_ >> (a)) ^ (d_ >> (b)) ^ (d_ >> (c))); })
#define ROT2SHR(x, a, b, c) ({ uint64_t d_ = DUP(x); \
			(uint32_t)((d_ >> (a)) ^ (d_ >> (b))) ^ ((uint32_t)(x) >> (c)); })
#else
static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return x >> n | x << (32 - n);
}
#define ROT3(x, a, b, c)	(ror32((x), (a)) ^ ror32((x), (b)) ^ ror32((x), (c)))
#define ROT2SHR(x, a, b, c)	(ror32((x), (a)) ^ ror32((x), (b)) ^ ((uint32_t)(x) >> (c)))
#endif

#define C_SUM0(x)	ROT3((x), 2, 13, 22)
#define C_SUM1(x)	ROT3((x), 6, 11, 25)
#define C_SIG0(x)	ROT2SHR((x), 7, 18, 3)
#define C_SIG1(x)	ROT2SHR((x), 17, 19, 10)

#define BLOCK_FN	kb_sha256_block_c
#define BLOCK_ATTR
#define SUM0		C_SUM0
#define SUM1		C_SUM1
#define SIG0		C_SIG0
#define SIG1		C_SIG1
#include "sha256_block_body.h"

/* ---- Zknh ---- */

#if defined(KB_HOST_TEST)
/* The instructions as the Zknh specification (scalar crypto v1.0.1,
 * section 3) defines them for RV64: the low 32 bits of rs1, the 32-bit
 * result sign-extended.  Written independently of the C variant above. */
static inline uint32_t emu_ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint64_t sext32(uint32_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

uint64_t kb_emu_sha256sum0(uint64_t rs1)
{
	uint32_t x = (uint32_t)rs1;

	return sext32(emu_ror(x, 2) ^ emu_ror(x, 13) ^ emu_ror(x, 22));
}

uint64_t kb_emu_sha256sum1(uint64_t rs1)
{
	uint32_t x = (uint32_t)rs1;

	return sext32(emu_ror(x, 6) ^ emu_ror(x, 11) ^ emu_ror(x, 25));
}

uint64_t kb_emu_sha256sig0(uint64_t rs1)
{
	uint32_t x = (uint32_t)rs1;

	return sext32(emu_ror(x, 7) ^ emu_ror(x, 18) ^ (x >> 3));
}

uint64_t kb_emu_sha256sig1(uint64_t rs1)
{
	uint32_t x = (uint32_t)rs1;

	return sext32(emu_ror(x, 17) ^ emu_ror(x, 19) ^ (x >> 10));
}

#define Z_SUM0(x)	((uint32_t)kb_emu_sha256sum0(x))
#define Z_SUM1(x)	((uint32_t)kb_emu_sha256sum1(x))
#define Z_SIG0(x)	((uint32_t)kb_emu_sha256sig0(x))
#define Z_SIG1(x)	((uint32_t)kb_emu_sha256sig1(x))
#define HAVE_ZKNH_BLOCK 1
#elif defined(__riscv) && defined(CONFIG_SHA256_RISCV_ZKNH_POSSIBLE) && CONFIG_SHA256_RISCV_ZKNH_POSSIBLE
/* The instructions, whatever -march says: only this function executes
 * them, and only when the CPU has them (kb_sha256_block_select()). */
#define ZKNH_INSN(name, x) ({ long r_; \
	__asm__(".option push\n\t.option arch, +zknh\n\t" name " %0, %1\n\t.option pop" \
		: "=r"(r_) : "r"((long)(int32_t)(x))); (uint32_t)r_; })
#define Z_SUM0(x)	ZKNH_INSN("sha256sum0", (x))
#define Z_SUM1(x)	ZKNH_INSN("sha256sum1", (x))
#define Z_SIG0(x)	ZKNH_INSN("sha256sig0", (x))
#define Z_SIG1(x)	ZKNH_INSN("sha256sig1", (x))
#define HAVE_ZKNH_BLOCK 1
#endif

#if defined(HAVE_ZKNH_BLOCK)
#undef BLOCK_FN
#undef BLOCK_ATTR
#define BLOCK_ATTR __attribute__((optimize("O2")))
#undef SUM0
#undef SUM1
#undef SIG0
#undef SIG1
#define BLOCK_FN	kb_sha256_block_zknh
#define SUM0		Z_SUM0
#define SUM1		Z_SUM1
#define SIG0		Z_SIG0
#define SIG1		Z_SIG1
#include "sha256_block_body.h"
#endif

/* ---- the loader's mbedTLS: MBEDTLS_SHA256_PROCESS_ALT ---- */

#if defined(CONFIG_SHA256_KB_BLOCK) && CONFIG_SHA256_KB_BLOCK
#define MBEDTLS_ALLOW_PRIVATE_ACCESS
#include <mbedtls/sha256.h>

#if !defined(MBEDTLS_SHA256_PROCESS_ALT)
#error "CONFIG_SHA256_KB_BLOCK needs MBEDTLS_SHA256_PROCESS_ALT (crypto/mbedtls_config.h)"
#endif

#if defined(CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT) && CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT
/* Portable C until kb_sha256_block_select() has seen the CPU. */
static bool use_zknh;
#endif

const char *kb_sha256_block_select(bool zknh)
{
#if defined(CONFIG_SHA256_RISCV_ZKNH_ONLY) && CONFIG_SHA256_RISCV_ZKNH_ONLY
	(void)zknh;
	return "Zknh instructions (sha256sum0/sum1/sig0/sig1), unconditionally";
#elif defined(CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT) && CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT
	use_zknh = zknh;
	return zknh ? "Zknh instructions (sha256sum0/sum1/sig0/sig1): the boot hart lists zknh" :
		"kaslrboot's unrolled C (the boot hart does not list zknh)";
#else
	(void)zknh;
	return "kaslrboot's unrolled C";
#endif
}

/* mbedTLS calls this for every 64-byte block (sha256.c). */
int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx,
				    const unsigned char data[64])
{
#if defined(CONFIG_SHA256_RISCV_ZKNH_ONLY) && CONFIG_SHA256_RISCV_ZKNH_ONLY
	kb_sha256_block_zknh(ctx->state, data);
#elif defined(CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT) && CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT
	if (use_zknh)
		kb_sha256_block_zknh(ctx->state, data);
	else
		kb_sha256_block_c(ctx->state, data);
#else
	kb_sha256_block_c(ctx->state, data);
#endif
	return 0;
}
#endif
