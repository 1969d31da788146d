# SPDX-License-Identifier: BSD-2-Clause
#
# kaslrboot top-level Makefile.  `make help` lists the targets.
#
#   make [BOARD=<board> | BOARD_DIR=<dir>] [O=<dir>] [CROSS_COMPILE=<prefix>] [V=1]
#
# Configuration is Kconfig (Kconfiglib): <O>/.config, generated
# <O>/include/generated/autoconf.h (C) and <O>/auto.conf (make).  Objects are
# listed per directory in objects.mk files, OpenSBI style.

srctree := $(CURDIR)
export srctree

# BOARD_DIR= (a board kept anywhere) names the board after its directory,
# so that the default O is build/<that name>, not the default board's.
ifeq ($(origin BOARD_DIR),undefined)
BOARD ?= qemu-virt-riscv64
BOARD_DIR := $(srctree)/boards/$(BOARD)
else
BOARD ?= $(notdir $(abspath $(BOARD_DIR)))
endif
BOARD_DIR := $(abspath $(BOARD_DIR))
KB_USER_O := $(filter command line,$(origin O))
O ?= build/$(BOARD)
override O := $(abspath $(O))
HOST_O := $(srctree)/build/host
KB_CACHE ?= $(srctree)/cache
# A vendor's own copies (MBEDTLS_DIR= / LIBFDT_DIR= on the command line or in
# the environment) are used as they are and never fetched.
KB_USER_MBEDTLS := $(if $(filter command line environment,$(origin MBEDTLS_DIR)),1)
KB_USER_LIBFDT := $(if $(filter command line environment,$(origin LIBFDT_DIR)),1)
export KB_USER_MBEDTLS KB_USER_LIBFDT
MBEDTLS_DIR ?= $(KB_CACHE)/src/mbedtls
LIBFDT_DIR ?= $(KB_CACHE)/src/libfdt
override MBEDTLS_DIR := $(abspath $(MBEDTLS_DIR))
override LIBFDT_DIR := $(abspath $(LIBFDT_DIR))
PYTHON ?= /usr/bin/python3
HOSTCC ?= gcc
export KB_CACHE


ifeq ($(V),1)
Q :=
vecho = @true
else
Q := @
vecho = @echo
endif

include $(srctree)/fdt/libfdt.mk

KCONFIG = $(Q)KCONFIG_CONFIG=$(O)/.config BOARD_DIR=$(BOARD_DIR) $(PYTHON) $(srctree)/scripts/kconfig.py

.DEFAULT_GOAL := all
.PHONY: all setup run flash test bench tools fuzz fuzz-merge help clean distclean menuconfig \
	olddefconfig savedefconfig host-tests check-setup bench-sizes

# ---------------------------------------------------------------- set-up

# Installs missing Debian packages and fetches third-party sources; a no-op
# (a few dpkg queries) when everything is there.
check-setup:
	$(Q)export MBEDTLS_DIR=$(MBEDTLS_DIR); \
	 $(srctree)/scripts/setup.sh --check || $(srctree)/scripts/setup.sh

setup:
	$(Q)MBEDTLS_DIR=$(MBEDTLS_DIR) $(srctree)/scripts/setup.sh

# ---------------------------------------------------------- configuration

# make <board>_defconfig: boards/<board>/ (or BOARD_DIR= for a board kept
# elsewhere); the output goes to O= if given, else build/<board>/.
%_defconfig: check-setup
	$(Q)d=$(srctree)/boards/$*; [ -d "$$d" ] || d=$(BOARD_DIR); \
	 [ -f "$$d/defconfig" ] || { echo "no board '$*' (boards/$*/defconfig)"; exit 1; }; \
	 o=$(if $(KB_USER_O),$(O),$(srctree)/build/$*); \
	 mkdir -p $$o && echo "BOARD_DIR := $$d" > $$o/board.mk && \
	 KCONFIG_CONFIG=$$o/.config BOARD_DIR=$$d $(PYTHON) scripts/kconfig.py defconfig $$d/defconfig

menuconfig: $(O)/.config
	$(KCONFIG) menuconfig

olddefconfig: $(O)/.config
	$(KCONFIG) olddefconfig

