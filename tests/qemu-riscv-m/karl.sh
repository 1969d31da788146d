#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# KARL on the M-mode boards (issue 12, docs/karl.md "M-mode and PMP"): a
# CONFIG_KARL=y variant of qemu-virt-riscv64-m and of qemu-virt-riscv32-m
# boots the contract payload built as an M-mode firmware
# (tests/karl/build_payload.sh riscv64m / riscv32m: ELF64 / ELF32) KARL_BOOTS
# times.  Each boot: every function called, pointers ok, the same
# checksum; the loader locked the payload with PMP from the layout it
# produced (its text range holds the shuffled marker functions), and the
# payload, after the handoff, finds a store into a shuffled function and
# one into its startup code trapped (mcause 7), a jump into .data trapped
# (mcause 1), and everything still runs ("startup-locked rerun-ok": the
# startup code is locked R+X, it cannot be trashed).  The marker distances
# differ on every boot; nokaslr puts the markers at their link-time
# addresses.  A payload of the other ELF class is refused by name.  Without
# the lock (RISCV_PMP_LOCK=n) the probes see no trap and the startup code
# is trashed.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/karl/qemu_karl.sh"

KBIMAGE=$top/build/host/kbimage
NM=riscv64-linux-gnu-nm
BOOTS=${KARL_BOOTS:-10}

pmp_seen() { pl "$1" | grep -q ' pmp: store-text 7 store-startup 7 exec-data 1 startup-locked rerun-ok$'; }
locked() { grep -qE '^kaslrboot: pmp: payload locked with [0-9]+ of 16 entries' "$(log_of "$1")"; }
pmp_range() {	# NAME CLASS: "start end" of the loader's pmp line for CLASS
	sed -n "s/^kaslrboot: pmp: $2 *\\(0x[0-9a-f]*\\)-\\(0x[0-9a-f]*\\) .*/\\1 \\2/p" "$(log_of "$1")"
}
# NAME: the text range the loader locked is the layout's: it starts at
# the payload's base (the startup code) and holds every marker function
markers_in_text() {
	local r m base
	read -ra r <<< "$(pmp_range "$1" text)"
	base=$(sed -n 's/^kaslrboot: load: KARL payload at \(0x[0-9a-f]*\)-.*/\1/p' "$(log_of "$1")")
	[ "${#r[@]}" = 2 ] && [ -n "$base" ] && [ $((r[0])) = $((base)) ] || return 1
	read -ra m <<< "$(markers "$1")"
	[ "${#m[@]}" = 4 ] || return 1
	for x in "${m[@]}"; do
		[ $((x)) -ge $((r[0])) ] && [ $((x)) -le $((r[1])) ] || return 1
	done
}
# NAME: the shuffled data objects sit in the ranges locked for their class
# (ctab_0, ctab_2 in the read-only range; dptr_1, bss_3 in the writable one)
data_in_ranges() {
	local ro rw m
	read -ra ro <<< "$(pmp_range "$1" rodata)"
	read -ra rw <<< "$(pmp_range "$1" data)"
	read -ra m <<< "$(dmarkers "$1")"
	[ "${#ro[@]}" = 2 ] && [ "${#rw[@]}" = 2 ] && [ "${#m[@]}" = 4 ] || return 1
	for x in "${m[0]}" "${m[1]}"; do
		[ $((x)) -ge $((ro[0])) ] && [ $((x)) -le $((ro[1])) ] || return 1
	done
	for x in "${m[2]}" "${m[3]}"; do
		[ $((x)) -ge $((rw[0])) ] && [ $((x)) -le $((rw[1])) ] || return 1
	done
}

