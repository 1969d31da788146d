# SPDX-License-Identifier: BSD-2-Clause
# RISC-V toolchain settings.
#
# Compiling: riscv64-unknown-elf-gcc with Debian's picolibc (picolibc.specs).
# Linking: riscv64-unknown-elf-ld refuses -pie, so the loader is linked by
# the Linux-triplet ld from binutils-riscv64-linux-gnu (same binutils 2.40,
# same ELF objects); LD_PIE= overrides.

RISCV_LIB_MARCH = $(firstword $(subst _, ,$(CONFIG_RISCV_ISA)))
ARCH_CFLAGS = -march=$(CONFIG_RISCV_ISA) -mabi=$(CONFIG_RISCV_ABI) \
	-mcmodel=medany -mstrict-align --specs=picolibc.specs
ARCH_CPPFLAGS =
# CONFIG_RISCV_SAVE_RESTORE: prologues and epilogues call libgcc's
# save/restore millicode instead of storing each register inline.
ARCH_CFLAGS += $(if $(CONFIG_RISCV_SAVE_RESTORE),-msave-restore)

LD_PIE ?= $(patsubst %-unknown-elf-,%-linux-gnu-,$(CROSS_COMPILE))ld
# rv32: the riscv64 binutils link 32-bit objects with the elf32 emulation,
# and not as a PIE: Debian's picolibc rv32imac/ilp32 multilib is built for
# the medlow code model (lui + absolute R_RISCV_HI20), which cannot be part
# of a position-independent image.  The rv32 loader is an M-mode first
# stage that always runs at RISCV_COPY_TO_RAM, so it is linked there
# (docs/m-mode.md); its start-up code finds no run-time relocations.
ifeq ($(CONFIG_RISCV_ABI),ilp32)
ifneq ($(CONFIG_RISCV_M_MODE),y)
$(error rv32 (RISCV_ABI ilp32) is supported only for M-mode first-stage boards (RISCV_M_MODE))
endif
ARCH_LDFLAGS = -m elf32lriscv
KB_LDFLAGS := $(filter-out -pie --no-dynamic-linker,$(KB_LDFLAGS)) -no-pie
ARCH_LDS_CPPFLAGS = -DKB_LINK_BASE=$(CONFIG_RISCV_COPY_TO_RAM)
endif
PICOLIBC_DIR ?= /usr/lib/picolibc/riscv64-unknown-elf
RISCV_MULTIDIR = $(shell $(CC) -march=$(RISCV_LIB_MARCH) -mabi=$(CONFIG_RISCV_ABI) -print-multi-directory)
LIBC = $(PICOLIBC_DIR)/lib/$(RISCV_MULTIDIR)/libc.a
LIBGCC = $(shell $(CC) -march=$(RISCV_LIB_MARCH) -mabi=$(CONFIG_RISCV_ABI) -print-libgcc-file-name)
# No printf from picolibc: the loader formats with its own kb_snprintf
# (loader/lib/fmt.c; scripts/check-libc-printf.sh fails the link if the C
# library's comes back).  No __global_pointer$ is defined in the linker
# script, so ld never relaxes accesses to gp-relative (gp is not set).

# The only run-time relocations the start-up code (entry.S) applies.
ARCH_ALLOWED_RELOCS = R_RISCV_RELATIVE R_RISCV_NONE
