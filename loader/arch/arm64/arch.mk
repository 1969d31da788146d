# SPDX-License-Identifier: BSD-2-Clause
# arm64 toolchain settings.
#
# Compiling and linking: aarch64-linux-gnu-gcc / -ld (Debian's cross
# toolchain) with Debian's picolibc for aarch64 (picolibc.specs).
#
# The loader runs with the MMU off: every data access is to Device-nGnRnE
# memory, where an unaligned access faults whatever SCTLR.A says.  Hence
# -mstrict-align, general registers only, and our own string functions
# (string.c) instead of picolibc's optimized ones (unaligned loads, DC ZVA).

ARCH_CFLAGS = -mgeneral-regs-only -mstrict-align -mcmodel=small \
	-fno-omit-frame-pointer --specs=picolibc.specs
ARCH_CPPFLAGS =

LD_PIE ?= $(CROSS_COMPILE)ld
PICOLIBC_DIR ?= /usr/lib/picolibc/aarch64-linux-gnu
LIBC = $(PICOLIBC_DIR)/lib/libc.a
LIBGCC = $(shell $(CC) -print-libgcc-file-name)
# integer-only printf from picolibc.
LIBC_LDFLAGS = --undefined=__i_vfprintf --defsym=vfprintf=__i_vfprintf

# The only run-time relocations the start-up code (entry.S) applies.
ARCH_ALLOWED_RELOCS = R_AARCH64_RELATIVE R_AARCH64_NONE
