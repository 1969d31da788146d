host-tests += dt_build
test-dt_build-srcs := tests/host/test_dt_build.c loader/lib/dt_build.c
