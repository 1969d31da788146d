# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer targets (included from tests/tests.mk), built with clang from
# the same module sources as the loader plus libfdt's own sources (compiled
# into the fuzzer link, so they are instrumented too).
#
#   make fuzz [FUZZ_TIME=seconds] [FUZZ_RUNS=n] [FUZZ_TARGETS="elf reloc"]
#       every target (or those named) in turn, for FUZZ_TIME seconds and/or
#       FUZZ_RUNS executions each (neither given: 300 s each); see
#       tests/fuzz/fuzz.sh for the corpora and where crashes go
#   make fuzz-<name>      the same for one target (fuzz-plan, fuzz-elf, ...)
#   make fuzz-merge [FUZZ_TARGETS=...]   minimize what the campaigns found
#       into the committed seed corpora tests/fuzz/corpus/<name>/
#
# tests/run.sh runs every $(HOST_O)/fuzz/fuzz_* for a fixed number of runs
# over $(HOST_O)/fuzz/corpus-<name>/ and tests/fuzz/corpus/<name>/; the
# link rules seed the former (fuzz_plan from the dtc-compiled fixtures,
# fuzz_container from kbimage containers).

FUZZ_CC ?= clang
FUZZ_CFLAGS = -std=gnu11 -g -O1 -Wall -Wextra -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I$(srctree)/loader/include -I$(LIBFDT_DIR) -DFDT_ASSUME_MASK=0 -DKB_HOST_TEST

FUZZ_BINS += $(HOST_O)/fuzz/fuzz_plan