savedefconfig: $(O)/.config
	$(KCONFIG) savedefconfig $(O)/defconfig

# A build directory remembers which board it was configured for.
-include $(O)/board.mk

$(O)/.config: | check-setup
	$(Q)mkdir -p $(O) && echo "BOARD_DIR := $(BOARD_DIR)" > $(O)/board.mk
	$(KCONFIG) defconfig $(BOARD_DIR)/defconfig

KCONFIG_FILES = $(wildcard $(srctree)/Kconfig $(srctree)/*/Kconfig $(srctree)/*/*/Kconfig \
	$(srctree)/loader/arch/*/Kconfig \
	$(BOARD_DIR)/Kconfig)
$(O)/auto.conf $(O)/include/generated/autoconf.h: $(O)/.config $(KCONFIG_FILES)
	$(Q)mkdir -p $(O)/include/generated
	$(KCONFIG) genconfig $(O)/include/generated/autoconf.h $(O)/auto.conf >/dev/null

# SP 800-90B health-test cutoffs, computed at build time for every
# min-entropy (milli-bits per sample) a driver may declare.
HEALTH_H_MILLI := 500 1000 2000 4000 8000 16000 32000
%/include/generated/kb_health_cutoffs.h: $(srctree)/scripts/health-cutoffs.py
	$(Q)mkdir -p $(dir $@)
	$(Q)$(PYTHON) $< --alpha-log2 $(or $(HEALTH_ALPHA_LOG2),30) --out $@ $(HEALTH_H_MILLI)

config-goals := %_defconfig menuconfig olddefconfig savedefconfig setup check-setup \
	clean distclean help bench-sizes host-tests tools fuzz fuzz-%
ifneq ($(filter-out $(config-goals),$(or $(MAKECMDGOALS),all)),)
include $(O)/auto.conf
endif

ifneq ($(CONFIG_ARCH),)
# ------------------------------------------------------------ toolchain

CROSS_COMPILE ?= $(CONFIG_CROSS_COMPILE)
CC       = $(CROSS_COMPILE)gcc
OBJCOPY  = $(CROSS_COMPILE)objcopy
READELF  = $(CROSS_COMPILE)readelf
SIZE     = $(CROSS_COMPILE)size

ARCH := $(CONFIG_ARCH)
ARCH_DIR := loader/arch/$(ARCH)

# Flags shared by every target object (arch.mk adds its own).
KB_CPPFLAGS = -I$(O)/include/generated -I$(srctree)/loader/include \
	-I$(LIBFDT_DIR) -include kaslrboot/kconfig.h
KB_CFLAGS = -std=gnu11 -Os -g -Wall -Wextra -Werror=implicit-function-declaration \
	-ffreestanding -fno-common -ffunction-sections -fdata-sections \
	-fno-stack-protector -fPIE -fvisibility=hidden \
	-include kaslrboot/hidden.h
# CONFIG_LOG_COMPRESS: the loader's format strings go to .kb_msg (kaslrboot/msg.h)
KB_CPPFLAGS += $(if $(filter y,$(CONFIG_LOG_COMPRESS)),-DKB_MSG_COMPRESS)
# CONFIG_LOG_DICTIONARY: the same, and no copy of them (kaslrboot/msg.h)
KB_CPPFLAGS += $(if $(filter y,$(CONFIG_LOG_DICTIONARY)),-DKB_MSG_DICT)
KB_LDFLAGS = -static -pie --no-dynamic-linker -z text -z noexecstack --no-warn-rwx-segments \
	--gc-sections --build-id=none -nostdlib

loader-objs-y :=
libfdt-objs-y :=
mbedtls-objs-y :=
include $(srctree)/$(ARCH_DIR)/arch.mk
include $(srctree)/$(ARCH_DIR)/objects.mk
include $(srctree)/loader/objects.mk
include $(srctree)/fdt/objects.mk
include $(srctree)/drivers/objects.mk
include $(srctree)/crypto/objects.mk
-include $(BOARD_DIR)/objects.mk

LOADER_OBJS  := $(addprefix $(O)/,$(loader-objs-y))
LIBFDT_OBJS  := $(addprefix $(O)/libfdt/,$(libfdt-objs-y))
MBEDTLS_OBJS := $(addprefix $(O)/mbedtls/,$(mbedtls-objs-y))
ALL_OBJS := $(LOADER_OBJS) $(LIBFDT_OBJS) $(MBEDTLS_OBJS)

KB_VERSION := $(shell git -C $(srctree) describe --always --dirty 2>/dev/null || echo unknown)
$(O)/loader/main.o: KB_CFLAGS += -DKB_VERSION='"$(KB_VERSION)"'

GENERATED_HDRS = $(O)/include/generated/autoconf.h $(O)/include/generated/kb_health_cutoffs.h
$(O)/include/generated/kb_health_cutoffs.h: HEALTH_ALPHA_LOG2 = $(CONFIG_HEALTH_ALPHA_LOG2)
$(O)/include/generated/kb_health_cutoffs.h: $(O)/auto.conf

$(O)/%.o: $(srctree)/%.c $(GENERATED_HDRS) | check-setup
	$(vecho) "  CC      $*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) $(KB_CFLAGS) $(ARCH_CFLAGS) -MMD -MP -c $< -o $@

$(O)/%.o: $(srctree)/%.S $(GENERATED_HDRS) | check-setup
	$(vecho) "  AS      $*.S"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) $(ARCH_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

# Third-party code: built from the fetched (or vendor-supplied) tree with
# the same target flags (libfdt: the architecture's LIBFDT_ARCH_CFLAGS if
# it sets them); warnings are theirs, not ours.
LIBFDT_ARCH_CFLAGS ?= $(ARCH_CFLAGS)
$(O)/libfdt/%.o: $(LIBFDT_DIR)/%.c $(GENERATED_HDRS) | check-setup
	$(vecho) "  CC      libfdt/$*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) $(KB_CFLAGS) $(LIBFDT_ARCH_CFLAGS) \
		-DFDT_ASSUME_MASK=0 -w -MMD -MP -c $< -o $@

$(O)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c $(srctree)/crypto/mbedtls_config.h \
		$(GENERATED_HDRS) | check-setup
	$(vecho) "  CC      mbedtls/$*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) $(KB_CFLAGS) $(MBEDTLS_ARCH_CFLAGS) \
		$(MBEDTLS_CPPFLAGS) -w -MMD -MP -c $< -o $@

$(O)/kaslrboot.ld: $(srctree)/$(ARCH_DIR)/kaslrboot.ld.S $(srctree)/loader/arch/kaslrboot-common.ld.h \
		$(O)/include/generated/autoconf.h
	$(Q)$(CC) -E -P -x assembler-with-cpp $(KB_CPPFLAGS) $(ARCH_LDS_CPPFLAGS) -D__LINKER__ $< -o $@

comma := ,
ifeq ($(CONFIG_LTO),y)
KB_CFLAGS += -flto -ffat-lto-objects
# The compiler driver runs the link-time optimizer and then $(LD_PIE)
# (the ld that accepts -pie), found as "ld" in $(O)/ld/ through -B.
LINK_ELF = $(CC) -flto -Os $(filter-out --specs=% --picolibc-buildtype=%,$(ARCH_CFLAGS)) -nostdlib -nostartfiles \
	-B$(O)/ld/ -T $(O)/kaslrboot.ld $(addprefix -Wl$(comma),$(KB_LDFLAGS) -Map=$(O)/kaslrboot.map)
LINK_LIBC_LDFLAGS = $(addprefix -Wl$(comma),$(LIBC_LDFLAGS))
LINK_PREP = mkdir -p $(O)/ld && ln -sf "$$(command -v $(LD_PIE))" $(O)/ld/ld
else
LINK_ELF = $(LD_PIE) $(KB_LDFLAGS) $(ARCH_LDFLAGS) -T $(O)/kaslrboot.ld -Map=$(O)/kaslrboot.map
LINK_LIBC_LDFLAGS = $(LIBC_LDFLAGS)
LINK_PREP = true
endif

ifneq ($(filter y,$(CONFIG_LOG_COMPRESS) $(CONFIG_LOG_DICTIONARY)),)
# CONFIG_LOG_COMPRESS, CONFIG_LOG_DICTIONARY (kaslrboot/msg.h,
# docs/size.md): two links.  The first, with an empty generated object,
# gives the format strings (.kb_msg, not allocated) to scripts/msgpack.py:
# it compresses them into kb_msg_blob (LOG_COMPRESS) or writes their
# argument signatures, kb_dict_sig, and the dictionary's hash,
# kb_dict_hash (LOG_DICTIONARY); the second link carries that.  The
# strings must not move in between.
MSG_O := $(O)/msg
MSG_AS = $(CC) $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) $(ARCH_CFLAGS) -D__ASSEMBLY__ -c
ifeq ($(CONFIG_LOG_DICTIONARY),y)
MSG_OPTION := CONFIG_LOG_DICTIONARY
MSG_GEN := kb_dict
MSG_EMPTY := '\t.section .rodata.kb_dict_sig,"a"\n\t.globl kb_dict_sig\n\t.hidden kb_dict_sig\nkb_dict_sig:\n\t.byte 0xff\n\t.section .rodata.kb_dict_hash,"a"\n\t.balign 4\n\t.globl kb_dict_hash\n\t.hidden kb_dict_hash\nkb_dict_hash:\n\t.word 0\n'
# int-sized or 64-bit long (the argument kinds, scripts/kbdict.py)
MSG_GEN_ARGS = --dict-asm $(MSG_O)/$(MSG_GEN).S \
	--long-size $$($(READELF) -h $(MSG_O)/link1.elf | grep -q 'ELF64' && echo 8 || echo 4)
else
MSG_OPTION := CONFIG_LOG_COMPRESS
MSG_GEN := kb_msg_blob
MSG_EMPTY := '\t.section .rodata.kb_msg_blob,"a"\n\t.globl kb_msg_blob\n\t.hidden kb_msg_blob\nkb_msg_blob:\n\t.byte 0\n'
MSG_GEN_ARGS = --asm $(MSG_O)/$(MSG_GEN).S
endif
$(O)/kaslrboot.elf: $(ALL_OBJS) $(O)/kaslrboot.ld $(srctree)/scripts/check-relocs.sh \
		$(srctree)/scripts/check-libc-printf.sh \
		$(srctree)/scripts/msgpack.py $(srctree)/scripts/kbdict.py \
		$(srctree)/loader/include/kaslrboot/msg.h
	$(vecho) "  LD      $(notdir $@) (1/2: the messages)"
	$(Q)$(LINK_PREP)
	$(Q)mkdir -p $(MSG_O) && printf $(MSG_EMPTY) > $(MSG_O)/empty.S
	$(Q)$(MSG_AS) $(MSG_O)/empty.S -o $(MSG_O)/empty.o
	$(Q)$(LINK_ELF) $(ALL_OBJS) $(MSG_O)/empty.o $(LIBC) $(LIBGCC) $(LINK_LIBC_LDFLAGS) -o $(MSG_O)/link1.elf
	$(Q)$(OBJCOPY) --dump-section .kb_msg=$(MSG_O)/kb_msg.bin $(MSG_O)/link1.elf
	$(vecho) "  MSGPACK $(MSG_GEN).S"
	$(Q)$(PYTHON) $(srctree)/scripts/msgpack.py --msg-h $(srctree)/loader/include/kaslrboot/msg.h \
		$(if $(V),--verbose) $(MSG_GEN_ARGS) $(MSG_O)/kb_msg.bin
	$(Q)$(MSG_AS) $(MSG_O)/$(MSG_GEN).S -o $(MSG_O)/$(MSG_GEN).o
	$(vecho) "  LD      $(notdir $@) (2/2)"
	$(Q)$(LINK_ELF) $(ALL_OBJS) $(MSG_O)/$(MSG_GEN).o $(LIBC) $(LIBGCC) $(LINK_LIBC_LDFLAGS) -o $@.tmp
	$(Q)$(OBJCOPY) --dump-section .kb_msg=$(MSG_O)/kb_msg.link2.bin $@.tmp
	$(Q)cmp -s $(MSG_O)/kb_msg.bin $(MSG_O)/kb_msg.link2.bin || \
		{ echo "$(notdir $@): the format strings (.kb_msg) differ between the two links: the generated $(MSG_GEN) would not match ($(MSG_OPTION))" >&2; exit 1; }
	$(Q)$(srctree)/scripts/check-relocs.sh $(READELF) $@.tmp $(ARCH_ALLOWED_RELOCS)
	$(Q)$(srctree)/scripts/check-libc-printf.sh $(O)/kaslrboot.map
	$(Q)mv $@.tmp $@
else
$(O)/kaslrboot.elf: $(ALL_OBJS) $(O)/kaslrboot.ld $(srctree)/scripts/check-relocs.sh \
		$(srctree)/scripts/check-libc-printf.sh
	$(vecho) "  LD      $(notdir $@)"
	$(Q)$(LINK_PREP)
	$(Q)$(LINK_ELF) $(ALL_OBJS) $(LIBC) $(LIBGCC) $(LINK_LIBC_LDFLAGS) -o $@.tmp
	$(Q)$(srctree)/scripts/check-relocs.sh $(READELF) $@.tmp $(ARCH_ALLOWED_RELOCS)
	$(Q)$(srctree)/scripts/check-libc-printf.sh $(O)/kaslrboot.map
	$(Q)mv $@.tmp $@
endif

$(O)/kaslrboot.bin: $(O)/kaslrboot.elf
	$(vecho) "  OBJCOPY $(notdir $@)"
	$(Q)$(OBJCOPY) -O binary $< $@

all: $(O)/kaslrboot.bin
	$(vecho) "  BUILT   $(O)/kaslrboot.bin"

-include $(ALL_OBJS:.o=.d)

-include $(srctree)/tests/kernel/kernel.mk

endif # CONFIG_ARCH

# ----------------------------------------------------------------- run

# BOOTARGS and QEMU_EXTRA reach the scripts through the environment (make
# exports command-line variables), so quotes in them survive.
QEMU_TIMEOUT ?= 30
export BOOTARGS QEMU_EXTRA

# What `make run` boots: PAYLOAD= (any supported kernel file; INITRD= and
# BOOTARGS= optional), else the project's test kernel, packed by kbimage
# into a flash image for the board's payload window.  PAYLOAD_IMG= boots a
# ready-made flash image as it is.
PAYLOAD ?=
INITRD ?=
# KASLR_ALIGN=64K: PAYLOAD is a relocatable arm64 Image (kbimage --kaslr-align)
KASLR_ALIGN ?=
# SBI=<fw_dynamic.elf>: M-mode boards, PAYLOAD runs in S-mode behind that
# OpenSBI (kbimage --sbi; docs/m-mode.md, Payload A)
SBI ?=
# IMAGE_VERSION=N: container format version 2 carrying image version N
# (kbimage --image-version; docs/container.md)
IMAGE_VERSION ?=
# PAYLOAD_IMG_B=<container>: "make flash" on a PAYLOAD_SLOTS board writes it
# into slot B (empty: slot B erased)
PAYLOAD_IMG_B ?=
# (Only a command-line PAYLOAD_IMG counts: never one inherited from the
# environment of an outer make.)
ifneq ($(origin PAYLOAD_IMG),command line)
PAYLOAD_IMG := $(O)/payload.img
RUN_DEPS := $(O)/payload.img
endif
.PHONY: $(O)/payload.img
$(O)/payload.img: $(HOST_O)/kbimage $(if $(PAYLOAD),,testkernel)
	$(Q)$(HOST_O)/kbimage --pad $(CONFIG_PAYLOAD_MAX_SIZE) \
		$(if $(INITRD),--initrd $(INITRD)) $${BOOTARGS:+--bootargs "$$BOOTARGS"} \
		$(if $(KASLR_ALIGN),--kaslr-align $(KASLR_ALIGN)) $(if $(SBI),--sbi $(SBI)) \
		$(if $(IMAGE_VERSION),--image-version $(IMAGE_VERSION)) \
		-o $@ $(or $(PAYLOAD),$(O)/testkernel/testkernel.elf) >/dev/null

# FLASH_IMAGE boards: the whole boot flash (loader, container at
# PAYLOAD_ADDR - FLASH_BASE, 0xff elsewhere), the file flashrom -w writes.
flash: all $(RUN_DEPS)
ifeq ($(CONFIG_FLASH_IMAGE),y)
	$(Q)$(srctree)/scripts/mkflash.sh $(O)/.config $(O)/kaslrboot.bin $(PAYLOAD_IMG) $(O)/flash.img $(PAYLOAD_IMG_B)
else
	@echo "make flash: board $(CONFIG_BOARD) does not boot from the container's flash (no FLASH_IMAGE): flash kaslrboot.bin and $(PAYLOAD_IMG) as its docs say" >&2; exit 1
endif

run: all $(RUN_DEPS)
	$(Q)BOARD_DIR=$(BOARD_DIR) QEMU_TIMEOUT=$(QEMU_TIMEOUT) PAYLOAD_IMG=$(PAYLOAD_IMG) \
		$(srctree)/scripts/qemu-run.sh $(O) $(CONFIG_BOARD)

# ---------------------------------------------------------------- tests

include $(srctree)/tests/tests.mk

# ---------------------------------------------------------------- bench

bench: all
	$(Q)BOARD_DIR=$(BOARD_DIR) $(srctree)/scripts/bench.sh $(O) $(SIZE)

# Size figures of every in-tree board (no QEMU): each built in build/<board>.
BENCH_BOARDS ?= $(notdir $(patsubst %/,%,$(dir $(wildcard $(srctree)/boards/*/defconfig))))
bench-sizes:
	$(Q)for b in $(BENCH_BOARDS); do \
		$(MAKE) -s BOARD=$$b O=$(srctree)/build/$$b all >/dev/null && \
		$(MAKE) -s BOARD=$$b O=$(srctree)/build/$$b bench BENCH_SIZES_ONLY=1 || exit 1; \
	done

