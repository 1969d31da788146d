host-tests += load_noimage
# kb_load_payload() as a loader with no Image format builds it (Cortex-M,
# the mcu profile): test_load.c's ELF tests and test_no_image().
test-load_noimage-srcs = $(test-load-srcs)
test-load_noimage-mbedtls = $(test-load-mbedtls)
test-load_noimage-cflags := -DKB_PAYLOAD_HAS_RISCV_IMAGE=0 -DKB_PAYLOAD_HAS_ARM64_IMAGE=0
