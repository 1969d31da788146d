host-tests += drbg
test-drbg-srcs := tests/host/test_drbg.c crypto/drbg.c crypto/crypto.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-drbg-mbedtls := aes ctr_drbg sha256 platform_util
