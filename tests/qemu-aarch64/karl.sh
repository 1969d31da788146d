#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# KARL through the arm64 loader (issue 12, docs/karl.md; the riscv64 one
# is tests/qemu/karl.sh): a CONFIG_KARL=y variant of qemu-virt-aarch64
# (cortex-a57: no RNDR; -M virt,dtb-randomness=off: the board's script)
# boots the aarch64 contract payload (tests/karl/gen_payload.py ...
# aarch64, packed with kbimage -t karl) KARL_BOOTS times: every boot's
# payload calls every function, finds its pointer table and kb_asm_check's
# results right ("pointers ok") and prints the checksum the linker's own
# image prints (run directly, without the loader), and its marker
# functions sit somewhere else, at other distances, on every boot; then it
# zeroes its startup code (.text.kb_fixed) and calls every function again.
# nokaslr gives the link-time addresses.  A payload for another machine
# and a loader without CONFIG_KARL are refused by name, nothing entered.
O=${O_AARCH64:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-aarch64}
. "$(dirname "$0")/../lib.sh"
. "$top/tests/karl/qemu_karl.sh"
. "$top/tests/karl/karl_env.sh"

CC=aarch64-linux-gnu-gcc
LD=aarch64-linux-gnu-ld
NM=aarch64-linux-gnu-nm
OBJCOPY=aarch64-linux-gnu-objcopy
KBIMAGE=$top/build/host/kbimage
BOOTS=${KARL_BOOTS:-10}
BASE=0x44000000	# tests/karl/karl-aarch64.ld: free RAM (the loader is at 0x40200000)

CFLAGS="-O2 -mcpu=cortex-a57 -fno-pie -ffunction-sections -fdata-sections
	-ffreestanding -fno-builtin -fno-asynchronous-unwind-tables -fno-unwind-tables
	-mgeneral-regs-only -mstrict-align"
OBJS="start.o k0.o k1.o k2.o k3.o"

build_payload() {	# DIR: generate, compile, link to the contract at $BASE
	local dir=$1 f
	python3 "$top/tests/karl/gen_payload.py" "$dir" 320 4 aarch64 > /dev/null || return 1
	for f in k0.c k1.c k2.c k3.c start.S; do
		# shellcheck disable=SC2086
		(cd "$dir" && $CC $CFLAGS -c "$f" -o "${f%.*}.o") || return 1
	done
	# shellcheck disable=SC2086
	(cd "$dir" && $LD -nostdlib -static -no-pie --no-relax --no-warn-rwx-segments \
		-L"$top/tests/karl" --emit-relocs $KARL_UNIQUE -T "$top/tests/karl/karl-aarch64.ld" \
		$OBJS -o payload.elf)
}

# The variant: the board plus CONFIG_KARL=y.
cp -r "$top/boards/qemu-virt-aarch64" "$TMP/b-karl"
echo CONFIG_KARL=y >> "$TMP/b-karl/defconfig"
make -s -C "$top" BOARD_DIR="$TMP/b-karl" O="$TMP/o-karl" all > "$TMP/build.log" 2>&1
check "the CONFIG_KARL=y variant builds" test -f "$TMP/o-karl/kaslrboot.bin"
check "the aarch64 contract payload builds (320 functions, linked at $BASE)" build_payload "$TMP/p"
"$KBIMAGE" -t karl --pad 0x4000000 -o "$TMP/karl.img" "$TMP/p/payload.elf" > "$TMP/pack.out" 2>&1
check "kbimage -t karl packs it (the contract checked)" grep -q 'type karl' "$TMP/pack.out"

# The reference: the linker's own image (objcopy, not karl.c), run at
# its link address without the loader.
$OBJCOPY -O binary "$TMP/p/payload.elf" "$TMP/ref.bin"
timeout 30 qemu-system-aarch64 -M virt,dtb-randomness=off -cpu cortex-a57 -m 1G -nographic -nic none \
	-device loader,file="$TMP/ref.bin",addr=$BASE,force-raw=on -device loader,addr=$BASE,cpu-num=0 \
	< /dev/null 2>&1 | tr -d '\r' | grep '^karl-payload:' > "$TMP/ref.line"
