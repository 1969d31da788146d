# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/arch/arm64/entry.o
loader-objs-y += loader/arch/arm64/arch.o
loader-objs-y += loader/arch/arm64/string.o
loader-objs-y += loader/arch/arm64/handoff.o
# the identity map (mmu.c) and its exception vectors
loader-objs-$(CONFIG_ARM64_MMU) += loader/arch/arm64/mmu.o loader/arch/arm64/vectors.o
