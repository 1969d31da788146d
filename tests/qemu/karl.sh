#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# KARL through the loader (issue 12, docs/karl.md): a CONFIG_KARL=y
# variant of the riscv64 board boots the contract payload
# (tests/karl/gen_payload.py, packed with kbimage -t karl) KARL_BOOTS
# times: every boot's payload calls every function, finds its pointer
# table equal to the addresses its code computes ("pointers ok"), prints
# the same checksum, and its marker functions sit somewhere else on every
# boot; then it zeroes its startup code (.text.kb_fixed) and calls every
# function again.  The karl line is logged.  nokaslr gives the link-time addresses.
# A payload built for linker relaxation is refused by kbimage -t karl
# and, packed anyway, by the loader with karl.c's line; nothing entered.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/karl/qemu_karl.sh"
. "$top/tests/karl/karl_env.sh"

CC=riscv64-unknown-elf-gcc
LD=riscv64-linux-gnu-ld
NM=riscv64-linux-gnu-nm
KBIMAGE=$top/build/host/kbimage
BOOTS=${KARL_BOOTS:-10}
BASE=0x84000000	# the link base: free RAM on QEMU virt (the loader is at 0x80200000)

CFLAGS="-O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax -fno-pie
	-ffunction-sections -fdata-sections -ffreestanding -fno-builtin
	-fno-asynchronous-unwind-tables -fno-unwind-tables"
OBJS="start.o k0.o k1.o k2.o k3.o"

build_payload() {	# DIR EXTRA_CFLAGS: generate, compile, link to the contract at $BASE
	local dir=$1 f
	python3 "$top/tests/karl/gen_payload.py" "$dir" 320 4 > /dev/null || return 1
	for f in k0.c k1.c k2.c k3.c start.S; do
		# shellcheck disable=SC2086
		(cd "$dir" && $CC $CFLAGS $2 -c "$f" -o "${f%.*}.o") || return 1
	done
	sed "s/0x80200000/$BASE/" "$top/tests/karl/karl.ld" > "$dir/karl.ld"
	# shellcheck disable=SC2086
	(cd "$dir" && $LD -nostdlib -static --no-relax -L"$top/tests/karl" --emit-relocs \
		$KARL_UNIQUE -T karl.ld $OBJS -o payload.elf)
}

# The variant: the default board plus CONFIG_KARL=y.
cp -r "$top/boards/qemu-virt-riscv64" "$TMP/b-karl"
echo CONFIG_KARL=y >> "$TMP/b-karl/defconfig"
make -s -C "$top" BOARD_DIR="$TMP/b-karl" O="$TMP/o-karl" all > "$TMP/build.log" 2>&1
check "the CONFIG_KARL=y variant builds" test -f "$TMP/o-karl/kaslrboot.bin"
check "the contract payload builds (320 functions, linked at $BASE)" build_payload "$TMP/p" ""
"$KBIMAGE" -t karl --pad 0x2000000 -o "$TMP/karl.img" "$TMP/p/payload.elf" > "$TMP/pack.out" 2>&1
check "kbimage -t karl packs it (the contract checked)" grep -q 'type karl' "$TMP/pack.out"

kboot() {	# NAME IMAGE: boot a container
	O=$TMP/o-karl boot "$1" BOARD_DIR="$TMP/b-karl" PAYLOAD_IMG="$2"
}
same_checksum() { [ -n "$(checksum "$1")" ] && [ "$(checksum "$1")" = "$(checksum b1)" ]; }

for i in $(seq 1 "$BOOTS"); do
	kboot "b$i" "$TMP/karl.img"
	check "boot $i: every function called, pointers ok" payload_ok "b$i"
	check "boot $i: the payload zeroed its startup code and every function still runs" trashed "b$i"
	check "boot $i: the karl line" karl_line "b$i"
	check "boot $i: the same checksum as boot 1 ($(checksum "b$i"))" same_checksum "b$i"
