# SPDX-License-Identifier: BSD-2-Clause
# arm64 toolchain settings.
#
# Compiling and linking: aarch64-linux-gnu-gcc / -ld (Debian's cross
# toolchain) with Debian's picolibc for aarch64 (picolibc.specs).
#
# With CONFIG_ARM64_MMU (the default) the loader runs on an identity map
# with the caches on (mmu.c) and links picolibc's speed-optimized build
# ("release": Arm's optimized-routines memcpy/memset/strlen..., which use
# unaligned accesses, SIMD registers and DC ZVA: fine on Normal memory).
# Without it every data access is to Device-nGnRnE memory, where those
# fault: then our own string functions (string.c) and the size-optimized
# library.  The C code is compiled -mstrict-align either way: mmu.c and
# the start of arch.c run before the MMU is on (libfdt and mbedTLS,
# which run only after, are not: see below and crypto/objects.mk).

ARCH_CFLAGS = -mgeneral-regs-only -mstrict-align -mcmodel=small \
	-fno-omit-frame-pointer --specs=picolibc.specs \
	$(if $(CONFIG_ARM64_MMU),--picolibc-buildtype=release)
ARCH_CPPFLAGS =
# libfdt runs only with the MMU on (step 0 and later; kb_mmu_early() reads
# the tree's header itself), on Normal memory: without -mstrict-align GCC
# loads each big-endian cell with one ldr + rev instead of four ldrb and
# three orr, and then inlines fdt32_ld(), which every tag of every walk
# calls several times (make bench, qemu-virt-aarch64-bios: the fixed part
# -1.4 M instructions, 128 B less text).  The test kernel, which runs with
# the MMU off, links its own strict-alignment copy (tests/kernel/kernel.mk).
# fdt.c (fdt_next_tag(), fdt_offset_ptr(): the tag walker under every
# lookup) at -O2: -1.0 M more for no growth in text.
ifeq ($(CONFIG_ARM64_MMU),y)
LIBFDT_ARCH_CFLAGS = $(filter-out -mstrict-align,$(ARCH_CFLAGS))
$(O)/libfdt/fdt.o: LIBFDT_ARCH_CFLAGS += -O2
endif

LD_PIE ?= $(CROSS_COMPILE)ld
PICOLIBC_DIR ?= /usr/lib/picolibc/aarch64-linux-gnu
LIBC = $(PICOLIBC_DIR)/lib/$(if $(CONFIG_ARM64_MMU),release/)libc.a
# The test kernel runs with the MMU off: plain string functions (its own
# copy of string.c) and the size-optimized library.
TK_LIBC = $(PICOLIBC_DIR)/lib/libc.a
LIBGCC = $(shell $(CC) -print-libgcc-file-name)
# No printf from picolibc: the loader formats with its own kb_snprintf
# (loader/lib/fmt.c; scripts/check-libc-printf.sh).

# The only run-time relocations the start-up code (entry.S) applies.
ARCH_ALLOWED_RELOCS = R_AARCH64_RELATIVE R_AARCH64_NONE
