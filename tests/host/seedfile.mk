host-tests += seedfile
test-seedfile-srcs := tests/host/test_seedfile.c loader/lib/seedfile.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-seedfile-mbedtls := sha256 platform_util
