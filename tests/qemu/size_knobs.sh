#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The size options (docs/size.md): each configuration a firmware engineer
# would pick builds, and a small one still boots the test kernel.  A
# container whose payload format is not built in is refused with one line
# naming the format and the option; CONFIG_LOG_QUIET keeps the errors and
# the final lines and drops the progress lines.
. "$(dirname "$0")/../lib.sh"

# variant NAME CONFIG-LINE...: the default board plus those lines, built
# with its test kernels into $TMP/o-NAME
variant() {
	local name=$1; shift
	cp -r "$top/boards/qemu-virt-riscv64" "$TMP/b-$name"
	printf '%s\n' "$@" >> "$TMP/b-$name/defconfig"
	make -s -C "$top" BOARD_DIR="$TMP/b-$name" O="$TMP/o-$name" all testkernel \
		> "$TMP/build-$name.log" 2>&1
}

lacks() { ! grep -q -- "$2" "$(log_of "$1")"; }

# Quiet, RISC-V Image only (no ELF): the smallest loader that boots Linux
variant image-quiet CONFIG_LOG_QUIET=y '# CONFIG_PAYLOAD_ELF is not set'
check "quiet, RISC-V Image only: builds" test -f "$TMP/o-image-quiet/kaslrboot.bin"
O=$TMP/o-image-quiet boot iq-image BOARD_DIR="$TMP/b-image-quiet" \
	PAYLOAD="$TMP/o-image-quiet/testkernel/testkernel.Image"
check "quiet, RISC-V Image only: boots the Image test kernel" kernel_done iq-image
check "quiet: the final KASLR line is printed" has iq-image 'kaslrboot: KASLR: on'
check "quiet: the handoff line is printed" has iq-image 'kaslrboot: handoff: jumping to'
check "quiet: no progress lines (no plan: line)" lacks iq-image '^kaslrboot: plan:'
check "quiet: no banner line" lacks iq-image '^kaslrboot: version'
O=$TMP/o-image-quiet boot iq-elf BOARD_DIR="$TMP/b-image-quiet" \
	PAYLOAD="$TMP/o-image-quiet/testkernel/testkernel.elf"
check "no ELF support: an ELF container is refused, naming CONFIG_PAYLOAD_ELF" \
	refused iq-elf 'payload: ELF PIE support is not built into this loader (CONFIG_PAYLOAD_ELF)'
one_error_line() { [ "$(grep -c 'kaslrboot: error:' "$(log_of "$1")")" = 1 ]; }
check "no ELF support: the refusal is one error line" one_error_line iq-elf
check "quiet: the refusal is still followed by the halt line" has iq-elf 'kaslrboot: halted: nothing was booted'

# ELF only, no memory map printing, verbose otherwise
variant elf-only '# CONFIG_PAYLOAD_RISCV_IMAGE is not set' '# CONFIG_LOG_MEMORY_MAP is not set'
check "ELF only, no memory map: builds" test -f "$TMP/o-elf-only/kaslrboot.bin"
O=$TMP/o-elf-only boot eo-elf BOARD_DIR="$TMP/b-elf-only"
check "ELF only: boots the ELF test kernel" kernel_done eo-elf
check "no memory map printing: the summary line stays" has eo-elf 'kaslrboot: memory map: '
check "no memory map printing: no range lines" lacks eo-elf '^kaslrboot:   mem '
O=$TMP/o-elf-only boot eo-image BOARD_DIR="$TMP/b-elf-only" \
	PAYLOAD="$TMP/o-elf-only/testkernel/testkernel.Image"
check "no RISC-V Image support: an Image container is refused, naming CONFIG_PAYLOAD_RISCV_IMAGE" \
	refused eo-image 'payload: Linux RISC-V Image support is not built into this loader (CONFIG_PAYLOAD_RISCV_IMAGE)'

# Every format, without link-time optimization
variant no-lto '# CONFIG_LTO is not set' CONFIG_PAYLOAD_ARM64_IMAGE=y
check "no LTO, every format: builds" test -f "$TMP/o-no-lto/kaslrboot.bin"
O=$TMP/o-no-lto boot nl-elf BOARD_DIR="$TMP/b-no-lto"
check "no LTO: boots the ELF test kernel" kernel_done nl-elf
lto_sizes_differ() {
	! cmp -s "$TMP/o-no-lto/kaslrboot.bin" "$O/kaslrboot.bin"
}
check "the LTO and non-LTO loaders differ (the option takes effect)" lto_sizes_differ

done_testing
