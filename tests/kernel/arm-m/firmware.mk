# SPDX-License-Identifier: BSD-2-Clause
# The Cortex-M test firmware (tests/kernel/arm-m/fw.c), included by
# tests/kernel/kernel.mk for ARCH=arm-m instead of the generic test
# kernel (which needs libfdt and a C library: too large for 16 KiB of
# SRAM).  A Thumb static PIE with R_ARM_RELATIVE relocations in .rel.dyn
# (docs/cortex-m.md: why a PIE), stripped: the container carries no
# debug information.
#
#   $(O)/testkernel/testkernel.elf       the firmware
#   $(O)/testkernel/testkernel-big.elf   the same with 12 KiB more BSS:
#                                        does not fit in the free SRAM

FW_CFLAGS = $(ARM_M_FLAGS) -Os -g -std=gnu11 -Wall -Wextra -Werror -ffreestanding \
	-fno-common -ffunction-sections -fdata-sections -fPIE -fvisibility=hidden \
	-fno-stack-protector -nostdlib
# What r0 points at: the boot-info block or the device tree (the
# loader's CONFIG_HANDOFF_BOOTINFO / _DTB choice, docs/cortex-m.md).
FW_CFLAGS += -DFW_BOOTINFO=$(if $(CONFIG_HANDOFF_BOOTINFO),1,0)
FW_LDFLAGS = -static -pie --no-dynamic-linker -z max-page-size=8 -z common-page-size=8 \
	--gc-sections --build-id=none -nostdlib
TK_TARGETS := $(TK_O)/testkernel.elf $(TK_O)/testkernel-big.elf

testkernel: $(TK_TARGETS)
	$(vecho) "  BUILT   $(TK_TARGETS:$(O)/%=%)"

$(TK_O)/fw.o $(TK_O)/fw-big.o: $(O)/auto.conf
$(TK_O)/fw.o: $(TK_SRC)/arm-m/fw.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -c $< -o $@
$(TK_O)/fw-big.o: $(TK_SRC)/arm-m/fw.c
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -DFW_BSS_EXTRA=12288 -c $< -o $@

$(TK_O)/testkernel%elf: $(TK_O)/fw%o $(TK_SRC)/arm-m/fw.ld $(srctree)/scripts/check-relocs.sh
	$(vecho) "  LD      testkernel/$(notdir $@)"
	$(Q)$(LD_PIE) $(FW_LDFLAGS) -T $(TK_SRC)/arm-m/fw.ld $< $(LIBGCC) -o $@.full
	$(Q)$(srctree)/scripts/check-relocs.sh $(READELF) $@.full R_ARM_RELATIVE
	$(Q)$(CROSS_COMPILE)strip -o $@.tmp $@.full
	$(Q)mv $@.tmp $@
