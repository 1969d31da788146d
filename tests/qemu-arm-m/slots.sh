#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two payload slots on the Cortex-M board (docs/flash.md "Two slots",
# docs/cortex-m.md): qemu-microbit-slots, the microbit with slot A at
# 0x20000 and slot B at 0x2fc00 (63 KiB windows) in its 256 KiB flash,
# written by make flash (scripts/mkflash.sh).  The newer valid slot boots;
# a corrupted or truncated one falls back with its reason in the log; both
# bad: halt with one line.  The slot is in the firmware's boot-info block
# (CONFIG_HANDOFF_BOOTINFO, docs/cortex-m.md): the firmware prints it, and
# the block is read back from its SRAM through the QEMU monitor.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../lib.sh"
board=qemu-microbit-slots
export BOARD_DIR=$top/boards/$board
O=$TMP/o

# NAME SLOT VERSION: the loader booted that slot, the firmware's checks passed
mb_booted() { has "$1" "kaslrboot: slot $2: booting image version $3" && fw_ok "$1"; }

if ! make -s -C "$top" O="$O" > "$TMP/build.log" 2>&1; then
	notok "$board: builds ($(tail -1 "$TMP/build.log"))"
	done_testing
fi
slot_container "$TMP/v5" 5
slot_container "$TMP/v7" 7
slot_corrupt "$TMP/v7" $((0x300))
slot_corrupt "$TMP/v5" $((0x300))
# an update of slot A cut off after the header and 1 KiB of the payload
slot_truncate "$TMP/v7" $((256 + 1024))
sboot() {	# NAME A B: boot the flash image with those two slots
	boot "$1" PAYLOAD_IMG="$2" PAYLOAD_IMG_B="$3"
}

make -s -C "$top" O="$O" PAYLOAD_IMG="$TMP/v5" PAYLOAD_IMG_B="$TMP/v7" flash > "$TMP/flash.out" 2>&1
sed 's/^/# /' "$TMP/flash.out"
check "$board: make flash prints both slots in the 256 KiB flash" \
	eval 'grep -q "0x00020000  slot a: container, 64512 B (window: 64512 B at 0x20000)" "$TMP/flash.out" &&
		grep -q "0x0002fc00  slot b: container, 64512 B (window: 64512 B at 0x2fc00)" "$TMP/flash.out"'
"$top/build/host/kbimage" slots show "$O/flash.img" --slot-a 0x20000 --slot-b 0x2fc00 \
	--slot-size 0xfc00 > "$TMP/show.out" 2>&1
sed 's/^/# /' "$TMP/show.out"
check "$board: kbimage slots show on the flash image: slot b (v7) boots" \
	grep -q "^  slot b .*image version 7.*: boots$" "$TMP/show.out"

sboot newer-b "$TMP/v5" "$TMP/v7"
check "$board: A v5, B v7: slot b boots, the firmware's checks pass" mb_booted newer-b b 7
check "$board: ... the log says why not slot a" \
	has newer-b "kaslrboot: slot a: not booted: image version 5 is not above slot b's 7"
sboot older-b "$TMP/v7" "$TMP/v5"
check "$board: A v7, B v5 (B older): slot a boots" mb_booted older-b a 7
sboot bad-a "$TMP/v7.bad" "$TMP/v5"
check "$board: A (v7) corrupted: slot b (v5) boots" mb_booted bad-a b 5
check "$board: ... the log names slot a's failed digest" \
	has bad-a 'kaslrboot: slot a: not booted: container: payload SHA-256 mismatch'
sboot trunc-a "$TMP/v7.trunc" "$TMP/v5"
check "$board: A (v7) truncated mid-write: slot b (v5) boots" mb_booted trunc-a b 5
check "$board: ... the log says slot a's payload does not verify" \
	has trunc-a 'kaslrboot: slot a: not booted: container: payload SHA-256 mismatch'
sboot erased-b "$TMP/v5" ""
check "$board: B erased: slot a boots" mb_booted erased-b a 5
sboot both "$TMP/v5.bad" "$TMP/v7.bad"
check "$board: both corrupted: halted with one line naming both, nothing booted" fw_refused both \
	'slots: nothing to boot: slot a: payload SHA-256 mismatch; slot b: payload SHA-256 mismatch'
# The boot-info block as the firmware sees it: A v5, B v7, the firmware
# told to wait (fw.wait); the block read back with memsave (the nRF51's
# SRAM is not in QEMU's system address space: not pmemsave).
slot_container "$TMP/w5" 5 fw.wait
slot_container "$TMP/w7" 7 fw.wait
qemu_bg w $board 'fw: waiting' PAYLOAD_IMG="$TMP/w5" PAYLOAD_IMG_B="$TMP/w7"
check "$board: the firmware read slot b, image version 7 from its boot-info block" \
	has w 'fw: slot b, image version 7'
read -r blk blksize < <(sed -n 's/^fw: boot-info v1 at \(0x[0-9a-f]*\), \([0-9]*\) bytes, .*/\1 \2/p' "$(log_of w)")
monitor_do w "memsave ${blk:-0} ${blksize:-0} \"$TMP/w.bi\""
bi_slot=$(python3 - "$TMP/w.bi" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
magic, ver = struct.unpack_from("<IH", b, 0)
flags, = struct.unpack_from("<I", b, 12)
iv, = struct.unpack_from("<Q", b, 24)
print("%08x %d %x %s %d" % (magic, ver, flags, b[60:64].rstrip(b"\0").decode(), iv))
PY
)
echo "# boot-info read back: magic version flags slot image-version = $bi_slot"
check "$board: the block in SRAM: magic, version 1, SLOT flag, slot \"b\", image version 7" \
	[ "$bi_slot" = "4942424b 1 f b 7" ]

for n in newer-b bad-a both; do
	grep '^kaslrboot: .*slot\|^fw: slot' "$(log_of $n)" | sed "s/^/# $n: /"
done

done_testing
