host-tests += health
test-health-srcs := tests/host/test_health.c crypto/health.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
