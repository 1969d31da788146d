#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Cortex-M (qemu-microbit, docs/cortex-m.md): kaslrboot is the reset image
# in flash (nRF51822, Cortex-M0), runs in place, seeds its DRBG from the
# nRF51 RNG, places the Thumb test firmware (an ELF PIE, R_ARM_RELATIVE)
# at random in the 16 KiB SRAM and enters it through its vector table.
# nokaslr fixes it; a stuck RNG, an absent RNG, a firmware too big for
# the free SRAM, a corrupted container, another machine's ELF and a RELR
# table (no code for them in a Cortex-M loader) are refused; after handoff the
# loader's SRAM is zero (QEMU monitor).  The firmware gets its seeds in the
# boot-info block (CONFIG_HANDOFF_BOOTINFO, the board's default) and checks
# it; a variant build with CONFIG_HANDOFF_DTB (the rewritten tree) is
# booted too.
top=$(cd "$(dirname "$0")/../.." && pwd)
export O=${O_ARM_M:-$top/build/qemu-microbit}
. "$(dirname "$0")/../lib.sh"
board=qemu-microbit

# plan_base, fw_base, fw_ok, fw_refused: tests/lib.sh
# boot_img NAME LOADER_BIN PAYLOAD_IMG: boot a given loader image and
# container (a copy of the build's .config and ELF beside the loader)
boot_img() {
	local d=$TMP/$1.o
	mkdir -p "$d"
	cp "$O/.config" "$d/.config"
	cp "$2" "$d/kaslrboot.bin"
	cp "$O/kaslrboot.elf" "$d/kaslrboot.elf"	# the dictionary (CONFIG_LOG_DICTIONARY)
	PAYLOAD_IMG=$3 QEMU_TIMEOUT=30 "$top/scripts/qemu-run.sh" "$d" "$board" > "$TMP/$1.raw" 2>&1
	echo $? > "$TMP/$1.rc"
	tr -d '\r' < "$TMP/$1.raw" > "$TMP/$1.log"
}

[ -f "$O/kaslrboot.bin" ] || { notok "$board: not built ($O)"; done_testing; }
make -s -C "$top" O="$O" "$O/payload.img" >/dev/null 2>&1
cp "$O/payload.img" "$TMP/fw.img"

# The board is quiet (CONFIG_LOG_QUIET): its log has the errors, KASLR
# on/off and the handoff line; where the firmware runs comes from the
# firmware ("fw: running at"), which checks it against the payload_base
# the loader put in its boot-info block.  What the progress lines say
# (console, TRNG, memory map, each placement and its entropy) is checked
# on a verbose build of the same board.
mkdir -p "$TMP/verbose"
cp -r "$top/boards/qemu-microbit/." "$TMP/verbose/"
sed -i '/^CONFIG_LOG_QUIET=y$/d' "$TMP/verbose/defconfig"
vo=$TMP/verbose-o
make -s -C "$top" O="$vo" BOARD_DIR="$TMP/verbose" all testkernel > "$TMP/verbose.build" 2>&1
# NAME: the firmware's checks passed, its boot-info block among them
# (payload_base = where it runs), seeds in it
fw_bi_ok() {
	[ "$(rc_of "$1")" = 0 ] && has "$1" 'fw: relocations ok' && has "$1" 'fw: bss ok' &&
		has "$1" 'fw: done' && ! grep -q '^fw: FAIL' "$(log_of "$1")" &&
		grep -qE '^fw: boot-info v1 at 0x2000[0-9a-f]{4}, ' "$(log_of "$1")" &&
		grep -qE '^fw: kaslr-seed 0x[0-9a-f]{16}$' "$(log_of "$1")" &&
		grep -qE '^fw: rng-seed 32 bytes [0-9a-f]{16}\.\.\.$' "$(log_of "$1")"
}

