host-tests += load
test-load-srcs := tests/host/test_load.c loader/lib/load.c loader/lib/container.c \
	loader/lib/elf.c loader/lib/image.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-load-mbedtls := sha256 platform_util
