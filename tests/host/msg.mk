host-tests += msg
test-msg-srcs := tests/host/test_msg.c loader/lib/msg.c
# The messages: every string literal of the loader's sources, compressed by
# scripts/msgpack.py as the build does (tests/qemu-riscv-m/msg_compress.sh
# runs the same test on a real build's .kb_msg and linked blob).
test-msg-cflags := -I$(HOST_O)/msg -DMSG_DATA_H='"msg_corpus.h"'
MSG_CORPUS_SRCS := $(wildcard $(srctree)/loader/*.c $(srctree)/loader/lib/*.c \
	$(srctree)/loader/arch/*/*.c $(srctree)/drivers/*/*.c $(srctree)/drivers/*.c \
	$(srctree)/crypto/*.c $(srctree)/fdt/*.c)
$(HOST_O)/tests/test_msg: $(HOST_O)/msg/msg_corpus.h
$(HOST_O)/msg/msg_corpus.h: $(srctree)/scripts/msgpack.py $(srctree)/loader/include/kaslrboot/msg.h \
		$(MSG_CORPUS_SRCS)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(PYTHON) $(srctree)/scripts/msgpack.py --sources $(HOST_O)/msg/corpus.bin $(MSG_CORPUS_SRCS)
	$(Q)$(PYTHON) $(srctree)/scripts/msgpack.py --msg-h $(srctree)/loader/include/kaslrboot/msg.h \
		--c $@ $(HOST_O)/msg/corpus.bin
