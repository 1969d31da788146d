# SPDX-License-Identifier: BSD-2-Clause
# kaslrboot's own device-tree modules (pure: they build for the host too)
loader-objs-y += fdt/memmap.o
loader-objs-y += fdt/fdt_util.o
libfdt-objs-y += $(libfdt-objs)
loader-objs-$(CONFIG_LOG_DICTIONARY) += fdt/fdt_errwords.o
