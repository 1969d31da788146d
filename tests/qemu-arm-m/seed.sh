#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The seed carried across boots on the Cortex-M board (CONFIG_SEED_CARRY,
# docs/entropy.md, docs/cortex-m.md): qemu-microbit-slots keeps a seed
# record in the last 1 KiB page of the nRF51's flash (0x3fc00), rewritten
# at every boot through the NVMC (drivers/flash/nrf51_nvmc.c).  QEMU's
# microbit flash has no backing file: after each boot the page is read
# back through the monitor while the firmware waits (memsave, through the
# CPU: the nRF51's flash, like its SRAM, is not in QEMU's system address
# space, where pmemsave reads zeros), and spliced into the flash image the
# next boot starts from.  Three boots: three generations,
# three seeds; a corrupted record is reported and replaced; no TRNG halts,
# or with CONFIG_SEED_ONLY_INSECURE boots from a provisioned seed; an NVMC
# that ignores every command: the read-back catches it; one that stays
# busy: the bounded wait does.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../lib.sh"
board=qemu-microbit-slots
SEED=0x3fc00
K=$top/build/host/kbimage

# mkboard NAME EXTRA-CONFIG: a copy of the board with more options, built
# in $TMP/NAME-o, its flash image (the firmware told to wait) in
# $TMP/NAME.img
mkboard() {
	cp -r "$top/boards/$board" "$TMP/$1"
	cp "$TMP/norng.dts" "$TMP/$1/"	# for CONFIG_BUILTIN_DTB="norng.dts"
	printf '%b' "$2" >> "$TMP/$1/defconfig"
	BOARD_DIR=$TMP/$1 make -s -C "$top" O="$TMP/$1-o" > "$TMP/$1.build" 2>&1 &&
		BOARD_DIR=$TMP/$1 make -s -C "$top" O="$TMP/$1-o" BOOTARGS=fw.wait flash \
			> "$TMP/$1.flash" 2>&1 &&
		cp "$TMP/$1-o/flash.img" "$TMP/$1.img"
}
# fboot NAME BOARD FLASH [VAR=value...]: boot BOARD's loader from the flash
# image file FLASH; when the firmware waits, copy the seed page as the
# guest left it back into FLASH (what the chip would keep across a power
# cycle)
fboot() {
	local name=$1 b=$2 f=$3; shift 3
	O=$TMP/$b-o BOARD_DIR=$TMP/$b qemu_bg "$name" "$board" 'fw: waiting' FLASH_FILE="$f" "$@"
	if has "$name" 'fw: waiting'; then
		monitor_do "$name" "memsave $SEED 1024 \"$TMP/$name.page\""
		dd if="$TMP/$name.page" of="$f" bs=1024 seek=$((SEED / 1024)) conv=notrunc status=none
	elif kill -0 "$(cat "$TMP/$name.pid")" 2>/dev/null; then
		monitor_do "$name"	# hung: stop it
	else
		wait "$(cat "$TMP/$name.pid")" 2>/dev/null
	fi
	tr -d '\r' < "$TMP/$name.raw" > "$TMP/$name.log"
}
rec() { seed_rec "$1" $SEED; }
gen() { rec "$1" | cut -d' ' -f1; }
# NAME: the firmware ran, its checks passed, it waits
fw_waits() { has "$1" 'fw: bss ok' && has "$1" 'fw: waiting' && ! grep -q '^fw: FAIL' "$(log_of "$1")"; }
# NAME ERROR: the loader stopped with ERROR, the firmware never ran
halted() { has "$1" "kaslrboot: error: $2" && has "$1" 'kaslrboot: halted: nothing was booted' && ! grep -q '^fw:' "$(log_of "$1")"; }
# No TRNG: the board reads its TRNG node at build time
# (CONFIG_DT_DEVICES_AT_BUILD, docs/device-tree.md), so a board without
# one is built from a copy of the tree with the RNG's compatible renamed
# (CONFIG_BUILTIN_DTB="norng.dts").
sed 's/"nordic,nrf-rng"/"nordic,nrf-rnX"/' "$top/boards/qemu-microbit/microbit.dts" > "$TMP/norng.dts"
NORNG='CONFIG_BUILTIN_DTB="norng.dts"\n'
# with_loader FLASH BIN: FLASH with its loader replaced by BIN (the rest
# of the old loader's bytes erased)
with_loader() {
	python3 - "$1" "$2" <<'PY'
import sys
f = bytearray(open(sys.argv[1], "rb").read())
new = open(sys.argv[2], "rb").read()
end = f.index(b"\xff" * 256)	# the old loader's end: the first erased run
f[0:max(end, len(new))] = new + b"\xff" * max(0, end - len(new))
open(sys.argv[1], "wb").write(f)
PY
}

