#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CONFIG_LOG_DICTIONARY on the rv32 microcontroller profile (docs/size.md):
# the format strings and error names are not in the image, the console
# carries records, tools/kblog turns them back into exactly the lines the
# same board prints without the option, and refuses, in one line, a log
# it cannot read (another build's, a record cut short, an unknown id).
top=$(cd "$(dirname "$0")/../.." && pwd)
mo=${O_RISCV32_M_MCU:-$top/build/qemu-virt-riscv32-m-mcu}
. "$(dirname "$0")/../lib.sh"

if [ ! -f "$mo/kaslrboot.bin" ]; then
	notok "mcu profile not built ($mo)"
	done_testing
fi
CROSS=${CROSS_COMPILE:-riscv64-unknown-elf-}
elf=$mo/kaslrboot.elf
kblog=$top/tools/kblog

check "mcu profile: CONFIG_LOG_DICTIONARY=y" grep -qx 'CONFIG_LOG_DICTIONARY=y' "$mo/.config"

kb_msg_checks "$CROSS" "$elf" "$mo/kaslrboot.bin" 'entropy: no TRNG found (this build knows: zkr)' 'header SHA-256 mismatch' \
	'payload locked with %u of %u entries' 'entropy health test failed' 'R_RISCV_JUMP_SLOT' \
	'entropy source failed'

# No formatter is linked (docs/size.md; with LTO kb_vsnprintf may be
# inlined into a kb_snprintf.constprop)
no_formatter() { ! "${CROSS}nm" "$elf" | grep -qE ' kb_v?snprintf(\.|$)'; }
check "mcu profile: no kb_vsnprintf in the dictionary build" no_formatter

# The same board without the option: its lines must read the same.
cp -r "$top/boards/qemu-virt-riscv32-m-mcu" "$TMP/plain"
sed -i '/^CONFIG_LOG_DICTIONARY=y$/d' "$TMP/plain/defconfig"
po=$TMP/plain-o
lines() { grep '^kaslrboot' "$(log_of "$1")"; }
# NAME [mask]: the dictionary and the plain boot printed the same loader
# lines (with mask: every hex number masked, the loaders differ in size)
same_lines() {
	if [ -n "${2:-}" ]; then
		diff <(lines "$1" | sed 's/0x[0-9a-f]*/0xN/g') <(lines "$1-plain" | sed 's/0x[0-9a-f]*/0xN/g')
	else
		diff <(lines "$1") <(lines "$1-plain")
	fi > "$TMP/$1.diff" && [ -n "$(lines "$1")" ]
}
# NAME: the UART carried records and not one loader line as text
records_only() {
	grep -q '^~[lep][0-9a-f]' "$TMP/$1.uart" && ! grep -q '^kaslrboot' "$TMP/$1.uart"
}
O=$mo boot norng QEMU_CPU=rv32
O=$po boot norng-plain BOARD_DIR="$TMP/plain" QEMU_CPU=rv32
check "plain build: LOG_DICTIONARY off" grep -qx '# CONFIG_LOG_DICTIONARY is not set' "$po/.config"
check "no Zkr: the UART carried records only" records_only norng
check "no Zkr: refused with the plain text" refused norng 'entropy: no TRNG found (this build knows: zkr)'
check "no Zkr: every line as the plain build prints it" same_lines norng
make -s -C "$top" O="$mo" "$mo/payload.img" >/dev/null 2>&1
cp "$mo/payload.img" "$TMP/bad.img"
printf '\x5a' | dd of="$TMP/bad.img" bs=1 seek=40 conv=notrunc status=none
O=$mo boot corrupt PAYLOAD_IMG="$TMP/bad.img"
O=$po boot corrupt-plain BOARD_DIR="$TMP/plain" PAYLOAD_IMG="$TMP/bad.img"
check "corrupted container: refused with the plain text" refused corrupt 'container: header SHA-256 mismatch'
check "corrupted container: every line as the plain build prints it" same_lines corrupt
O=$mo boot nokaslr BOOTARGS="console=ttyS0 nokaslr"
O=$po boot nokaslr-plain BOARD_DIR="$TMP/plain" BOOTARGS="console=ttyS0 nokaslr"
check "nokaslr boot: the kernel ran" kernel_done nokaslr
check "nokaslr boot: the UART carried records (the kernel's lines as text)" records_only nokaslr
check "nokaslr boot: every line as the plain build prints it (addresses masked)" same_lines nokaslr mask
# The decoded text is byte for byte the plain console (CR LF and all):
# the lines the two loaders print identically, from the raw outputs.
crlf_same() {
	diff <(grep -a '^kaslrboot' "$TMP/corrupt.raw") <(grep -a '^kaslrboot' "$TMP/corrupt-plain.raw") &&
		grep -qa $'^kaslrboot: error: .*\r$' "$TMP/corrupt.raw"
}
check "corrupted container: the decoded bytes (CR LF) equal the plain console's" crlf_same
for n in norng corrupt nokaslr; do [ -s "$TMP/$n.diff" ] && head -n 6 "$TMP/$n.diff"; done

