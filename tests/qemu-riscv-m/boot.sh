#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# M-mode first stage (qemu-virt-riscv64-m, qemu-virt-riscv32-m when built):
# kaslrboot is the reset vector in pflash bank 0, runs in M-mode, copies
# itself to RAM, boots the test kernel (an M-mode ELF) at random addresses;
# nokaslr fixes it; Zkr read in M-mode; extra harts stay parked; no TRNG,
# an erased or corrupted container and a flash image that does not fit
# are refused.
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O_RISCV64_M:-$top/build/qemu-virt-riscv64-m}
. "$(dirname "$0")/../lib.sh"

plan_base() { sed -n 's/^kaslrboot: plan: kernel .* base \(0x[0-9a-f]*\)[, ].*/\1/p' "$(log_of "$1")"; }
# NAME: the loader ran in M-mode from its RAM copy and the kernel's checks passed
m_boot_ok() {
	has "$1" 'entered in M-mode on hart 0 at 0x80000000' && kernel_done "$1" &&
		grep -qE '^testkernel: kaslr-seed 0x[0-9a-f]{16}$' "$(log_of "$1")" &&
		pmp_locked "$1"
}
# NAME: the loader locked the payload with PMP, and the payload found its
# text unwritable, its data unexecutable and the entries immutable
pmp_locked() {
	grep -qE '^kaslrboot: pmp: payload locked with [0-9]+ of 16 entries' "$(log_of "$1")" &&
		has "$1" 'testkernel: pmp: locked: store into text trapped (mcause 7), call into data trapped (mcause 1), call outside the payload trapped (mcause 1), writes to the locked pmpcfg0/pmpaddr0 ignored'
}

