#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench-uboot.sh O [BENCH_O] : for `make bench` (BOARD_DIR in the
# environment): guest instructions from reset to the kernel's first
# instruction, Debian's U-Boot against kaslrboot, on the same QEMU machine
# with the same kernel bytes.
#
#   - the kernel: Debian's arm64 cloud Image, as the tests fetch it
#     (tests/debian/fetch.sh), turned into a "stamp" copy
#     (scripts/stamp-kernel.sh): same bytes and header, but its first
#     instructions print the guest counter and power off;
#   - U-Boot: Debian bookworm's u-boot-qemu (qemu_arm64/u-boot.bin) and
#     u-boot-tools (mkimage, mkenvimage), scripts/fetch-uboot.sh;
#   - the machine: boards/qemu-virt-aarch64-bios/qemu.sh for both (QEMU
#     virt, cortex-a57, 1 GiB, virtio-rng), U-Boot in flash bank 0 in place
#     of kaslrboot.bin; -icount shift=0,sleep=off: one instruction per ns of
#     virtual time, so the counter (CNTVCT, CNTFRQ 62.5 MHz: 16
#     instructions per tick) counts instructions;
#   - the input: flash bank 1 for both.  U-Boot: its environment (bootcmd,
#     bootdelay=0) at 0x04000000, the FIT at 0x04100000 (mkimage -E -B
#     0x1000: data outside the structure, 4 KiB-aligned; SHA-256 hash node),
#     the raw Image at 0x06000000.  kaslrboot: its container at 0x04000000
#     (kbimage --kaslr-align 64K, the command line console=ttyAMA0 in it).
#     Both take QEMU's device tree from the start of RAM.
set -uo pipefail
O=$1; BO=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
KB_CACHE=${KB_CACHE:-$top/cache}; export KB_CACHE
arch=$(sed -n 's/^CONFIG_ARCH="\(.*\)"/\1/p' "$O/.config")
board=$(sed -n 's/^CONFIG_BOARD="\(.*\)"/\1/p' "$O/.config")
maxsz=$(sed -n 's/^CONFIG_PAYLOAD_MAX_SIZE=\(.*\)/\1/p' "$O/.config")
say() { echo "bench: $*"; }
fail() { say "U-Boot comparison unavailable: $*"; exit 0; }
case $arch in
arm64) ;;
*) say "U-Boot comparison: not done for $arch yet (arm64 only)"; exit 0 ;;
esac
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
ICOUNT="-icount shift=0,sleep=off"

"$top/tests/debian/fetch.sh" "$W/deb" > "$W/fetch.log" 2>&1 || { cat "$W/fetch.log"; fail "fetching Debian's kernel failed"; }
kver=$(sed -n 's/^debian-fetch: \(linux-image-[^ ]*\) \([^;]*\);.*/\1 \2/p' "$W/fetch.log")
ub=$("$here/fetch-uboot.sh" 2> "$W/ub.log") || { cat "$W/ub.log"; fail "fetching u-boot-qemu/u-boot-tools failed"; }
ubver=$(cat "$ub/.kb-fetched")
"$here/stamp-kernel.sh" arm64 "$W/deb/Image" "$W/Image.stamp" > "$W/stamp.log" || fail "stamp kernel: $(cat "$W/stamp.log")"
ksize=$(stat -c %s "$W/Image.stamp")

