# SPDX-License-Identifier: BSD-2-Clause
# Test kernel, RISC-V: objects (relative to tests/kernel/) and the
# relocation types the Image's self-relocation applies.
tk-arch-objs += riscv/arch.o riscv/stack.o riscv/pmp_check.o
tk-elf-entry := riscv/entry-elf.o
tk-image-entry := riscv/entry-image.o
TK_ALLOWED_RELOCS := R_RISCV_RELATIVE R_RISCV_NONE
