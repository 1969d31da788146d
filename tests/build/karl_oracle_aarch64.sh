#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# KARL's relinking oracle on aarch64 (issue 12, docs/karl.md; the riscv64
# one is karl_oracle.sh): the generated payload (tests/karl/gen_payload.py
# ... aarch64: KARL_NFUNC functions, function-pointer tables, jump tables,
# cross-file calls both ways, strings and pointer arrays, globals of each
# access size and a hand-written kb_asm_check for TSTBR14, CONDBR19 across
# sections, LD_PREL_LO19, ADR_PREL_LO21, PREL32 and PREL64) is built by
# gcc and by clang, linked by GNU ld to the contract, and shuffled by
# build/host/karlplan (loader/lib/karl.c's AArch64 applier) for
# KARL_SEEDS (gcc) and KARL_CLANG_SEEDS (clang) seeds; for each, ld
# relinks the objects with karlplan's layout script and karl.c's image
# must equal ld's byte for byte (BSS zero).  Also: nokaslr gives the
# link-time image, a bias and a large gap maximum, the seeds give
# different orders, QEMU runs the shuffled images (-device loader at the
# link base, EL1, cortex-a57: pointers ok, the same checksum, the markers
# moved), and what the contract refuses is refused by name.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/karl/oracle_lib.sh"
. "$top/tests/karl/karl_env.sh"

KP=$top/build/host/karlplan
CC=aarch64-linux-gnu-gcc
LD=aarch64-linux-gnu-ld
OBJCOPY=aarch64-linux-gnu-objcopy
READELF=aarch64-linux-gnu-readelf
SEEDS=${KARL_SEEDS:-200}
NFUNC=${KARL_NFUNC:-320}
BASE=0x44000000		# tests/karl/karl-aarch64.ld

have_tools() { [ -x "$KP" ] && command -v "$CC" > /dev/null && command -v "$LD" > /dev/null && command -v "$OBJCOPY" > /dev/null; }
if ! have_tools; then
	notok "karlplan (make tools), $CC, $LD and $OBJCOPY are there"
	exit 1
fi

# The payload contract (docs/karl.md, aarch64).  -mgeneral-regs-only and
# -mstrict-align are the test payload's own needs (it runs with the MMU
# off and does not enable FP/SIMD), not the contract's.
CFLAGS="-O2 -mcpu=cortex-a57 -fno-pie -ffunction-sections -fdata-sections
	-ffreestanding -fno-builtin -fno-asynchronous-unwind-tables -fno-unwind-tables
	-mgeneral-regs-only -mstrict-align"
LDFLAGS="-nostdlib -static -no-pie --no-relax --no-warn-rwx-segments -L$top/tests/karl"
OBJS="start.o k0.o k1.o k2.o k3.o"
G=$TMP/payload

build_payload() {	# DIR EXTRA_CFLAGS [COMPILER]: generate and compile
	local dir=$1 cc=${3:-$CC} f
	python3 "$top/tests/karl/gen_payload.py" "$dir" "$NFUNC" 4 aarch64 || return 1
	for f in k0.c k1.c k2.c k3.c start.S; do
		# shellcheck disable=SC2086
		(cd "$dir" && $cc $CFLAGS $2 -c "$f" -o "${f%.*}.o") || return 1
	done
	# shellcheck disable=SC2086
	(cd "$dir" && "$top/tests/karl/uniq_sections.sh" "$OBJCOPY" "$READELF" $OBJS)
}
link() {	# DIR OUT LDFLAGS...: link the objects with ld
	local dir=$1 out=$2; shift 2
	# shellcheck disable=SC2086
	(cd "$dir" && $LD $LDFLAGS "$@" $OBJS -o "$out") 2> "$TMP/ld.err"
}
# shellcheck disable=SC2086
contract_link() { link "$1" "$2" --emit-relocs $KARL_UNIQUE -T "$top/tests/karl/karl-aarch64.ld"; }

check "the contract payload builds ($NFUNC functions, gcc)" build_payload "$G" ""
check "it links with --emit-relocs and the --unique options" contract_link "$G" payload.elf

"$KP" --nokaslr --image "$TMP/nk.bin" "$G/payload.elf" > "$TMP/nk.out" 2>&1
"$KP" --seed 0 "$G/payload.elf" > "$TMP/line.out" 2>&1
echo "# gcc: $(cat "$TMP/line.out")"
check "karlplan reports the functions, the data objects and the entropy" \
	grep -qE '^karl: [0-9]+ functions, [0-9]+ data objects shuffled, gaps up to 4096 B: [0-9]+\.[0-9]+ bits of layout entropy' "$TMP/line.out"
