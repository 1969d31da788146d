host-tests += karl
test-karl-srcs := tests/host/test_karl.c loader/lib/karl.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