if ! mkboard sd ''; then
	notok "$board: the seed board builds ($(tail -1 "$TMP/sd.build"))"
	done_testing
fi
sed 's/^/# /' "$TMP/sd.flash"
check "$board: mkflash prints the seed page" \
	grep -q "0x0003fc00  seed sector, 1024 B: erased" "$TMP/sd.flash"
cp "$TMP/sd.img" "$TMP/f"
fboot b1 sd "$TMP/f"; r1=$(rec "$TMP/f")
fboot b2 sd "$TMP/f"; r2=$(rec "$TMP/f")
fboot b3 sd "$TMP/f"; r3=$(rec "$TMP/f")
echo "# the seed page after boot 1: $r1"
echo "# the seed page after boot 2: $r2"
echo "# the seed page after boot 3: $r3"
check "$board: boot 1: erased page reported, the TRNG alone seeds, a seed is written" \
	eval 'has b1 "kaslrboot: seed: the sector is erased (0xff): no seed stored yet: not used; this boot writes a new one" &&
		has b1 "kaslrboot: entropy: seeded from: the TRNG only" && fw_waits b1'
check "$board: boot 2 and 3: the TRNG + the carried seed (generations 1, 2)" \
	eval 'has b2 "seeded from: the TRNG + the carried seed (generation 1, additional input)" &&
		has b3 "seeded from: the TRNG + the carried seed (generation 2, additional input)" && fw_waits b3'
check "$board: the stored seed after each of three boots: generations 1, 2, 3, three different seeds" \
	eval '[ "${r1%% *}" = 1 ] && [ "${r2%% *}" = 2 ] && [ "${r3%% *}" = 3 ] &&
		[ "${r1#* }" != "${r2#* }" ] && [ "${r2#* }" != "${r3#* }" ] && [ "${r1#* }" != "${r3#* }" ]'
check "$board: the log names the write" \
	has b3 "kaslrboot: seed: the next boot's seed is written at 0x3fc00 (generation 3), read back and verified"
check "$board: the rest of the page reads erased" \
	eval 'python3 -c "import sys; b = open(sys.argv[1], \"rb\").read()[$SEED + 120:$SEED + 1024]; sys.exit(b != b\"\\xff\" * len(b))" "$TMP/f"'

# Two boots from one flash image copy (the same carried seed): the TRNG
# still makes their next seeds differ (their placements are printed: with
# about 50 slots two equal ones are no failure).
cp "$TMP/f" "$TMP/c1"; cp "$TMP/f" "$TMP/c2"
fboot same1 sd "$TMP/c1"; fboot same2 sd "$TMP/c2"
echo "# one image copied twice: firmware bases $(plan_base same1), $(plan_base same2)"
check "$board: one image copied twice, TRNG present: two different next seeds" \
	eval 'fw_waits same1 && fw_waits same2 && [ "$(gen "$TMP/c1")" = 4 ] && [ "$(rec "$TMP/c1")" != "$(rec "$TMP/c2")" ]'

# A corrupted record: reported, not used, replaced.
printf '\x5a' | dd of="$TMP/f" bs=1 seek=$((SEED + 40)) conv=notrunc status=none
fboot corrupt sd "$TMP/f"
check "$board: a corrupted record: reported, not used, the boot goes on" \
	eval 'has corrupt "kaslrboot: seed: SHA-256 mismatch (corrupted or half-written): not used; this boot writes a new one" && fw_waits corrupt'
check "$board: ... and replaced by a valid one (generation 1)" eval '[ "$(gen "$TMP/f")" = 1 ]'

# No TRNG (no RNG node in the tree read at build time), SEED_ONLY_INSECURE off: halts
# even with a valid carried seed.
cp "$TMP/f" "$TMP/nortg"
if mkboard nr "$NORNG"; then
	with_loader "$TMP/nortg" "$TMP/nr-o/kaslrboot.bin"
