# SPDX-License-Identifier: BSD-2-Clause
# Arm Cortex-M toolchain settings (docs/cortex-m.md).
#
# arm-none-eabi-gcc (Debian gcc-arm-none-eabi), Thumb, no FPU, with the C
# library Kconfig chose: newlib-nano (libnewlib-arm-none-eabi:
# --specs=nano.specs, libc_nano.a) or picolibc.  Both are linked from the
# multilib -print-multi-directory names for -mcpu (cortex-m0:
# thumb/v6-m/nofp).
#
# The loader runs in place from flash at a fixed address (the reset
# vector table is at FLASH_BASE), so it is linked there, not as a PIE:
# a microcontroller's flash is memory-mapped and executable, so copying
# the code to SRAM would only spend SRAM the payload could have.
ARM_M_CPU = $(patsubst "%",%,$(CONFIG_ARM_M_CPU))
ARM_M_FLAGS = -mcpu=$(ARM_M_CPU) -mthumb -mfloat-abi=soft
ifeq ($(CONFIG_LIBC_PICOLIBC),y)
ARM_M_SPECS = --specs=picolibc.specs
else
ARM_M_SPECS = --specs=nano.specs
endif
ARCH_CFLAGS = $(ARM_M_FLAGS) $(ARM_M_SPECS)
# -ffreestanding makes GCC's <stdint.h> its own (stdint-gcc.h), which
# does not set the macros newlib's <inttypes.h> guards its 64-bit PRI*
# macros with; the types are the same (int64_t is long long either way).
ARCH_CPPFLAGS = $(if $(CONFIG_LIBC_PICOLIBC),,-D__int64_t_defined=1 \
	-D__int_least64_t_defined=1 -D__int_fast64_t_defined=1)
KB_CFLAGS := $(filter-out -fPIE,$(KB_CFLAGS)) -fno-pie
KB_LDFLAGS := $(filter-out -pie --no-dynamic-linker,$(KB_LDFLAGS)) -no-pie
LD_PIE ?= $(CROSS_COMPILE)ld
ARCH_LDFLAGS =
ARCH_LDS_CPPFLAGS =
ARM_M_MULTIDIR = $(shell $(CC) $(ARM_M_FLAGS) -print-multi-directory)
ifeq ($(CONFIG_LIBC_PICOLIBC),y)
LIBC = $(shell $(CC) $(ARM_M_FLAGS) $(ARM_M_SPECS) -print-file-name=libc.a)
else
LIBC = $(shell $(CC) $(ARM_M_FLAGS) -print-file-name=libc_nano.a)
endif
LIBGCC = $(shell $(CC) $(ARM_M_FLAGS) -print-libgcc-file-name)
LIBC_LDFLAGS =
# Linked at its run address: no run-time relocations at all.
ARCH_ALLOWED_RELOCS = R_ARM_NONE
