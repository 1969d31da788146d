host-tests += karl_rv32
test-karl_rv32-srcs := tests/host/test_karl_rv32.c loader/lib/karl.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
