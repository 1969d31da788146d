host-tests += karl_data
test-karl_data-srcs := tests/host/test_karl_data.c loader/lib/karl.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
