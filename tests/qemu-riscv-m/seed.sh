#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The seed carried across boots (CONFIG_SEED_CARRY, docs/entropy.md): on
# the M-mode first stage, the last 256 KiB block of the boot flash holds a
# seed record; every boot mixes it in and writes a new one (read back here
# from the flash file after power-off).  Two boots of one flash image copy
# with a TRNG place differently; without a TRNG, CONFIG_SEED_ONLY_INSECURE
# boots from the carried seed and the next boot sees a new one, and
# without that option the loader halts; a corrupted record is reported and
# replaced; a write-protected flash is logged (and halts in seed-only mode).
. "$(dirname "$0")/../lib.sh"

K=$top/build/host/kbimage
mkboard() {	# NAME EXTRA-CONFIG: a riscv64-m board with the seed sector
	cp -r "$top/boards/qemu-virt-riscv64-m" "$TMP/$1"
	printf 'CONFIG_SEED_CARRY=y\nCONFIG_SEED_SECTOR_ADDR=0x21fc0000\nCONFIG_PAYLOAD_MAX_SIZE=0x1f80000\n%b' "$2" \
		>> "$TMP/$1/defconfig"
	make -s -C "$top" BOARD_DIR="$TMP/$1" O="$TMP/$1-o" > "$TMP/$1.build" 2>&1 &&
		make -s -C "$top" BOARD_DIR="$TMP/$1" O="$TMP/$1-o" flash > "$TMP/$1.flash" 2>&1
}
# fboot NAME BOARD FLASH [VAR=value...]: boot BOARD from the flash file FLASH
fboot() {
	local name=$1 b=$2 f=$3; shift 3
	BOARD_DIR=$TMP/$b O=$TMP/$b-o FLASH_FILE=$f boot "$name" "$@"
}
rec() { seed_rec "$1" 0x1fc0000; }	# FLASH: tests/lib.sh
gen() { rec "$1" | cut -d' ' -f1; }

if ! mkboard sd 'CONFIG_RNG_VIRTIO=y\n'; then
	notok "the seed board builds ($(tail -1 "$TMP/sd.build"))"
	done_testing
	exit
fi
check "mkflash prints the seed sector" grep -q "0x01fc0000  seed sector, 262144 B: erased" "$TMP/sd.flash"
cp "$TMP/sd-o/flash.img" "$TMP/f"
fboot b1 sd "$TMP/f"; r1=$(rec "$TMP/f")
fboot b2 sd "$TMP/f"; r2=$(rec "$TMP/f")
fboot b3 sd "$TMP/f"; r3=$(rec "$TMP/f")
check "boot 1: erased sector reported, the TRNG alone seeds, a seed is written" \
	eval 'has b1 "kaslrboot: seed: the sector is erased (0xff): no seed stored yet: not used; this boot writes a new one" &&
		has b1 "kaslrboot: entropy: seeded from: the TRNG only" && kernel_done b1'
check "boot 2 and 3: the TRNG + the carried seed (generations 1, 2)" \
	eval 'has b2 "seeded from: the TRNG + the carried seed (generation 1, additional input)" &&
		has b3 "seeded from: the TRNG + the carried seed (generation 2, additional input)" && kernel_done b3'
check "the stored seed after each of three boots: generations 1, 2, 3, three different seeds (${r1:0:18}.. ${r2:0:18}.. ${r3:0:18}..)" \
	eval '[ "${r1%% *}" = 1 ] && [ "${r2%% *}" = 2 ] && [ "${r3%% *}" = 3 ] &&
		[ "${r1#* }" != "${r2#* }" ] && [ "${r2#* }" != "${r3#* }" ] && [ "${r1#* }" != "${r3#* }" ]'
check "the log names the write" has b3 "kaslrboot: seed: the next boot's seed is written at 0x21fc0000 (generation 3), read back and verified"

