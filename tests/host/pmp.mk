host-tests += pmp
test-pmp-srcs := tests/host/test_pmp.c loader/lib/pmp.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