# 1. Boots: XIP from flash, the nRF51 RNG, the firmware's own checks
# (the verbose build: v1).
O=$vo boot v1 BOARD_DIR="$TMP/verbose"
check "$board verbose: the loader runs in place from flash, SRAM at 0x20000000" \
	has v1 'entered in Thumb, privileged, MSP, from flash on hart 0 at 0x20000000'
check "$board verbose: console is the nRF51 UART from the linked tree" \
	has v1 'kaslrboot: console: nrf-uart at 0x40002000 (/soc/uart@40002000)'
check "$board verbose: the nRF51 RNG seeds the DRBG after the start-up health test" \
	has v1 'kaslrboot: entropy: nrf-rng at /soc/rng@4000d000, H = 4.000 bits/sample, start-up health test passed over 1024 samples'
check "$board verbose: the boot-info block is claimed at the top of free SRAM" \
	grep -q '^kaslrboot: plan: boot-info block at the top of free memory: 0x2000' "$(log_of v1)"
# (CONFIG_REGION_NAME_LEN=26 keeps the path's end: the node's own name)
check "$board verbose: the retained-RAM reservation is in the memory map" \
	has v1 'reserved-memory no-map .../retained@20003fc0'
check "$board verbose: the firmware runs at the planned base, its checks and its boot-info block's pass" \
	fw_ok v1
slots=$(sed -n 's/^kaslrboot: plan: kernel .* slot [0-9]* of \([0-9]*\),.*/\1/p' "$(log_of v1)")
check "$board verbose: at least 64 slots for the test firmware ($slots)" [ "${slots:-0}" -ge 64 ]

# The board's own (quiet) build from here on.
boot b1
no_progress() { ! grep -q '^kaslrboot: \(plan\|console\|memory map\|load\|boot-info\):' "$(log_of "$1")"; }
check "$board: quiet: no progress line (console, memory map, plan, load)" no_progress b1
check "$board: quiet: the handoff line is printed" has b1 'kaslrboot: handoff: jumping to 0x2000'
# NAME: r0 at the handoff is the block the firmware found (version 1)
bi_r0() {
	local r0 fb
	r0=$(sed -n 's/^kaslrboot: handoff: .*, boot-info \(0x[0-9a-f]*\)).*/\1/p' "$(log_of "$1")")
	fb=$(sed -n 's/^fw: boot-info v1 at \(0x[0-9a-f]*\), .*/\1/p' "$(log_of "$1")")
	[ -n "$r0" ] && [ -n "$fb" ] && [ $((r0)) = $((fb)) ]
}
check "$board: r0 at the handoff is the boot-info block the firmware read (v1)" bi_r0 b1
check "$board: the tree handed over is the linked one, unchanged, in flash" \
	grep -qE '^fw: dtb at 0x0000[0-9a-f]{4}, 985 bytes$' "$(log_of b1)"
check "$board: firmware entered at its vector table's reset word, MSP = its stack top, relocated, BSS zero, at its block's payload_base, seeds in the block" \
	fw_bi_ok b1

# 2. Ten boots: random bases (the firmware's own line).  With S slots
# (the verbose plan line says how many: about 480 for this firmware), ten
# uniform draws are all distinct only with probability prod(1 - k/S),
# ~0.64 for S = 104; at least 7 distinct fail by chance with probability
# < 1e-4 for S >= 100.  Every boot must also pass the firmware's checks.
bases=(); seeds=(); good=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	boot "r$i"
	bases+=("$(fw_base "r$i")")
	seeds+=("$(sed -n 's/^fw: rng-seed 32 bytes \([0-9a-f]*\)\.\.\.$/\1/p' "$(log_of "r$i")")")
	if fw_bi_ok "r$i"; then good=$((good + 1)); else tail -n 5 "$(log_of "r$i")" | sed 's/^/# /'; fi
