#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two payload slots on the M-mode first stage, rv64 and rv32 (docs/flash.md
# "Two slots"): one 32 MiB flash holding kaslrboot.bin, slot A (0x20040000) and slot B
# (0x21020000), 0xfe0000 bytes each, written by scripts/mkflash.sh.  The
# newer valid slot boots; a corrupted one falls back; both bad: halt.
. "$(dirname "$0")/../lib.sh"

for board in qemu-virt-riscv64-m qemu-virt-riscv32-m; do
	rm -rf "$TMP/bd"
	cp -r "$top/boards/$board" "$TMP/bd"
	printf 'CONFIG_PAYLOAD_SLOTS=y\nCONFIG_PAYLOAD_ADDR=0x20040000\nCONFIG_PAYLOAD_B_ADDR=0x21020000\nCONFIG_PAYLOAD_MAX_SIZE=0xfe0000\n' \
		>> "$TMP/bd/defconfig"
	export BOARD_DIR=$TMP/bd
	O=$TMP/o-$board
	if ! make -s -C "$top" O="$O" > "$TMP/build.log" 2>&1; then
		notok "$board: the two-slot board builds ($(tail -1 "$TMP/build.log"))"
		continue
	fi
	slot_container "$TMP/v5" 5
	slot_container "$TMP/v7" 7
	slot_corrupt "$TMP/v7" $((0x300))
	slot_corrupt "$TMP/v5" $((0x300))
	sboot() {	# NAME A B
		boot "$1" PAYLOAD_IMG="$2" PAYLOAD_IMG_B="$3"
	}

	make -s -C "$top" O="$O" PAYLOAD_IMG="$TMP/v5" PAYLOAD_IMG_B="$TMP/v7" flash > "$TMP/flash.out" 2>&1
	check "$board: make flash prints both slots" \
		eval 'grep -q "0x00040000  slot a: container, 16646144 B (window: 16646144 B at 0x20040000)" "$TMP/flash.out" &&
			grep -q "0x01020000  slot b: container, 16646144 B (window: 16646144 B at 0x21020000)" "$TMP/flash.out"'
	check "$board: kbimage slots show on the flash image: slot b boots" \
		eval '"$top/build/host/kbimage" slots show "$O/flash.img" --slot-a 0x40000 --slot-b 0x1020000 --slot-size 0xfe0000 | grep -q "^  slot b .*image version 7.*: boots$"'
	sboot $board-newer-b "$TMP/v5" "$TMP/v7"
	check "$board: A v5, B v7: slot b boots in M-mode, the payload sees it" slot_booted $board-newer-b b 7
	sboot $board-bad-b "$TMP/v5" "$TMP/v7.bad"
	check "$board: B (v7) corrupted: slot a (v5) boots" slot_booted $board-bad-b a 5
	check "$board: ... the log names slot b's failed digest" \
		has $board-bad-b 'kaslrboot: slot b: not booted: container: payload SHA-256 mismatch'
	sboot $board-erased-b "$TMP/v5" ""
	check "$board: B erased: slot a boots" slot_booted $board-erased-b a 5
	sboot $board-both "$TMP/v5.bad" "$TMP/v7.bad"
	check "$board: both corrupted: refused, nothing booted" refused $board-both \
		'slots: nothing to boot: slot a: payload SHA-256 mismatch; slot b: payload SHA-256 mismatch'
done

done_testing
