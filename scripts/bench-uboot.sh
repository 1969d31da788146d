#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# bench-uboot.sh O [BENCH_O] : for `make bench` (BOARD_DIR in the
# environment; BENCH_SMALL="bytes footprint instructions" from the
# CONFIG_BENCH boot of the test kernel): guest instructions from reset to
# the kernel's first instruction, Debian's U-Boot against kaslrboot, on the
# same QEMU machine with the same kernel bytes.  docs/bench.md says what is
# measured and what is not.
#
#   - the kernel: Debian's own (arm64: bookworm's cloud Image, as
#     tests/debian/fetch.sh fetches it; riscv64: trixie's, through
#     scripts/fetch-kernel-riscv64.sh), as a "stamp" copy
#     (scripts/stamp-kernel.sh): same bytes and header, but its first
#     instructions print the guest counter and power off;
#   - U-Boot: Debian bookworm's u-boot-qemu and u-boot-tools
#     (scripts/fetch-uboot.sh);
#   - the machine: the board's own boards/<board>/qemu.sh for both (arm64:
#     always the -bios board's, since U-Boot starts from flash), U-Boot in
#     place of kaslrboot.bin; -icount shift=0,sleep=off: one instruction
#     per ns of virtual time, so the counter counts instructions (arm64
#     CNTVCT at CNTFRQ 62.5 MHz: 16 per tick; riscv64 rdtime at the 10 MHz
#     timebase: 100 per tick);
#   - the input: flash bank 1 for both (U-Boot: the FIT, made with mkimage
#     -E -B 0x1000, data outside the structure and 4 KiB-aligned, with a
#     SHA-256 hash node; or the raw Image, copied to RAM with cp.b before
#     booti; kaslrboot: its container).
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
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
ICOUNT="-icount shift=0,sleep=off"
ub=$("$here/fetch-uboot.sh" 2> "$W/ub.log") || { cat "$W/ub.log"; fail "fetching u-boot-qemu/u-boot-tools failed"; }
ubver=$(cat "$ub/.kb-fetched")

case $arch in
arm64)
	"$top/tests/debian/fetch.sh" "$W/deb" > "$W/fetch.log" 2>&1 ||
		{ cat "$W/fetch.log"; fail "fetching Debian's arm64 kernel failed"; }
	kimg=$W/deb/Image
	kver=$(sed -n 's/^debian-fetch: \(linux-image-[^ ]*\) \([^;]*\);.*/\1 \2/p' "$W/fetch.log")
	uboot=$ub/usr/lib/u-boot/qemu_arm64/u-boot.bin
	ubboard=qemu-virt-aarch64-bios	# U-Boot runs from flash bank 0, as that board does
	ubdir=$top/boards/$ubboard
	console=ttyAMA0 kbopts="--kaslr-align 64K"
	load=0x40400000			# U-Boot's kernel_addr_r
	dtb=0x40000000			# QEMU's tree at the start of RAM (-bios)
	# Bank 1 (0x04000000, 64 MiB): U-Boot's environment in its first
	# 256 KiB, the FIT at +1 MiB, the raw Image at +32 MiB.
	fit_at=0x04100000 raw_at=0x06000000 env=yes
	nsptick_default=0 karch=arm64 ;;
riscv|riscv64)
	kimg=$("$here/fetch-kernel-riscv64.sh" 2> "$W/fetch.log") ||
		{ cat "$W/fetch.log"; fail "fetching Debian's riscv64 kernel failed"; }
	kver=$(cat "$KB_CACHE/debian-riscv64/.kb-fetched")
	uboot=$ub/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
	ubboard=$board			# OpenSBI fw_jump enters it at 0x80200000
	ubdir=$BOARD_DIR
	console=ttyS0 kbopts=""
	load=0x84000000			# U-Boot's kernel_addr_r
	dtb='${fdtcontroladdr}'		# the tree OpenSBI passed on
	# Bank 1 (0x22000000, 32 MiB): the FIT or the raw Image; the
	# environment is nowhere, bootcmd and bootdelay come from the tree's
	# /config node (U-Boot's cli_process_fdt), given to both loaders.
	fit_at=0x22000000 raw_at=0x22000000 env=no
	nsptick_default=100 karch=riscv64 ;;	# rdtime: 10 MHz timebase (no CSR says so)
