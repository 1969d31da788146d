# SPDX-License-Identifier: BSD-2-Clause
# mbedTLS from $(MBEDTLS_DIR) with kaslrboot's minimal configuration.
MBEDTLS_CPPFLAGS = -I$(MBEDTLS_DIR)/include \
	-DMBEDTLS_CONFIG_FILE='"$(srctree)/crypto/mbedtls_config.h"'
mbedtls-objs-y += aes.o ctr_drbg.o sha256.o platform_util.o
# CONFIG_SHA256_ARMV8_CE_ONLY: sha256.c uses NEON intrinsics and the SHA-256
# instructions (mbedTLS adds "+crypto" itself with #pragma GCC target), so
# it alone may use the SIMD registers; -mstrict-align stays.
ifeq ($(CONFIG_SHA256_ARMV8_CE_ONLY),y)
$(O)/mbedtls/sha256.o: ARCH_CFLAGS := $(filter-out -mgeneral-regs-only,$(ARCH_CFLAGS))
endif
loader-objs-y += crypto/crypto.o crypto/drbg.o crypto/health.o
$(O)/crypto/%.o: KB_CPPFLAGS += $(MBEDTLS_CPPFLAGS)
