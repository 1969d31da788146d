#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Payload A (docs/m-mode.md): kaslrboot in M-mode on qemu-virt-riscv64-m
# starts Debian's OpenSBI (fw_dynamic, the sbi part) at a random 512 KiB-
# aligned window and an S-mode kernel at a random address outside it,
# every hart entering OpenSBI through the release mailbox (-smp 2).
#  - the project's S-mode test kernel behind OpenSBI: relocations, BSS,
#    seeds checked by the kernel itself; nokaslr fixes both bases;
#  - the outside judge: Debian trixie's riscv64 kernel boots to a busybox
#    initramfs, 3 boots, OpenSBI's base and the kernel's both vary, as
#    OpenSBI and Linux themselves report them;
#  - the refusals: a Linux RISC-V Image with no OpenSBI, an sbi part whose
#    footprint is below its size or whose bytes do not match their digest,
#    an sbi part on an S-mode loader, too little room behind the tree for
#    OpenSBI's fixups; SBI_NO_BOOT_PRINTS silences OpenSBI.
# Only the Debian boots are skipped, and only when the archive cannot be
# reached (tests/debian/fetch-riscv64.sh exit status 2).
O=${O_RISCV64_M:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-riscv64-m}
. "$(dirname "$0")/../lib.sh"
O_S=${O_RISCV64:-$top/build/qemu-virt-riscv64}	# the S-mode board: its test kernel
FW=${OPENSBI_ELF:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf}
KB=$top/build/host/kbimage
export QEMU_SMP=2

make -s -C "$top" O="$O" all testkernel tools > "$TMP/build.log" 2>&1 ||
	{ notok "build $O"; cat "$TMP/build.log"; done_testing; }
make -s -C "$top" BOARD=qemu-virt-riscv64 O="$O_S" all testkernel > "$TMP/build-s.log" 2>&1 ||
	{ notok "build $O_S"; cat "$TMP/build-s.log"; done_testing; }

# The loader's plan lines and what OpenSBI says about itself.
plan_of() {	# NAME WHAT: the base the loader chose for WHAT (opensbi, kernel, initrd)
	sed -n "s/^kaslrboot: plan: $2 .*-aligned: \(fixed \)\{0,1\}base 0x\([0-9a-f]*\)[, ].*/\2/p" "$(log_of "$1")"
}
fw_base() { sed -n 's/^Firmware Base *: 0x0*\([0-9a-f]*\)$/\1/p' "$(log_of "$1")"; }
fw_next() { sed -n 's/^Domain0 Next Address *: 0x0*\([0-9a-f]*\)$/\1/p' "$(log_of "$1")"; }
fw_region() { sed -n 's/^Domain0 Region01 *: 0x0*\([0-9a-f]*\)-0x0*\([0-9a-f]*\) ().*/\1 \2/p' "$(log_of "$1")"; }
# NAME: OpenSBI ran where the loader put it, protected the window the
# loader reserved (512 KiB from the base), and went on to the kernel's base
# (a RISC-V Image's entry is its first byte; the test kernel's entry is
# its ELF entry, inside its window)
sbi_as_planned() {
	local s k r
	s=$(plan_of "$1" opensbi); k=$(plan_of "$1" kernel); r=$(fw_region "$1")
	[ -n "$s" ] && [ -n "$k" ] && [ "$(fw_base "$1")" = "$s" ] &&
		[ "$r" = "$s $(printf '%x' $((0x$s + 0x7ffff)))" ] &&
		[ $((0x$s % 0x80000)) = 0 ] &&
		[ $((0x$(fw_next "$1") - 0x$k)) -ge 0 ] && [ $((0x$(fw_next "$1") - 0x$k)) -lt $((0x200000)) ] &&
		has "$1" "kaslrboot: handoff: OpenSBI at 0x$s in M-mode" &&
		has "$1" "1 other hart(s) released into it"
}
# NAME: nothing the loader placed lies in OpenSBI's window
outside_sbi() {
	local s x
	s=$((0x$(plan_of "$1" opensbi)))
	for x in $(plan_of "$1" kernel) $(plan_of "$1" initrd); do
		[ $((0x$x)) -ge $((s + 0x80000)) ] || [ $((0x$x)) -lt "$s" ] || return 1
	done
}