fuzz-plan-srcs := tests/fuzz/fuzz_plan.c fdt/memmap.c fdt/fdt_util.c loader/lib/plan.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
FUZZ_PLAN_SEEDS := $(patsubst $(srctree)/tests/fixtures/%.dts,$(HOST_O)/fuzz/seeds-plan/%.dtb, \
	$(wildcard $(srctree)/tests/fixtures/*.dts))

$(HOST_O)/fuzz/seeds-plan/%.dtb: $(srctree)/tests/fixtures/%.dts | check-setup
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(HOST_O)/fuzz/fuzz_plan: $(addprefix $(srctree)/,$(fuzz-plan-srcs)) \
		$(addprefix $(LIBFDT_DIR)/,$(libfdt-objs:.o=.c)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(srctree)/tests/fuzz/fuzz.h $(srctree)/tests/le.h $(FUZZ_PLAN_SEEDS) | check-setup
	$(vecho) "  CLANG   fuzz_plan"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_plan
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -lm -o $@
	$(Q)$(if $(FUZZ_PLAN_SEEDS),cp $(FUZZ_PLAN_SEEDS) $(HOST_O)/fuzz/corpus-fuzz_plan/)

# Payload parsers and the relocation engine: no seeds needed (fuzz_elf
# XORs odd-mode inputs over a built-in static PIE; fuzz_reloc builds one
# around the input's relocation tables).
FUZZ_BINS += $(HOST_O)/fuzz/fuzz_elf $(HOST_O)/fuzz/fuzz_reloc

fuzz-payload-srcs := loader/lib/elf.c loader/lib/image.c loader/lib/reloc.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c

$(HOST_O)/fuzz/fuzz_elf $(HOST_O)/fuzz/fuzz_reloc: $(HOST_O)/fuzz/fuzz_%: \
		$(srctree)/tests/fuzz/fuzz_%.c $(addprefix $(srctree)/,$(fuzz-payload-srcs)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(srctree)/tests/fuzz/fuzz.h $(srctree)/tests/le.h | check-setup
	$(vecho) "  CLANG   fuzz_$*"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_$*
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

# fuzz_container: arbitrary bytes through kb_container_open (the first byte
# chooses hash fix-ups, see the source), with mbedTLS's SHA-256 compiled
# into the link with clang too.  Seeds: kbimage containers (one with a
# KASLR alignment, around a bare arm64 Image header), prefixed with
# control bytes 3 (fix up every hash) and 0 (as given).
FUZZ_BINS += $(HOST_O)/fuzz/fuzz_container

fuzz-container-srcs := tests/fuzz/fuzz_container.c loader/lib/container.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
fuzz-container-mbedtls := sha256 platform_util
FUZZ_CONTAINER_SEEDS := $(HOST_O)/fuzz/seeds-container

$(FUZZ_CONTAINER_SEEDS)/.stamp: $(HOST_O)/kbimage | check-setup
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOST_O)/kbimage -o $(dir $@)a.img $(srctree)/loader/lib/error.c >/dev/null
	$(Q)$(HOST_O)/kbimage -t elf --initrd $(srctree)/loader/lib/diag.c \
		--bootargs "console=ttyS0 quiet" -o $(dir $@)b.img $(srctree)/loader/lib/error.c >/dev/null
	$(Q)$(HOST_O)/kbimage -t riscv-image --bootargs "" --pad 4K \
		-o $(dir $@)c.img $(srctree)/loader/lib/error.c >/dev/null
	$(Q){ printf '\000\000\000\024'; head -c 12 /dev/zero; \
		printf '\000\000\001\000\000\000\000\000\012\000\000\000\000\000\000\000'; \
		head -c 24 /dev/zero; printf 'ARM\144\000\000\000\000'; } > $(dir $@)arm64
	$(Q)$(HOST_O)/kbimage --kaslr-align 64K -o $(dir $@)d.img $(dir $@)arm64 >/dev/null
	$(Q)for f in a b c d; do \
		{ printf '\003'; cat $(dir $@)$$f.img; } > $(dir $@)$$f-fixed; \
		{ printf '\000'; cat $(dir $@)$$f.img; } > $(dir $@)$$f-raw; \
		rm -f $(dir $@)$$f.img; \
	done
	$(Q)touch $@

$(HOST_O)/fuzz/fuzz_container: $(addprefix $(srctree)/,$(fuzz-container-srcs)) \
		$(patsubst %,$(MBEDTLS_DIR)/library/%.c,$(fuzz-container-mbedtls)) \
		$(srctree)/crypto/mbedtls_config.h \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(srctree)/tests/fuzz/fuzz.h $(srctree)/tests/le.h \
		$(FUZZ_CONTAINER_SEEDS)/.stamp | check-setup
	$(vecho) "  CLANG   fuzz_container"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_container
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(HOST_MBEDTLS_CPPFLAGS) $(filter %.c,$^) -o $@
	$(Q)cp $(FUZZ_CONTAINER_SEEDS)/*-* $(HOST_O)/fuzz/corpus-fuzz_container/

# fuzz_load: arbitrary bytes as the flash window through the loader's
# read-once path (loader/lib/load.c: header, bootargs, payload, initrd),
# checking that no byte is read twice; control byte as in fuzz_container
# (bit 2: AArch64).  Seeds: tests/fuzz/corpus/load/ (the test kernels,
# ELF and Images, in containers).
FUZZ_BINS += $(HOST_O)/fuzz/fuzz_load

fuzz-load-srcs := tests/fuzz/fuzz_load.c loader/lib/load.c loader/lib/container.c \
	loader/lib/elf.c loader/lib/image.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c

$(HOST_O)/fuzz/fuzz_load: $(addprefix $(srctree)/,$(fuzz-load-srcs)) \
		$(patsubst %,$(MBEDTLS_DIR)/library/%.c,$(fuzz-container-mbedtls)) \
		$(srctree)/crypto/mbedtls_config.h \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(srctree)/tests/fuzz/fuzz.h $(srctree)/tests/le.h | check-setup
	$(vecho) "  CLANG   fuzz_load"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_load
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(HOST_MBEDTLS_CPPFLAGS) $(filter %.c,$^) -o $@

# fuzz_pmp: arbitrary parameters and segments through the PMP planner,
# its plans checked with the independent matcher of tests/pmp_oracle.h.
# No seeds needed (every 4 + 8n bytes are a valid input).
FUZZ_BINS += $(HOST_O)/fuzz/fuzz_pmp

fuzz-pmp-srcs := tests/fuzz/fuzz_pmp.c loader/lib/pmp.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c

$(HOST_O)/fuzz/fuzz_pmp: $(addprefix $(srctree)/,$(fuzz-pmp-srcs)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(srctree)/tests/fuzz/fuzz.h \
		$(srctree)/tests/le.h $(srctree)/tests/pmp_oracle.h | check-setup
	$(vecho) "  CLANG   fuzz_pmp"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_pmp
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

# fuzz_karl: KARL's parse + layout + apply on a fuzzed ELF (two control
# bytes first, see the source); seeds: tests/fuzz/corpus/karl/ (a small
# payload built to docs/karl.md's contract).
FUZZ_BINS += $(HOST_O)/fuzz/fuzz_karl

fuzz-karl-srcs := tests/fuzz/fuzz_karl.c loader/lib/karl.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c

$(HOST_O)/fuzz/fuzz_karl: $(addprefix $(srctree)/,$(fuzz-karl-srcs)) \
		$(wildcard $(srctree)/loader/include/kaslrboot/*.h) $(srctree)/tests/fuzz/fuzz.h $(srctree)/tests/le.h | check-setup
	$(vecho) "  CLANG   fuzz_karl"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_karl
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

# fuzz_fmt: kb_vsnprintf against the host's vsnprintf, one directive per
# 12-byte record (see the source); fmt.c with 32-bit divisions only, as
# the rv32 loader builds it.  No seeds needed.
FUZZ_BINS += $(HOST_O)/fuzz/fuzz_fmt

$(HOST_O)/fuzz/fuzz_fmt: $(srctree)/tests/fuzz/fuzz_fmt.c $(srctree)/loader/lib/fmt.c \
		$(srctree)/loader/include/kaslrboot/fmt.h $(srctree)/tests/fmt_check.h \
		$(srctree)/tests/fuzz/fuzz.h $(srctree)/tests/le.h | check-setup
	$(vecho) "  CLANG   fuzz_fmt"
	$(Q)mkdir -p $(dir $@) $(HOST_O)/fuzz/corpus-fuzz_fmt
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DKB_FMT_DIV32=1 $(filter %.c,$^) -o $@

# Campaigns and corpus merges, one target after the other.
FUZZ_NAMES := $(patsubst $(HOST_O)/fuzz/fuzz_%,%,$(FUZZ_BINS))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SELECTED = $(patsubst %,$(HOST_O)/fuzz/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz-merge $(addprefix fuzz-,$(FUZZ_NAMES))
fuzz: $(FUZZ_SELECTED)
	$(Q)FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) \
		$(srctree)/tests/fuzz/fuzz.sh run $(HOST_O) $(FUZZ_TARGETS)

$(addprefix fuzz-,$(FUZZ_NAMES)): fuzz-%: $(HOST_O)/fuzz/fuzz_%
	$(Q)FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) \
		$(srctree)/tests/fuzz/fuzz.sh run $(HOST_O) $*

fuzz-merge: $(FUZZ_SELECTED)
	$(Q)$(srctree)/tests/fuzz/fuzz.sh merge $(HOST_O) $(FUZZ_TARGETS)