# stamp LOG: instructions at the kernel's first instruction (counter
# ticks x 1e9 / frequency under shift=0), or nothing
stamp() {
	tr -d '\r' < "$1" | /usr/bin/python3 -c '
import re, sys
m = re.search(r"stamp: counter 0x([0-9a-f]+) freq 0x([0-9a-f]+)", sys.stdin.read())
if m:
    t, f = int(m.group(1), 16), int(m.group(2), 16)
    assert 10**9 % f == 0, "counter frequency %d Hz: not a whole number of ns per tick" % f
    print(t * (10**9 // f))'
}

# --- U-Boot: FIT with SHA-256, and raw booti, from flash bank 1
cat > "$W/fit.its" <<ITS
/dts-v1/;
/ {
	description = "kaslrboot bench: stamp kernel";
	#address-cells = <1>;
	images {
		kernel-1 {
			description = "Linux (stamp copy)";
			data = /incbin/("$W/Image.stamp");
			type = "kernel";
			arch = "arm64";
			os = "linux";
			compression = "none";
			load = <0x40400000>;
			entry = <0x40400000>;
			hash-1 { algo = "sha256"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 { kernel = "kernel-1"; };
	};
};
ITS
"$ub/usr/bin/mkimage" -E -B 0x1000 -f "$W/fit.its" "$W/fit.itb" > "$W/mkimage.log" 2>&1 ||
	{ cat "$W/mkimage.log"; fail "mkimage failed"; }
ubflash() {	# OUT BOOTCMD: bank 1 = environment, FIT at +1 MiB, raw Image at +32 MiB
	printf 'bootdelay=0\nbootargs=console=ttyAMA0\nbootcmd=%s\n' "$2" > "$W/env.txt"
	"$ub/usr/bin/mkenvimage" -s 0x40000 -o "$W/env.bin" "$W/env.txt" &&
	truncate -s 64M "$1" &&
	dd if="$W/env.bin" of="$1" conv=notrunc status=none &&
	dd if="$W/fit.itb" of="$1" bs=1M seek=1 conv=notrunc status=none &&
	dd if="$W/Image.stamp" of="$1" bs=1M seek=32 conv=notrunc status=none
}
ubflash "$W/fit.img" 'bootm 0x04100000#conf-1 - 0x40000000' || fail "U-Boot flash image"
ubflash "$W/raw.img" "cp.b 0x06000000 0x40400000 $(printf '0x%x' "$ksize"); booti 0x40400000 - 0x40000000" ||
	fail "U-Boot flash image"
mkdir -p "$W/ubo"
cp "$ub/usr/lib/u-boot/qemu_arm64/u-boot.bin" "$W/ubo/kaslrboot.bin"	# what qemu.sh puts in bank 0
ubrun() {	# FLASH LOG
	BOARD_DIR=$top/boards/qemu-virt-aarch64-bios PAYLOAD_IMG=$1 QEMU_EXTRA="$ICOUNT" QEMU_TIMEOUT=120 \
		"$here/qemu-run.sh" "$W/ubo" qemu-virt-aarch64-bios > "$2" 2>&1
}
ubrun "$W/fit.img" "$W/fit.log"; fit=$(stamp "$W/fit.log")
ubrun "$W/raw.img" "$W/raw.log"; raw=$(stamp "$W/raw.log")
grep -aq 'sha256+ OK' "$W/fit.log" || fit=
[ -n "$fit" ] && [ -n "$raw" ] || { tail -n 20 "$W/fit.log" "$W/raw.log"; fail "a U-Boot boot did not reach the stamp"; }

# --- kaslrboot: this board's build, the container in its payload window
"$top/build/host/kbimage" --pad "$maxsz" --bootargs console=ttyAMA0 --kaslr-align 64K \
	-o "$W/kb.img" "$W/Image.stamp" > /dev/null || fail "kbimage failed"
kbrun() {	# O LOG
	BOARD_DIR=$BOARD_DIR PAYLOAD_IMG=$W/kb.img QEMU_EXTRA="$ICOUNT" QEMU_TIMEOUT=120 \
		"$here/qemu-run.sh" "$1" "$board" > "$2" 2>&1
}
kbrun "$O" "$W/kb.log"; kb=$(stamp "$W/kb.log")
[ -n "$kb" ] || { tail -n 20 "$W/kb.log"; fail "the kaslrboot boot did not reach the stamp"; }

M() { /usr/bin/python3 -c "print('%.1f M' % ($1 / 1e6))"; }
say "U-Boot comparison: $kver (Image $ksize B, stamp copy), $ubver"
say "  machine: QEMU virt, ${QEMU_CPU:-cortex-a57}, ${QEMU_MEM:-1G}, virtio-rng; kernel input in flash bank 1, device tree from QEMU at 0x40000000"
say "  reset to the kernel's first instruction (instructions; counter x 16 under -icount shift=0):"
say "    U-Boot FIT (SHA-256) bootm:      $fit ($(M "$fit"))"
say "    U-Boot raw cp.b + booti:         $raw ($(M "$raw"))"
case $board in
*-bios) say "    kaslrboot ($board): $kb ($(M "$kb")): from flash at reset, as U-Boot" ;;
*) say "    kaslrboot ($board): $kb ($(M "$kb")): entered in RAM, QEMU loaded it (-kernel), U-Boot starts from flash" ;;
esac
say "    kaslrboot / U-Boot FIT: $(/usr/bin/python3 -c "print('%.2f' % ($kb / $fit))"); kaslrboot / U-Boot raw: $(/usr/bin/python3 -c "print('%.2f' % ($kb / $raw))")"

# --- the CONFIG_BENCH build with this kernel: the loader's own count of
# the load (PMU INST_RETIRED), against the small test kernel's, for the
# per-byte slope
if [ -n "$BO" ] && [ -f "$BO/kaslrboot.bin" ] && [ -n "${BENCH_SMALL:-}" ]; then
	kbrun "$BO" "$W/kbb.log"
	/usr/bin/python3 - "$W/kbb.log" "$BENCH_SMALL" "$kb" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read().replace("\r", "")
small = sys.argv[2].split(); stamp_kb = int(sys.argv[3])
m1 = re.search(r"bench: load of (\d+) payload bytes \(footprint (\d+)\) took (\d+) instructions", log)
m2 = re.search(r"bench: (\d+) instructions from entry to handoff, (\d+) of them loading the payload", log)
if not (m1 and m2):
    print("bench: per-byte slope unavailable (the CONFIG_BENCH boot of the Debian kernel failed)"); sys.exit(0)
n2, f2, l2 = map(int, m1.groups()); total, _ = map(int, m2.groups())
n1, f1, l1 = map(int, small)
slope = (l2 - l1) / (n2 - n1)
print("bench: kaslrboot (CONFIG_BENCH build) with the Debian kernel: %d instructions entry to handoff, load of %d bytes (footprint %d) %d"
      % (total, n2, f2, l2))
print("bench:   per byte: %.3f instructions (slope between the %d-byte test kernel and the %d-byte Debian kernel: flash read, SHA-256, copy, BSS)"
      % (slope, n1, n2))
print("bench:   fixed: %d instructions entry to handoff outside the per-byte slope (%d outside the load, %d at the load's own start)"
      % (total - slope * n2, total - l2, l2 - slope * n2))
PY
fi
