# SPDX-License-Identifier: BSD-2-Clause
#
# Test kernel for the QEMU boot tests: a small relocatable kernel that
# kaslrboot boots, reporting where it runs and checking relocations, .bss
# and /chosen (tests/kernel/main.c).  Included by the top-level Makefile
# inside its CONFIG_ARCH block, after the loader rules: uses the loader's
# toolchain, flags, libfdt objects ($(LIBFDT_OBJS)) and picolibc.
#
#   $(O)/testkernel/testkernel.elf       ELF64 ET_DYN static PIE (.rela.dyn)
#   $(O)/testkernel/testkernel-relr.elf  the same with .relr.dyn, if the
#                                        linker supports -z pack-relative-relocs
#   $(O)/testkernel/testkernel.Image     Linux Image (64-byte header), self-relocating
#   make testkernel                      all of them

.PHONY: testkernel

TK_SRC := $(srctree)/tests/kernel
TK_O := $(O)/testkernel

ifneq ($(wildcard $(TK_SRC)/$(ARCH)/kernel.ld),)

tk-arch-objs :=
include $(TK_SRC)/$(ARCH)/objects.mk

TK_LDS := $(TK_SRC)/$(ARCH)/kernel.ld
# The Image header check: per architecture where the header differs
# (tests/kernel/<arch>/check-image.sh), else the RISC-V one.
TK_CHECK_IMAGE := $(firstword $(wildcard $(TK_SRC)/$(ARCH)/check-image.sh) $(TK_SRC)/check-image.sh)
TK_COMMON_OBJS := $(addprefix $(TK_O)/,main.o targets.o $(tk-arch-objs))
TK_ELF_OBJS := $(TK_O)/$(tk-elf-entry) $(TK_COMMON_OBJS)
TK_IMAGE_OBJS := $(TK_O)/$(tk-image-entry) $(TK_COMMON_OBJS)
TK_ALL_OBJS := $(TK_ELF_OBJS) $(TK_O)/$(tk-image-entry)

TK_CPPFLAGS = $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) -I$(TK_SRC) -I$(TK_SRC)/$(ARCH)
TK_LDFLAGS = -static -pie --no-dynamic-linker -z text -z noexecstack \
	-z max-page-size=4096 -z common-page-size=4096 \
	--gc-sections --build-id=none -nostdlib

# DT_RELR needs binutils >= 2.38 and a port that implements it (RISC-V:
# 2.43); an ld without it only warns that the option was ignored.
TK_RELR := $(shell $(LD_PIE) -z pack-relative-relocs --version >/dev/null 2>&1 && \
	! $(LD_PIE) -z pack-relative-relocs --version 2>&1 | grep -q ignored && echo y)
# (rv32 boards: ELF only; the Image entry code is rv64's.)
TK_TARGETS := $(TK_O)/testkernel.elf $(if $(filter ilp32,$(CONFIG_RISCV_ABI)),,$(TK_O)/testkernel.Image) \
	$(if $(TK_RELR),$(TK_O)/testkernel-relr.elf)

testkernel: $(TK_TARGETS)
	$(vecho) "  BUILT   $(TK_TARGETS:$(O)/%=%)$(if $(TK_RELR),, (no RELR: ld lacks -z pack-relative-relocs))"

$(TK_O)/%.o: $(TK_SRC)/%.c $(GENERATED_HDRS)
	$(vecho) "  CC      testkernel/$*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TK_CPPFLAGS) $(KB_CFLAGS) $(ARCH_CFLAGS) -MMD -MP -c $< -o $@

