# SPDX-License-Identifier: BSD-2-Clause
# libfdt objects, from $(LIBFDT_DIR) (fetched, or a vendor copy).  Used for
# the target (fdt/objects.mk) and for host tests and tools.  fdt_check.c may
# be absent in copies that keep fdt_check_full() in fdt_ro.c.
libfdt-objs := fdt.o fdt_ro.o fdt_wip.o fdt_sw.o fdt_rw.o fdt_strerror.o \
	fdt_empty_tree.o fdt_addresses.o \
	$(if $(wildcard $(LIBFDT_DIR)/fdt_check.c),fdt_check.o)
