/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot's SHA-256 compression functions (crypto/sha256_block.c): one
 * 64-byte block into state[8] (FIPS 180-4 6.2.2).  data may be at any
 * alignment.  Used by the loader's mbedTLS through
 * MBEDTLS_SHA256_PROCESS_ALT (CONFIG_SHA256_KB_BLOCK); everything else
 * calls <kaslrboot/sha256.h>.
 */
#ifndef KASLRBOOT_SHA256_BLOCK_H
#define KASLRBOOT_SHA256_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Portable C, unrolled. */
void kb_sha256_block_c(uint32_t state[8], const uint8_t *data);

/* With the Zknh instructions (RISC-V with CONFIG_SHA256_RISCV_ZKNH_*;
 * on the host, with the instructions emulated in C). */
void kb_sha256_block_zknh(uint32_t state[8], const uint8_t *data);

#if defined(KB_HOST_TEST)
/* The host emulation of sha256sum0/sum1/sig0/sig1 (RV64 semantics). */
uint64_t kb_emu_sha256sum0(uint64_t rs1);
uint64_t kb_emu_sha256sum1(uint64_t rs1);
uint64_t kb_emu_sha256sig0(uint64_t rs1);
uint64_t kb_emu_sha256sig1(uint64_t rs1);
#endif

/* Which compression function the loader's mbedTLS calls: Zknh when
 * use_zknh (and the build has it), else portable C.  Returns the name
 * logged at boot, e.g. "Zknh instructions (sha256sum0/sum1/sig0/sig1)". */
const char *kb_sha256_block_select(bool use_zknh);

#endif