# ---- the S-mode test kernel behind OpenSBI ----------------------------
tk_img() {	# NAME [BOOTARGS [PAD]]: the S-mode test kernel and OpenSBI, in $TMP/NAME.img
	"$KB" --pad "${3:-0x1fc0000}" --sbi "$FW" ${2:+--bootargs "$2"} -o "$TMP/$1.img" \
		"$O_S/testkernel/testkernel.elf" > /dev/null
}
tk_boot() { tk_img "$1" "${2:-}" && boot "$1" PAYLOAD_IMG="$TMP/$1.img"; }
tk_ok() { kernel_done "$1" && sbi_as_planned "$1" && outside_sbi "$1" && has "$1" 'Platform HART Count       : 2'; }
tk_boot t1
check "S-mode test kernel behind OpenSBI: its checks passed; OpenSBI at the planned 0x$(plan_of t1 opensbi) protects that 512 KiB window, next stage the kernel at 0x$(plan_of t1 kernel), hart 1 released" \
	tk_ok t1
check "the plan line for OpenSBI gives its entropy" \
	grep -q '^kaslrboot: plan: opensbi 512 KiB, 512 KiB-aligned: base 0x[0-9a-f]*, slot [0-9]* of [0-9]*, [0-9.]* bits of entropy$' "$(log_of t1)"
tk_boot n1 nokaslr
tk_boot n2 nokaslr
fixed_same() {
	tk_ok n1 && tk_ok n2 && has n1 'plan: opensbi 512 KiB, 512 KiB-aligned: fixed base' &&
		same "$(plan_of n1 opensbi)" "$(plan_of n2 opensbi)" &&
		same "$(plan_of n1 kernel)" "$(plan_of n2 kernel)"
}
check "nokaslr: OpenSBI and the kernel at the same fixed bases twice (0x$(plan_of n1 opensbi), 0x$(plan_of n1 kernel))" \
	fixed_same

# ---- refusals -----------------------------------------------------------
# A Linux RISC-V Image cannot run in M-mode: without OpenSBI it is refused.
"$KB" --pad 0x1fc0000 -o "$TMP/img.img" "$O/testkernel/testkernel.Image" > /dev/null
boot noimg PAYLOAD_IMG="$TMP/img.img"
check "a RISC-V Image with no sbi part: refused, nothing entered" \
	refused noimg "payload: a Linux RISC-V Image runs in S-mode: this M-mode loader needs OpenSBI in the container to start it (kbimage --sbi)"
# NAME PYTHON: $TMP/t1.img changed by PYTHON (h: the header, s: the sbi
# part's offset), the header digest recomputed
patched() {
	cp "$TMP/t1.img" "$TMP/$1.img"
	python3 - "$TMP/$1.img" "$2" <<'PY'
import hashlib, struct, sys
f = open(sys.argv[1], "r+b"); b = bytearray(f.read(256 + 0x100000))
h = b; s = struct.unpack_from("<Q", b, 172)[0]
exec(sys.argv[2])
b[224:256] = hashlib.sha256(bytes(b[:224])).digest()
f.seek(0); f.write(b); f.close()
PY
}
patched fp 'struct.pack_into("<H", h, 220, 4)'
boot fp PAYLOAD_IMG="$TMP/fp.img"
check "sbi footprint (4 KiB) below its own size: refused" \
	refused fp "container: sbi footprint 4 KiB is smaller than its own 0x1c280 bytes"
patched bad 'b[s + 0x1000] ^= 0x40'
boot bad PAYLOAD_IMG="$TMP/bad.img"
check "an sbi byte changed: refused on its digest, nothing entered" \
	refused bad "container: sbi SHA-256 mismatch"
check "... after OpenSBI's window was planned (the part is read into it and hashed there)" \
	has bad "kaslrboot: plan: opensbi"
# An S-mode loader (firmware already below it) cannot start OpenSBI.
tk_img smode "" 32M	# its pflash bank: 32 MiB
O_KEEP=$O; O=$O_S
boot smode PAYLOAD_IMG="$TMP/smode.img"
O=$O_KEEP
check "an sbi part on the S-mode board's loader: refused" \
	refused smode "container: it carries OpenSBI (an sbi part), but this loader cannot start it"

