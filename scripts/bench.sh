#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench.sh O SIZE-TOOL : size figures for one built board.
#   - the loader image: text+data (flash), bss+stack (RAM), the .bin, the
#     RAM tables Kconfig sizes
#   - what each component and the largest objects contribute to the linked
#     image (scripts/size-table.py; from a twin build without LTO when the
#     board uses it)
#   BENCH_SIZES_ONLY=1: stop there (make bench-sizes, every board)
set -uo pipefail
O=$1; SIZE=$2
elf=$O/kaslrboot.elf; map=$O/kaslrboot.map
board=$(sed -n 's/^CONFIG_BOARD="\(.*\)"/\1/p' "$O/.config")
top=$(cd "$(dirname "$0")/.." && pwd)
echo "bench: board $board"
"$SIZE" -B "$elf" | awk 'NR==2 {printf "bench: loader text %d B, data %d B, bss+stack %d B (total %d B)\n", $1, $2, $3, $4}'
stack=$(sed -n 's/^CONFIG_STACK_SIZE=//p' "$O/auto.conf")
"$SIZE" -B "$elf" | awk -v st="$stack" 'NR==2 {printf "bench: size: text+data %d B (flash), bss+stack %d B (RAM: bss %d + stack %d)\n", $1 + $2, $3, $3 - st, st}'
echo "bench: kaslrboot.bin $(stat -c %s "$O/kaslrboot.bin") B (what is flashed / loaded)"
# The RAM tables (Kconfig sizes them: docs/size.md); with LTO a static
# symbol may carry a suffix (mem_table.lto_priv.0).
"${SIZE%size}nm" -S "$elf" 2>/dev/null | /usr/bin/python3 -c '
import sys, collections
t = collections.Counter()
for l in sys.stdin:
    f = l.split()
    if len(f) == 4 and f[3].split(".")[0] in ("mem_table", "resv_table", "free_table", "avoid", "ctr_bootargs"):
        t[f[3].split(".")[0]] += int(f[1], 16)
if t:
    print("bench: RAM tables (bss):" + ",".join(" %s %d B" % kv for kv in sorted(t.items())))'
# What each component contributes.  With CONFIG_LTO the link map no longer
# says where code came from: the table is read from a twin build without it.
map=$O/kaslrboot.map
if grep -q '^CONFIG_LTO=y' "$O/auto.conf" && [ -n "${BOARD_DIR:-}" ]; then
	tb=$(mktemp -d)
	cp -r "$BOARD_DIR" "$tb/board"
	echo "# CONFIG_LTO is not set" >> "$tb/board/defconfig"
	if make -s -C "$top" BOARD_DIR="$tb/board" O="$O-nolto" all > "$tb/build.log" 2>&1; then
		map=$O-nolto/kaslrboot.map
		"$SIZE" -B "$O-nolto/kaslrboot.elf" | awk 'NR==2 {printf "bench: per component, from the same configuration without LTO (text+data %d B there):\n", $1 + $2}'
	else
		echo "bench: per component: the build without LTO failed ($tb/build.log); LTO partitions shown"
	fi
	rm -rf "$tb/board"
else
	echo "bench: per component (link map):"