$(TK_O)/%.o: $(TK_SRC)/%.S $(GENERATED_HDRS)
	$(vecho) "  AS      testkernel/$*.S"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(TK_CPPFLAGS) $(ARCH_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

# The C library: the loader's unless the architecture names another
# (arm64: the loader's needs the MMU on, the test kernel runs without).
TK_LIBC ?= $(LIBC)

# libfdt: the loader's objects, unless the architecture compiles those
# with flags the test kernel cannot run with (arm64 with CONFIG_ARM64_MMU:
# the loader's libfdt may make unaligned accesses, the test kernel runs
# with the MMU off); then a copy built with the plain target flags.
ifeq ($(LIBFDT_ARCH_CFLAGS),$(ARCH_CFLAGS))
TK_LIBFDT_OBJS := $(LIBFDT_OBJS)
else
TK_LIBFDT_OBJS := $(addprefix $(TK_O)/libfdt/,$(libfdt-objs-y))
$(TK_O)/libfdt/%.o: $(LIBFDT_DIR)/%.c $(GENERATED_HDRS) | check-setup
	$(vecho) "  CC      testkernel/libfdt/$*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(KB_CPPFLAGS) $(ARCH_CPPFLAGS) $(KB_CFLAGS) $(ARCH_CFLAGS) \
		-DFDT_ASSUME_MASK=0 -w -MMD -MP -c $< -o $@
endif

# $(call tk_link,objects,extra ld flags)
define tk_link
	$(vecho) "  LD      testkernel/$(notdir $@)"
	$(Q)$(LD_PIE) $(TK_LDFLAGS) $(ARCH_LDFLAGS) $(2) -T $(TK_LDS) -Map=$@.map \
		$(1) $(TK_LIBFDT_OBJS) $(TK_LIBC) $(LIBGCC) -o $@.tmp
endef

$(TK_O)/testkernel.elf: $(TK_ELF_OBJS) $(TK_LIBFDT_OBJS) $(TK_LDS) $(srctree)/scripts/check-relocs.sh
	$(call tk_link,$(TK_ELF_OBJS))
	$(Q)$(srctree)/scripts/check-relocs.sh $(READELF) $@.tmp $(TK_ALLOWED_RELOCS)
	$(Q)mv $@.tmp $@

$(TK_O)/testkernel-relr.elf: $(TK_ELF_OBJS) $(TK_LIBFDT_OBJS) $(TK_LDS)
	$(call tk_link,$(TK_ELF_OBJS),-z pack-relative-relocs)
	$(Q)$(READELF) -dW $@.tmp | grep -q '(RELR)' || \
		{ echo "testkernel: $@: no DT_RELR" >&2; exit 1; }
	$(Q)mv $@.tmp $@

# The Image's own start-up code applies its relocations: only the types it
# handles, and none inside the 64-byte header.
$(TK_O)/testkernel-image.elf: $(TK_IMAGE_OBJS) $(TK_LIBFDT_OBJS) $(TK_LDS) \
		$(srctree)/scripts/check-relocs.sh
	$(call tk_link,$(TK_IMAGE_OBJS))
	$(Q)$(srctree)/scripts/check-relocs.sh $(READELF) $@.tmp $(TK_ALLOWED_RELOCS)
	$(Q)! $(READELF) -rW $@.tmp | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_/ && $$1 ~ /^0*[0-3]?[0-9a-f]$$/ {f=1} END {exit !f}' || \
		{ echo "testkernel: $@: relocation inside the Image header" >&2; exit 1; }
	$(Q)mv $@.tmp $@

$(TK_O)/testkernel.Image: $(TK_O)/testkernel-image.elf $(TK_CHECK_IMAGE)
	$(vecho) "  OBJCOPY testkernel/$(notdir $@)"
	$(Q)$(OBJCOPY) -O binary $< $@.tmp
	$(Q)$(TK_CHECK_IMAGE) $@.tmp
	$(Q)mv $@.tmp $@

-include $(TK_ALL_OBJS:.o=.d)

else ifneq ($(wildcard $(TK_SRC)/$(ARCH)/firmware.mk),)

include $(TK_SRC)/$(ARCH)/firmware.mk

else

testkernel:
	@echo "testkernel: no test kernel for ARCH=$(ARCH) (tests/kernel/$(ARCH)/)" >&2; exit 1

endif
