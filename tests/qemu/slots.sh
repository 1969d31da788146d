#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two payload slots (CONFIG_PAYLOAD_SLOTS, docs/flash.md "Two slots") on
# the riscv64 S-mode board: its container bank (pflash 1, 32 MiB) split into
# slot A (0x22000000) and slot B (0x23000000), 16 MiB each.  The valid slot
# with the higher image version boots; a corrupted or truncated one falls
# back to the other, with the reason in the log; both bad: halt, one line.
# The payload sees /chosen/kaslrboot,slot and kaslrboot,image-version.
. "$(dirname "$0")/../lib.sh"

cp -r "$top/boards/qemu-virt-riscv64" "$TMP/bd"
printf 'CONFIG_PAYLOAD_SLOTS=y\nCONFIG_PAYLOAD_B_ADDR=0x23000000\nCONFIG_PAYLOAD_MAX_SIZE=0x1000000\n' \
	>> "$TMP/bd/defconfig"
export BOARD_DIR=$TMP/bd
O=$TMP/o
if ! make -s -C "$top" O="$O" > "$TMP/build.log" 2>&1; then
	notok "the two-slot board builds ($(tail -1 "$TMP/build.log"))"
	done_testing
	exit
fi
# 16 MiB containers of the test kernel (slot_*: tests/lib.sh)
slot_container "$TMP/v5" 5 console=ttyS0
slot_container "$TMP/v7" 7 console=ttyS0
head -c $((16 << 20)) /dev/zero | tr '\0' '\377' > "$TMP/erased"
# bank NAME A B: the 32 MiB bank with slot A's and slot B's files
bank() { cat "$2" "$3" > "$TMP/$1.bank"; }
sboot() {	# NAME: boot the bank $TMP/NAME.bank
	boot "$1" PAYLOAD_IMG="$TMP/$1.bank"
}
# NAME SLOT: kbimage slots show (the loader's slot.c on the host) picks
# the same slot for the bank
tool_agrees() {
	"$top/build/host/kbimage" slots show "$TMP/$1.bank" --slot-a 0 --slot-b 16M \
		--slot-size 16M 2>&1 | grep -q "^  slot $2 .*: boots$"
}
booted() {	# NAME SLOT VERSION: that slot ran, and the payload saw it
	has "$1" "kaslrboot: slot $2: booting image version $3" &&
		has "$1" "testkernel: slot $2, image version $3" &&
		has "$1" "testkernel: bootargs \"console=ttyS0 v$3" && kernel_done "$1"
}

bank newer-b "$TMP/v5" "$TMP/v7"; sboot newer-b
check "A v5, B v7: slot b boots, the payload sees slot b" booted newer-b b 7
check "... and the log says why not slot a" \
	has newer-b 'kaslrboot: slot a: not booted: image version 5 is not above slot b'"'"'s 7'
check "kbimage slots show agrees (newer-b: slot b)" tool_agrees newer-b b
bank newer-a "$TMP/v7" "$TMP/v5"; sboot newer-a
check "A v7, B v5 (B older): slot a boots" booted newer-a a 7
bank tie "$TMP/v5" "$TMP/v5"; sboot tie
check "equal versions: slot a" booted tie a 5

# A's payload corrupted (offset 0x300: inside the payload part, after
# the 512-byte header): B boots although older
slot_corrupt "$TMP/v7" $((0x300))
bank bad-a "$TMP/v7.bad" "$TMP/v5"; sboot bad-a
check "A (v7) corrupted: slot b (v5) boots" booted bad-a b 5
check "... the log names slot a's failed digest" \
	has bad-a 'kaslrboot: slot a: not booted: container: payload SHA-256 mismatch'

check "kbimage slots show agrees (bad-a: slot b)" tool_agrees bad-a b
# A truncated mid-write: the header and the first 4 KiB of the payload
# written, the rest still erased
slot_truncate "$TMP/v7" 4608
bank trunc-a "$TMP/v7.trunc" "$TMP/v5"; sboot trunc-a
check "A truncated mid-write: slot b boots" booted trunc-a b 5
check "... the log says slot a's payload does not verify" \
	has trunc-a 'kaslrboot: slot a: not booted: container: payload SHA-256 mismatch'

check "kbimage slots show agrees (trunc-a: slot b)" tool_agrees trunc-a b
# B's header corrupted, A older: A boots, B's header line logged
slot_corrupt "$TMP/v7" 100
bank badhdr-b "$TMP/v5" "$TMP/v7.bad"; sboot badhdr-b
check "B's header corrupted: slot a boots" booted badhdr-b a 5
check "... the log names B's header" \
	has badhdr-b 'kaslrboot: slot b: not booted: container: header SHA-256 mismatch'

check "kbimage slots show agrees (badhdr-b: slot a)" tool_agrees badhdr-b a
# The first flash of a board: slot B erased
bank erased-b "$TMP/v5" "$TMP/erased"; sboot erased-b
check "B erased: slot a boots" booted erased-b a 5
check "... the log says slot b is erased" \
	has erased-b 'kaslrboot: slot b: not booted: container: bad magic: the flash reads erased (0xff)'

# Both bad: halt with one line naming both
slot_corrupt "$TMP/v5" $((0x300))
bank both "$TMP/v7.trunc" "$TMP/v5.bad"; sboot both
check "both corrupted: refused, nothing booted" refused both \
	'slots: nothing to boot: slot a: payload SHA-256 mismatch; slot b: payload SHA-256 mismatch'

done_testing
