# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/arch/riscv/entry.o
loader-objs-y += loader/arch/riscv/sbi.o
loader-objs-y += loader/arch/riscv/arch.o
loader-objs-y += loader/arch/riscv/seed.o
loader-objs-y += loader/arch/riscv/handoff.o
loader-objs-y += loader/arch/riscv/string.o
loader-objs-$(CONFIG_RISCV_PMP_LOCK) += loader/arch/riscv/pmp.o loader/lib/pmp.o
# memcpy/memset: the compiler emits calls to them after link-time
# optimization, so they must stay ordinary (non-LTO) objects.
$(O)/loader/arch/riscv/string.o: KB_CFLAGS += -fno-lto
# rv32: 64-bit division without libgcc's 1.7 KiB __udivdi3/__umoddi3
# (loader/lib/udiv64.c); ordinary objects, as string.o, for the same reason.
ifeq ($(CONFIG_RISCV_ABI),ilp32)
loader-objs-y += loader/lib/udiv64.o
$(O)/loader/lib/udiv64.o: KB_CFLAGS += -fno-lto
endif
