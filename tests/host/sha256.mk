host-tests += sha256
test-sha256-srcs := tests/host/test_sha256.c crypto/sha256_block.c
test-sha256-mbedtls := sha256 platform_util
