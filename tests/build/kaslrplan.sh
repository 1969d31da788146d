#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Host tool build/host/kaslrplan on device trees QEMU generates (dumped with
# -M virt,dumpdtb=): slot counts against an independent computation from the
# memory nodes, determinism of --seed, --json, and the error exits (1: the
# loader's own one-line DTB errors, 2: no slot fits, 64: bad arguments).
. "$(dirname "$0")/../lib.sh"

K=$top/build/host/kaslrplan
SIZE=$((32 << 20))
ALIGN=$((2 << 20))

if [ ! -x "$K" ]; then
	notok "kaslrplan is built ($K; make tools)"
	exit 1
fi

# Slots, computed here: a raw QEMU tree has no reservations, so the free
# memory is the union of the memory nodes (adjacent nodes merge: a window
# may straddle them); per merged range [a, b), bases from a rounded up to
# ALIGN through b - SIZE rounded down.
expected_slots() {	# DTB
	local dtb=$1 n
	for n in $(fdtget -l "$dtb" /); do
		case $n in memory@*) ;; *) continue ;; esac
		# #address-cells = #size-cells = 2 on virt
		echo "$(fdtget -t x "$dtb" "/$n" reg)"
	done | python3 -c '
import sys
size, align = int(sys.argv[1]), int(sys.argv[2])
r = []
for line in sys.stdin:
    c = [int(x, 16) for x in line.split()]
    for i in range(0, len(c), 4):
        base = (c[i] << 32) | c[i + 1]
        length = (c[i + 2] << 32) | c[i + 3]
        if length:
            r.append([base, base + length])
r.sort()
merged = []
for a, b in r:
    if merged and a <= merged[-1][1]:
        merged[-1][1] = max(merged[-1][1], b)
    else:
        merged.append([a, b])
total = 0
for a, b in merged:
    lo = -(-a // align) * align
    hi = (b - size) // align * align
    if hi >= lo:
        total += (hi - lo) // align + 1
print(total, " ".join("%x-%x" % (a, b) for a, b in merged))
' "$SIZE" "$ALIGN"
}

# True if the sample base is ALIGN-aligned and base..base+SIZE lies in one
# merged range ("a-b a-b ..." in hex).
sample_ok() {	# BASE RANGES...
	python3 -c '
import sys
base, size, align = int(sys.argv[1], 16), int(sys.argv[2]), int(sys.argv[3])
ok = base % align == 0 and any(
    int(a, 16) <= base and base + size <= int(b, 16)
    for a, b in (r.split("-") for r in sys.argv[4:]))
sys.exit(0 if ok else 1)
' "$1" "$SIZE" "$ALIGN" "${@:2}"
}

dump() {	# NAME QEMU-ARGS...
	local name=$1; shift
	qemu-system-riscv64 -M virt,dumpdtb="$TMP/$name.dtb" "$@" -nographic >/dev/null 2>&1
	[ -s "$TMP/$name.dtb" ]
}

plan() {	# ARGS... (prints stdout; stderr to $TMP/err, status to $TMP/rc)
	"$K" "$@" 2> "$TMP/err"
	echo $? > "$TMP/rc"
}