for board in qemu-virt-riscv64-m qemu-virt-riscv32-m; do
	case $board in
	*64-m) arch=riscv64m other=riscv32m cls=ELF32 bits=64 ;;
	*) arch=riscv32m other=riscv64m cls=ELF64 bits=32 ;;
	esac
	b=${board#qemu-virt-}
	bd=$TMP/b-$b bo=$TMP/o-$b
	cp -r "$top/boards/$board" "$bd"
	echo CONFIG_KARL=y >> "$bd/defconfig"
	make -s -C "$top" BOARD_DIR="$bd" O="$bo" all > "$TMP/build-$b.log" 2>&1
	check "$board: the CONFIG_KARL=y variant builds" test -f "$bo/kaslrboot.bin"
	build_p() { "$top/tests/karl/build_payload.sh" "$arch" "$TMP/p-$b" > "$TMP/bp-$b.log" 2>&1; }
	check "$board: the $arch contract payload builds" build_p
	"$KBIMAGE" -t karl -o "$TMP/$b.img" "$TMP/p-$b/payload.elf" > "$TMP/pack-$b.out" 2>&1
	check "$board: kbimage -t karl packs it" grep -q 'type karl' "$TMP/pack-$b.out"
	kboot() { O=$bo boot "$1" BOARD_DIR="$bd" PAYLOAD_IMG="$2"; }

	for i in $(seq 1 "$BOOTS"); do
		n=$b-$i
		kboot "$n" "$TMP/$b.img"
		check "$board boot $i: every function called, pointers ok" payload_ok "$n"
		check "$board boot $i: the karl line" karl_line "$n"
		check "$board boot $i: PMP-locked from the layout (text range from the base, holding the markers)" markers_in_text "$n"
		check "$board boot $i: the loader's lock line" locked "$n"
		check "$board boot $i: the data markers inside the rodata and data locks" data_in_ranges "$n"
		check "$board boot $i: store into text and startup trapped (7), jump into data trapped (1), rerun ok" pmp_seen "$n"
		check "$board boot $i: the same checksum as boot 1 ($(checksum "$n"))" same "$(checksum "$n")" "$(checksum "$b-1")"
	done
	echo "# $(grep '^kaslrboot: karl:' "$(log_of "$b-1")")"
	grep '^kaslrboot: pmp:' "$(log_of "$b-1")" | sed 's/^/# /'
	echo "# boot 1: $(pl "$b-1")"
	echo "# boot 2: $(pl "$b-2")"
	distinct=$(for i in $(seq 1 "$BOOTS"); do markers "$b-$i"; done | grep . | sort -u | wc -l)
	check "$board: the $BOOTS boots place the markers $BOOTS different ways ($distinct)" test "$distinct" = "$BOOTS"
	orders=$(for i in $(seq 1 "$BOOTS"); do deltas "$b-$i"; done | grep . | sort -u | wc -l)
	check "$board: the $BOOTS boots give $BOOTS different function layouts (marker distances: $orders)" test "$orders" = "$BOOTS"
	dorders=$(for i in $(seq 1 "$BOOTS"); do ddeltas "$b-$i"; done | grep . | sort -u | wc -l)
	check "$board: the $BOOTS boots give $BOOTS different data layouts (data marker distances: $dorders)" test "$dorders" = "$BOOTS"

	# nokaslr: the link-time layout at the link address.
	"$KBIMAGE" -t karl --bootargs nokaslr -o "$TMP/$b-nk.img" "$TMP/p-$b/payload.elf" > /dev/null 2>&1
	kboot "$b-nk" "$TMP/$b-nk.img"
	echo "# nokaslr: $(pl "$b-nk")"
	check "$board nokaslr: every function called, pointers ok" payload_ok "$b-nk"
	check "$board nokaslr: the same checksum" same "$(checksum "$b-nk")" "$(checksum "$b-1")"
	check "$board nokaslr: the karl nokaslr line" has "$b-nk" 'kaslrboot: karl: nokaslr: '
	check "$board nokaslr: the markers at their link-time addresses ($(link_markers "$TMP/p-$b/payload.elf"))" \
		same "$(markers "$b-nk")" "$(link_markers "$TMP/p-$b/payload.elf")"
	check "$board nokaslr: PMP-locked, the traps seen" pmp_seen "$b-nk"
	check "$board nokaslr: the data markers at their link-time addresses ($(link_dmarkers "$TMP/p-$b/payload.elf"))" \
		same "$(dmarkers "$b-nk")" "$(link_dmarkers "$TMP/p-$b/payload.elf")"

	# The other ELF class: refused by name, nothing entered.
	"$top/tests/karl/build_payload.sh" "$other" "$TMP/q-$b" > /dev/null 2>&1
	"$KBIMAGE" -t karl -o "$TMP/$b-other.img" "$TMP/q-$b/payload.elf" > /dev/null 2>&1
	kboot "$b-other" "$TMP/$b-other.img"
	check "$board: an $cls payload is refused by name" \
		refused "$b-other" "karl: the payload is $cls, this loader boots $bits-bit payloads"
	check "$board: ... and not entered" not_entered "$b-other"
done

# The probes see the lock, not something else: without it
# (RISCV_PMP_LOCK=n, an insecure debugging build) neither store traps,
# the startup code is trashed (zeroed, read back) and everything runs
# again without it; the jump into .data executes data (mcause 2, not 1).
bd=$TMP/b-nolock bo=$TMP/o-nolock
cp -r "$top/boards/qemu-virt-riscv64-m" "$bd"
printf 'CONFIG_KARL=y\n# CONFIG_RISCV_PMP_LOCK is not set\n' >> "$bd/defconfig"
make -s -C "$top" BOARD_DIR="$bd" O="$bo" all > "$TMP/build-nolock.log" 2>&1
O=$bo boot nolock BOARD_DIR="$bd" PAYLOAD_IMG="$TMP/riscv64-m.img"
echo "# RISCV_PMP_LOCK=n: $(pl nolock)"
no_traps() { pl nolock | grep -q ' pmp: store-text 0 store-startup 0 exec-data 2 startup-trashed rerun-ok$'; }
check "RISCV_PMP_LOCK=n: no trap, the startup code trashed, every function runs again" no_traps
check "RISCV_PMP_LOCK=n: pointers ok, the same checksum" same "$(checksum nolock)" "$(checksum riscv64-m-1)"

# The microcontroller profile stays without KARL (its flash budget).
mcu_nokarl() { ! grep -q '^CONFIG_KARL=y' "$top/boards/qemu-virt-riscv32-m-mcu/defconfig"; }
check "qemu-virt-riscv32-m-mcu: KARL off" mcu_nokarl
done_testing
