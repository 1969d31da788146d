# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/main.o
loader-objs-y += loader/console.o
loader-objs-y += loader/lib/diag.o loader/lib/fmt.o
loader-objs-$(CONFIG_LOG_COMPRESS) += loader/lib/msg.o
loader-objs-$(CONFIG_LOG_DICTIONARY) += loader/lib/dict.o
loader-objs-y += loader/lib/error.o
loader-objs-y += loader/entropy.o
$(O)/loader/entropy.o: KB_CPPFLAGS += $(MBEDTLS_CPPFLAGS)
$(O)/loader/main.o: KB_CPPFLAGS += $(MBEDTLS_CPPFLAGS)
loader-objs-y += loader/lib/plan.o
loader-objs-y += loader/lib/bootargs.o
loader-objs-y += loader/lib/spans.o
loader-objs-y += loader/lib/container.o loader/lib/elf.o loader/lib/image.o loader/lib/reloc.o
loader-objs-y += loader/lib/load.o
loader-objs-$(CONFIG_PAYLOAD_SLOTS) += loader/lib/slot.o
loader-objs-$(CONFIG_HANDOFF_BOOTINFO) += loader/lib/bootinfo.o
loader-objs-$(CONFIG_KARL) += loader/lib/karl.o
loader-objs-$(CONFIG_SBI_PAYLOAD) += loader/lib/fwdyn.o
$(O)/loader/lib/container.o $(O)/loader/lib/load.o $(O)/loader/lib/slot.o $(O)/loader/lib/seedfile.o: KB_CPPFLAGS += $(MBEDTLS_CPPFLAGS)
# CONFIG_BUILTIN_DTB: the board's .dts, compiled by dtc and linked in;
# found in the board directory, else under boards/ (a board variant that
# links its base board's tree, also when the variant is copied elsewhere)
loader-objs-y += loader/builtin_dtb.o
ifneq ($(CONFIG_BUILTIN_DTB),)
builtin-dts := $(patsubst "%",%,$(CONFIG_BUILTIN_DTB))
builtin-dts := $(firstword $(wildcard $(BOARD_DIR)/$(builtin-dts) $(srctree)/boards/$(builtin-dts)) \
	$(BOARD_DIR)/$(builtin-dts))
$(O)/loader/builtin_dtb.o: $(O)/builtin.dtb
$(O)/loader/builtin_dtb.o: ARCH_CPPFLAGS += -DKB_BUILTIN_DTB_FILE='"$(O)/builtin.dtb"'
$(O)/builtin.dtb: $(builtin-dts) $(O)/auto.conf
	$(vecho) "  DTC     $(notdir $@)"
	$(Q)dtc -q -I dts -O dtb -o $@ $<
endif

# CONFIG_DT_MEMMAP_AT_BUILD: the linked tree's memory map read at build
# time (docs/device-tree.md).  tools/kbdtmap, built for the host from the
# loader's own fdt/memmap.c and fdt/fdt_util.c (with this board's address
# width), makes the loader's checks on builtin.dtb and writes the finished
# tables as C; a tree the loader would refuse fails the build with the
# loader's one-line error.  The tool comes in both address widths
# (tools/tools.mk: kbdtmap, kbdtmap_phys32); its arguments are the
# board's table capacities.
ifeq ($(CONFIG_DT_MEMMAP_AT_BUILD),y)
loader-objs-y += gen/kb_dt_memmap.o
KBDTMAP := $(HOST_O)/kbdtmap$(if $(filter y,$(CONFIG_PHYS_ADDR_32BIT)),_phys32)
# CONFIG_DT_DEVICES_AT_BUILD: the console and TRNG nodes too; the TRNG
# compatibles are those of the build's TRNG drivers.
ifeq ($(CONFIG_DT_DEVICES_AT_BUILD),y)
loader-objs-y += loader/lib/dt_build.o
KBDTMAP_DEVICES = --devices $(if $(filter y,$(CONFIG_RNG_NRF)),--rng-compat nordic$(comma)nrf-rng) \
	$(if $(filter y,$(CONFIG_RNG_ZKR)),--zkr)
endif
$(O)/gen/kb_dt_memmap.c: $(O)/builtin.dtb $(KBDTMAP) $(O)/auto.conf
	$(vecho) "  DTMAP   $(notdir $@)"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(KBDTMAP) --dtb-max-size $(CONFIG_DTB_MAX_SIZE) \
		--mem-cap $(CONFIG_MAX_MEM_REGIONS) --resv-cap $(CONFIG_MAX_RESV_REGIONS) \
		--name-len $(CONFIG_REGION_NAME_LEN) $(KBDTMAP_DEVICES) \
		--label "$(builtin-dts)" -o $@.tmp $<
	$(Q)mv $@.tmp $@
$(O)/gen/kb_dt_memmap.o: $(O)/gen/kb_dt_memmap.c $(O)/include/generated/autoconf.h | check-setup
	$(vecho) "  CC      gen/kb_dt_memmap.c"
	$(Q)$(CC) $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) $(KB_CFLAGS) $(ARCH_CFLAGS) -Werror -MMD -MP -c $< -o $@
endif