nmove=$(sed -n 's/^karl: \([0-9]*\) functions.*/\1/p' "$TMP/line.out")
check "at least $NFUNC function sections are movable ($nmove)" test "${nmove:-0}" -ge "$NFUNC"
ndata=$(sed -n 's/^karl: [0-9]* functions, \([0-9]*\) data objects.*/\1/p' "$TMP/line.out")
# 4 files x (ctab, dvar, bss, bscalar, dptr, cdptr, dtable, table, names, strings)
check "at least 40 data objects are shuffled ($ndata)" test "${ndata:-0}" -ge 40
types() { $READELF -rW "$1" | awk '/R_AARCH64/ {print $3}' | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}'; }
echo "# gcc relocations: $(types "$G/payload.elf")"
$READELF -rW "$G/payload.elf" | awk '/R_AARCH64/ {print $3}' | sort -u > "$TMP/types"
for t in CALL26 JUMP26 ADR_PREL_PG_HI21 ADD_ABS_LO12_NC LDST8_ABS_LO12_NC LDST16_ABS_LO12_NC \
	LDST32_ABS_LO12_NC LDST64_ABS_LO12_NC CONDBR19 TSTBR14 LD_PREL_LO19 ADR_PREL_LO21 \
	ABS64 PREL32 PREL64; do
	check "the payload carries R_AARCH64_$t" grep -qx "R_AARCH64_$t" "$TMP/types"
done

check "nokaslr gives the link-time image" image_matches "$TMP/nk.bin" "$G/payload.elf"

run_oracle() {	# N NAME: seeds 1..N, prints the count, true if all matched
	local n=$1 same=0 first_bad='' s
	for s in $(seq 1 "$n"); do
		if oracle "$s"; then
			same=$((same + 1))
		else
			[ -n "$first_bad" ] || first_bad="$s ($(head -c 200 "$TMP/kp.err"))"
		fi
	done
	echo "# $2 relinking oracle: $same of $n seeds byte-identical${first_bad:+ (first difference: seed $first_bad)}"
	[ "$same" = "$n" ]
}
check "gcc: relinking oracle: all $SEEDS seeds byte-identical to ld's relink" run_oracle "$SEEDS" gcc
orders=$(for s in $(seq 1 "$SEEDS"); do grep '^move' "$TMP/layout.$s" | sort -k2 | awk '{print $5}' | md5sum; done | sort -u | wc -l)
check "the $SEEDS seeds give $SEEDS different orders ($orders)" test "$orders" = "$SEEDS"
dorders=$(for s in $(seq 1 "$SEEDS"); do grep '^data' "$TMP/layout.$s" | sort -k2 | awk '{print $5}' | md5sum; done | sort -u | wc -l)
check "the $SEEDS seeds give $SEEDS different data orders ($dorders)" test "$dorders" = "$SEEDS"
no_tail_data() { ! grep -qE '^tail 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]*[1-9a-f][0-9a-f]* \.(s?rodata|s?data|s?bss)\.' "$TMP/layout.1"; }
check "no non-empty data object is left in the fixed tail" no_tail_data
check "a 2 MiB bias: still byte-identical (seed 7)" oracle 7 --bias 0x200000
check "a 2 KiB gap maximum: still byte-identical (seed 8)" oracle 8 --max-gap 0x800