done
echo "# $(grep '^kaslrboot: karl:' "$(log_of b1)")"
echo "# boot 1: $(pl b1)"
echo "# boot 2: $(pl b2)"
distinct=$(for i in $(seq 1 "$BOOTS"); do markers "b$i"; done | sort -u | wc -l)
check "the $BOOTS boots place the markers $BOOTS different ways ($distinct)" test "$distinct" = "$BOOTS"
# The distances between the markers: a moved base alone keeps them; a
# new order (and gaps) changes them on every boot.
orders=$(for i in $(seq 1 "$BOOTS"); do deltas "b$i"; done | grep . | sort -u | wc -l)
check "the $BOOTS boots give $BOOTS different function layouts (marker distances: $orders)" test "$orders" = "$BOOTS"
# The data objects: ctab_0 and ctab_2 (read-only), dptr_1 (writable),
# bss_3 (BSS); their distances change with the data order and gaps.
dorders=$(for i in $(seq 1 "$BOOTS"); do ddeltas "b$i"; done | grep . | sort -u | wc -l)
echo "# data marker distances, boot 1: $(ddeltas b1); boot 2: $(ddeltas b2)"
check "the $BOOTS boots give $BOOTS different data layouts (data marker distances: $dorders)" test "$dorders" = "$BOOTS"
# Within the read-only objects alone (ctab_2 - ctab_0): the order among
# themselves, not only the regions' moves.
rodist=$(for i in $(seq 1 "$BOOTS"); do ddeltas "b$i" | awk '{print $1}'; done | grep . | sort -u | wc -l)
check "the $BOOTS boots give $BOOTS different read-only data distances ($rodist)" test "$rodist" = "$BOOTS"

# nokaslr: the link-time layout at the link address: the markers are
# the symbols' link-time values.
"$KBIMAGE" -t karl --bootargs nokaslr --pad 0x2000000 -o "$TMP/nk.img" "$TMP/p/payload.elf" > /dev/null 2>&1
kboot nk "$TMP/nk.img"
echo "# nokaslr: $(pl nk)"
echo "# link-time: $(link_markers "$TMP/p/payload.elf")"
check "nokaslr: every function called, pointers ok" payload_ok nk
check "nokaslr: the payload zeroed its startup code and every function still runs" trashed nk
check "nokaslr: the same checksum" same_checksum nk
check "nokaslr: the karl nokaslr line" has nk 'kaslrboot: karl: nokaslr: '
nk_at_link() { [ -n "$(markers nk)" ] && [ "$(markers nk)" = "$(link_markers "$TMP/p/payload.elf")" ]; }
check "nokaslr: the markers at their link-time addresses" nk_at_link
echo "# link-time data: $(link_dmarkers "$TMP/p/payload.elf")"
nk_data_at_link() { [ -n "$(dmarkers nk)" ] && [ "$(dmarkers nk)" = "$(link_dmarkers "$TMP/p/payload.elf")" ]; }
check "nokaslr: the data markers at their link-time addresses" nk_data_at_link

# A payload built for linker relaxation: kbimage refuses it; packed as an
# ELF and retyped to KARL (type 4, header rehashed), the loader refuses
# it with karl.c's line and enters nothing.
check "the linker relaxation build compiles" build_payload "$TMP/relax" "-mrelax"
refuse_pack() { ! "$KBIMAGE" -t karl -o "$TMP/r.img" "$TMP/relax/payload.elf" > "$TMP/rp.out" 2>&1 && grep -q 'karl: .*linker relaxation' "$TMP/rp.out"; }
check "kbimage -t karl refuses it (karl.c's line)" refuse_pack
"$KBIMAGE" -t elf --pad 0x2000000 -o "$TMP/relax.img" "$TMP/relax/payload.elf" > /dev/null 2>&1
python3 - "$TMP/relax.img" <<'EOF'
import hashlib, struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
struct.pack_into('<I', b, 16, 4)
b[224:256] = hashlib.sha256(bytes(b[:224])).digest()
open(p, 'wb').write(b)
EOF
kboot relax "$TMP/relax.img"
grep 'error' "$(log_of relax)" | sed 's/^/# /'
check "the loader refuses it with karl.c's line, nothing entered" refused relax 'karl: .rela.text.kb_fixed relocation 1: R_RISCV_RELAX: the payload was built for linker relaxation'
one_error() { [ "$(grep -c 'kaslrboot: error:' "$(log_of relax)")" = 1 ]; }
check "the refusal is one error line" one_error
check "the payload was not entered" not_entered relax

# A loader built without CONFIG_KARL (the default board) refuses the
# KARL container by name.
boot nokarl PAYLOAD_IMG="$TMP/karl.img"
check "a loader without CONFIG_KARL refuses a KARL container, nothing entered" \
	refused nokarl 'container: a KARL payload (type 4, kbimage -t karl), but this loader was built without CONFIG_KARL'
check "... and the payload was not entered" not_entered nokarl
done_testing