# -------------------------------------------------------------- cleaning

clean:
	rm -rf $(srctree)/build

distclean: clean
	rm -rf $(KB_CACHE)

help:
	@echo "kaslrboot: make [BOARD=<board>|BOARD_DIR=<dir>] [O=<dir>] [V=1] <target>"
	@echo "  all (default)     build <O>/kaslrboot.elf and .bin (default O=build/<board>)"
	@echo "  run               build and boot in QEMU: PAYLOAD=<kernel> INITRD=<file>"
	@echo "                    BOOTARGS=\"...\" QEMU_EXTRA=\"...\" KASLR_ALIGN=64K (all optional)"
	@echo "                    SBI=<OpenSBI fw_dynamic.elf> (M-mode boards: Payload A)"
	@echo "                    IMAGE_VERSION=N (container format 2 with that image version)"
	@echo "  flash             FLASH_IMAGE boards (qemu-virt-riscv*-m): the whole boot flash, $$(O)/flash.img (docs/flash.md)"
	@echo "  test              host unit tests (ASan/UBSan), fuzz smoke runs, build and"
	@echo "                    QEMU boot tests; ends \"N passed, N failed\""
	@echo "  host-tests        only the host unit tests and fuzz smoke runs"
	@echo "  tools             host tools: build/host/kaslrplan, build/host/kbimage"
	@echo "  fuzz              every libFuzzer target in turn: FUZZ_TIME=<s> (default 300)"
	@echo "                    FUZZ_RUNS=<n> FUZZ_TARGETS=\"$(FUZZ_NAMES)\""
	@echo "  fuzz-<target>     one of them; fuzz-merge: minimize the campaigns' finds"
	@echo "                    into tests/fuzz/corpus/<target>/"
	@echo "  bench             sizes per component, instruction counts (QEMU -icount), Debian U-Boot vs kaslrboot (docs/bench.md)"
	@echo "  bench-sizes       size figures of every board (text+data, bss+stack, per component; docs/size.md)"
	@echo "  setup             install missing Debian packages, fetch mbedTLS/libfdt"
	@echo "  <board>_defconfig menuconfig olddefconfig savedefconfig"
	@echo "  clean             remove build/ ; distclean also removes the source cache"
	@echo "  boards: $(notdir $(wildcard $(srctree)/boards/*))"