# tools/kblog's refusals: status 1 (2: the ELF), one line naming the
# line of the log and what is wrong.
# WANT_STATUS WANT_TEXT ELF LOG
refuses() {
	"$kblog" "$3" < "$4" > "$TMP/kb.out" 2> "$TMP/kb.err"
	local rc=$?
	[ "$rc" = "$1" ] && [ "$(wc -l < "$TMP/kb.err")" = 1 ] && grep -qF -- "$2" "$TMP/kb.err"
}
uart=$TMP/nokaslr.uart
reads_own() { "$kblog" "$elf" < "$uart" > /dev/null; }
check "kblog reads its own build's log (status 0)" reads_own
first=$(grep -n -m1 '^~' "$uart" | cut -d: -f1)
# another build: the same ELF with one byte of its dictionary changed
python3 - "$TMP/kb_msg.bin" "$TMP/other.bin" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[0] ^= 0x20
open(sys.argv[2], "wb").write(b)
PY
"${CROSS}objcopy" --update-section .kb_msg="$TMP/other.bin" "$elf" "$TMP/other.elf"
check "another build's ELF: refused at the first record" \
	refuses 1 "line $first: a record of another build: dictionary " "$TMP/other.elf" "$uart"
check "an ELF without a dictionary: refused (status 2)" \
	refuses 2 "no .kb_msg section: not a loader built with CONFIG_LOG_DICTIONARY" "$po/kaslrboot.elf" "$uart"
# a record cut short: its last argument gone; in a string; at the end of
# the log without its end of line
cut_last_arg() { sed -E "${first}s/,[^,]*\$//" "$uart"; }
cut_last_arg > "$TMP/cut.log"
check "a record missing its last argument: refused" \
	refuses 1 "line $first: message " "$elf" "$TMP/cut.log"
strline=$(grep -n -m1 "^~.*,'" "$uart" | cut -d: -f1)
sed -E "${strline}s/'[^']*\$//" "$uart" > "$TMP/cutstr.log"
check "a record cut inside a string: refused" \
	refuses 1 "line $strline: string not closed (the record is cut short)" "$elf" "$TMP/cutstr.log"
head -n "$first" "$uart" | head -c -2 > "$TMP/noeol.log"
check "a record without its end of line: refused" \
	refuses 1 "line $first: the record is cut short (no end of line)" "$elf" "$TMP/noeol.log"
# an unknown id: one byte into the first record's message
python3 - "$uart" "$first" > "$TMP/badid.log" <<'PY'
import re, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
n = int(sys.argv[2]) - 1
m = re.match(rb"(~[lep][0-9a-f]{8})([0-9a-f]+)(.*)", lines[n], re.S)
lines[n] = m.group(1) + b"%x" % (int(m.group(2), 16) + 1) + m.group(3)
sys.stdout.buffer.write(b"\n".join(lines))
PY
check "an unknown message id: refused" \
	refuses 1 "line $first: unknown message id " "$elf" "$TMP/badid.log"
# the lines before the bad one are decoded, the rest copied as they came
rest_copied() {
	"$kblog" "$elf" < "$TMP/badid.log" > "$TMP/kb.out" 2> /dev/null
	[ "$(wc -l < "$TMP/kb.out")" = "$(wc -l < "$TMP/badid.log")" ] &&
		grep -q '^testkernel: done' "$TMP/kb.out"
}
check "after a refusal the rest of the log is copied as it came" rest_copied
[ -s "$TMP/kb.err" ] && cat "$TMP/kb.err"
done_testing
