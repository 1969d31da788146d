# SPDX-License-Identifier: BSD-2-Clause
# Tests: host unit tests (cmocka, ASan + UBSan) for the pure modules, and
# QEMU boot tests.  tests/run.sh runs them all and prints "N passed, N failed".

HOST_CFLAGS = -std=gnu11 -g -O1 -Wall -Wextra -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I$(srctree)/loader/include -I$(LIBFDT_DIR) -I$(HOST_O)/include/generated \
	-DKB_HOST_TEST
HOST_MBEDTLS_CPPFLAGS = -I$(MBEDTLS_DIR)/include \
	-DMBEDTLS_CONFIG_FILE='"$(srctree)/crypto/mbedtls_config.h"'

host-tests :=
host-fixtures :=
# every tests/host/*.mk declares its test binary (host-tests, test-<t>-srcs, ...)
include $(wildcard $(srctree)/tests/host/*.mk)

# The pure modules whose addresses are kb_phys_t (kaslrboot/phys.h) are
# tested at both widths: test_<t>_phys32 is test_<t> built again with
# 32-bit addresses, as on the 32-bit boards (CONFIG_PHYS_ADDR_32BIT).
host-tests-phys32 := memmap plan spans payload payload_armm drbg container slot pmp
define phys32_test
host-tests += $(1)_phys32
test-$(1)_phys32-srcs := $$(test-$(1)-srcs)
test-$(1)_phys32-mbedtls := $$(test-$(1)-mbedtls)
test-$(1)_phys32-cflags := $$(test-$(1)-cflags) -DCONFIG_PHYS_ADDR_32BIT=1
endef
$(foreach t,$(host-tests-phys32),$(eval $(call phys32_test,$(t))))

# Host tools (tools/tools.mk appends to HOST_TOOLS) and libFuzzer targets
# (tests/fuzz/fuzz.mk appends to FUZZ_BINS; built with clang).
HOST_TOOLS :=
FUZZ_BINS :=
-include $(srctree)/tools/tools.mk
-include $(srctree)/tests/fuzz/fuzz.mk

HOST_LIBFDT_OBJS := $(addprefix $(HOST_O)/libfdt/,$(libfdt-objs))
HOST_TEST_BINS := $(addprefix $(HOST_O)/tests/test_,$(host-tests))
HOST_FIXTURES := $(patsubst $(srctree)/tests/fixtures/%.dts,$(HOST_O)/fixtures/%.dtb,$(abspath $(host-fixtures)))

$(HOST_O)/libfdt/%.o: $(LIBFDT_DIR)/%.c | check-setup
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -DFDT_ASSUME_MASK=0 -w -c $< -o $@

$(HOST_O)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c $(srctree)/crypto/mbedtls_config.h | check-setup
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_MBEDTLS_CPPFLAGS) -w -c $< -o $@

# test_<t>: its sources, libfdt, and the mbedTLS files it lists (compiled
# with the loader's own mbedTLS configuration); test-<t>-cflags: its own
# defines (e.g. a format left out, as Kconfig would).
define host_test_rule
$(HOST_O)/tests/test_$(1): $$(addprefix $(srctree)/,$$(test-$(1)-srcs)) $(HOST_LIBFDT_OBJS) \
		$$(patsubst %,$(HOST_O)/mbedtls/%.o,$$(test-$(1)-mbedtls)) \
		$(HOST_O)/include/generated/kb_health_cutoffs.h \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h $(srctree)/tests/host/*.h $(srctree)/tests/*.h)
	$$(vecho) "  HOSTCC  test_$(1)"
	$(Q)mkdir -p $$(dir $$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $$(test-$(1)-cflags) $$(if $$(test-$(1)-mbedtls),$(HOST_MBEDTLS_CPPFLAGS)) \
		$$(filter %.c %.o,$$^) -lcmocka -lm -o $$@
endef
$(foreach t,$(host-tests),$(eval $(call host_test_rule,$(t))))

$(HOST_O)/fixtures/%.dtb: $(srctree)/tests/fixtures/%.dts | check-setup
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -q -I dts -O dtb -o $@ $<

tools: $(HOST_TOOLS)

host-tests: $(HOST_TEST_BINS) $(HOST_FIXTURES) $(HOST_TOOLS) $(FUZZ_BINS)
	$(Q)MBEDTLS_DIR=$(MBEDTLS_DIR) $(srctree)/tests/run.sh --host-only $(HOST_O)

# The arm64 boards and the M-mode first-stage boards are built and tested
# too when the default board is tested.
O_AARCH64 := $(srctree)/build/qemu-virt-aarch64
O_RISCV64_M := $(srctree)/build/qemu-virt-riscv64-m
O_RISCV32_M := $(srctree)/build/qemu-virt-riscv32-m
O_ARM_M := $(srctree)/build/qemu-microbit
test: check-setup all $(HOST_TEST_BINS) $(HOST_FIXTURES) $(HOST_TOOLS) $(FUZZ_BINS)
	$(Q)if [ -d $(srctree)/boards/qemu-virt-aarch64 ]; then \
		$(MAKE) -s --no-print-directory BOARD=qemu-virt-aarch64 O=$(O_AARCH64) all testkernel && \
		$(MAKE) -s --no-print-directory BOARD=qemu-virt-aarch64-bios \
			O=$(srctree)/build/qemu-virt-aarch64-bios all testkernel; fi
	$(Q)if [ -d $(srctree)/boards/qemu-virt-riscv64-m ]; then \
		$(MAKE) -s --no-print-directory BOARD=qemu-virt-riscv64-m O=$(O_RISCV64_M) all testkernel && \
		$(MAKE) -s --no-print-directory BOARD=qemu-virt-riscv32-m O=$(O_RISCV32_M) all testkernel && \
		$(MAKE) -s --no-print-directory BOARD=qemu-virt-riscv32-m-mcu \
			O=$(srctree)/build/qemu-virt-riscv32-m-mcu all testkernel; fi
	$(Q)if [ -d $(srctree)/boards/qemu-microbit ]; then \
		$(MAKE) -s --no-print-directory BOARD=qemu-microbit O=$(O_ARM_M) all testkernel; fi
	$(Q)O=$(O) MBEDTLS_DIR=$(MBEDTLS_DIR) O_AARCH64=$(O_AARCH64) O_ARM_M=$(O_ARM_M) \
		O_RISCV64_M=$(O_RISCV64_M) O_RISCV32_M=$(O_RISCV32_M) \
		$(srctree)/tests/run.sh $(HOST_O)