run_case() {	# NAME QEMU-ARGS...
	local name=$1 exp ranges got base seeds s distinct; shift
	if ! dump "$name" "$@"; then
		notok "$name: QEMU dumped a device tree"
		return
	fi
	read -r exp ranges < <(expected_slots "$TMP/$name.dtb")
	plan --size 32M --align 2M --seed 1 "$TMP/$name.dtb" > "$TMP/$name.out"
	check "$name: exits 0 (rc $(cat "$TMP/rc"))" [ "$(cat "$TMP/rc")" = 0 ]
	got=$(sed -n 's/^slots: //p' "$TMP/$name.out")
	check "$name: slots $got = $exp computed from the memory nodes ($ranges)" \
		eval '[ "${got:-none}" = "$exp" ] && [ "$exp" -gt 0 ]'
	check "$name: entropy line printed" grep -qE '^entropy: [0-9]+\.[0-9]{2} bits$' "$TMP/$name.out"
	# nodes that meet are one range (the loader's memory map merges them)
	check "$name: every merged range of memory nodes printed as one mem line ($ranges)" \
		[ "$(grep -c '^  mem ' "$TMP/$name.out")" = "$(echo $ranges | wc -w)" ]
	base=$(sed -n 's/^sample placement: base \(0x[0-9a-f]*\) (slot [0-9]* of '"$exp"')$/\1/p' "$TMP/$name.out")
	check "$name: sample placement ${base:-missing} is an aligned slot inside memory" \
		sample_ok "${base:-none}" $ranges

	# --seed: the same seed, the same placement; different seeds differ
	plan --size 32M --align 2M --seed 1 "$TMP/$name.dtb" > "$TMP/$name.again"
	check "$name: --seed 1 twice gives the same placement" \
		[ "$(grep '^sample' "$TMP/$name.out")" = "$(grep '^sample' "$TMP/$name.again")" ]
	seeds=""
	for s in 1 2 3 4 5; do
		seeds="$seeds $(plan --size 32M --align 2M --seed "$s" "$TMP/$name.dtb" |
			sed -n 's/^sample placement: base \(0x[0-9a-f]*\).*/\1/p')"
	done
	distinct=$(echo $seeds | tr ' ' '\n' | sort -u | wc -l)
	check "$name: seeds 1..5 give $distinct different placements (>= 4):$seeds" \
		[ "$distinct" -ge 4 ]

	# --json: one object that parses, agreeing with the text output
	plan --size 32M --align 2M --seed 1 --json "$TMP/$name.dtb" > "$TMP/$name.json"
	check "$name: --json parses (python3 -m json.tool)" \
		python3 -m json.tool "$TMP/$name.json" /dev/null
	check "$name: --json agrees: slots, sample and memory" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["slots"] == int(sys.argv[2]), j["slots"]
assert j["sample"]["base"] == int(sys.argv[3], 16)
assert 0 <= j["sample"]["index"] < j["slots"]
assert len(j["memory"]) >= 1 and j["reservations"] == [] and len(j["free"]) >= 1
assert isinstance(j["entropy_bits"], float)
' "$TMP/$name.json" "$exp" "$base"
}

run_case m512 -m 512M
run_case m2g -m 2G
run_case above4g -m 5G
run_case numa2 -m 512M -smp 2 \
	-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M \
	-numa node,memdev=m0,cpus=0 -numa node,memdev=m1,cpus=1

# Without --seed (getrandom): still a valid slot
plan --size 32M --align 2M "$TMP/m512.dtb" > "$TMP/os.out"
check "getrandom seeding: exits 0 with a sample placement" \
	grep -qE '^sample placement: base 0x[0-9a-f]{16} \(slot [0-9]+ of 241\)$' "$TMP/os.out"

# --dtb-addr reserves the blob (and it must lie in memory, as in the loader)
plan --size 32M --align 2M --seed 1 --dtb-addr 0x9fe00000 "$TMP/m512.dtb" > "$TMP/addr.out"
check "--dtb-addr 0x9fe00000: the blob is a reservation, one slot fewer (240)" \
	grep -qx 'slots: 240' "$TMP/addr.out"
plan --size 32M --dtb-addr 0x1000 "$TMP/m512.dtb" > /dev/null
check "--dtb-addr outside memory: exit 1, the loader's message" \
	eval '[ "$(cat "$TMP/rc")" = 1 ] && grep -qx "kaslrplan: dtb: the blob lies outside every memory node" "$TMP/err"'

