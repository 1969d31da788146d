host-tests += karl_a64
test-karl_a64-srcs := tests/host/test_karl_a64.c loader/lib/karl.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
