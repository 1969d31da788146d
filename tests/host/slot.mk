host-tests += slot
test-slot-srcs := tests/host/test_slot.c loader/lib/slot.c loader/lib/load.c loader/lib/container.c \
	loader/lib/elf.c loader/lib/image.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-slot-mbedtls := sha256 platform_util