# Two boots from the same flash image copy (same carried seed): the TRNG
# still makes them differ.
cp "$TMP/f" "$TMP/c1"; cp "$TMP/f" "$TMP/c2"
fboot same1 sd "$TMP/c1"; fboot same2 sd "$TMP/c2"
check "one image copied twice, TRNG present: two placements ($(run_addr same1), $(run_addr same2))" \
	eval '[ -n "$(run_addr same1)" ] && [ "$(run_addr same1)" != "$(run_addr same2)" ]'
check "... and two different next seeds" eval '[ "$(rec "$TMP/c1")" != "$(rec "$TMP/c2")" ]'

# A corrupted record: reported, replaced.
printf '\x5a' | dd of="$TMP/f" bs=1 seek=$((0x1fc0000 + 40)) conv=notrunc status=none
fboot corrupt sd "$TMP/f"
check "a corrupted record: reported, not used, the boot goes on" \
	eval 'has corrupt "kaslrboot: seed: SHA-256 mismatch (corrupted or half-written): not used; this boot writes a new one" && kernel_done corrupt'
check "... and replaced by a valid one (generation 1)" eval '[ "$(gen "$TMP/f")" = 1 ]'

# Write-protected flash: logged, the boot goes on (default policy).
cp "$TMP/f" "$TMP/ro"
fboot ro sd "$TMP/ro" FLASH_READONLY=on
check "a write-protected flash: the failed erase is logged, the boot goes on" \
	eval 'has ro "kaslrboot: error: flash: erasing the sector at 0x21fc0000 failed" && has ro "seed was NOT written" && kernel_done ro'
check "... the flash file is unchanged" cmp -s "$TMP/f" "$TMP/ro"

# No TRNG (no virtio-rng, no Zkr).
fboot nortg sd "$TMP/f" QEMU_RNG=none
check "no TRNG, SEED_ONLY_INSECURE off: halts (fail closed)" refused nortg 'entropy: no TRNG found'
if mkboard so 'CONFIG_SEED_ONLY_INSECURE=y\n'; then
	cp "$TMP/so-o/flash.img" "$TMP/s"
	fboot so-erased so "$TMP/s" QEMU_RNG=none
	check "seed only, nothing provisioned (erased): halts" refused so-erased 'entropy: no TRNG found'
	"$K" seed "$TMP/s" --offset 0x1fc0000 > /dev/null
	s0=$(rec "$TMP/s")
	fboot so1 so "$TMP/s" QEMU_RNG=none; s1=$(rec "$TMP/s")
	check "seed only, provisioned by kbimage seed: boots, the log says so plainly" \
		eval 'has so1 "WARNING: INSECURE build (CONFIG_SEED_ONLY_INSECURE): no TRNG: the DRBG is seeded from the carried seed ALONE (generation 0)" &&
			has so1 "seeded from: the carried seed only" && kernel_done so1'
	fboot so2 so "$TMP/s" QEMU_RNG=none; s2=$(rec "$TMP/s")
	check "... the next boot sees a new seed (generations 0, 1, 2; three seeds)" \
		eval '[ "${s0%% *}" = 0 ] && [ "${s1%% *}" = 1 ] && [ "${s2%% *}" = 2 ] && [ "${s0#* }" != "${s1#* }" ] && [ "${s1#* }" != "${s2#* }" ]'
	check "... and places differently ($(run_addr so1), $(run_addr so2))" \
		eval '[ -n "$(run_addr so1)" ] && [ "$(run_addr so1)" != "$(run_addr so2)" ]'
	cp "$TMP/s" "$TMP/s-ro"
	fboot so-ro so "$TMP/s-ro" QEMU_RNG=none FLASH_READONLY=on
	check "seed only, write-protected flash: halts before handoff (the next boot would repeat this one)" \
		refused so-ro 'flash: erasing the sector at 0x21fc0000 failed'
else
	notok "the seed-only board builds ($(tail -1 "$TMP/so.build"))"
fi

done_testing
