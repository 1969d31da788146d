# SPDX-License-Identifier: BSD-2-Clause
# libfdt objects, from $(LIBFDT_DIR): upstream dtc's libfdt/ as fetched
# (dtc 1.7.2, scripts/fetch-sources.sh), or a vendor copy.  Used for the
# target (fdt/objects.mk) and for host tests and tools.  Not built:
# fdt_overlay.c (nothing applies overlays).  fdt_check.c (fdt_check_full)
# may be absent in copies that keep that function in fdt_ro.c (U-Boot's).
libfdt-objs := fdt.o fdt_ro.o fdt_wip.o fdt_sw.o fdt_rw.o fdt_strerror.o \
	fdt_empty_tree.o fdt_addresses.o \
	$(if $(wildcard $(LIBFDT_DIR)/fdt_check.c),fdt_check.o)
