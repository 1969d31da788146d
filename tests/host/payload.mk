host-tests += payload
test-payload-srcs := tests/host/test_payload.c loader/lib/elf.c loader/lib/image.c loader/lib/reloc.c loader/lib/diag.c loader/lib/fmt.c loader/lib/error.c
