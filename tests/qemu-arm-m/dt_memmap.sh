#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CONFIG_DT_MEMMAP_AT_BUILD on qemu-microbit (docs/device-tree.md): the
# linked tree's memory map, read at build time by tools/kbdtmap, is the
# map the loader's own walk of the tree gives at boot.  The board with the
# option on and a copy with it off, both verbose, boot the test firmware;
# their memory maps agree line for line, but for what differs between two
# builds by nature (where the linked blob sits in flash, the loader's own
# .data + .bss), and the blob's reservation lies where the dtb line says
# the blob is; kaslrplan on the linked tree prints the same ranges.  The
# failures at build time: tests/build/dt_memmap_build.sh.
top=$(cd "$(dirname "$0")/../.." && pwd)
export O=${O_ARM_M:-$top/build/qemu-microbit}
. "$(dirname "$0")/../lib.sh"
board=qemu-microbit

[ -f "$O/kaslrboot.bin" ] || { notok "$board: not built ($O)"; done_testing; }
check "$board: CONFIG_DT_MEMMAP_AT_BUILD=y" grep -qx 'CONFIG_DT_MEMMAP_AT_BUILD=y' "$O/.config"

# The board is quiet (LOG_QUIET): both variants are built verbose, to
# print their memory maps; one with the option as the board has it, one
# without.
variant() {	# NAME DEFCONFIG-LINE...
	local n=$1; shift
	cp -r "$top/boards/qemu-microbit" "$TMP/$n"
	printf '%s\n' '# CONFIG_LOG_QUIET is not set' "$@" >> "$TMP/$n/defconfig"
	make -s -C "$top" BOARD_DIR="$TMP/$n" O="$TMP/$n-o" all > "$TMP/$n-build.log" 2>&1 ||
		{ notok "$board variant $n: build"; sed 's/^/# /' "$TMP/$n-build.log" | tail -n 5; }
}
variant bt
variant rt '# CONFIG_DT_MEMMAP_AT_BUILD is not set'
check "$board verbose: DT_MEMMAP_AT_BUILD on" grep -qx 'CONFIG_DT_MEMMAP_AT_BUILD=y' "$TMP/bt-o/.config"
check "$board without DT_MEMMAP_AT_BUILD: option off" grep -qx '# CONFIG_DT_MEMMAP_AT_BUILD is not set' "$TMP/rt-o/.config"
O=$TMP/bt-o boot built BOARD_DIR="$TMP/bt"
O=$TMP/rt-o boot runtime BOARD_DIR="$TMP/rt"

check "$board: at build time: the firmware runs, its checks pass" fw_ok built
check "$board: at run time: the firmware runs, its checks pass" fw_ok runtime
check "$board: the dtb line says the memory map was read at build time" \
	has built 'structure checked at build time, memory map read there (CONFIG_DT_MEMMAP_AT_BUILD)'
check "$board: without the option, checked at boot" \
	grep -qE '^kaslrboot: dtb: 0x[0-9a-f]+, [0-9]+ bytes, linked into the loader \(flash\), structure checked$' "$(log_of runtime)"

# The map, without the loader's own two reservations and the blob's
# address (both depend on the build).
map_of() {
	grep -E '^kaslrboot: (memory map: |  (mem|resv) )' "$(log_of "$1")" |
		grep -vE ' (loader kaslrboot|stack kaslrboot stack)$' |
		sed -E 's/^(kaslrboot:   resv  )0x[0-9a-f]+-0x[0-9a-f]+(  [0-9]+ B  dtb dtb)$/\1<blob>\2/'
}
map_of built > "$TMP/built.map"
map_of runtime > "$TMP/runtime.map"
sed 's/^/# /' "$TMP/built.map"
same_map() { [ -s "$TMP/built.map" ] && cmp -s "$TMP/built.map" "$TMP/runtime.map"; }
check "$board: the same memory map from the tables as from the walk ($(wc -l < "$TMP/built.map") lines)" same_map
diff "$TMP/built.map" "$TMP/runtime.map" | sed 's/^/# /'

# CONFIG_DT_DEVICES_AT_BUILD (on with the board's DT_MEMMAP_AT_BUILD, off
# with it): the console and the TRNG found from the data tools/kbdtmap
# wrote print the same lines as the drivers' walks of the tree at boot.
check "$board verbose: DT_DEVICES_AT_BUILD on" grep -qx 'CONFIG_DT_DEVICES_AT_BUILD=y' "$TMP/bt-o/.config"
devs_off() { ! grep -q '^CONFIG_DT_DEVICES_AT_BUILD=y' "$TMP/rt-o/.config"; }
check "$board without DT_MEMMAP_AT_BUILD: DT_DEVICES_AT_BUILD off" devs_off
devs_of() { grep -E '^kaslrboot: (console|entropy): ' "$(log_of "$1")" | sed -E 's/ over [0-9]+ samples/ over N samples/'; }
devs_ok() {
	[ "$(devs_of built | grep -c '^kaslrboot: console: nrf-uart at 0x40002000 (/soc/uart@40002000)$')" = 1 ] &&
		[ "$(devs_of built | grep -c '^kaslrboot: entropy: nrf-rng at /soc/rng@4000d000, ')" = 1 ] &&
		[ "$(devs_of built)" = "$(devs_of runtime)" ]
}
devs_of built | sed 's/^/# /'
check "$board: the console and TRNG lines from the build-time data are the walk's" devs_ok
diff <(devs_of built) <(devs_of runtime) | sed 's/^/# /'

# The blob's reservation is the blob: at the address and size of the dtb line.
blob_resv() {	# NAME
	local a n
	a=$(sed -n 's/^kaslrboot: dtb: 0x\([0-9a-f]*\), \([0-9]*\) bytes.*/\1 \2/p' "$(log_of "$1")")
	set -- $a
	[ -n "${2:-}" ] || return 1
	grep -qE "^kaslrboot:   resv  0x0*$1-0x0*$(printf '%x' $((0x$1 + $2)))  $2 B  dtb dtb$" "$(log_of built)"
}
check "$board: the blob's reservation is where the dtb line puts the linked tree" blob_resv built

# kaslrplan (the host planner) on the linked tree: the same ranges as the
# boot, from the same checks and walk on the host.
K=$top/build/host/kaslrplan
"$K" --size 3136 --align 8 "$O/builtin.dtb" > "$TMP/plan.out" 2>&1
echo $? > "$TMP/plan.rc"
# Names compared by the node's own name: the board cuts paths to its
# CONFIG_REGION_NAME_LEN (".../retained@20003fc0"), the host tool keeps 48.
plan_map() {	# the tree's ranges, as kaslrplan and the boot print them
	grep -E '^(kaslrboot:)? *(mem|resv) ' "$1" | sed -E 's/^(kaslrboot:)? *//; s| [^ ]*/([^/ ]+)$| \1|' |
		grep -vE ' (dtb dtb|loader kaslrboot|stack kaslrboot stack|other payload container window)$'
}
plan_ok() {
	[ "$(cat "$TMP/plan.rc")" = 0 ] && grep -qE '^slots: [1-9]' "$TMP/plan.out" &&
		[ -n "$(plan_map "$TMP/plan.out")" ] &&
		[ "$(plan_map "$TMP/plan.out")" = "$(plan_map "$(log_of built)")" ]
}
check "$board: kaslrplan on builtin.dtb: slots, and the ranges the boot printed" plan_ok

done_testing