# Kconfig SBI_NO_BOOT_PRINTS: fw_dynamic_info.options bit 0, OpenSBI boots
# without a word and the kernel runs.
cp -r "$top/boards/qemu-virt-riscv64-m" "$TMP/quiet"
echo 'CONFIG_SBI_NO_BOOT_PRINTS=y' >> "$TMP/quiet/defconfig"
O=$TMP/quiet-o boot quiet BOARD_DIR="$TMP/quiet" PAYLOAD_IMG="$TMP/t1.img"
quiet_ok() { kernel_done quiet && has quiet ', no boot prints;' && ! has quiet 'Firmware Base' && has t1 'Firmware Base'; }
check "SBI_NO_BOOT_PRINTS: OpenSBI prints nothing (it did without the option), the kernel's checks pass" quiet_ok
# OpenSBI grows the tree in place: with only 1 KiB of room behind it
# (DTB_GROWTH) the loader refuses rather than let it write past the room.
cp -r "$top/boards/qemu-virt-riscv64-m" "$TMP/tight"
echo 'CONFIG_DTB_GROWTH=1024' >> "$TMP/tight/defconfig"
O=$TMP/tight-o boot tight BOARD_DIR="$TMP/tight" PAYLOAD_IMG="$TMP/t1.img"
check "DTB_GROWTH 1 KiB: less than 4 KiB left for OpenSBI's fixups: refused" \
	refused tight "chosen: less than 4 KiB left behind the device tree for OpenSBI's fixups (raise CONFIG_DTB_GROWTH)"

# ---- the outside judge: Debian's kernel behind OpenSBI -----------------
DEB=$top/build/debian-riscv64
"$top/tests/debian/fetch-riscv64.sh" "$DEB" > "$TMP/fetch.log" 2>&1
frc=$?
if [ "$frc" = 2 ]; then
	ok "Debian riscv64 kernel behind OpenSBI # SKIP the Debian archive cannot be reached: $(tail -n 1 "$TMP/fetch.log")"
	done_testing
elif [ "$frc" != 0 ]; then
	notok "fetch Debian's riscv64 kernel and busybox"; cat "$TMP/fetch.log"; done_testing
fi
ok "fetched: $(tail -n 1 "$TMP/fetch.log" | sed 's/^debian-fetch: //; s/ ->.*//')"
code_base() { sed -n 's/^debian-init: iomem \([0-9a-f]*\)-[0-9a-f]* : Kernel code$/\1/p' "$(log_of "$1")"; }
# NAME: Linux ran to the initramfs on both harts, at the loader's base
# (Kernel code within its first 2 MiB), behind OpenSBI as planned
deb_ok() {
	local k c
	k=$(plan_of "$1" kernel); c=$(code_base "$1")
	has "$1" 'debian-init: done' && has "$1" 'smp: Brought up 1 node, 2 CPUs' &&
		has "$1" 'SBI implementation ID=0x1' && sbi_as_planned "$1" && outside_sbi "$1" &&
		[ -n "$c" ] && [ $((0x$c - 0x$k)) -ge 0 ] && [ $((0x$c - 0x$k)) -lt $((0x200000)) ]
}
sbis=(); kers=()
for i in 1 2 3; do
	QEMU_TIMEOUT=120 boot "d$i" PAYLOAD="$DEB/Image" INITRD="$DEB/initramfs.cpio" \
		BOOTARGS="console=ttyS0" SBI="$FW"
	sbis+=("$(fw_base "d$i")"); kers+=("$(code_base "d$i")")
	if deb_ok "d$i"; then
		ok "Debian boot $i: OpenSBI at 0x${sbis[-1]}, Linux Kernel code at 0x${kers[-1]}, 2 CPUs, initramfs reached"
	else
		notok "Debian boot $i"; grep -a 'kaslrboot:\|debian-init\|Firmware Base\|Domain0\|smp:' "$(log_of "d$i")" | tail -n 30
	fi
done
echo "# OpenSBI bases: ${sbis[*]}; Kernel code: ${kers[*]}"
# 1022 slots for OpenSBI, 223 for the kernel (512 MiB): all three boots
# alike by chance with probability 1/1022^2 and 1/223^2
distinct() { [ "$(printf '%s\n' "$@" | grep . | sort -u | wc -l)" -ge 2 ]; }
check "OpenSBI's base (as OpenSBI reports it) differs across 3 boots: ${sbis[*]}" distinct "${sbis[@]}"
check "the kernel's base (as Linux reports it) differs across 3 boots: ${kers[*]}" distinct "${kers[@]}"

done_testing
