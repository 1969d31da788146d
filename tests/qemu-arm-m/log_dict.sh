#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CONFIG_LOG_DICTIONARY on qemu-microbit (docs/size.md): no formatter is
# linked (kb_vsnprintf), the console carries records, and tools/kblog
# turns them back into exactly the lines the same board prints without
# the option, the memory map (printed through a function pointer, its
# formats in the dictionary too) and the placement included.
top=$(cd "$(dirname "$0")/../.." && pwd)
export O=${O_ARM_M:-$top/build/qemu-microbit}
. "$(dirname "$0")/../lib.sh"
board=qemu-microbit

[ -f "$O/kaslrboot.bin" ] || { notok "$board: not built ($O)"; done_testing; }
elf=$O/kaslrboot.elf
check "$board: CONFIG_LOG_DICTIONARY=y" grep -qx 'CONFIG_LOG_DICTIONARY=y' "$O/.config"
# (with LTO kb_vsnprintf may be inlined into a kb_snprintf.constprop)
no_formatter() { ! arm-none-eabi-nm "$1" | grep -qE ' kb_v?snprintf(\.|$)'; }
check "$board: no kb_vsnprintf in the dictionary build" no_formatter "$elf"

# The board is quiet (CONFIG_LOG_QUIET): the comparison is made on a
# verbose build of it (memory map, placements) with the option, against
# the same without it: its lines must read the same.  The plain build's
# console formats into a 256-byte buffer on the stack: it gets that much
# more stack, so the memory map's stack line differs by it and the
# lines are compared with every number masked too.
cp -r "$top/boards/$board" "$TMP/dict"
sed -i '/^CONFIG_LOG_QUIET=y$/d' "$TMP/dict/defconfig"
cp -r "$TMP/dict" "$TMP/plain"
sed -i '/^CONFIG_LOG_DICTIONARY=y$/d; /^CONFIG_STACK_SIZE=/d' "$TMP/plain/defconfig"
stack=$(sed -n 's/^CONFIG_STACK_SIZE=//p' "$O/.config")
echo "CONFIG_STACK_SIZE=$((stack + 256))" >> "$TMP/plain/defconfig"
do=$TMP/dict-o
po=$TMP/plain-o
make -s -C "$top" BOARD_DIR="$TMP/dict" O="$do" all > "$TMP/dict-build.log" 2>&1
make -s -C "$top" BOARD_DIR="$TMP/plain" O="$po" all > "$TMP/plain-build.log" 2>&1
check "verbose build: LOG_DICTIONARY on, LOG_QUIET off" grep -qx '# CONFIG_LOG_QUIET is not set' "$do/.config"
check "verbose build: no kb_vsnprintf (the memory-map printers are linked)" no_formatter "$do/kaslrboot.elf"
check "plain build: LOG_DICTIONARY off" grep -qx '# CONFIG_LOG_DICTIONARY is not set' "$po/.config"
make -s -C "$top" O="$O" "$O/payload.img" >/dev/null 2>&1
cp "$O/payload.img" "$TMP/fw.img"

