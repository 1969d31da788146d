# SPDX-License-Identifier: BSD-2-Clause
# mbedTLS from $(MBEDTLS_DIR) with kaslrboot's minimal configuration.
MBEDTLS_CPPFLAGS = -I$(MBEDTLS_DIR)/include \
	-DMBEDTLS_CONFIG_FILE='"$(srctree)/crypto/mbedtls_config.h"'
mbedtls-objs-y += aes.o ctr_drbg.o sha256.o platform_util.o
loader-objs-y += crypto/crypto.o crypto/drbg.o crypto/health.o
$(O)/crypto/%.o: KB_CPPFLAGS += $(MBEDTLS_CPPFLAGS)
