# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/arch/arm-m/entry.o
loader-objs-y += loader/arch/arm-m/arch.o
loader-objs-y += loader/arch/arm-m/handoff.o
loader-objs-y += loader/arch/arm-m/syscalls.o
# No C library printf: the loader formats with loader/lib/fmt.c (newlib-
# nano's has no long long), and scripts/check-libc-printf.sh checks it.
# What the compiler may call after link-time optimization must stay an
# ordinary object.
$(O)/loader/arch/arm-m/syscalls.o: KB_CFLAGS += -fno-lto
