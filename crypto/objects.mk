# SPDX-License-Identifier: BSD-2-Clause
# mbedTLS from $(MBEDTLS_DIR) with kaslrboot's minimal configuration.
MBEDTLS_CPPFLAGS = -I$(MBEDTLS_DIR)/include \
	-DMBEDTLS_CONFIG_FILE='"$(srctree)/crypto/mbedtls_config.h"'
mbedtls-objs-y += aes.o ctr_drbg.o sha256.o platform_util.o
# CONFIG_SHA256_ARMV8_CE_ONLY: sha256.c uses NEON intrinsics and the SHA-256
# instructions (mbedTLS adds "+crypto" itself with #pragma GCC target), so
# it alone may use the SIMD registers.
# CONFIG_ARM64_MMU: mbedTLS only ever runs with the MMU on (step 1 and
# later), on Normal memory, so it may use unaligned accesses: without
# -mstrict-align GCC loads the message a word at a time instead of byte by
# byte (arm64 SHA-256 with the instructions: 7.6 -> 3.1
# instructions per payload byte in make bench).  Nothing before the MMU calls it, and the
# test kernel does not link it.
MBEDTLS_ARCH_CFLAGS = $(ARCH_CFLAGS)
ifeq ($(CONFIG_ARCH_ARM64)$(CONFIG_ARM64_MMU),yy)
MBEDTLS_ARCH_CFLAGS := $(filter-out -mstrict-align,$(MBEDTLS_ARCH_CFLAGS))
endif
# And at -O3: GCC then unrolls the 64 rounds of the block loop and keeps
# the round constants in registers, 136 -> about 100 instructions per
# 64-byte block (make bench, qemu-virt-aarch64-bios: the load 3.07 -> 2.64
# instructions per byte of the test kernel; sha256.o some 900 bytes
# larger).
ifeq ($(CONFIG_SHA256_ARMV8_CE_ONLY),y)
$(O)/mbedtls/sha256.o: MBEDTLS_ARCH_CFLAGS := $(filter-out -mgeneral-regs-only,$(MBEDTLS_ARCH_CFLAGS)) -O3
endif
# CONFIG_AES_ARMV8_CE_ONLY: aesce.c (NEON intrinsics and the AES
# instructions, "+crypto" by its own pragma) and aes.c (which calls it, and
# whose aesce.h wants __ARM_NEON) may use the SIMD registers, as sha256.c
# above.
ifeq ($(CONFIG_AES_ARMV8_CE_ONLY),y)
mbedtls-objs-y += aesce.o
$(O)/mbedtls/aesce.o $(O)/mbedtls/aes.o: MBEDTLS_ARCH_CFLAGS := $(filter-out -mgeneral-regs-only,$(MBEDTLS_ARCH_CFLAGS))
endif
loader-objs-y += crypto/crypto.o crypto/drbg.o crypto/health.o
loader-objs-$(CONFIG_SHA256_KB_BLOCK) += crypto/sha256_block.o
$(O)/crypto/%.o: KB_CPPFLAGS += $(MBEDTLS_CPPFLAGS)
