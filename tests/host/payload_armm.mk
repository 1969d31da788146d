host-tests += payload_armm
# The payload parsers and the relocation engine as a Cortex-M loader
# builds them (payload.h: EM_ARM and ELFCLASS32 only, no RELR, no Image
# format): test_payload.c's Arm tests and test_arm_m_only().
test-payload_armm-srcs := tests/host/test_payload.c loader/lib/elf.c loader/lib/image.c \
	loader/lib/reloc.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-payload_armm-cflags := -DKB_PAYLOAD_FOR_RISCV=0 -DKB_PAYLOAD_FOR_AARCH64=0 \
	-DKB_PAYLOAD_ELF64=0 -DKB_PAYLOAD_HAS_RELR=0 \
	-DKB_PAYLOAD_HAS_RISCV_IMAGE=0 -DKB_PAYLOAD_HAS_ARM64_IMAGE=0
