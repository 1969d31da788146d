# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/arch/riscv/entry.o
loader-objs-y += loader/arch/riscv/sbi.o
loader-objs-y += loader/arch/riscv/arch.o
loader-objs-y += loader/arch/riscv/seed.o
loader-objs-y += loader/arch/riscv/handoff.o
loader-objs-y += loader/arch/riscv/string.o
