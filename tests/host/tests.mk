host-tests += memmap fdt_util
test-memmap-srcs := tests/host/test_memmap.c fdt/memmap.c fdt/fdt_util.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
test-fdt_util-srcs := tests/host/test_fdt_util.c fdt/fdt_util.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
host-fixtures += $(wildcard tests/fixtures/*.dts)
