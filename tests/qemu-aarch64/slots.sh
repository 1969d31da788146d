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
	slot_container "$TMP/v5" 5 console=ttyAMA0
	slot_container "$TMP/v7" 7 console=ttyAMA0
	slot_corrupt "$TMP/v7" $((0x300))
	slot_corrupt "$TMP/v5" $((0x300))
	sboot() {	# NAME A B: boot the bank A + B
		cat "$2" "$3" > "$TMP/$1.bank"
		boot "$1" PAYLOAD_IMG="$TMP/$1.bank"
	}
	sboot $board-newer-b "$TMP/v5" "$TMP/v7"
	check "$board: A v5, B v7: slot b boots, the payload sees it" slot_booted $board-newer-b b 7
	sboot $board-bad-b "$TMP/v5" "$TMP/v7.bad"
	check "$board: B (v7) corrupted: slot a (v5) boots" slot_booted $board-bad-b a 5
	check "$board: ... the log names slot b's failed digest" \
		has $board-bad-b 'kaslrboot: slot b: not booted: container: payload SHA-256 mismatch'
	sboot $board-both "$TMP/v5.bad" "$TMP/v7.bad"
	check "$board: both corrupted: refused, nothing booted" refused $board-both \
		'slots: nothing to boot: slot a: payload SHA-256 mismatch; slot b: payload SHA-256 mismatch'
done

done_testing
