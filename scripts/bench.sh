#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench.sh O SIZE-TOOL : size figures for one built board.
#   - the loader image: text, data, bss (size -A grouped), file size of .bin
#   - what each component contributes to the linked image (from the link
#     map: kaslrboot's own code, libfdt, mbedTLS, the C library, libgcc)
set -uo pipefail
O=$1; SIZE=$2
elf=$O/kaslrboot.elf; map=$O/kaslrboot.map
board=$(sed -n 's/^CONFIG_BOARD="\(.*\)"/\1/p' "$O/.config")
echo "bench: board $board"
"$SIZE" -B "$elf" | awk 'NR==2 {printf "bench: loader text %d B, data %d B, bss+stack %d B (total %d B)\n", $1, $2, $3, $4}'
echo "bench: kaslrboot.bin $(stat -c %s "$O/kaslrboot.bin") B (what is flashed / loaded)"
# Input sections in the link map, summed per component.
/usr/bin/python3 - "$map" <<'PY'
import re, sys
comp = lambda f: ("libfdt" if "/libfdt/" in f else "mbedTLS" if "/mbedtls/" in f
                  else "C library (picolibc)" if "libc.a" in f else "libgcc" if "libgcc.a" in f
                  else "kaslrboot")
sizes, pending, live = {}, False, False
for line in open(sys.argv[1]):
    if line.startswith("Linker script and memory map"):
        live = True; continue
    if not live:
        continue
    m = re.match(r"^ (\.(?:text|rodata|srodata|data|sdata|bss|sbss|kb_drivers)\S*)(?:\s+(0x\S+)\s+(0x\S+)\s+(\S+))?\s*$", line)
    if m:
        if m.group(2):
            sizes[comp(m.group(4))] = sizes.get(comp(m.group(4)), 0) + int(m.group(3), 16)
            pending = False
        else:
            pending = True
        continue
    m = re.match(r"^\s+(0x\S+)\s+(0x\S+)\s+(\S+)\s*$", line)
    if pending and m:
        sizes[comp(m.group(3))] = sizes.get(comp(m.group(3)), 0) + int(m.group(2), 16)
    pending = False
for c in sorted(sizes):
    print("bench:   %-22s %7d B (text+data+bss linked)" % (c, sizes[c]))
PY
if ls "$O"/mbedtls/*.o >/dev/null 2>&1; then
	"$SIZE" -t "$O"/mbedtls/*.o | awk 'END {printf "bench: mbedTLS objects as built (before --gc-sections): text %d B, data %d B, bss %d B\n", $1, $2, $3}'
fi

# Instruction counts: a CONFIG_BENCH build of the same board boots the test
# kernel under QEMU -icount shift=0,sleep=off (one instruction per ns of
# virtual time; sleep=off makes the count deterministic: without it the
# virtual clock follows host time until the CPU starts).
if [ -f "${BOARD_DIR:-}/qemu.sh" ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
	bb=$(mktemp -d)
	trap 'rm -rf "$bb"' EXIT
	cp -r "$BOARD_DIR" "$bb/board"
	echo "CONFIG_BENCH=y" >> "$bb/board/defconfig"
	bo=$O-bench
	zknh_cpu=
	rm -rf "$bo"
	make -s -C "$top" BOARD_DIR="$bb/board" O="$bo" > "$bb/build.log" 2>&1
	# bench_boot TAG QEMU-OPTIONS: one boot of the test kernel, its figures
	# printed as "bench: [TAG] ..." (no tag: the board's own CPU).
	bench_boot() {
	make -s -C "$top" BOARD_DIR="$bb/board" O="$bo" run QEMU_EXTRA="-icount shift=0,sleep=off $2" \
		2>&1 | tr -d '\r' > "$bb/run-$1.log"
	/usr/bin/python3 - "$bb/run-$1.log" "$bb/small-$1" "$1" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read()
tag = "bench: [%s] " % sys.argv[3] if sys.argv[3] else "bench: "
m0 = re.search(r"kaslrboot: crypto: SHA-256: (.*)", log)
if m0:
    print(tag + "SHA-256: " + m0.group(1))
m1 = re.search(r"bench: load of (\d+) payload bytes \(footprint (\d+)\) took (\d+) instructions", log)
m2 = re.search(r"bench: (\d+) instructions from entry to handoff, (\d+) of them loading the payload", log)
if not (m1 and m2) or "testkernel: done" not in log:
    print(tag + "instruction counts unavailable (the bench boot failed)"); sys.exit(0)
fb, fp, li = map(int, m1.groups()); total, loading = map(int, m2.groups())
print(tag + "instructions from loader entry to handoff: %d (%d excluding the payload load)" % (total, total - loading))
print(tag + "payload load (flash read once, SHA-256 in RAM, copy, BSS): %d instructions for %d file bytes = %.3f per byte"
      % (li, fb, li / fb))
m3 = re.search(r"bench: steps \(instructions\):([ 0-9:]*)", log)
names = ["device tree", "entropy", "memory map", "container", "DTB room", "load", "/chosen"]
if m3:
    steps = [int(x.split(":")[1]) for x in m3.group(1).split()]
    print(tag + "per step (instructions): " + ", ".join("%s %d" % (names[i] if i < len(names) else i, v)
                                                         for i, v in enumerate(steps)))
open(sys.argv[2], "w").write("%d %d %d\n" % (fb, fp, li))
PY
	}
	bench_boot "" ""
	mv "$bb/small-" "$bb/small" 2>/dev/null
	# RISC-V with CONFIG_SHA256_RISCV_ZKNH_*: the same build again on a CPU
	# with the Zknh instructions (QEMU 7.2: -cpu rv64,zknh=true).
	if grep -qx 'CONFIG_SHA256_RISCV_ZKNH_POSSIBLE=y' "$bo/.config" 2>/dev/null; then
		xlen=$(sed -n 's/^CONFIG_RISCV_ISA="rv\([0-9]*\).*/\1/p' "$bo/.config")
		zknh_cpu="-cpu rv${xlen},zknh=true"
		bench_boot zknh "$zknh_cpu"
	fi
	# The comparison with U-Boot (arm64 boards): Debian's kernel, reset
	# to its first instruction; and the per-byte slope from the test
	# kernel's load to Debian's.
	if [ -z "${BENCH_NO_UBOOT:-}" ]; then
		BOARD_DIR=$BOARD_DIR BENCH_SMALL="$(cat "$bb/small" 2>/dev/null)" \
			BENCH_ZKNH_CPU="${zknh_cpu:-}" BENCH_SMALL_ZKNH="$(cat "$bb/small-zknh" 2>/dev/null)" \
			"$top/scripts/bench-uboot.sh" "$O" "$bo"
	fi
fi
