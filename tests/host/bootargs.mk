host-tests += bootargs
test-bootargs-srcs := tests/host/test_bootargs.c loader/lib/bootargs.c
