# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer targets (included from tests/tests.mk), built with clang from
# the same module sources as the loader plus libfdt's own sources (compiled
# into the fuzzer link, so they are instrumented too).
#
#   make fuzz [FUZZ_TIME=seconds]   fuzz_plan for FUZZ_TIME (default 300) s
#
# tests/run.sh runs every $(HOST_O)/fuzz/fuzz_* for a fixed number of runs
# over $(HOST_O)/fuzz/corpus-<name>/, which the link rule seeds from the
# dtc-compiled fixtures (tests/fixtures/*.dts -> $(HOST_O)/fuzz/seeds-plan/).

FUZZ_CC ?= clang
FUZZ_CFLAGS = -std=gnu11 -g -O1 -Wall -Wextra -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I$(srctree)/loader/include -I$(LIBFDT_DIR) -DFDT_ASSUME_MASK=0 -DKB_HOST_TEST

FUZZ_BINS += $(HOST_O)/fuzz/fuzz_plan

fuzz-plan-srcs := tests/fuzz/fuzz_plan.c fdt/memmap.c fdt/fdt_util.c loader/lib/plan.c \
	loader/lib/diag.c loader/lib/error.c
FUZZ_PLAN_SEEDS := $(patsubst $(srctree)/tests/fixtures/%.dts,$(HOST_O)/fuzz/seeds-plan/%.dtb, \
	$(wildcard $(srctree)/tests/fixtures/*.dts))

$(HOST_O)/fuzz/seeds-plan/%.dtb: $(srctree)/tests/fixtures/%.dts | check-setup
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(HOST_O)/fuzz/fuzz_plan: $(addprefix $(srctree)/,$(fuzz-plan-srcs)) \
		$(addprefix $(LIBFDT_DIR)/,$(libfdt-objs:.o=.c)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(FUZZ_PLAN_SEEDS) | check-setup
	$(vecho) "  CLANG   fuzz_plan"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_plan
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -lm -o $@
	$(Q)$(if $(FUZZ_PLAN_SEEDS),cp $(FUZZ_PLAN_SEEDS) $(HOST_O)/fuzz/corpus-fuzz_plan/)

# Crash reproducers go to $(HOST_O)/fuzz/artifacts-fuzz_plan/, not the cwd.
fuzz: $(HOST_O)/fuzz/fuzz_plan
	$(Q)mkdir -p $(HOST_O)/fuzz/corpus-fuzz_plan $(HOST_O)/fuzz/artifacts-fuzz_plan
	$(HOST_O)/fuzz/fuzz_plan -max_total_time=$(or $(FUZZ_TIME),300) \
		-artifact_prefix=$(HOST_O)/fuzz/artifacts-fuzz_plan/ \
		$(HOST_O)/fuzz/corpus-fuzz_plan $(HOST_O)/fuzz/seeds-plan
