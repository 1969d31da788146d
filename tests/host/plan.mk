host-tests += plan
test-plan-srcs := tests/host/test_plan.c loader/lib/plan.c fdt/memmap.c fdt/fdt_util.c crypto/drbg.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-plan-mbedtls := aes ctr_drbg sha256 platform_util
