# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/arch/arm-m/entry.o
loader-objs-y += loader/arch/arm-m/arch.o
loader-objs-y += loader/arch/arm-m/handoff.o
loader-objs-y += loader/arch/arm-m/syscalls.o
# newlib-nano's printf family has no long long: printf.c replaces
# vsnprintf/snprintf (picolibc's integer printf has it).
loader-objs-$(CONFIG_LIBC_NEWLIB_NANO) += loader/arch/arm-m/printf.o
# What the compiler may call after link-time optimization must stay an
# ordinary object.
$(O)/loader/arch/arm-m/syscalls.o $(O)/loader/arch/arm-m/printf.o: KB_CFLAGS += -fno-lto
