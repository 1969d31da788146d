#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two payload slots (docs/flash.md "Two slots") on both arm64 boards (the
# loader in RAM after firmware, and the loader as the -bios firmware): their
# container bank (pflash 1, 64 MiB at 0x04000000) split into slot A
# (0x04000000) and slot B (0x06000000), 32 MiB each.  The newer valid slot
# boots, a corrupted one falls back with its reason, both bad halt.
. "$(dirname "$0")/../lib.sh"

for board in qemu-virt-aarch64 qemu-virt-aarch64-bios; do
	rm -rf "$TMP/bd"
	cp -r "$top/boards/$board" "$TMP/bd"
	printf 'CONFIG_PAYLOAD_SLOTS=y\nCONFIG_PAYLOAD_B_ADDR=0x06000000\nCONFIG_PAYLOAD_MAX_SIZE=0x2000000\n' \
		>> "$TMP/bd/defconfig"
	export BOARD_DIR=$TMP/bd
	O=$TMP/o-$board
	if ! make -s -C "$top" O="$O" > "$TMP/build.log" 2>&1; then
		notok "$board: the two-slot board builds ($(tail -1 "$TMP/build.log"))"
		continue
	fi
	container() {	# FILE VERSION
		make -s -C "$top" O="$O" IMAGE_VERSION="$2" BOOTARGS="console=ttyAMA0 v$2" \
			"$O/payload.img" > /dev/null 2>&1 && cp "$O/payload.img" "$1"
	}
	container "$TMP/v5" 5
	container "$TMP/v7" 7
	cp "$TMP/v7" "$TMP/v7.bad"
	printf '\x5a' | dd of="$TMP/v7.bad" bs=1 seek=$((0x300)) conv=notrunc status=none
	cp "$TMP/v5" "$TMP/v5.bad"
	printf '\x5a' | dd of="$TMP/v5.bad" bs=1 seek=$((0x300)) conv=notrunc status=none
	sboot() {	# NAME A B: boot the bank A + B
		cat "$2" "$3" > "$TMP/$1.bank"
		boot "$1" PAYLOAD_IMG="$TMP/$1.bank"
	}
	booted() {	# NAME SLOT VERSION
		has "$1" "kaslrboot: slot $2: booting image version $3" &&
			has "$1" "testkernel: slot $2, image version $3" && kernel_done "$1"
	}
	sboot $board-newer-b "$TMP/v5" "$TMP/v7"
	check "$board: A v5, B v7: slot b boots, the payload sees it" booted $board-newer-b b 7
	sboot $board-bad-b "$TMP/v5" "$TMP/v7.bad"
	check "$board: B (v7) corrupted: slot a (v5) boots" booted $board-bad-b a 5
	check "$board: ... the log names slot b's failed digest" \
		has $board-bad-b 'kaslrboot: slot b: not booted: container: payload SHA-256 mismatch'
	sboot $board-both "$TMP/v5.bad" "$TMP/v7.bad"
	check "$board: both corrupted: refused, nothing booted" refused $board-both \
		'slots: nothing to boot: slot a: payload SHA-256 mismatch; slot b: payload SHA-256 mismatch'
done

done_testing