# The shuffled images run: QEMU loads the flat image at the link base and
# starts the CPU there (EL1, no firmware: QEMU's PSCI over hvc).
QEMU=qemu-system-aarch64
runs() {	# IMAGE NAME: boot, keep the payload's line in $TMP/NAME.line
	timeout 30 $QEMU -M virt,dtb-randomness=off -cpu cortex-a57 -m 1G -nographic -nic none \
		-device loader,file="$1",addr=$BASE,force-raw=on -device loader,addr=$BASE,cpu-num=0 \
		< /dev/null 2>&1 | tr -d '\r' | grep '^karl-payload:' > "$TMP/$2.line"
	grep -q ' pointers ok ' "$TMP/$2.line"
}
checksum() { awk '{print $3}' "$TMP/$1.line"; }
markers() { awk '{print $6, $7, $8, $9}' "$TMP/$1.line"; }
dmarkers() { awk '$10 == "data" {print $11, $12, $13, $14}' "$TMP/$1.line"; }
ddist() {	# NAME: the data markers' offsets from the first
	local m
	read -ra m <<< "$(dmarkers "$1")"
	[ "${#m[@]}" = 4 ] || return 0
	echo "$((m[1] - m[0])) $((m[2] - m[0])) $((m[3] - m[0]))"
}
same_checksum() { [ -n "$(checksum "$1")" ] && [ "$(checksum "$1")" = "$(checksum nk)" ]; }
moved() { [ -n "$(markers "$1")" ] && [ "$(markers "$1")" != "$(markers nk)" ]; }
if command -v $QEMU > /dev/null; then
	check "QEMU runs the nokaslr image: every function called, pointers ok" runs "$TMP/nk.bin" nk
	echo "# nokaslr: $(cat "$TMP/nk.line")"
	for s in $(seq 1 "${KARL_BOOTS:-5}"); do
		"$KP" --seed "$s" --image "$TMP/boot$s.bin" "$G/payload.elf" > /dev/null 2>&1
		check "QEMU runs the seed $s image: every function called, pointers ok" runs "$TMP/boot$s.bin" "b$s"
		echo "# seed $s: $(cat "$TMP/b$s.line")"
		check "seed $s: the same checksum as nokaslr" same_checksum "b$s"
		check "seed $s: the marker functions moved" moved "b$s"
	done
	ddistinct=$(for s in $(seq 1 "${KARL_BOOTS:-5}"); do ddist "b$s"; done | grep . | sort -u | wc -l)
	check "the ${KARL_BOOTS:-5} boots give ${KARL_BOOTS:-5} different data layouts (data marker distances: $ddistinct)" \
		test "$ddistinct" = "${KARL_BOOTS:-5}"
	distinct=$(for s in $(seq 1 "${KARL_BOOTS:-5}"); do markers "b$s"; done | sort -u | wc -l)
	check "the ${KARL_BOOTS:-5} boots place the markers ${KARL_BOOTS:-5} different ways ($distinct)" \
		test "$distinct" = "${KARL_BOOTS:-5}"
else
	notok "$QEMU is there"
fi

# clang (--target=aarch64-none-elf), linked by GNU ld: its own mix (more
# ADRP/ADD, fewer ABS64: its jump tables are label differences in code)
# and its assembler's 1-byte alignment of kb_asm_b (karl.c moves AArch64
# function sections by multiples of 4 regardless).
if command -v clang > /dev/null; then
	G=$TMP/clang
	check "the contract payload builds with clang" build_payload "$G" "" "clang --target=aarch64-none-elf"
	check "clang: it links with --emit-relocs and the --unique options" contract_link "$G" payload.elf
	"$KP" --seed 0 "$G/payload.elf" > "$TMP/clang-line.out" 2>&1
	echo "# clang: $(cat "$TMP/clang-line.out")"
	echo "# clang relocations: $(types "$G/payload.elf")"
	check "clang: all ${KARL_CLANG_SEEDS:-50} seeds byte-identical to ld's relink" \
		run_oracle "${KARL_CLANG_SEEDS:-50}" clang
	if command -v $QEMU > /dev/null; then
		for s in 1 2; do
			"$KP" --seed "$s" --image "$TMP/cboot$s.bin" "$G/payload.elf" > /dev/null 2>&1
			check "clang: QEMU runs the seed $s image, pointers ok" runs "$TMP/cboot$s.bin" "c$s"
			echo "# clang seed $s: $(cat "$TMP/c$s.line")"
			check "clang: seed $s prints gcc's checksum" same_checksum "c$s"
		done
	fi
	G=$TMP/payload
else
	notok "clang is there"
fi

refuses() {	# ELF MESSAGE [karlplan args]
	local rc=0 elf=$1 msg=$2
	shift 2
	"$KP" --seed 1 "$@" "$elf" > "$TMP/ref.out" 2>&1 || rc=$?
	[ "$rc" = 1 ] && grep -qF -- "$msg" "$TMP/ref.out"
}