*) say "U-Boot comparison: not done for $arch"; exit 0 ;;
esac
"$here/stamp-kernel.sh" "$karch" "$kimg" "$W/Image.stamp" > "$W/stamp.log" || fail "stamp kernel: $(cat "$W/stamp.log")"
ksize=$(stat -c %s "$W/Image.stamp")

# stamp LOG: instructions at the kernel's first instruction (counter
# ticks x ns per tick, 1 ns = 1 instruction under shift=0), or nothing
stamp() {
	tr -d '\r' < "$1" | /usr/bin/python3 -c '
import re, sys
m = re.search(r"stamp: counter 0x([0-9a-f]+) freq 0x([0-9a-f]+)", sys.stdin.read())
if m:
    t, f = int(m.group(1), 16), int(m.group(2), 16)
    if f:
        assert 10**9 % f == 0, "counter frequency %d Hz: not a whole number of ns per tick" % f
        print(t * (10**9 // f))
    else:
        print(t * int(sys.argv[1]))' "$nsptick_default"
}

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
			arch = "$karch";
			os = "linux";
			compression = "none";
			load = <$load>;
			entry = <$load>;
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
fitcmd="bootm $fit_at#conf-1 - $dtb"
rawcmd="cp.b $raw_at $load $(printf '0x%x' "$ksize"); booti $load - $dtb"

# The flash bank 1 images, and (riscv64) the trees carrying bootcmd.
bank=$(($(sed -n 's/^CONFIG_PAYLOAD_MAX_SIZE=\(.*\)/\1/p' "$O/.config")))
at() { echo $((($1 - $(sed -n 's/^CONFIG_PAYLOAD_ADDR=\(.*\)/\1/p' "$O/.config")) / 1048576)); }
mkflash() {	# OUT BOOTCMD
	truncate -s "$bank" "$1" || return 1
	if [ "$env" = yes ]; then
		printf 'bootdelay=0\nbootargs=console=%s\nbootcmd=%s\n' "$console" "$2" > "$W/env.txt"
		"$ub/usr/bin/mkenvimage" -s 0x40000 -o "$W/env.bin" "$W/env.txt" &&
		dd if="$W/env.bin" of="$1" conv=notrunc status=none || return 1
	fi
	case $2 in
	bootm*) dd if="$W/fit.itb" of="$1" bs=1M seek="$(at $fit_at)" conv=notrunc status=none ;;
	*) dd if="$W/Image.stamp" of="$1" bs=1M seek="$(at $raw_at)" conv=notrunc status=none ;;
	esac
}
mkflash "$W/fit.img" "$fitcmd" && mkflash "$W/raw.img" "$rawcmd" || fail "U-Boot flash image"
mkdir -p "$W/ubo"
cp "$uboot" "$W/ubo/kaslrboot.bin"	# what the board's qemu.sh loads
extra_fit="" extra_raw="" extra_kb=""
if [ "$env" = no ]; then
	# QEMU's own tree for this machine, plus /config for U-Boot.
	BOARD_DIR=$ubdir PAYLOAD_IMG=$W/raw.img QEMU_EXTRA="-M dumpdtb=$W/virt.dtb" \
		"$here/qemu-run.sh" "$W/ubo" "$ubboard" > "$W/dump.log" 2>&1
	[ -s "$W/virt.dtb" ] || { cat "$W/dump.log"; fail "could not dump QEMU's device tree"; }
	for w in fit raw; do
		cp "$W/virt.dtb" "$W/$w.dtb"
		c=$fitcmd; [ $w = raw ] && c=$rawcmd
		fdtput -c "$W/$w.dtb" /config && fdtput -t s "$W/$w.dtb" /config bootcmd "$c" &&
			fdtput -t u "$W/$w.dtb" /config bootdelay 0 &&
			fdtput -t s "$W/$w.dtb" /chosen bootargs "console=$console" || fail "fdtput failed"
	done
	extra_fit="-dtb $W/fit.dtb" extra_raw="-dtb $W/raw.dtb" extra_kb="-dtb $W/fit.dtb"
