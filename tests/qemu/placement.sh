#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU: the planner at boot, for the test kernel's footprint: random
# windows differ between boots, are aligned and lie in the free memory the
# loader printed; nokaslr gives a fixed window; no room is an error.
. "$(dirname "$0")/../lib.sh"

plan_base() { sed -n 's/^kaslrboot: plan: kernel .* base \(0x[0-9a-f]*\)[, ].*/\1/p' "$(log_of "$1")"; }
# footprint and alignment from "plan: kernel 72 KiB, 4 KiB-aligned: ..."
plan_bytes() {	# NAME FIELD(1=size, 2=align)
	python3 - "$(log_of "$1")" "$2" <<'PY'
import re, sys
u = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
for line in open(sys.argv[1]):
    m = re.match(r"kaslrboot: plan: kernel (\d+) (\S+), (\d+) (\S+)-aligned", line)
    if m:
        v = m.groups()
        i = 2 * (int(sys.argv[2]) - 1)
        print(int(v[i]) * u[v[i + 1]]); break
PY
}
# is the 32 MiB window at BASE inside one printed free span?
in_free() {	# NAME BASE
	python3 - "$(log_of "$1")" "$2" "$(plan_bytes "$1" 1)" <<'PY'
import sys
b = int(sys.argv[2], 16); sz = int(sys.argv[3])
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) > 2 and f[1] == "free" and f[2].startswith("0x"):
        s, e = (int(x, 16) for x in f[2].split("-"))
        if s <= b and b + sz <= e:
            sys.exit(0)
sys.exit(1)
PY
}

bases=()
for i in 1 2 3 4 5 6 7 8 9 10; do
	boot "r$i"
	b=$(plan_base "r$i")
	bases+=("$b")
	al=$(plan_bytes "r$i" 2)
	if [ -n "$b" ] && [ -n "$al" ] && [ $(( b % al )) = 0 ] && in_free "r$i" "$b"; then
		ok "boot $i: window 0x${b#0x} is $al-byte aligned and inside printed free memory"
	else
		notok "boot $i: window '$b' aligned and free"; tail -n 8 "$(log_of "r$i")"
	fi
done
distinct=$(printf '%s\n' "${bases[@]}" | sort -u | wc -l)
check "10 boots gave $distinct distinct windows (want >= 8)" [ "$distinct" -ge 8 ]
check "the plan line reports slot count and entropy" \
	grep -qE '^kaslrboot: plan: kernel [0-9]+ [KMG]?i?B, [0-9]+ [KMG]?i?B-aligned: base 0x[0-9a-f]+, slot [0-9]+ of [0-9]+, [0-9]+\.[0-9]{2} bits of entropy$' "$(log_of r1)"

# nokaslr: the same (lowest) window every boot
for i in 1 2 3; do boot "n$i" BOOTARGS="console=ttyS0 nokaslr"; done
check "nokaslr: logged" grep -qF 'kaslrboot: KASLR: disabled by "nokaslr" on the command line' "$(log_of n1)"
check "nokaslr: fixed window, same on 3 boots ($(plan_base n1))" eval \
	'[ -n "$(plan_base n1)" ] && [ "$(plan_base n1)" = "$(plan_base n2)" ] && [ "$(plan_base n2)" = "$(plan_base n3)" ]'
check "nokaslr: final line says KASLR is off and why" grep -qF 'kaslrboot: KASLR: OFF (nokaslr)' "$(log_of n1)"

# nokaslr=<value>: the parameter name is what counts (as in the EFI stub's
# efi_parse_options()), the value is ignored: KASLR off, the same fixed
# window as plain nokaslr, no kaslr-seed reaches the kernel.
for v in 1 0; do
	boot "v$v" BOOTARGS="console=ttyS0 nokaslr=$v"
	check "nokaslr=$v: KASLR off, logged as nokaslr" \
		grep -qF 'kaslrboot: KASLR: OFF (nokaslr)' "$(log_of "v$v")"
	check "nokaslr=$v: the same fixed window as nokaslr ($(plan_base "v$v"))" eval \
		'[ -n "$(plan_base "v$v")" ] && [ "$(plan_base "v$v")" = "$(plan_base n1)" ]'
	check "nokaslr=$v: no kaslr-seed written, none reaches the kernel" eval \
		'grep -qF "kaslrboot: chosen: no kaslr-seed (KASLR off)" "$(log_of "v$v")" &&
		 grep -qF "testkernel: kaslr-seed absent" "$(log_of "v$v")"'
done

# Not the parameter nokaslr: KASLR stays on
for args in "nokaslrx" "foo=nokaslr" "init=/bin/sh -- nokaslr" '"a nokaslr"'; do
	boot tok BOOTARGS="$args"
	check "bootargs '$args': KASLR stays on" grep -qF 'kaslrboot: KASLR: on' "$(log_of tok)"
done

# No window fits: a RISC-V Image claiming 600 MiB on a 512 MiB machine
cp "$O/testkernel/testkernel.Image" "$TMP/huge.Image"
python3 - "$TMP/huge.Image" <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); f.seek(16); f.write(struct.pack("<Q", 600 << 20))
PY
boot huge PAYLOAD="$TMP/huge.Image"
check "600 MiB image on 512 MiB: make run fails (rc $(rc_of huge))" [ "$(rc_of huge)" != 0 ]
check "600 MiB image on 512 MiB: zero slots named" \
	grep -qF 'kaslrboot: error: plan: no 2 MiB-aligned window of 600 MiB fits in free memory' "$(log_of huge)"

# A malformed CONFIG_PLAN_EXTRA_AVOID stops the boot; a valid one is honoured
cp -r "$top/boards/qemu-virt-riscv64" "$TMP/avoid-bad"
echo 'CONFIG_PLAN_EXTRA_AVOID="0x90000000-0x80000000"' >> "$TMP/avoid-bad/defconfig"
O=$TMP/avoid-bad-out boot avoidbad BOARD_DIR="$TMP/avoid-bad"
check "bad CONFIG_PLAN_EXTRA_AVOID: rejected with its error" \
	grep -qF "kaslrboot: error: avoid: bad range at '0x90000000-0x80000000' (end not above start)" "$(log_of avoidbad)"
cp -r "$top/boards/qemu-virt-riscv64" "$TMP/avoid-ok"
# keep the low 256 MiB out of reach: only [0x90000000, 0xa0000000) remains
echo 'CONFIG_PLAN_EXTRA_AVOID="0x80000000-0x90000000"' >> "$TMP/avoid-ok/defconfig"
O=$TMP/avoid-ok-out boot avoidok BOARD_DIR="$TMP/avoid-ok"
b=$(plan_base avoidok)
check "CONFIG_PLAN_EXTRA_AVOID honoured (window $b at or above 0x90000000)" eval \
	'[ -n "$b" ] && [ $(( b )) -ge $(( 0x90000000 )) ]'

done_testing