for board in qemu-virt-riscv64-m qemu-virt-riscv32-m; do
	case $board in
	*64-m) bo=$O; cpu=rv64 ;;
	*) bo=${O_RISCV32_M:-$top/build/qemu-virt-riscv32-m}; cpu=rv32 ;;
	esac
	[ -f "$bo/kaslrboot.bin" ] || { notok "$board: not built ($bo)"; continue; }
	b=${board#qemu-virt-}
	bases=()
	for i in 1 2 3 4 5 6 7 8 9 10; do
		O=$bo boot "$b-r$i"
		bases+=("$(plan_base "$b-r$i")")
		m_boot_ok "$b-r$i" || { notok "$board boot $i"; tail -n 12 "$(log_of "$b-r$i")"; }
	done
	distinct=$(printf '%s\n' "${bases[@]}" | grep . | sort -u | wc -l)
	check "$board: 10 boots from flash in M-mode, $distinct distinct kernel bases (want 10)" [ "$distinct" = 10 ]
	for i in 1 2; do O=$bo boot "$b-n$i" BOOTARGS="console=ttyS0 nokaslr"; done
	check "$board: nokaslr gives the same base twice ($(plan_base "$b-n1"))" \
		same "$(plan_base "$b-n1")" "$(plan_base "$b-n2")"
	check "$board: nokaslr boots the kernel" kernel_done "$b-n1"

	# Zkr in M-mode, 4 harts: hart 0 boots, the others stay parked.
	O=$bo boot "$b-zkr" QEMU_CPU="$cpu,zkr=true" QEMU_SMP=4 QEMU_RNG=none
	check "$board: Zkr (seed CSR read in M-mode) is the TRNG" has "$b-zkr" 'kaslrboot: entropy: zkr at seed CSR'
	check "$board: with 4 harts, hart 0 boots the kernel" m_boot_ok "$b-zkr"
	# No Zkr and no virtio-rng: fail closed.
	O=$bo boot "$b-norng" QEMU_RNG=none
	check "$board: no TRNG at all: refused, nothing booted" refused "$b-norng" 'entropy:'
done

# The rv32 microcontroller profile (docs/size.md): quiet, Zkr only, small
# tables, 4 KiB stack; still random, PMP-locked, and it fails closed.
mo=$top/build/qemu-virt-riscv32-m-mcu
if [ -f "$mo/kaslrboot.bin" ]; then
	mcu_ok() { has "$1" 'kaslrboot: KASLR: on' && kernel_done "$1" && pmp_locked "$1"; }
	mcu_quiet() { ! grep -qE '^kaslrboot: (plan|memory map|entropy):' "$(log_of "$1")"; }
	O=$mo boot mcu1
	O=$mo boot mcu2
	check "mcu profile: boots, PMP-locked (rv32, Zkr)" mcu_ok mcu1
	check "mcu profile: two boots, two addresses" eval '[ "$(run_addr mcu1)" != "$(run_addr mcu2)" ] && [ -n "$(run_addr mcu2)" ]'
	check "mcu profile: quiet (no plan/memory-map/entropy lines)" mcu_quiet mcu1
	check "mcu profile: the payload got the boot hart's id (0) in a0" \
		grep -q '^testkernel: format elf, running at .*, hart 0, dtb' "$(log_of mcu1)"
	O=$mo boot mcu-norng QEMU_CPU=rv32
	check "mcu profile: no Zkr: refused, nothing booted" refused mcu-norng 'entropy: no TRNG found'
	# RELR is not built in (CONFIG_PAYLOAD_ELF_RELR off: Debian's RISC-V
	# ld writes RELA only): a payload with a RELR tag is refused by name.
	elf32_relr "$mo/testkernel/testkernel.elf" "$TMP/relr.elf"
	O=$mo boot mcu-relr PAYLOAD="$TMP/relr.elf"
	check "mcu profile: a RELR table: refused, naming CONFIG_PAYLOAD_ELF_RELR" \
		refused mcu-relr 'payload: DT_RELR relocations, but RELR support is not built into this loader (CONFIG_PAYLOAD_ELF_RELR)'
	# No Image format either: a RISC-V Image (a 64-byte header) gets the
	# refusal line only (kb_payload_image_check), no Image parser.
	python3 -c 'import sys; b = bytearray(4096); b[0] = 0x6f; b[16:24] = (0x2000).to_bytes(8, "little"); b[48:60] = b"RISCV\0\0\0RSC\x05"; sys.stdout.buffer.write(b)' > "$TMP/fake.Image"
	O=$mo boot mcu-image PAYLOAD="$TMP/fake.Image"
	check "mcu profile: a RISC-V Image: refused, naming CONFIG_PAYLOAD_RISCV_IMAGE" \
		refused mcu-image 'payload: Linux RISC-V Image support is not built into this loader (CONFIG_PAYLOAD_RISCV_IMAGE)'
	# Its tree is linked in, its memory map read at build time
	# (DT_MEMMAP_AT_BUILD, docs/device-tree.md): the generated tables,
	# and kaslrplan on the same tree.
	check "mcu profile: the linked tree's memory map was read at build time" \
		grep -q '\.base = 0x80000000, \.size = 0x10000000, .*"/memory@80000000"' "$mo/gen/kb_dt_memmap.c"
	mcu_plan() {
		"$top/build/host/kaslrplan" --size 1M --align 4K "$mo/builtin.dtb" > "$TMP/mcu-plan.out" 2>&1 &&
			grep -q '^  mem   0x0000000080000000-0x0000000090000000  256 MiB  /memory@80000000$' "$TMP/mcu-plan.out"
	}
	check "mcu profile: kaslrplan reads the linked tree" mcu_plan

	# Its handoff is the boot-info block (CONFIG_HANDOFF_BOOTINFO,
	# docs/bootinfo.md): a2 points at it, a1 at the tree (the linked one,
	# in flash).  The test kernel checks the block
	# (tests/kernel/bootinfo_check.h: magic, version, sizes, flags, every
	# offset, payload_base = where it runs, dtb = a1), fails on a seed
	# left in the tree, and erases the block's seeds (a store: the block
	# is not locked read-only).
	kseed() { sed -n 's/^testkernel: kaslr-seed \(0x[0-9a-f]*\)$/\1/p' "$(log_of "$1")"; }
	rseed() { sed -n 's/^testkernel: rng-seed \(.*\)$/\1/p' "$(log_of "$1")"; }
	bi_ok() { has "$1" 'testkernel: boot-info v1 at 0x' && has "$1" 'testkernel: boot-info seeds erased (the block is writable)'; }
	kseed_set() { [ -n "$(kseed "$1")" ] && [ "$(kseed "$1")" != 0x0000000000000000 ]; }
	for n in mcu1 mcu2; do
		check "mcu profile: $n: the boot-info block in a2, checked by the payload" bi_ok $n
		check "mcu profile: $n: a non-zero kaslr-seed in the block ($(kseed $n))" kseed_set $n
		check "mcu profile: $n: a 64-byte rng-seed in the block" grep -q '^testkernel: rng-seed 64 bytes [0-9a-f]\{16\}\.\.\.$' "$(log_of $n)"
	done
	check "mcu profile: the rng-seed differs across boots" [ "$(rseed mcu1)" != "$(rseed mcu2)" ]
	check "mcu profile: the kaslr-seed differs across boots" [ "$(kseed mcu1)" != "$(kseed mcu2)" ]
	O=$mo boot mcu-args BOOTARGS='console=ttyS0 nokaslr mcu.x="y"'
	check "mcu profile: nokaslr: no kaslr-seed in the block" has mcu-args 'testkernel: kaslr-seed absent'
	check "mcu profile: nokaslr: still an rng-seed" grep -q '^testkernel: rng-seed 64 bytes' "$(log_of mcu-args)"
	check "mcu profile: the bootargs in the block, as given" has mcu-args 'testkernel: bootargs "console=ttyS0 nokaslr mcu.x=\x22y\x22"'
	check "mcu profile: nokaslr boots the payload" kernel_done mcu-args
	"$top/build/host/kbimage" --pad 0x1fc0000 --sbi /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf \
		-o "$TMP/mcu-sbi.img" "$mo/testkernel/testkernel.elf" > /dev/null
	O=$mo boot mcu-sbi PAYLOAD_IMG="$TMP/mcu-sbi.img"
	check "mcu profile: a container with OpenSBI is refused (a kernel needs the tree, not the block)" \
		refused mcu-sbi 'container: an sbi part (OpenSBI) boots a kernel, which reads /chosen, not a boot-info block (CONFIG_HANDOFF_BOOTINFO): choose CONFIG_HANDOFF_DTB'
	# Its tree is linked in and lies in the loader's RAM copy, which the
	# handoff wipes: a1 and the block name its source in flash, where
	# the test kernel checks it (mcu1 passed kernel_done).
	dtb_in_flash() {	# NAME: the handoff's dtb (a1) lies in the 32 MiB flash at 0x20000000
		local h
		h=$(sed -n 's/^kaslrboot: handoff: .*dtb \(0x[0-9a-f]*\)).*/\1/p' "$(log_of "$1")")
		[ -n "$h" ] && [ $((h)) -ge $((0x20000000)) ] && [ $((h)) -lt $((0x22000000)) ]
	}
	check "mcu profile: a1 is the linked tree's source in flash (the RAM copy is wiped)" dtb_in_flash mcu1
	# CONFIG_DT_DEVICES_AT_BUILD (docs/device-tree.md): the console, Zkr
	# and /chosen from the data tools/kbdtmap wrote.  Verbose copies of
	# the profile with it on and off print the same console and entropy
	# lines, and both boot the payload.
	check "mcu profile: DT_DEVICES_AT_BUILD on" grep -qx 'CONFIG_DT_DEVICES_AT_BUILD=y' "$mo/.config"
	mcu_variant() {	# NAME DEFCONFIG-LINE...
		local n=$1; shift
		cp -r "$top/boards/qemu-virt-riscv32-m-mcu" "$TMP/$n"
		printf '%s\n' '# CONFIG_LOG_QUIET is not set' "$@" >> "$TMP/$n/defconfig"
		make -s -C "$top" BOARD_DIR="$TMP/$n" O="$TMP/$n-o" all > "$TMP/$n.build" 2>&1 ||
			{ notok "mcu profile variant $n: build"; sed 's/^/# /' "$TMP/$n.build" | tail -n 5; }
	}
	mcu_variant mcu-bt
	mcu_variant mcu-rt '# CONFIG_DT_DEVICES_AT_BUILD is not set'
	O=$TMP/mcu-bt-o boot mcu-bt BOARD_DIR="$TMP/mcu-bt"
	O=$TMP/mcu-rt-o boot mcu-rt BOARD_DIR="$TMP/mcu-rt"
	mcu_devs() { grep -E '^kaslrboot: (console|entropy): ' "$(log_of "$1")" | sed -E 's/ over [0-9]+ samples/ over N samples/'; }
	mcu_devs_ok() {
		[ "$(mcu_devs mcu-bt | grep -c '^kaslrboot: console: ns16550 at 0x10000000 (/soc/serial@10000000)$')" = 1 ] &&
			[ "$(mcu_devs mcu-bt | grep -c '^kaslrboot: entropy: zkr at seed CSR, ')" = 1 ] &&
			[ "$(mcu_devs mcu-bt)" = "$(mcu_devs mcu-rt)" ] && mcu_ok mcu-bt && mcu_ok mcu-rt
	}
	mcu_devs mcu-bt | sed 's/^/# /'
	check "mcu profile verbose: the console and Zkr lines from the build-time data are the walk's; both boot" mcu_devs_ok
	diff <(mcu_devs mcu-bt) <(mcu_devs mcu-rt) | sed 's/^/# /'
else
	notok "mcu profile not built ($mo)"
fi

# Parked harts: with 4 harts and a payload that sends harts 1-3 machine
# software interrupts (no release: the payload is an M-mode firmware),
# each is still in kaslrboot's park loop in flash afterwards.  (QEMU 7.2
# starts every hart at once; a hart arriving late runs the same code.)
park=$(( 0x20000000 + 0x$("${CROSS_NM:-riscv64-unknown-elf-nm}" "$O/kaslrboot.elf" | sed -n 's/^\([0-9a-f]*\) T kb_riscv_park$/\1/p') ))
boot_waiting ipi qemu-virt-riscv64-m QEMU_SMP=4 BOOTARGS_EXTRA=testkernel.ipi
hart_pcs() {	# NAME: "hart pc" lines from NAME's monitor, then quit QEMU
	python3 - "$TMP/$1.sock" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
time.sleep(0.5); s.recv(65536)
for n in (1, 2, 3):
    s.sendall(b"cpu %d\n" % n); time.sleep(0.3); s.recv(65536)
    s.sendall(b"info registers\n"); time.sleep(0.5)
    m = re.search(r"\bpc\s+([0-9a-f]+)", s.recv(1 << 20).decode(errors="replace"))
    print(n, int(m.group(1), 16) if m else -1)
s.sendall(b"quit\n")
PY
	wait "$(cat "$TMP/$1.pid")" 2>/dev/null
}
hart_pcs ipi > "$TMP/pcs"
parked() {	# every hart's pc inside the park loop (kb_riscv_park .. +0x80)
	[ "$(wc -l < "$TMP/pcs")" = 3 ] &&
		awk -v lo="$park" '{ if ($2 < lo || $2 >= lo + 128) bad = 1 } END { exit bad }' "$TMP/pcs"
}
check "4 harts: the payload ran on hart 0 and poked harts 1-3" has ipi 'testkernel: software interrupts sent to harts 1-3'
check "4 harts: harts 1-3 are still parked in flash ($(tr '\n' ' ' < "$TMP/pcs"))" parked

# A tree linked into the loader (BUILTIN_DTB, preferred over QEMU's a1):
# checked, moved out of the loader's memory before the wipe, handed over.
cp -r "$top/boards/qemu-virt-riscv64-m" "$TMP/bd"
printf 'CONFIG_BUILTIN_DTB="qemu-virt.dts"\nCONFIG_BUILTIN_DTB_PREFER=y\n' >> "$TMP/bd/defconfig"
O=$TMP/bd-o boot builtin BOARD_DIR="$TMP/bd"
dtb_moved_out() {	# NAME: the handoff's dtb lies outside the loader's reservation
	local h l
	h=$(sed -n 's/^kaslrboot: handoff: .*dtb \(0x[0-9a-f]*\)).*/\1/p' "$(log_of "$1")")
	l=$(sed -n 's/^kaslrboot:   resv  0x\([0-9a-f]*\)-0x\([0-9a-f]*\) .* loader kaslrboot$/0x\1 0x\2/p' "$(log_of "$1")")
	[ -n "$h" ] && [ -n "$l" ] || return 1
	set -- $l
	[ $((h)) -ge $(($2)) ] || [ $((h)) -lt $(($1)) ]
}
check "BUILTIN_DTB: the linked tree is used" has builtin 'linked into the loader (BUILTIN_DTB_PREFER: a1 ignored), structure checked'
check "BUILTIN_DTB: the tree moves out of the loader's memory" dtb_moved_out builtin
check "BUILTIN_DTB: the kernel boots with it" kernel_done builtin

# PMP: a payload needing more entries than allowed is refused; locking
# off (debug) boots unlocked, and says it is insecure.
variant() {	# NAME CONFIG-LINE...: a board variant in $TMP/NAME
	local n=$1; shift
	cp -r "$top/boards/qemu-virt-riscv64-m" "$TMP/$n"
	printf '%s\n' "$@" >> "$TMP/$n/defconfig"
}
variant pmp2 CONFIG_RISCV_PMP_ENTRIES=2
O=$TMP/pmp2-o boot pmp2 BOARD_DIR="$TMP/pmp2"
check "PMP: segments needing more entries than allowed: refused" \
	refused pmp2 'pmp: the payload needs 3 PMP entries, 2 are available'
variant nopmp '# CONFIG_RISCV_PMP_LOCK is not set'
O=$TMP/nopmp-o boot nopmp BOARD_DIR="$TMP/nopmp"
check "PMP lock off: the loader warns it is insecure" has nopmp 'WARNING: INSECURE build (CONFIG_RISCV_PMP_LOCK=n)'
check "PMP lock off: the payload runs unlocked" has nopmp 'testkernel: pmp: not locked'

# The flash image: an erased container window (no container) and a
# corrupted header are refused; mkflash refuses what does not fit.
O=$O boot erased PAYLOAD_IMG=/dev/null
check "erased container window (0xff): refused, saying so" \
	refused erased 'container: bad magic: the flash reads erased (0xff)'
make -s -C "$top" O="$O" "$O/payload.img" >/dev/null 2>&1
cp "$O/payload.img" "$TMP/bad.img"
printf '\x5a' | dd of="$TMP/bad.img" bs=1 seek=40 conv=notrunc status=none
O=$O boot corrupt PAYLOAD_IMG="$TMP/bad.img"
check "corrupted container header: refused" refused corrupt 'container: header SHA-256 mismatch'

mkflash() { "$top/scripts/mkflash.sh" "$@" > "$TMP/mkflash.out" 2>&1; }
mkflash_refuses() {	# WHAT CONFIG LOADER CONTAINER
	local what=$1; shift
	! mkflash "$@" "$TMP/f.img" && grep -q "^mkflash: $what" "$TMP/mkflash.out" && [ ! -e "$TMP/f.img" ]
}
flash_ok() {
	mkflash "$O/.config" "$O/kaslrboot.bin" "$O/payload.img" "$TMP/ok.img" &&
		[ "$(stat -c %s "$TMP/ok.img")" = $((0x2000000)) ] &&
		cmp -s -n "$(stat -c %s "$O/kaslrboot.bin")" "$O/kaslrboot.bin" "$TMP/ok.img" &&
		cmp -s -i 0:$((0x40000)) -n 4096 "$O/payload.img" "$TMP/ok.img" &&
		grep -q '^mkflash:   0x00040000  container' "$TMP/mkflash.out"
}
check "mkflash: 32 MiB, loader at 0, container at 0x40000, layout printed" flash_ok
head -c $((0x40001)) /dev/zero > "$TMP/big.bin"
check "mkflash: a loader that runs into the container is refused" \
	mkflash_refuses "kaslrboot.bin (262145 B) runs into the container" "$O/.config" "$TMP/big.bin" -
head -c $((0x1fc0001)) /dev/zero > "$TMP/bigc.img"
check "mkflash: a container larger than its window is refused" \
	mkflash_refuses "container (33292289 B) is larger" "$O/.config" "$O/kaslrboot.bin" "$TMP/bigc.img"
sed 's/^CONFIG_PAYLOAD_MAX_SIZE=.*/CONFIG_PAYLOAD_MAX_SIZE=0x2000000/' "$O/.config" > "$TMP/cfg"
check "mkflash: a container window that ends outside the flash is refused" \
	mkflash_refuses "container window" "$TMP/cfg" "$O/kaslrboot.bin" -
done_testing
