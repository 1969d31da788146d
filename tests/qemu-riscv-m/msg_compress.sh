#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CONFIG_LOG_COMPRESS on the rv32 microcontroller profile (docs/size.md;
# the profile itself uses CONFIG_LOG_DICTIONARY, log_dict.sh, so this
# builds it with LOG_COMPRESS instead): the format strings are not in the
# image, the C decoder expands every one of the real build's messages
# from the blob linked into it, and what the loader prints is exactly what
# the same board prints uncompressed.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../lib.sh"

CROSS=${CROSS_COMPILE:-riscv64-unknown-elf-}
mkdir -p "$TMP/comp"
cp -r "$top/boards/qemu-virt-riscv32-m-mcu/." "$TMP/comp/"
sed -i '/^CONFIG_LOG_DICTIONARY=y$/d' "$TMP/comp/defconfig"
printf 'CONFIG_LOG_COMPRESS=y\n' >> "$TMP/comp/defconfig"
mo=$TMP/comp-o
make -s -C "$top" O="$mo" BOARD_DIR="$TMP/comp" > "$TMP/comp.build" 2>&1
if [ ! -f "$mo/kaslrboot.bin" ]; then
	notok "mcu profile with LOG_COMPRESS did not build ($mo)"
	tail -n 5 "$TMP/comp.build"
	done_testing
fi
elf=$mo/kaslrboot.elf

check "mcu profile variant: CONFIG_LOG_COMPRESS=y" grep -qx 'CONFIG_LOG_COMPRESS=y' "$mo/.config"

kb_msg_checks "$CROSS" "$elf" "$mo/kaslrboot.bin" 'entropy: no TRNG found (this build knows: zkr)' 'header SHA-256 mismatch' \
	'payload locked with %u of %u entries'

# Every message of this build, decoded by loader/lib/msg.c from the blob
# as linked (read back from kaslrboot.bin), equals the section's bytes:
# tests/host/test_msg.c, built here on this build's data.
blob_from_bin() {
	local base addr size
	base=$("${CROSS}nm" "$elf" | sed -n 's/^\([0-9a-f]*\) . __image_start$/\1/p')
	read -r addr size < <("${CROSS}nm" -S "$elf" | sed -n 's/^\([0-9a-f]*\) \([0-9a-f]*\) . kb_msg_blob$/\1 \2/p')
	[ -n "$base" ] && [ -n "$addr" ] && [ -n "$size" ] || return 1
	dd if="$mo/kaslrboot.bin" of="$TMP/blob.bin" bs=1 skip=$((0x$addr - 0x$base)) \
		count=$((0x$size)) status=none
	[ "$(stat -c %s "$TMP/blob.bin")" = $((0x$size)) ]
}
roundtrip() {
	blob_from_bin &&
		python3 "$top/scripts/msgpack.py" --msg-h "$top/loader/include/kaslrboot/msg.h" \
			--c "$TMP/real.h" --blob "$TMP/blob.bin" "$TMP/kb_msg.bin" 2> "$TMP/pack.out" &&
		${HOSTCC:-gcc} -std=gnu11 -g -O1 -Wall -Wextra -fsanitize=address,undefined \
			-fno-sanitize-recover=all -I"$top/loader/include" -I"$TMP" \
			-DMSG_DATA_H='"real.h"' "$top/tests/host/test_msg.c" "$top/loader/lib/msg.c" \
			-lcmocka -o "$TMP/test_msg_real" &&
		"$TMP/test_msg_real" > "$TMP/rt.out" 2>&1
}
check "every message of the build decodes exactly from the linked blob (C decoder, ASan/UBSan)" roundtrip
[ -s "$TMP/rt.out" ] && ! grep -q PASSED "$TMP/rt.out" && tail -n 5 "$TMP/rt.out"

# The same board without compression: its lines must read the same.
cp -r "$top/boards/qemu-virt-riscv32-m-mcu" "$TMP/plain"
sed -i '/^CONFIG_LOG_DICTIONARY=y$/d' "$TMP/plain/defconfig"
po=$TMP/plain-o
lines() { grep '^kaslrboot' "$(log_of "$1")"; }
# NAME: the compressed and the plain boot printed the same loader lines;
# with MASK, every hex number masked (the loaders differ in size, so
# addresses after them differ)
same_lines() {
	if [ -n "${2:-}" ]; then
		diff <(lines "$1" | sed 's/0x[0-9a-f]*/0xN/g') <(lines "$1-plain" | sed 's/0x[0-9a-f]*/0xN/g')
	else
		diff <(lines "$1") <(lines "$1-plain")
	fi > "$TMP/$1.diff" && [ -n "$(lines "$1")" ]
}
O=$mo boot norng BOARD_DIR="$TMP/comp" QEMU_CPU=rv32
O=$po boot norng-plain BOARD_DIR="$TMP/plain" QEMU_CPU=rv32
check "plain build: LOG_COMPRESS off" grep -qx '# CONFIG_LOG_COMPRESS is not set' "$po/.config"
check "no Zkr: refused with the uncompressed text" refused norng 'entropy: no TRNG found (this build knows: zkr)'
check "no Zkr: every line as the uncompressed build prints it" same_lines norng
make -s -C "$top" O="$mo" BOARD_DIR="$TMP/comp" "$mo/payload.img" >/dev/null 2>&1
cp "$mo/payload.img" "$TMP/bad.img"
printf '\x5a' | dd of="$TMP/bad.img" bs=1 seek=40 conv=notrunc status=none
O=$mo boot corrupt BOARD_DIR="$TMP/comp" PAYLOAD_IMG="$TMP/bad.img"
O=$po boot corrupt-plain BOARD_DIR="$TMP/plain" PAYLOAD_IMG="$TMP/bad.img"
check "corrupted container: refused with the uncompressed text" refused corrupt 'container: header SHA-256 mismatch'
check "corrupted container: every line as the uncompressed build prints it" same_lines corrupt
O=$mo boot nokaslr BOARD_DIR="$TMP/comp" BOOTARGS="console=ttyS0 nokaslr"
O=$po boot nokaslr-plain BOARD_DIR="$TMP/plain" BOOTARGS="console=ttyS0 nokaslr"
check "nokaslr boot: the kernel ran" kernel_done nokaslr
check "nokaslr boot: every line as the uncompressed build prints it (addresses masked)" same_lines nokaslr mask
for n in norng corrupt nokaslr; do [ -s "$TMP/$n.diff" ] && head -n 6 "$TMP/$n.diff"; done
done_testing