lines() { grep '^kaslrboot' "$(log_of "$1")"; }
masks='s/version [^,]*,/version V,/; s/0x[0-9a-f]+/0xN/g; s/[0-9]+ (B|KiB)/N U/g; s/[0-9]+/N/g'
# NAME [mask]: the dictionary and the plain boot printed the same loader
# lines (mask: every number masked, the two loaders differ in size;
# the version too, the build in $O may be older than the plain one)
same_lines() {
	if [ -n "${2:-}" ]; then
		diff <(lines "$1" | sed -E "$masks") <(lines "$1-plain" | sed -E "$masks")
	else
		diff <(lines "$1") <(lines "$1-plain")
	fi > "$TMP/$1.diff" && [ -n "$(lines "$1")" ]
}
# NAME: the UART carried records and not one loader line as text
records_only() {
	grep -q '^~[lep][0-9a-f]' "$TMP/$1.uart" && ! grep -q '^kaslrboot' "$TMP/$1.uart"
}
# NAME: the memory map was printed (as records: ~p)
memmap_records() {
	grep -q '^~p[0-9a-f]' "$TMP/$1.uart" && has "$1" 'kaslrboot:   resv  ' &&
		has "$1" 'kaslrboot:   free  0x'
}
O=$do boot nokaslr BOARD_DIR="$TMP/dict" BOOTARGS="nokaslr"
O=$po boot nokaslr-plain BOARD_DIR="$TMP/plain" BOOTARGS="nokaslr"
check "nokaslr boot: the firmware ran" has nokaslr 'fw: done'
check "nokaslr boot: the UART carried records (the firmware's lines as text)" records_only nokaslr
check "nokaslr boot: the memory map and free ranges came as records" memmap_records nokaslr
check "nokaslr boot: every line as the plain build prints it (numbers masked)" same_lines nokaslr mask
# Unmasked, the lines that do not depend on the loader's size: the
# console, entropy, memory ranges, reservations from the tree, errors.
fixed() { lines "$1" | grep -E 'console:|entropy:|  mem  |retained|memory map:|^kaslrboot: KASLR'; }
same_fixed() { diff <(fixed nokaslr) <(fixed nokaslr-plain) > "$TMP/fixed.diff" && [ "$(fixed nokaslr | wc -l)" -ge 6 ]; }
check "nokaslr boot: console, entropy, memory and tree reservation lines byte for byte" same_fixed
cp "$TMP/fw.img" "$TMP/bad.img"
printf '\x5a' | dd of="$TMP/bad.img" bs=1 seek=40 conv=notrunc status=none
O=$do boot corrupt BOARD_DIR="$TMP/dict" PAYLOAD_IMG="$TMP/bad.img"
O=$po boot corrupt-plain BOARD_DIR="$TMP/plain" PAYLOAD_IMG="$TMP/bad.img"
check "corrupted container: refused with the plain text" fw_refused corrupt 'container: header SHA-256 mismatch'
check "corrupted container: every line as the plain build prints it (numbers masked)" same_lines corrupt mask
# The error line itself, byte for byte, CR LF included.
crlf_same() {
	diff <(grep -a '^kaslrboot: error' "$TMP/corrupt.raw") <(grep -a '^kaslrboot: error' "$TMP/corrupt-plain.raw") &&
		grep -qa $'^kaslrboot: error: .*\r$' "$TMP/corrupt.raw"
}
check "corrupted container: the decoded error line (CR LF) equals the plain console's" crlf_same
# The stack guard of a dictionary build without PMP locking is 256
# bytes (loader/main.c, KB_STACK_GUARD): a stack that leaves the boot's
# high-water mark (1,788 bytes) inside the guard, not below it, stops
# the boot with the guard's line before the handoff.
cp -r "$top/boards/$board" "$TMP/small"
sed -i '/^CONFIG_STACK_SIZE=/d' "$TMP/small/defconfig"
echo "CONFIG_STACK_SIZE=1920" >> "$TMP/small/defconfig"
make -s -C "$top" BOARD_DIR="$TMP/small" O="$TMP/small-o" all > "$TMP/small-build.log" 2>&1
O=$TMP/small-o boot small BOARD_DIR="$TMP/small"
guard_256() { has small 'kaslrboot: error: loader: stack overflow (the guard at the bottom of the stack was overwritten): raise CONFIG_STACK_SIZE'; }
check "a 1,920-byte stack: the 256-byte guard is overwritten and the boot stops" guard_256
check "a 1,920-byte stack: the firmware was not entered" eval "! grep -q '^fw:' '$(log_of small)'"
for n in nokaslr corrupt fixed; do [ -s "$TMP/$n.diff" ] && head -n 6 "$TMP/$n.diff"; done
done_testing
