#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CONFIG_DT_MEMMAP_AT_BUILD (docs/device-tree.md): the linked tree's checks
# and memory map run at build time (tools/kbdtmap, from the loader's own
# fdt/memmap.c), so a tree the loader would refuse fails the BUILD with the
# loader's one-line error.  Variants of qemu-microbit's tree with the
# faults the run-time tests give QEMU's tree (tests/qemu/run_and_errors.sh:
# a 12-byte reg, #address-cells 3) and more (no memory node, a full
# reservation table, half an initrd, a tree larger than DTB_MAX_SIZE); one
# is built with `make all` (no loader comes out), the others up to the
# generated file.  A good tree gives the tables the loader's own walk
# gives (host test test_memmap: test_from_build_same_map; QEMU:
# tests/qemu-arm-m/dt_memmap.sh).
. "$(dirname "$0")/../lib.sh"

base=$top/boards/qemu-microbit
dts=$base/microbit.dts

# variant NAME SED-EXPRESSION [DEFCONFIG-LINE]: a board copy whose tree is
# microbit.dts edited by SED-EXPRESSION
variant() {
	local n=$1
	rm -rf "$TMP/$n" "$TMP/$n-o"
	cp -r "$base" "$TMP/$n"
	sed -e "$2" "$dts" > "$TMP/$n/microbit.dts"
	[ -z "${3:-}" ] || printf '%s\n' "$3" >> "$TMP/$n/defconfig"
}
# gen NAME [TARGET]: build TARGET (default: the generated tables) of
# variant NAME; output in $TMP/NAME.log, status in $TMP/NAME.rc
gen() {
	local n=$1 target=${2:-$TMP/$1-o/gen/kb_dt_memmap.c}
	make -C "$top" -s BOARD_DIR="$TMP/$n" O="$TMP/$n-o" "$target" > "$TMP/$n.log" 2>&1
	echo $? > "$TMP/$n.rc"
}
# refused NAME LINE: the build failed and printed the loader's line,
# after the tree's name
refused() {
	[ "$(cat "$TMP/$1.rc")" != 0 ] &&
		grep -qF "microbit.dts: kaslrboot: error: $2" "$TMP/$1.log"
}
show() { sed 's/^/# /' "$TMP/$1.log" | grep -v warning | tail -n 3; }

# The board's own tree: builds, the tables name its memory and reservation.
variant good ''
gen good
# (the reservation's name as the board cuts it: CONFIG_REGION_NAME_LEN=26)
tables_ok() {
	local f=$TMP/good-o/gen/kb_dt_memmap.c
	[ "$(cat "$TMP/good.rc")" = 0 ] &&
		grep -q '\.base = 0x20000000, \.size = 0x4000, .* \.name = "/memory@20000000"' "$f" &&
		grep -q '\.base = 0x20003fc0, \.size = 0x40, \.kind = 2, \.flags = 0x1, .*"\.\.\./retained@20003fc0"' "$f" &&
		grep -q '\.nmem = 1, \.nresv = 1, \.nclipped = 0' "$f"
}
check "good tree: the generated tables hold its memory node and its reservation" tables_ok

# A 12-byte reg on the memory node, with `make all`: no loader is built.
variant reg12 's/reg = <0x20000000 0x4000>;/reg = <0x20000000 0x4000 0x0>;/'
gen reg12 all
check "reg length 12: the build fails with the loader's line" \
	refused reg12 'dtb: /memory@20000000: reg length 12 is not a multiple of 8'
check "reg length 12: no kaslrboot.bin" [ ! -e "$TMP/reg12-o/kaslrboot.bin" ]
check "reg length 12: no generated tables left behind" [ ! -e "$TMP/reg12-o/gen/kb_dt_memmap.c" ]
show reg12

variant cells3 '0,/#address-cells = <1>;/s//#address-cells = <3>;/'
gen cells3
check "#address-cells 3 at the root: the build fails with the loader's line" \
	refused cells3 'dtb: /: #address-cells'
show cells3

variant nomem 's/device_type = "memory";/device_type = "memorx";/'
gen nomem
check "no memory node: the build fails with the loader's line" \
	refused nomem 'dtb: no enabled memory node'
show nomem

# 10 reservations + the blob's own entry: one more than MAX_RESV_REGIONS (10)
kids=$(for i in 0 1 2 3 4 5 6 7 8; do printf 'r%d@2000%d000 { reg = <0x2000%d000 0x10>; };' "$i" "$i" "$i"; done)
variant full "s|ranges;|ranges; $kids|"
gen full
check "11 reservations in a table of 10: the build fails with the loader's line" \
	refused full 'memmap: reservation table full (10 entries), cannot add dtb'
show full

variant initrd 's|stdout-path = "/soc/uart@40002000";|&\n\t\tlinux,initrd-start = <0x20002000>;|'
gen initrd
check "half an initrd: the build fails with the loader's line" \
	refused initrd 'dtb: /chosen: linux,initrd-start without linux,initrd-end'
show initrd

pad=$(head -c 4200 /dev/zero | od -An -v -tx1 | tr -s ' \n' ' ')
variant big "s|model = |pad = [$pad];\n\tmodel = |" 'CONFIG_DTB_MAX_SIZE=4096'
gen big
check "a tree larger than DTB_MAX_SIZE: the build fails with the loader's line" \
	refused big 'dtb: totalsize'
show big

# CONFIG_DT_DEVICES_AT_BUILD (on with the board): the console and TRNG
# lookups run at build time too; a console the loader could not find, or
# a reg it could not translate, fails the build with the loader's line.
devices_ok() {
	local f=$TMP/good-o/gen/kb_dt_memmap.c
	grep -qF '.console = { .path = "/soc/uart@40002000", .compat = "nordic,nrf-uart\000", .compat_len = 16, .addr = 0x40002000, .size = 0x1000,' "$f" &&
		grep -qF '{ .path = "/soc/rng@4000d000", .compat = "nordic,nrf-rng\000", .compat_len = 15, .addr = 0x4000d000, .size = 0x1000,' "$f" &&
		grep -q '\.nrng = 1,' "$f"
}
check "good tree: the generated data hold its console and its TRNG, regs translated" devices_ok

variant nocons 's|stdout-path = "/soc/uart@40002000";|stdout-path = "/soc/uart@40003000";|'
gen nocons all
check "stdout-path naming a missing node: the build fails with the loader's line" \
	refused nocons "dtb: /chosen: stdout-path '/soc/uart@40003000' does not name a node"
check "stdout-path naming a missing node: no kaslrboot.bin" [ ! -e "$TMP/nocons-o/kaslrboot.bin" ]
show nocons

variant offcons '/uart@40002000 {/,/};/s/status = "okay";/status = "disabled";/'
gen offcons
check "stdout-path naming a disabled node: the build fails with the loader's line" \
	refused offcons 'console: /soc/uart@40002000 is disabled'
show offcons

variant badreg 's/reg = <0x40002000 0x1000>;/reg = <0x40002000>;/'
gen badreg
check "a UART with a 4-byte reg: the build fails with the loader's line" \
	refused badreg 'dtb: /soc/uart@40002000: reg length 4 is not a multiple of 8'
show badreg

variant badrng 's/reg = <0x4000d000 0x1000>;/reg = <0x4000d000 0x1000 0x0>;/'
gen badrng
check "a TRNG with a 12-byte reg: the build fails with the loader's line" \
	refused badrng 'dtb: /soc/rng@4000d000: reg length 12 is not a multiple of 8'
show badrng

done_testing
