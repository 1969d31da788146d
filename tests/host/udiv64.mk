host-tests += udiv64
test-udiv64-srcs := tests/host/test_udiv64.c loader/lib/udiv64.c