fi
/usr/bin/python3 "$top/scripts/size-table.py" "$map" "${BENCH_TOP_OBJECTS:-12}"
if ls "$O"/mbedtls/*.o >/dev/null 2>&1; then
	"$SIZE" -t "$O"/mbedtls/*.o | awk 'END {printf "bench: mbedTLS objects as built (before --gc-sections): text %d B, data %d B, bss %d B\n", $1, $2, $3}'
fi
[ -n "${BENCH_SIZES_ONLY:-}" ] && exit 0

# Instruction counts: a CONFIG_BENCH build of the same board boots the test
# kernel under QEMU -icount shift=0,sleep=off (one instruction per ns of
# virtual time; sleep=off makes the count deterministic: without it the
# virtual clock follows host time until the CPU starts).
if [ -f "${BOARD_DIR:-}/qemu.sh" ]; then
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
	QEMU_TIMEOUT=${QEMU_TIMEOUT:-120} make -s -C "$top" BOARD_DIR="$bb/board" O="$bo" run QEMU_EXTRA="-icount shift=0,sleep=off $2" \
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
# The stack's high-water mark (entry.S painted it; RISC-V and Cortex-M):
# the deepest use of the whole boot, guard included, measured at its end.
m5 = re.search(r"bench: stack: (\d+) of (\d+) bytes used(?: \(CONFIG_STACK_SIZE; its bottom (\d+) bytes are the guard\))?", log)
if m5:
    print(tag + "stack: %s of %s bytes used (CONFIG_STACK_SIZE; its bottom %s bytes are the guard)"
          % (m5.group(1), m5.group(2), m5.group(3) or "512"))
if not (m1 and m2) or not ("testkernel: done" in log or "fw: done" in log):
    print(tag + "instruction counts unavailable (the bench boot failed)"); sys.exit(0)
fb, fp, li = map(int, m1.groups()); total, loading = map(int, m2.groups())
if total == 0:
    print(tag + "instruction counts unavailable (this CPU has no instruction counter: kb_arch_instret() is 0)"); sys.exit(0)
print(tag + "instructions from loader entry to handoff: %d (%d excluding the payload load)" % (total, total - loading))
print(tag + "payload load (flash read once, SHA-256 in RAM, copy, BSS): %d instructions for %d file bytes = %.3f per byte"
      % (li, fb, li / fb))
m4 = re.search(r"bench: seed sector rewrite \(([^)]*)\): (\d+) instructions", log)
if m4:
    print(tag + "seed sector rewrite (%s): %s instructions (under QEMU the flash is instant; a real SPI-NOR sector erase takes tens to hundreds of ms, see docs/entropy.md)" % m4.groups())
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
	# KARL (docs/karl.md), where the board can build it (S-mode riscv64,
	# arm64): a CONFIG_KARL + CONFIG_BENCH variant boots the contract test
	# payload (tests/karl/build_payload.sh) once under -icount; the
	# loader's own line gives the layout's and the apply's instructions.
	karl_arch=
	grep -qx 'CONFIG_ARCH_ARM64=y' "$bo/.config" && karl_arch=aarch64
	grep -qx 'CONFIG_ARCH_RISCV=y' "$bo/.config" && ! grep -qx 'CONFIG_RISCV_M_MODE=y' "$bo/.config" &&
		grep -qx 'CONFIG_RISCV_ISA="rv64.*' "$bo/.config" && karl_arch=riscv64
	if [ -n "$karl_arch" ] && [ -z "${BENCH_NO_KARL:-}" ]; then
		cp -r "$bb/board" "$bb/karl-board"
		echo "CONFIG_KARL=y" >> "$bb/karl-board/defconfig"
		if make -s -C "$top" BOARD_DIR="$bb/karl-board" O="$bo-karl" > "$bb/karl-build.log" 2>&1 &&
			"$top/tests/karl/build_payload.sh" "$karl_arch" "$bb/karl-payload" > "$bb/karl-payload.log" 2>&1 &&
			"$top/build/host/kbimage" -t karl --pad "$(sed -n 's/^CONFIG_PAYLOAD_MAX_SIZE=//p' "$bo/.config")" \
				-o "$bb/karl.img" "$bb/karl-payload/payload.elf" > /dev/null 2>&1; then
			make -s -C "$top" BOARD_DIR="$bb/karl-board" O="$bo-karl" run PAYLOAD_IMG="$bb/karl.img" \
				QEMU_EXTRA="-icount shift=0,sleep=off" 2>&1 | tr -d '\r' > "$bb/run-karl.log"
			if grep -q ' pointers ok ' "$bb/run-karl.log"; then
				grep -E '^kaslrboot: (bench: karl|karl):' "$bb/run-karl.log" | sed 's/^kaslrboot: \(bench: \)\{0,1\}/bench: /'
			else
				echo "bench: karl: the KARL bench boot failed ($bb/run-karl.log)"
			fi
		else
			echo "bench: karl: the KARL variant or its payload did not build ($bb/karl-build.log, $bb/karl-payload.log)"
		fi
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