done
distinct=$(printf '%s\n' "${bases[@]}" | grep . | sort -u | wc -l)
echo "# bases: ${bases[*]} ($slots slots)"
check "$board: 10 boots, all firmware checks passed ($good)" [ "$good" = 10 ]
check "$board: 10 boots, $distinct distinct firmware bases (want >= 7 of $slots slots)" [ "$distinct" -ge 7 ]
nseeds=$(printf '%s\n' "${seeds[@]}" | grep . | sort -u | wc -l)
check "$board: 10 boots, 10 different rng-seeds in the boot-info block ($nseeds)" [ "$nseeds" = 10 ]

# 3. nokaslr in the container's bootargs: the lowest slot, twice.
boot n1 BOOTARGS="nokaslr"
boot n2 BOOTARGS="nokaslr"
check "$board: nokaslr gives the same base twice ($(fw_base n1))" \
	same "$(fw_base n1)" "$(fw_base n2)"
nokaslr_ok() { has "$1" 'fw: no kaslr-seed' && has "$1" 'kaslrboot: KASLR: OFF (nokaslr)' && has "$1" 'fw: done'; }
check "$board: nokaslr: the firmware runs there, no kaslr-seed" nokaslr_ok n1
check "$board: the container's bootargs reach the firmware as given" has n1 'fw: bootargs "nokaslr"'

# The tree's console and TRNG nodes and /chosen are read at build time
# (CONFIG_DT_DEVICES_AT_BUILD, docs/device-tree.md): a tree with a fault
# is a board copy whose microbit.dts has it, built (quiet, as the board).
# tree_variant NAME SED-EXPRESSION: $TMP/NAME-o/kaslrboot.bin
tree_variant() {
	local n=$1
	rm -rf "$TMP/$n" "$TMP/$n-o"
	cp -r "$top/boards/qemu-microbit" "$TMP/$n"
	sed -e "$2" "$top/boards/qemu-microbit/microbit.dts" > "$TMP/$n/microbit.dts"
	make -s -C "$top" BOARD_DIR="$TMP/$n" O="$TMP/$n-o" all > "$TMP/$n.build" 2>&1 ||
		{ notok "$board: tree variant $n: build"; sed 's/^/# /' "$TMP/$n.build" | tail -n 5; }
}

# 4. A stuck RNG: the tree's rng node pointed at a block of flash whose
# EVENTS_VALRDY reads 1 and VALUE always 0x5a (flash ignores the
# driver's writes): the repetition count test stops the boot.
fake=0x18000
tree_variant stuck "s/reg = <0x4000d000 0x1000>;/reg = <$fake 0x1000>;/"
python3 - "$TMP/stuck-o/kaslrboot.bin" "$TMP/stuck.bin" "$fake" <<'PY'
import struct, sys
img = bytearray(open(sys.argv[1], "rb").read())
fake = int(sys.argv[3], 16)
assert len(img) <= fake, "the loader reaches the fake RNG block"
img += b"\xff" * (fake + 0x1000 - len(img))
struct.pack_into("<I", img, fake + 0x100, 1)		# EVENTS_VALRDY
struct.pack_into("<I", img, fake + 0x508, 0x5a)		# VALUE
open(sys.argv[2], "wb").write(img)
PY
O=$TMP/stuck-o boot_img stuck "$TMP/stuck.bin" "$TMP/fw.img"
check "$board: a stuck RNG (0x5a forever): repetition count test fails, refused" \
	fw_refused stuck 'entropy: repetition count test failed at sample 9 (value 0x5a repeated 9 times, cutoff 9)'

# 5. No RNG in the tree (its compatible renamed): fail closed.
tree_variant norng 's/"nordic,nrf-rng"/"nordic,nrf-rnX"/'
O=$TMP/norng-o boot_img norng "$TMP/norng-o/kaslrboot.bin" "$TMP/fw.img"
check "$board: no RNG: refused, nothing booted" \
	fw_refused norng 'entropy: no TRNG found (this build knows: nrf-rng)'