fi
ubrun() {	# FLASH LOG EXTRA
	BOARD_DIR=$ubdir PAYLOAD_IMG=$1 QEMU_EXTRA="$ICOUNT $3" QEMU_TIMEOUT=300 \
		"$here/qemu-run.sh" "$W/ubo" "$ubboard" > "$2" 2>&1
}
ubrun "$W/fit.img" "$W/fit.log" "$extra_fit"; fit=$(stamp "$W/fit.log")
ubrun "$W/raw.img" "$W/raw.log" "$extra_raw"; raw=$(stamp "$W/raw.log")
grep -aq 'sha256+ OK' "$W/fit.log" || fit=
[ -n "$fit" ] && [ -n "$raw" ] || { tail -n 20 "$W/fit.log" "$W/raw.log"; fail "a U-Boot boot did not reach the stamp"; }

# kaslrboot: this board's build, its container in its payload window.
# shellcheck disable=SC2086
"$top/build/host/kbimage" --pad "$maxsz" --bootargs "console=$console" $kbopts \
	-o "$W/kb.img" "$W/Image.stamp" > /dev/null || fail "kbimage failed"
kbrun() {	# O LOG [QEMU-OPTIONS]
	BOARD_DIR=$BOARD_DIR PAYLOAD_IMG=$W/kb.img QEMU_EXTRA="$ICOUNT ${kb_dtb:-$extra_kb} ${3:-}" QEMU_TIMEOUT=300 \
		"$here/qemu-run.sh" "$1" "$board" > "$2" 2>&1
}
kbrun "$O" "$W/kb.log"; kb=$(stamp "$W/kb.log")
[ -n "$kb" ] || { tail -n 20 "$W/kb.log"; fail "the kaslrboot boot did not reach the stamp"; }
# RISC-V builds with a Zknh SHA-256 (bench.sh sets BENCH_ZKNH_CPU): the
# same image again on a CPU with the Zknh instructions.
# QEMU's tree names the CPU's extensions (riscv,isa): with a -dtb of our
# own, it must be the tree of that CPU.
kbz= kb_dtb=
if [ -n "${BENCH_ZKNH_CPU:-}" ]; then
	if [ "$env" = no ]; then
		BOARD_DIR=$ubdir PAYLOAD_IMG=$W/raw.img QEMU_EXTRA="-M dumpdtb=$W/virtz.dtb $BENCH_ZKNH_CPU" \
			"$here/qemu-run.sh" "$W/ubo" "$ubboard" > "$W/dumpz.log" 2>&1
		[ -s "$W/virtz.dtb" ] || { cat "$W/dumpz.log"; fail "could not dump QEMU's device tree with $BENCH_ZKNH_CPU"; }
		fdtput -c "$W/virtz.dtb" /config && fdtput -t s "$W/virtz.dtb" /config bootcmd "$fitcmd" &&
			fdtput -t u "$W/virtz.dtb" /config bootdelay 0 &&
			fdtput -t s "$W/virtz.dtb" /chosen bootargs "console=$console" || fail "fdtput failed"
		kb_dtb="-dtb $W/virtz.dtb"
	fi
	kbrun "$O" "$W/kbz.log" "$BENCH_ZKNH_CPU"; kbz=$(stamp "$W/kbz.log")
	grep -aq 'SHA-256: Zknh' "$W/kbz.log" || { tail -n 20 "$W/kbz.log"; fail "with $BENCH_ZKNH_CPU the loader did not use Zknh"; }
	[ -n "$kbz" ] || { tail -n 20 "$W/kbz.log"; fail "the kaslrboot boot with $BENCH_ZKNH_CPU did not reach the stamp"; }
	kb_dtb=
fi