# lld (--unique without a pattern, --no-relax) links gcc's objects to the
# same contract; lld is then the judge: it relinks them with karlplan's
# script for KARL_LLD_SEEDS seeds.
if command -v ld.lld > /dev/null; then
	LLD_FLAGS="-nostdlib -static -L$top/tests/karl"
	lld_link() {	# OUT LDFLAGS...
		local out=$1; shift
		# shellcheck disable=SC2086
		(cd "$G" && ld.lld $LLD_FLAGS "$@" $OBJS -o "$out") 2> "$TMP/ld.err"
	}
	lld_oracle() {	# SEED
		rm -f "$TMP/karl.bin"
		"$KP" --seed "$1" --ld-script "$G/oracle.ld" --image "$TMP/karl.bin" \
			"$G/lld.elf" > /dev/null 2> "$TMP/kp.err" || return 1
		lld_link lld-oracle.elf --no-relax -T oracle.ld || return 1
		image_matches "$TMP/karl.bin" "$G/lld-oracle.elf"
	}
	check "lld: the gcc objects link with --emit-relocs --unique --no-relax" \
		lld_link lld.elf --no-relax --emit-relocs --unique -T "$top/tests/karl/karl-aarch64.ld"
	"$KP" --nokaslr --image "$TMP/lld-nk.bin" "$G/lld.elf" > /dev/null 2>&1
	# lld places the read-only objects before the text (they stay, in
	# the head); the writable and BSS objects move (docs/karl.md).
	"$KP" --seed 0 "$G/lld.elf" > "$TMP/lld-line.out" 2>&1
	echo "# lld: $(cat "$TMP/lld-line.out")"
	lnd=$(sed -n 's/^karl: [0-9]* functions, \([0-9]*\) data objects.*/\1/p' "$TMP/lld-line.out")
	check "lld: its writable and BSS objects are shuffled ($lnd data objects)" test "${lnd:-0}" -ge 20
	check "lld: nokaslr gives lld's link-time image" image_matches "$TMP/lld-nk.bin" "$G/lld.elf"
	lsame=0
	for s in $(seq 1 "${KARL_LLD_SEEDS:-50}"); do
		if lld_oracle "$s"; then lsame=$((lsame + 1)); fi
	done
	echo "# lld relinking oracle: $lsame of ${KARL_LLD_SEEDS:-50} seeds byte-identical"
	check "lld: all ${KARL_LLD_SEEDS:-50} seeds byte-identical to lld's relink" test "$lsame" = "${KARL_LLD_SEEDS:-50}"
	# Without --no-relax lld turns ADRP+ADD into NOP+ADR and keeps the
	# relocation types: refused at the first NOP.
	lld_link lld-relax.elf --emit-relocs --unique -T "$top/tests/karl/karl-aarch64.ld"
	echo "# lld without --no-relax: $("$KP" --seed 1 "$G/lld-relax.elf" 2>&1)"
	check "lld without --no-relax: refused (an ADRP relocation on a NOP)" \
		refuses "$G/lld-relax.elf" "(R_AARCH64_ADR_PREL_PG_HI21) at 0x"
else
	notok "ld.lld is there"
fi

# What the contract refuses, by name (exit 1, karl.c's one line).
# Gaps up to 1 MiB spread the text over hundreds of MiB: kb_asm_check's
# cbz to kb_asm_zero (another section, +-1 MiB) cannot reach; a loader
# cannot add a veneer: refused, never truncated.
check "1 MiB gaps: the cross-section CONDBR19 out of range is refused" \
	refuses "$G/payload.elf" "karlplan: karl: .rela.text.kb_asm_a relocation 1: R_AARCH64_CONDBR19 offset" --max-gap 0x100000
echo "# $(cat "$TMP/ref.out")"
$OBJCOPY --strip-all "$G/payload.elf" "$TMP/stripped.elf"
check "a stripped payload is refused (no .symtab)" refuses "$TMP/stripped.elf" "karlplan: karl: no .symtab"
link "$G" norelocs.elf "--unique=.text.*" -T "$top/tests/karl/karl-aarch64.ld"
check "a payload linked without --emit-relocs is refused" refuses "$G/norelocs.elf" "(link with --emit-relocs)"
# Debian's gcc defaults to PIE code: globals through the GOT, whose
# relocation types the applier does not know (the contract says -fno-pie).
check "the PIE build compiles (-fpie)" build_payload "$TMP/pie" "-fpie"
contract_link "$TMP/pie" pie.elf
pie_type=$($READELF -rW "$TMP/pie/pie.elf" | awk '/GOT/ {print $3; exit}')
echo "# -fpie: first GOT relocation $pie_type; $("$KP" --seed 1 "$TMP/pie/pie.elf" 2>&1)"
check "a PIE build is refused: a GOT relocation type is not supported" \
	refuses "$TMP/pie/pie.elf" "is not supported"
done_testing
