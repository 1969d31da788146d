# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/arch/arm64/entry.o
loader-objs-y += loader/arch/arm64/arch.o
loader-objs-y += loader/arch/arm64/handoff.o
# the identity map (mmu.c) and its exception vectors; without it, string
# functions that work on Device memory
loader-objs-$(CONFIG_ARM64_MMU) += loader/arch/arm64/mmu.o loader/arch/arm64/vectors.o
ifneq ($(CONFIG_ARM64_MMU),y)
loader-objs-y += loader/arch/arm64/string.o
endif
# Never in LTO: memcpy/memset calls the compiler generates at link time
# must resolve to ordinary symbols (CONFIG_LTO).
$(O)/loader/arch/arm64/string.o: KB_CFLAGS += -fno-lto
