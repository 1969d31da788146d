host-tests += bootinfo
test-bootinfo-srcs := tests/host/test_bootinfo.c loader/lib/bootinfo.c \
	loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
