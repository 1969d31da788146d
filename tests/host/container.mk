host-tests += container
test-container-srcs := tests/host/test_container.c loader/lib/container.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-container-mbedtls := sha256 platform_util