M() { /usr/bin/python3 -c "print('%.1f M' % ($1 / 1e6))"; }
say "U-Boot comparison: $kver (Image $ksize B, stamp copy), $ubver"
case $karch in
arm64) say "  machine: $(basename "$ubdir")/qemu.sh (QEMU virt, ${QEMU_CPU:-cortex-a57}, ${QEMU_MEM:-1G}, virtio-rng); U-Boot from flash bank 0, its environment in bank 1; kernel input in bank 1; QEMU's tree at 0x40000000" ;;
*) say "  machine: $(basename "$ubdir")/qemu.sh (QEMU virt, ${QEMU_MEM:-512M}, virtio-rng, OpenSBI fw_jump entering the loader at 0x80200000); kernel input in flash bank 1; QEMU's tree with /config (bootcmd, bootdelay 0) for both" ;;
esac
say "  reset to the kernel's first instruction (instructions, from the counter under -icount shift=0):"
say "    U-Boot FIT (SHA-256) bootm:      $fit ($(M "$fit"))"
say "    U-Boot raw cp.b + booti:         $raw ($(M "$raw"))"
case $board in
*-bios|*riscv64) say "    kaslrboot ($board): $kb ($(M "$kb")): entered as U-Boot is" ;;
*) say "    kaslrboot ($board): $kb ($(M "$kb")): entered in RAM (QEMU -kernel), U-Boot starts from flash" ;;
esac
say "    kaslrboot / U-Boot FIT: $(/usr/bin/python3 -c "print('%.2f' % ($kb / $fit))"); kaslrboot / U-Boot raw: $(/usr/bin/python3 -c "print('%.2f' % ($kb / $raw))")"
if [ -n "$kbz" ]; then
	say "    kaslrboot ($board) with $BENCH_ZKNH_CPU: $kbz ($(M "$kbz")); / U-Boot FIT: $(/usr/bin/python3 -c "print('%.2f' % ($kbz / $fit))")"
fi

# The CONFIG_BENCH build with this kernel: the loader's own count (PMU
# INST_RETIRED / instret) of the load, against the test kernel's, for the
# per-byte slope and the fixed part.
slope() {	# TAG SMALL [QEMU-OPTIONS]
	[ -n "$BO" ] && [ -f "$BO/kaslrboot.bin" ] && [ -n "$2" ] || return 0
	kbrun "$BO" "$W/kbb$1.log" "${3:-}"
	/usr/bin/python3 - "$W/kbb$1.log" "$2" "$1" <<'PY'
import re, sys
tag = "bench: [%s] " % sys.argv[3] if sys.argv[3] else "bench: "
log = open(sys.argv[1], errors="replace").read().replace("\r", "")
m1 = re.search(r"bench: load of (\d+) payload bytes \(footprint (\d+)\) took (\d+) instructions", log)
m2 = re.search(r"bench: (\d+) instructions from entry to handoff, (\d+) of them loading the payload", log)
if not (m1 and m2):
    print(tag + "per-byte slope unavailable (the CONFIG_BENCH boot of the Debian kernel failed)"); sys.exit(0)
n2, f2, l2 = map(int, m1.groups()); total, _ = map(int, m2.groups())
n1, f1, l1 = map(int, sys.argv[2].split())
slope = (l2 - l1) / (n2 - n1)
print(tag + "kaslrboot (CONFIG_BENCH build), Debian kernel: %d instructions entry to handoff, %d of them the load of %d bytes (footprint %d)"
      % (total, l2, n2, f2))
print(tag + "  per byte: %.3f instructions (slope of the load from the %d-byte test kernel to the %d-byte Debian kernel: flash read, SHA-256, copy, BSS)"
      % (slope, n1, n2))
print(tag + "  fixed: %d instructions entry to handoff besides the per-byte part" % round(total - slope * n2))
PY
}
slope "" "${BENCH_SMALL:-}"
if [ -n "$kbz" ]; then
	[ -s "$W/virtz.dtb" ] && kb_dtb="-dtb $W/virtz.dtb"
	slope zknh "${BENCH_SMALL_ZKNH:-}" "$BENCH_ZKNH_CPU"
fi
