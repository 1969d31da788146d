host-tests += plan
test-plan-srcs := tests/host/test_plan.c loader/lib/plan.c fdt/memmap.c fdt/fdt_util.c crypto/drbg.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-plan-mbedtls := aes ctr_drbg sha256 platform_util
# The entropy figure's multiply as Cortex-M0 builds it (four 16 x 16-bit
# products, KB_MUL_HALVES in loader/lib/plan.c), with 32-bit addresses.
host-tests += plan_mulhalves
test-plan_mulhalves-srcs := $(test-plan-srcs)
test-plan_mulhalves-mbedtls := $(test-plan-mbedtls)
test-plan_mulhalves-cflags := -DKB_MUL_HALVES=1 -DCONFIG_PHYS_ADDR_32BIT=1