# 5b. A linked tree whose /chosen carries a kaslr-seed: the boot-info
# handoff hands the tree over unchanged, so that seed would reach the
# firmware on every boot: refused.
tree_variant stale 's|stdout-path = "/soc/uart@40002000";|&\n\t\tkaslr-seed = <0x12345678 0x9abcdef0>;|'
O=$TMP/stale-o boot_img stale "$TMP/stale-o/kaslrboot.bin" "$TMP/fw.img"
check "$board: a linked tree with /chosen/kaslr-seed: refused (the boot-info handoff would pass it on)" \
	fw_refused stale 'dtb: /chosen has a kaslr-seed or rng-seed, which the boot-info handoff would pass on unchanged, the same every boot: remove it or choose CONFIG_HANDOFF_DTB'

# 5d. The linked tree's own /chosen/bootargs (found at build time, its
# bytes checked at boot as for any tree): "nokaslr" there turns KASLR
# off and reaches the firmware; the same bytes without their NUL are not
# a string and are ignored (KASLR stays on).
tree_variant dtargs 's|stdout-path = "/soc/uart@40002000";|&\n\t\tbootargs = "nokaslr";|'
O=$TMP/dtargs-o boot_img dtargs "$TMP/dtargs-o/kaslrboot.bin" "$TMP/fw.img"
check "$board: nokaslr in the linked tree's /chosen/bootargs: KASLR off" nokaslr_ok dtargs
check "$board: the linked tree's bootargs reach the firmware" has dtargs 'fw: bootargs "nokaslr"'
tree_variant dtbad 's|stdout-path = "/soc/uart@40002000";|&\n\t\tbootargs = [6e 6f 6b 61 73 6c 72];|'
O=$TMP/dtbad-o boot_img dtbad "$TMP/dtbad-o/kaslrboot.bin" "$TMP/fw.img"
check "$board: unterminated bootargs in the linked tree: ignored, KASLR on" has dtbad 'kaslrboot: KASLR: on'

# 5c. A container with an initrd: the boot-info block has no field for it.
head -c 64 /dev/urandom > "$TMP/initrd"
boot initrd INITRD="$TMP/initrd"
check "$board: a container with an initrd: refused (no field for it in the boot-info block)" \
	fw_refused initrd 'container: it carries an initrd, which the boot-info block has no field for (CONFIG_HANDOFF_BOOTINFO)'

# 6. A firmware with 12 KiB more BSS: more than the free SRAM.
boot big PAYLOAD="$O/testkernel/testkernel-big.elf"
# its footprint: the end of its last PT_LOAD
big_fp=0
while read -r _ _ va _ _ msz _; do
	[ $((va + msz)) -gt "$big_fp" ] && big_fp=$((va + msz))
done < <(arm-none-eabi-readelf -lW "$O/testkernel/testkernel-big.elf" | grep '^ *LOAD')
check "$board: a firmware larger than the free SRAM: clear error, nothing booted" \
	fw_refused big "plan: no 8 B-aligned window of $big_fp B fits in free memory"

# 7. A corrupted container: one byte of the firmware (at 256 in the
# container, docs/container.md) flipped.
cp "$TMP/fw.img" "$TMP/bad.img"
printf '\x5a' | dd of="$TMP/bad.img" bs=1 seek=$((256 + 300)) conv=notrunc status=none
boot_img bad "$O/kaslrboot.bin" "$TMP/bad.img"
check "$board: a corrupted container: SHA-256 mismatch, refused" \
	fw_refused bad 'container: payload SHA-256 mismatch'

# 7b. A firmware whose vector table does not start it: its ELF entry
# moved 2 bytes on (still Thumb code in its text), so word 1 of the table
# at its base is not the entry: refused before any jump.
python3 - "$O/testkernel/testkernel.elf" "$TMP/novec.elf" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
e = struct.unpack_from("<I", b, 24)[0]
struct.pack_into("<I", b, 24, e + 2)
open(sys.argv[2], "wb").write(b)
PY
boot novec PAYLOAD="$TMP/novec.elf"
check "$board: a firmware whose vector table's reset word is not its entry: refused" \
	fw_refused novec "payload: its vector table's reset word"

