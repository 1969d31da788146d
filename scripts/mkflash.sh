#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# mkflash.sh CONFIG LOADER_BIN CONTAINER OUT [CONTAINER_B]
#
# Write the whole boot flash of a FLASH_IMAGE board (docs/flash.md):
# kaslrboot.bin at offset 0, the container (kbimage's output; may be empty
# or "-" for none) at PAYLOAD_ADDR - FLASH_BASE, 0xff (erased NOR) in every
# other byte, exactly FLASH_SIZE bytes: the file flashrom -w writes.
# CONFIG is the board's .config.  Prints the layout; refuses, with one line
# naming what does not fit, a loader that runs into the container window,
# a container larger than its window, or a window outside the flash.
# With CONFIG_PAYLOAD_SLOTS (docs/flash.md, "Two slots") CONTAINER goes to
# slot A and CONTAINER_B (empty or "-": slot B stays erased) to slot B at
# PAYLOAD_B_ADDR - FLASH_BASE, checked the same way.
set -euo pipefail
cfg=$1; loader=$2; container=$3; out=$4; container_b=${5:-}
val() { sed -n "s/^CONFIG_$1=\\(.*\\)/\\1/p" "$cfg"; }
if [ -z "$(val FLASH_BASE)" ] || [ -z "$(val FLASH_SIZE)" ]; then
	echo "mkflash: $cfg has no FLASH_BASE/FLASH_SIZE (not a FLASH_IMAGE board)" >&2
	exit 1
fi
base=$(($(val FLASH_BASE))); size=$(($(val FLASH_SIZE)))
paddr=$(($(val PAYLOAD_ADDR))); pmax=$(($(val PAYLOAD_MAX_SIZE)))
off=$((paddr - base))
lsize=$(stat -c %s "$loader")
csize=0
if [ -n "$container" ] && [ "$container" != - ]; then
	csize=$(stat -c %s "$container")
fi
fail() { echo "mkflash: $*" >&2; exit 1; }
# Each check as a subtraction from a bound already known to hold, so
# that no sum can wrap (bash arithmetic is 64-bit signed).
# in_flash OPTION ADDR LEN WINDOW WHAT: [ADDR, ADDR+LEN) lies inside the
# flash, behind kaslrboot.bin ("runs into WHAT at offset ...").
in_flash() {
	local o=$(($2 - base))
	[ "$2" -ge "$base" ] ||
		fail "$1 $2 is below FLASH_BASE $base"
	[ "$o" -le "$size" ] && [ "$3" -le $((size - o)) ] ||
		fail "$4 $2+$3 ends outside the flash ($base+$size)"
	[ "$lsize" -le "$o" ] ||
		fail "kaslrboot.bin ($lsize B) runs into $5 at offset $o"
}
in_flash PAYLOAD_ADDR "$paddr" "$pmax" "container window" "the container"
[ "$csize" -le "$pmax" ] ||
	fail "container ($csize B) is larger than its window PAYLOAD_MAX_SIZE ($pmax B)"
slots=$(val PAYLOAD_SLOTS)
bsize=0
if [ "$slots" = y ]; then
	baddr=$(($(val PAYLOAD_B_ADDR))); boff=$((baddr - base))
	if [ -n "$container_b" ] && [ "$container_b" != - ]; then
		bsize=$(stat -c %s "$container_b")
	fi
	in_flash PAYLOAD_B_ADDR "$baddr" "$pmax" "slot B window" "slot B"
	[ "$bsize" -le "$pmax" ] ||
		fail "slot B container ($bsize B) is larger than its window PAYLOAD_MAX_SIZE ($pmax B)"
elif [ -n "$container_b" ] && [ "$container_b" != - ]; then
	fail "a second container, but $cfg has no CONFIG_PAYLOAD_SLOTS"
fi
seed=$(val SEED_CARRY)
if [ "$seed" = y ]; then
	saddr=$(($(val SEED_SECTOR_ADDR))); ssize=$(($(val SEED_SECTOR_SIZE))); soff=$((saddr - base))
	in_flash SEED_SECTOR_ADDR "$saddr" "$ssize" "seed sector" "the seed sector"
fi
tmp=$out.tmp
# Erased NOR reads 0xff: fill, then lay the two parts over it.
head -c "$size" /dev/zero | tr '\0' '\377' > "$tmp"
dd if="$loader" of="$tmp" conv=notrunc status=none
if [ "$csize" -gt 0 ]; then
	dd if="$container" of="$tmp" bs=1M seek="$off" oflag=seek_bytes conv=notrunc status=none
fi
if [ "$bsize" -gt 0 ]; then
	dd if="$container_b" of="$tmp" bs=1M seek="$boff" oflag=seek_bytes conv=notrunc status=none
fi
mv "$tmp" "$out"
printf 'mkflash: %s: %d bytes (flash at 0x%x)\n' "$out" "$size" "$base"
printf 'mkflash:   0x%08x  kaslrboot.bin, %d B (room: %d B)\n' 0 "$lsize" "$off"
if [ "$seed" = y ]; then
	printf 'mkflash:   0x%08x  seed sector, %d B: erased (the first boot writes a seed; kbimage seed provisions one)\n' "$soff" "$ssize"
fi
if [ "$slots" = y ]; then
	printf 'mkflash:   0x%08x  slot a: container, %d B (window: %d B at 0x%x)\n' "$off" "$csize" "$pmax" "$paddr"
	printf 'mkflash:   0x%08x  slot b: container, %d B (window: %d B at 0x%x)\n' "$boff" "$bsize" "$pmax" "$baddr"
else
	printf 'mkflash:   0x%08x  container, %d B (window: %d B at 0x%x)\n' "$off" "$csize" "$pmax" "$paddr"
fi
