host-tests += spans
test-spans-srcs := tests/host/test_spans.c loader/lib/spans.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
