host-tests += fwdyn
test-fwdyn-srcs := tests/host/test_fwdyn.c loader/lib/fwdyn.c fdt/fdt_util.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