else
	notok "$board: the board without a TRNG builds ($(tail -1 "$TMP/nr.build"))"
fi
fboot nortg nr "$TMP/nortg"
check "$board: no TRNG, SEED_ONLY_INSECURE off: halts (fail closed) despite a valid carried seed" \
	halted nortg 'entropy: no TRNG found'

if mkboard so "CONFIG_SEED_ONLY_INSECURE=y\n$NORNG"; then
	cp "$TMP/so.img" "$TMP/s"
	fboot so-erased so "$TMP/s"
	check "$board: seed only, nothing provisioned (erased): halts" halted so-erased 'entropy: no TRNG found'
	"$K" seed "$TMP/s" --offset $SEED > /dev/null
	s0=$(rec "$TMP/s")
	fboot so1 so "$TMP/s"; s1=$(rec "$TMP/s")
	fboot so2 so "$TMP/s"; s2=$(rec "$TMP/s")
	echo "# seed only: provisioned $s0"
	echo "# seed only: after boot 1 $s1"
	echo "# seed only: after boot 2 $s2"
	check "$board: seed only, provisioned by kbimage seed: boots, the log says so plainly" \
		eval 'has so1 "WARNING: INSECURE build (CONFIG_SEED_ONLY_INSECURE): no TRNG: the DRBG is seeded from the carried seed ALONE (generation 0)" &&
			has so1 "seeded from: the carried seed only" && fw_waits so1'
	check "$board: ... the next boot sees a new seed (generations 0, 1, 2; three seeds)" \
		eval '[ "${s0%% *}" = 0 ] && [ "${s1%% *}" = 1 ] && [ "${s2%% *}" = 2 ] && [ "${s0#* }" != "${s1#* }" ] && [ "${s1#* }" != "${s2#* }" ]'
	check "$board: ... and places differently ($(plan_base so1), $(plan_base so2))" \
		eval '[ -n "$(plan_base so1)" ] && [ -n "$(plan_base so2)" ] && [ "$(plan_base so1)" != "$(plan_base so2)" ]'
else
	notok "$board: the seed-only board builds ($(tail -1 "$TMP/so.build"))"
fi

# An NVMC that ignores every command (the driver pointed at erased flash,
# whose READY bit reads 1 and which takes no write): the erase seems to
# work on an erased page, the words do not stick: the read-back says so,
# the boot goes on (default policy), the page stays erased.
if mkboard ro 'CONFIG_NRF51_NVMC_BASE=0x3e000\n'; then
	cp "$TMP/ro.img" "$TMP/r"
	fboot ro ro "$TMP/r"
	check "$board: a write that reads back wrong: logged, the boot goes on" \
		eval 'has ro "kaslrboot: error: flash: read-back of 0x3fc00 differs from what was written" &&
			has ro "seed was NOT written" && fw_waits ro'
	check "$board: ... the page is still erased" eval '[ "$(rec "$TMP/r")" = bad ]'
	"$K" seed "$TMP/r" --offset $SEED > /dev/null
	fboot ro2 ro "$TMP/r"
	check "$board: ... over a stored record the ignored erase is caught first" \
		eval 'has ro2 "kaslrboot: error: flash: erasing the sector at 0x3fc00 failed (0x3fc00 reads 0x4b after the erase, not 0xff)" && fw_waits ro2'
	# ... and one that never gets ready: its READY word (0x3e400, in
	# slot B's erased window) zeroed in the image: the bounded wait ends
	cp "$TMP/ro.img" "$TMP/busy"
	printf '\0\0\0\0' | dd of="$TMP/busy" bs=1 seek=$((0x3e400)) conv=notrunc status=none
	fboot busy ro "$TMP/busy"
	check "$board: an NVMC that stays busy: the bounded wait gives up, logged, the boot goes on" \
		eval 'has busy "kaslrboot: error: flash: the NVMC at 0x3e000 stayed busy (READY = 0): sector at 0x3fc00 not written" && fw_waits busy'
else
	notok "$board: the ignored-NVMC board builds ($(tail -1 "$TMP/ro.build"))"
fi

done_testing
