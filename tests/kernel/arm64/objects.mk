# SPDX-License-Identifier: BSD-2-Clause
# Test kernel, arm64: objects (relative to tests/kernel/) and the
# relocation types the Image's self-relocation applies.  string.o: the
# loader's MMU-off-safe string functions (no unaligned access, no DC ZVA).
tk-arch-objs += arm64/arch.o arm64/stack.o arm64/string.o
tk-elf-entry := arm64/entry-elf.o
tk-image-entry := arm64/entry-image.o
TK_ALLOWED_RELOCS := R_AARCH64_RELATIVE R_AARCH64_NONE
