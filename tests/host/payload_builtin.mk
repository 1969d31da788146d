host-tests += payload_builtin
# The payload parsers built as a loader without ELF and arm64 Image
# support (CONFIG_PAYLOAD_ELF=n, CONFIG_PAYLOAD_ARM64_IMAGE=n).
test-payload_builtin-srcs := tests/host/test_payload_builtin.c loader/lib/elf.c \
	loader/lib/image.c loader/lib/reloc.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-payload_builtin-cflags := -DKB_PAYLOAD_HAS_ELF=0 -DKB_PAYLOAD_HAS_ARM64_IMAGE=0
