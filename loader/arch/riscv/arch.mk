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
PICOLIBC_DIR ?= /usr/lib/picolibc/riscv64-unknown-elf
RISCV_MULTIDIR = $(shell $(CC) -march=$(RISCV_LIB_MARCH) -mabi=$(CONFIG_RISCV_ABI) -print-multi-directory)
LIBC = $(PICOLIBC_DIR)/lib/$(RISCV_MULTIDIR)/libc.a
LIBGCC = $(shell $(CC) -march=$(RISCV_LIB_MARCH) -mabi=$(CONFIG_RISCV_ABI) -print-libgcc-file-name)
# integer-only printf from picolibc.  No __global_pointer$ is defined in the
# linker script, so ld never relaxes accesses to gp-relative (gp is not set).
LIBC_LDFLAGS = --undefined=__i_vfprintf --defsym=vfprintf=__i_vfprintf

# The only run-time relocations the start-up code (entry.S) applies.
ARCH_ALLOWED_RELOCS = R_RISCV_RELATIVE R_RISCV_NONE
