#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The handoff choice on Cortex-M (docs/cortex-m.md, "The boot-info
# block"): qemu-microbit hands its firmware a boot-info block by default
# (boot.sh); this builds it with CONFIG_HANDOFF_DTB, the tree copied to
# SRAM and /chosen rewritten, and boots the test firmware built for it
# (with its /chosen reader), which reads its seeds and bootargs from the
# moved tree.  libfdt's read-write half is in that build and not in the
# board's.
top=$(cd "$(dirname "$0")/../.." && pwd)
export O=${O_ARM_M:-$top/build/qemu-microbit}
. "$(dirname "$0")/../lib.sh"
board=qemu-microbit
base_o=$O

[ -f "$base_o/kaslrboot.elf" ] || { notok "$board: not built ($base_o)"; done_testing; }
mkdir -p "$TMP/dtb"
cp -r "$top/boards/qemu-microbit/." "$TMP/dtb/"
# verbose (the board is quiet): the placement and /chosen lines are read
sed -i '/^CONFIG_LOG_QUIET=y$/d' "$TMP/dtb/defconfig"
# Verbose and rewriting the tree, the boot is deeper than the shipped
# board's (its 2,176-byte stack is sized for the quiet boot-info one:
# the stack guard stops this variant with it).
printf 'CONFIG_HANDOFF_DTB=y\nCONFIG_STACK_SIZE=3072\n' >> "$TMP/dtb/defconfig"
O=$TMP/dtb-o
make -s -C "$top" O="$O" BOARD_DIR="$TMP/dtb" all testkernel > "$TMP/dtb.build" 2>&1
if [ ! -f "$O/kaslrboot.bin" ]; then
	notok "$board with CONFIG_HANDOFF_DTB did not build"
	tail -n 5 "$TMP/dtb.build" | sed 's/^/# /'
	done_testing
fi
check "$board variant: CONFIG_HANDOFF_DTB=y" grep -qx 'CONFIG_HANDOFF_DTB=y' "$O/.config"
check "$board: the board's default is the boot-info block" \
	grep -qx 'CONFIG_HANDOFF_BOOTINFO=y' "$base_o/.config"
has_sym() { arm-none-eabi-nm "$1" | grep -qE " [tT] $2(\.|$)"; }
check "$board variant: libfdt's read-write half is linked (fdt_splice_: the tree is rewritten)" \
	has_sym "$O/kaslrboot.elf" fdt_splice_
lacks_sym() { ! has_sym "$@"; }
check "$board: no fdt_splice_ (libfdt's read-write half) in the board's own build (boot-info block)" \
	lacks_sym "$base_o/kaslrboot.elf" fdt_splice_

# KASLR: the tree moved to the top of free SRAM, seeds in /chosen.
boot d1 BOARD_DIR="$TMP/dtb"
check "$board variant: firmware entered, relocated, BSS zero, seeds in the moved tree's /chosen" \
	fw_ok d1
check "$board variant: the linked tree is moved to the top of free SRAM" \
	grep -q '^kaslrboot: plan: dtb at the top of free memory: 0x2000' "$(log_of d1)"
check "$board variant: r0 is a device tree in SRAM, no boot-info block" \
	grep -qE '^fw: dtb at 0x2000[0-9a-f]{4}, [0-9]+ bytes$' "$(log_of d1)"
check "$board variant: the loader wrote /chosen" \
	has d1 'kaslrboot: chosen: kaslr-seed written, rng-seed written (32 bytes)'
no_bootinfo() { ! grep -q '^fw: boot-info' "$(log_of "$1")"; }
check "$board variant: the firmware found no boot-info block" no_bootinfo d1

# nokaslr from the container: no kaslr-seed in /chosen, bootargs as given.
boot d2 BOARD_DIR="$TMP/dtb" BOOTARGS="nokaslr"
nokaslr_ok() { has "$1" 'fw: no kaslr-seed' && has "$1" 'kaslrboot: KASLR: OFF (nokaslr)' && has "$1" 'fw: done'; }
check "$board variant: nokaslr: no kaslr-seed in /chosen, the firmware runs" nokaslr_ok d2
check "$board variant: the container's bootargs in /chosen" has d2 'fw: bootargs "nokaslr"'

done_testing
