#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# KARL's relinking oracle for rv32 (issue 12, docs/karl.md "rv32"): the
# contract payload built as an ELF32 M-mode firmware
# (tests/karl/build_payload.sh riscv32m: -march=rv32imac -mabi=ilp32
# -mcmodel=medany -mno-relax, ld -m elf32lriscv) is shuffled by
# build/host/karlplan (loader/lib/karl.c) for KARL_SEEDS seeds; for each,
# karlplan writes the layout as a GNU ld script, ld relinks the payload's
# object files with it, and karl.c's image must equal ld's output byte for
# byte (BSS zero past it).  Also: the relocation types gcc gives an rv32
# payload (R_RISCV_32 where rv64 has R_RISCV_64, no R_RISCV_64), nokaslr
# gives the link-time image, a bias, a large gap maximum, all orders
# different, a clang build, and a bias that pushes the image above 4 GiB
# refused by name.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/karl/oracle_lib.sh"

KP=$top/build/host/karlplan
LD=riscv64-linux-gnu-ld
OBJCOPY=riscv64-linux-gnu-objcopy
READELF=riscv64-linux-gnu-readelf
SEEDS=${KARL_SEEDS:-200}
OBJS="start.o k0.o k1.o k2.o k3.o"
G=$TMP/payload

if ! [ -x "$KP" ] || ! command -v "$LD" > /dev/null || ! command -v riscv64-unknown-elf-gcc > /dev/null; then
	notok "karlplan (make tools), riscv64-unknown-elf-gcc and $LD are there"
	done_testing
fi

. "$top/tests/karl/karl_env.sh"
link() {	# DIR OUT LDFLAGS...: link the objects with ld (ELF32)
	local dir=$1 out=$2; shift 2
	# shellcheck disable=SC2086
	(cd "$dir" && $LD -m elf32lriscv -nostdlib -static --no-relax -L"$top/tests/karl" "$@" $OBJS -o "$out") 2> "$TMP/ld.err"
}
# The moving sections' names must be unique for a relink to place each
# one (per-file string sections such as .rodata.str1.1: uniq_sections.sh),
# then the payload is linked again from the renamed objects.
uniq_relink() {	# DIR
	# shellcheck disable=SC2086
	(cd "$1" && "$top/tests/karl/uniq_sections.sh" $OBJCOPY $READELF $OBJS) || return 1
	# shellcheck disable=SC2086
	link "$1" payload.elf --emit-relocs $KARL_UNIQUE -T karl.ld
}
build_gcc() { "$top/tests/karl/build_payload.sh" riscv32m "$G" && uniq_relink "$G"; }
check "the rv32 contract payload builds (build_payload.sh riscv32m, section names made unique)" build_gcc
is_elf32() { $READELF -h "$G/payload.elf" | grep -q 'Class: *ELF32'; }
check "it is an ELF32 file" is_elf32
$READELF -rW "$G/payload.elf" | awk '/R_RISCV/ {print $3}' | sort | uniq -c > "$TMP/types"
sed 's/^/# /' "$TMP/types"
for t in R_RISCV_32 R_RISCV_CALL_PLT R_RISCV_PCREL_HI20 R_RISCV_PCREL_LO12_I R_RISCV_BRANCH \
	R_RISCV_RVC_BRANCH R_RISCV_RVC_JUMP R_RISCV_ADD32 R_RISCV_SUB32; do
	check "the payload carries $t" grep -q " $t\$" "$TMP/types"
done
no64() { ! grep -q ' R_RISCV_64$' "$TMP/types"; }
check "... and no R_RISCV_64" no64
"$KP" --seed 0 "$G/payload.elf" > "$TMP/line.out" 2>&1
echo "# $(cat "$TMP/line.out")"
check "karlplan reports the functions and the entropy" \
	grep -qE '^karl: [0-9]+ functions, [0-9]+ data objects shuffled, gaps up to 4096 B: [0-9]+\.[0-9]+ bits of layout entropy' "$TMP/line.out"

"$KP" --nokaslr --image "$TMP/nk.bin" "$G/payload.elf" > /dev/null 2>&1
check "nokaslr gives the link-time image" image_matches "$TMP/nk.bin" "$G/payload.elf"

run_oracle() {	# N: seeds 1..N; prints "same first_bad"
	local same=0 first_bad=
	for s in $(seq 1 "$1"); do
		if oracle "$s"; then same=$((same + 1)); else [ -n "$first_bad" ] || first_bad=$s; fi
	done
	echo "$same ${first_bad:-none}"
}
read -r same first_bad <<< "$(run_oracle "$SEEDS")"
echo "# rv32 relinking oracle (gcc): $same of $SEEDS seeds byte-identical (first difference: $first_bad)"
check "rv32 relinking oracle: all $SEEDS seeds byte-identical to ld's relink" test "$same" = "$SEEDS"
orders=$(for s in $(seq 1 "$SEEDS"); do grep '^move' "$TMP/layout.$s" | sort -k2 | awk '{print $5}' | md5sum; done | sort -u | wc -l)
check "the $SEEDS seeds give $SEEDS different orders ($orders)" test "$orders" = "$SEEDS"
check "a 16 MiB bias: still byte-identical (seed 7)" oracle 7 --bias 0x1000000
check "a 64 KiB gap maximum: still byte-identical (seed 8)" oracle 8 --max-gap 0x10000

# Above 4 GiB: refused at 32 bits (the image at 0x84000000 + 0x7c000000
# would end past 2^32).
refuses_4g() {
	! "$KP" --seed 1 --bias 0x7c000000 "$G/payload.elf" > "$TMP/4g.out" 2>&1 &&
		grep -q 'ends above 4 GiB (an ELF32 payload)' "$TMP/4g.out"
}
check "a bias that ends the image above 4 GiB is refused by name" refuses_4g

# clang's rv32 build of the same sources, linked by GNU ld.
if command -v clang > /dev/null; then
	C=$TMP/clang
	build_clang() {
		local f
		python3 "$top/tests/karl/gen_payload.py" "$C" 320 4 riscv32m > /dev/null || return 1
		for f in k0.c k1.c k2.c k3.c start.S; do
			(cd "$C" && clang --target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -O2 \
				-mcmodel=medany -mno-relax -fno-pie -ffunction-sections -fdata-sections \
				-ffreestanding -fno-builtin -fno-asynchronous-unwind-tables -fno-unwind-tables \
				-c "$f" -o "${f%.*}.o") || return 1
		done
		sed "s/0x80200000/0x84000000/" "$top/tests/karl/karl.ld" > "$C/karl.ld"
		uniq_relink "$C"
	}
	check "clang: the rv32 payload builds and links" build_clang
	G=$C
	read -r csame _ <<< "$(run_oracle "${KARL_CLANG_SEEDS:-50}")"
	echo "# rv32 relinking oracle (clang): $csame of ${KARL_CLANG_SEEDS:-50} seeds byte-identical"
	check "clang: all ${KARL_CLANG_SEEDS:-50} seeds byte-identical to ld's relink" test "$csame" = "${KARL_CLANG_SEEDS:-50}"
else
	notok "clang is there"
fi
done_testing