ref_sum=$(awk '/ pointers ok / {print $3}' "$TMP/ref.line")
echo "# the linker's image: $(cat "$TMP/ref.line")"
check "the linker's image runs: pointers ok, a checksum ($ref_sum)" test -n "$ref_sum"

kboot() {	# NAME IMAGE: boot a container
	O=$TMP/o-karl boot "$1" BOARD_DIR="$TMP/b-karl" PAYLOAD_IMG="$2"
}
ref_checksum() { [ -n "$(checksum "$1")" ] && [ "$(checksum "$1")" = "$ref_sum" ]; }

for i in $(seq 1 "$BOOTS"); do
	kboot "b$i" "$TMP/karl.img"
	check "boot $i: every function called, pointers ok" payload_ok "b$i"
	check "boot $i: the payload zeroed its startup code and every function still runs" trashed "b$i"
	check "boot $i: the karl line" karl_line "b$i"
	check "boot $i: the linker's checksum ($(checksum "b$i"))" ref_checksum "b$i"
done
echo "# $(grep '^kaslrboot: plan: kernel (KARL' "$(log_of b1)")"
echo "# $(grep '^kaslrboot: karl:' "$(log_of b1)")"
echo "# boot 1: $(pl b1)"
echo "# boot 2: $(pl b2)"
distinct=$(for i in $(seq 1 "$BOOTS"); do markers "b$i"; done | sort -u | wc -l)
check "the $BOOTS boots place the markers $BOOTS different ways ($distinct)" test "$distinct" = "$BOOTS"
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

# nokaslr: the link-time layout at the link address.
"$KBIMAGE" -t karl --bootargs nokaslr --pad 0x4000000 -o "$TMP/nk.img" "$TMP/p/payload.elf" > /dev/null 2>&1
kboot nk "$TMP/nk.img"
echo "# nokaslr: $(pl nk)"
echo "# link-time: $(link_markers "$TMP/p/payload.elf")"
check "nokaslr: every function called, pointers ok" payload_ok nk
check "nokaslr: the payload zeroed its startup code and every function still runs" trashed nk
check "nokaslr: the linker's checksum" ref_checksum nk
check "nokaslr: the karl nokaslr line" has nk 'kaslrboot: karl: nokaslr: '
nk_at_link() { [ -n "$(markers nk)" ] && [ "$(markers nk)" = "$(link_markers "$TMP/p/payload.elf")" ]; }
check "nokaslr: the markers at their link-time addresses" nk_at_link
echo "# link-time data: $(link_dmarkers "$TMP/p/payload.elf")"
nk_data_at_link() { [ -n "$(dmarkers nk)" ] && [ "$(dmarkers nk)" = "$(link_dmarkers "$TMP/p/payload.elf")" ]; }
check "nokaslr: the data markers at their link-time addresses" nk_data_at_link

# A payload for another machine (e_machine patched to RISC-V, packed as
# an ELF and retyped to KARL, header rehashed): karl.c parses it, the
# loader refuses it by name.
python3 - "$TMP/p/payload.elf" "$TMP/rv.elf" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<H', b, 18, 243)
open(sys.argv[2], 'wb').write(b)
EOF
"$KBIMAGE" -t elf --pad 0x4000000 -o "$TMP/rv.img" "$TMP/rv.elf" > /dev/null 2>&1
python3 - "$TMP/rv.img" <<'EOF'
import hashlib, struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
struct.pack_into('<I', b, 16, 4)
b[224:256] = hashlib.sha256(bytes(b[:224])).digest()
open(p, 'wb').write(b)
EOF
kboot rv "$TMP/rv.img"
grep 'error' "$(log_of rv)" | sed 's/^/# /'
check "a RISC-V KARL payload: refused by name" \
	refused rv 'karl: the payload is for machine 243 (RISC-V), this loader boots machine 183'
check "... and not entered" not_entered rv

# A loader built without CONFIG_KARL (the board's default) refuses the
# KARL container by name.
boot nokarl BOARD_DIR="$top/boards/qemu-virt-aarch64" PAYLOAD_IMG="$TMP/karl.img"
check "a loader without CONFIG_KARL refuses a KARL container" \
	refused nokarl 'container: a KARL payload (type 4, kbimage -t karl), but this loader was built without CONFIG_KARL'
check "... and the payload was not entered" not_entered nokarl
done_testing