# Malformed blobs: exit 1 with the loader's one-line error
expect_err() {	# WHAT STATUS MESSAGE ARGS...
	local what=$1 st=$2 msg=$3; shift 3
	plan "$@" > "$TMP/out"
	if [ "$(cat "$TMP/rc")" = "$st" ] && [ "$(cat "$TMP/err")" = "kaslrplan: $msg" ] &&
	   [ "$(wc -l < "$TMP/err")" = 1 ]; then
		ok "$what: exit $st, \"$msg\""
	else
		notok "$what: expected exit $st and \"kaslrplan: $msg\", got $(cat "$TMP/rc"): $(cat "$TMP/err")"
	fi
}
cp "$TMP/m512.dtb" "$TMP/magic.dtb"
printf '\x12\x34\x56\x78' | dd of="$TMP/magic.dtb" conv=notrunc status=none
expect_err "bad magic" 1 "dtb: bad magic 0x12345678 (expected 0xd00dfeed)" \
	--size 32M "$TMP/magic.dtb"
total=$(python3 -c 'import sys; print(int.from_bytes(open(sys.argv[1], "rb").read()[4:8], "big"))' "$TMP/m512.dtb")
head -c 1000 "$TMP/m512.dtb" > "$TMP/trunc.dtb"
expect_err "truncated to 1000 bytes" 1 "dtb: totalsize $total exceeds the buffer size 1000" \
	--size 32M "$TMP/trunc.dtb"
head -c 16 "$TMP/m512.dtb" > "$TMP/short.dtb"
expect_err "truncated inside the header" 1 "dtb: buffer of 16 bytes is too small for a header (40 bytes)" \
	--size 32M "$TMP/short.dtb"
cp "$TMP/m512.dtb" "$TMP/reg12.dtb"
fdtput -t x "$TMP/reg12.dtb" /memory@80000000 reg 0 80000000 0
plan --size 32M "$TMP/reg12.dtb" > /dev/null
check "bad memory reg: exit 1 with the loader's message ($(cat "$TMP/err"))" \
	eval '[ "$(cat "$TMP/rc")" = 1 ] && grep -q "^kaslrplan: dtb: /memory@80000000: reg length 12" "$TMP/err"'

# Nothing fits: exit 2 with the planner's diagnostic
expect_err "--size 1G in 512 MiB" 2 "plan: no 2 MiB-aligned window of 1 GiB fits in free memory" \
	--size 1G --align 2M "$TMP/m512.dtb"
expect_err "--ceiling below memory" 2 "plan: no 2 MiB-aligned window of 32 MiB fits in free memory" \
	--size 32M --ceiling 0x80000000 "$TMP/m512.dtb"

# Bad arguments: one line, exit 64
for args in "--align 2M $TMP/m512.dtb" "--size 32X $TMP/m512.dtb" "--size 32M --align 3M $TMP/m512.dtb" \
	"--size 32M --avoid 0x90000000 $TMP/m512.dtb" "--size 32M --bogus $TMP/m512.dtb" "--size 32M" \
	"--size 32M --floor 3G --ceiling 2G $TMP/m512.dtb" "--size 0x10000000000000000 $TMP/m512.dtb"; do
	plan $args > /dev/null
	check "bad arguments (${args//$TMP\//}): exit 64, one line" \
		eval '[ "$(cat "$TMP/rc")" = 64 ] && [ "$(wc -l < "$TMP/err")" = 1 ]'
done

# Options change the answer as they should
plan --size 32M --align 2M --seed 1 --avoid 0x80000000-0x90000000 "$TMP/m512.dtb" > "$TMP/avoid.out"
check "--avoid the lower 256 MiB: 113 slots" grep -qx 'slots: 113' "$TMP/avoid.out"
plan --size 32M --align 2M --seed 1 --floor 0x90000000 "$TMP/m512.dtb" > "$TMP/floor.out"
check "--floor 0x90000000: 113 slots" grep -qx 'slots: 113' "$TMP/floor.out"
plan --size 0x2000000 --align 0x200000 --seed 1 "$TMP/m512.dtb" > "$TMP/hex.out"
check "hex sizes equal K/M/G sizes" \
	[ "$(grep -v '^request' "$TMP/hex.out")" = "$(grep -v '^request' "$TMP/m512.out")" ]

done_testing