# 7c. What a Cortex-M loader carries no code for (docs/size.md): another
# machine's ELF (the firmware with e_machine EM_RISCV) and a RELR table
# (its DT_DEBUG entry turned into DT_RELRSZ; CONFIG_PAYLOAD_ELF_RELR is
# off here): each refused in one line.
python3 - "$O/testkernel/testkernel.elf" "$TMP/rv.elf" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<H", b, 18, 243)
open(sys.argv[2], "wb").write(b)
PY
elf32_relr "$O/testkernel/testkernel.elf" "$TMP/relr.elf"
boot rv PAYLOAD="$TMP/rv.elf"
check "$board: a RISC-V ELF: refused by its e_machine" \
	fw_refused rv "payload: ELF machine 243 (RISC-V), but this loader boots ARM (40)"
boot relr PAYLOAD="$TMP/relr.elf"
check "$board: a RELR table: refused, naming CONFIG_PAYLOAD_ELF_RELR" \
	fw_refused relr "payload: DT_RELR relocations, but RELR support is not built into this loader (CONFIG_PAYLOAD_ELF_RELR)"

# 8. From outside: while the firmware waits, the loader's SRAM (its .data,
# .bss and stack) is all zero and holds no seed bytes.  The nRF51's SRAM
# is not in QEMU's system address space: memsave (through the CPU), not
# pmemsave.
end=$(arm-none-eabi-nm "$O/kaslrboot.elf" | sed -n 's/^\([0-9a-f]*\) . __image_end$/0x\1/p')
make -s -C "$top" O="$O" BOOTARGS="fw.wait" "$O/payload.img" >/dev/null 2>&1
cp "$O/payload.img" "$TMP/wait.img"
make -s -C "$top" O="$O" "$O/payload.img" >/dev/null 2>&1
(
	PAYLOAD_IMG=$TMP/wait.img QEMU_TIMEOUT=60 \
		QEMU_EXTRA="-monitor unix:$TMP/wait.sock,server=on,wait=off" \
		exec "$top/scripts/qemu-run.sh" "$O" "$board" > "$TMP/wait.raw" 2>&1
) &
echo $! > "$TMP/wait.pid"
for _ in $(seq 1 300); do
	grep -q 'fw: waiting' "$TMP/wait.raw" 2>/dev/null && break
	sleep 0.1
done
tr -d '\r' < "$TMP/wait.raw" > "$TMP/wait.log"
python3 - "$TMP/wait.sock" "$((end - 0x20000000))" "$TMP/sram.dump" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def cmd(c):
    s.sendall((c + "\n").encode()); time.sleep(0.5)
    try:
        s.settimeout(0.5); s.recv(65536)
    except OSError:
        pass
cmd('memsave 0x20000000 %s "%s"' % (sys.argv[2], sys.argv[3]))
cmd("quit")
PY
wait "$(cat "$TMP/wait.pid")" 2>/dev/null
kseed=$(sed -n 's/^fw: kaslr-seed 0x\([0-9a-f]*\)$/\1/p' "$(log_of wait)")
python3 - "$TMP/sram.dump" "$kseed" > "$TMP/verdict" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
nz = sum(1 for b in d if b)
k = bytes.fromhex(sys.argv[2]) if sys.argv[2] else b""
print("dump", len(d), "bytes; nonzero", nz, "; kaslr-seed found", bool(k) and (k in d or k[::-1] in d))
sys.exit(0 if len(d) > 0 and nz == 0 and k and k not in d and k[::-1] not in d else 1)
PY
rc=$?
sed 's/^/# /' "$TMP/verdict"
check "$board: firmware waiting; the loader's SRAM 0x20000000-$end is all zero after handoff, no seed bytes" [ $rc = 0 ]

done_testing
