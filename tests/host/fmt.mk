# kb_snprintf (and kb_fmt_dec, kb_fmt_cat, kb_size_str) against the host's snprintf: with 64-bit division (test_fmt)
# and with 32-bit divisions only, as the rv32 loader builds it (test_fmt32)
host-tests += fmt fmt32
test-fmt-srcs := tests/host/test_fmt.c loader/lib/fmt.c loader/lib/diag.c
test-fmt-cflags := -DKB_FMT_DIV32=0
test-fmt32-srcs := tests/host/test_fmt.c loader/lib/fmt.c loader/lib/diag.c
test-fmt32-cflags := -DKB_FMT_DIV32=1
