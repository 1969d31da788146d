host-tests += payload_rv32
# The payload parsers and the relocation engine as an rv32 loader builds
# them (payload.h: EM_RISCV and ELFCLASS32 only, so 32-bit relocation
# words; RELR; 32-bit addresses): test_payload.c's ELF32 tests.
test-payload_rv32-srcs := tests/host/test_payload.c loader/lib/elf.c loader/lib/image.c \
	loader/lib/reloc.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-payload_rv32-cflags := -DKB_PAYLOAD_FOR_AARCH64=0 -DKB_PAYLOAD_FOR_ARM=0 \
	-DKB_PAYLOAD_ELF64=0 -DKB_PAYLOAD_HAS_ARM64_IMAGE=0 -DCONFIG_PHYS_ADDR_32BIT=1
