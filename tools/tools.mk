# SPDX-License-Identifier: BSD-2-Clause
# Host tools (included from tests/tests.mk; `make tools`).
#
# kaslrplan: the placement kaslrboot would choose for a device tree, built
# from the very modules the loader links (plus libfdt and the loader's
# mbedTLS configuration), with the host-test flags (ASan/UBSan).

HOST_TOOLS += $(HOST_O)/kaslrplan

kaslrplan-srcs := tools/kaslrplan.c fdt/memmap.c fdt/fdt_util.c loader/lib/plan.c \
	crypto/drbg.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
kaslrplan-mbedtls := aes ctr_drbg sha256 platform_util

# Prerequisites are expanded as this file is read, before tests.mk sets
# HOST_LIBFDT_OBJS, so its definition is spelled out here.
$(HOST_O)/kaslrplan: $(addprefix $(srctree)/,$(kaslrplan-srcs)) \
		$(addprefix $(HOST_O)/libfdt/,$(libfdt-objs)) \
		$(patsubst %,$(HOST_O)/mbedtls/%.o,$(kaslrplan-mbedtls)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h)
	$(vecho) "  HOSTCC  kaslrplan"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_MBEDTLS_CPPFLAGS) \
		$(filter %.c,$^) $(HOST_LIBFDT_OBJS) \
		$(patsubst %,$(HOST_O)/mbedtls/%.o,$(kaslrplan-mbedtls)) -o $@

# kbimage: packs a kernel (+ initrd, + bootargs) into a kaslrboot container
# and verifies the result with the loader's own kb_container_open (and,
# for --kaslr-align, checks the kernel with its arm64 Image parser).
HOST_TOOLS += $(HOST_O)/kbimage

kbimage-srcs := tools/kbimage.c tools/kbimage_slots.c tools/kbimage_seed.c loader/lib/seedfile.c \
	loader/lib/container.c \
	loader/lib/image.c loader/lib/elf.c loader/lib/karl.c loader/lib/load.c loader/lib/slot.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
kbimage-mbedtls := sha256 platform_util

$(HOST_O)/kbimage: $(addprefix $(srctree)/,$(kbimage-srcs)) \
		$(patsubst %,$(HOST_O)/mbedtls/%.o,$(kbimage-mbedtls)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(srctree)/tools/kbimage.h
	$(vecho) "  HOSTCC  kbimage"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_MBEDTLS_CPPFLAGS) \
		$(filter %.c,$^) \
		$(patsubst %,$(HOST_O)/mbedtls/%.o,$(kbimage-mbedtls)) -o $@

# kbpayload: the layout the loader computes for a payload (and, with -o,
# the loaded and relocated image), from the loader's own parsers and
# relocation engine.
HOST_TOOLS += $(HOST_O)/kbpayload

kbpayload-srcs := tools/kbpayload.c loader/lib/elf.c loader/lib/image.c loader/lib/reloc.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c

$(HOST_O)/kbpayload: $(addprefix $(srctree)/,$(kbpayload-srcs)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h)
	$(vecho) "  HOSTCC  kbpayload"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(filter %.c,$^) -o $@

# karlplan: the KARL layout (shuffled function sections, random gaps) for a
# RISC-V payload built to docs/karl.md, its entropy, the layout as a GNU ld
# script (the relinking oracle) and the relocated image, from
# loader/lib/karl.c and the loader's DRBG.
HOST_TOOLS += $(HOST_O)/karlplan

karlplan-srcs := tools/karlplan.c loader/lib/karl.c crypto/drbg.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
karlplan-mbedtls := aes ctr_drbg sha256 platform_util

$(HOST_O)/karlplan: $(addprefix $(srctree)/,$(karlplan-srcs)) \
		$(patsubst %,$(HOST_O)/mbedtls/%.o,$(karlplan-mbedtls)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h)
	$(vecho) "  HOSTCC  karlplan"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_MBEDTLS_CPPFLAGS) \
		$(filter %.c,$^) \
		$(patsubst %,$(HOST_O)/mbedtls/%.o,$(karlplan-mbedtls)) -o $@

# kbdtmap: the memory map of a device tree linked into the loader, read at
# build time (CONFIG_DT_MEMMAP_AT_BUILD, loader/objects.mk): the loader's
# kb_fdt_validate() and kb_memmap_from_fdt() on the tree, the tables
# written as C.  kbdtmap_phys32 is the same with 32-bit addresses
# (CONFIG_PHYS_ADDR_32BIT: ranges cut at 4 GiB as on those boards).
HOST_TOOLS += $(HOST_O)/kbdtmap $(HOST_O)/kbdtmap_phys32

kbdtmap-srcs := tools/kbdtmap.c fdt/memmap.c fdt/fdt_util.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c

$(HOST_O)/kbdtmap $(HOST_O)/kbdtmap_phys32: $(HOST_O)/%: $(addprefix $(srctree)/,$(kbdtmap-srcs)) \
		$(addprefix $(HOST_O)/libfdt/,$(libfdt-objs)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h)
	$(vecho) "  HOSTCC  $*"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(if $(filter %_phys32,$@),-DCONFIG_PHYS_ADDR_32BIT=1) \
		-DCONFIG_REGION_NAME_LEN=256 \
		$(filter %.c,$^) $(addprefix $(HOST_O)/libfdt/,$(libfdt-objs)) -o $@
