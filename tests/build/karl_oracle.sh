#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# KARL's relinking oracle (issue 12, docs/karl.md): a payload built to the
# contract (tests/karl/gen_payload.py: KARL_NFUNC functions, function-
# pointer tables, jump tables, cross-file calls both ways, strings and
# pointer arrays) is shuffled by build/host/karlplan (loader/lib/karl.c)
# for KARL_SEEDS seeds; for each, karlplan also writes the layout as a GNU
# ld script and ld relinks the payload's object files with it: the image
# karl.c built must equal, byte for byte, what the linker produced
# (objcopy -O binary), and the rest (BSS) must be zero.  Also: nokaslr
# gives the link-time image, a bias moves everything, the seeds give
# different orders, QEMU runs the shuffled images (same checksum, pointers
# consistent, functions moved), the same for a clang build of the
# payload, and the contract's violations are refused by name.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/karl/oracle_lib.sh"
. "$top/tests/karl/karl_env.sh"

KP=$top/build/host/karlplan
CC=riscv64-unknown-elf-gcc
LD=riscv64-linux-gnu-ld
OBJCOPY=riscv64-linux-gnu-objcopy
SEEDS=${KARL_SEEDS:-200}
NFUNC=${KARL_NFUNC:-320}

have_tools() { [ -x "$KP" ] && command -v "$CC" > /dev/null && command -v "$LD" > /dev/null && command -v "$OBJCOPY" > /dev/null; }
if ! have_tools; then
	notok "karlplan (make tools), $CC, $LD and $OBJCOPY are there"
	exit 1
fi

# The payload contract (docs/karl.md).
CFLAGS="-O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax -fno-pie
	-ffunction-sections -fdata-sections -ffreestanding -fno-builtin
	-fno-asynchronous-unwind-tables -fno-unwind-tables"
LDFLAGS="-nostdlib -static --no-relax -L$top/tests/karl"
OBJS="start.o k0.o k1.o k2.o k3.o"
G=$TMP/payload

build_payload() {	# DIR EXTRA_CFLAGS [COMPILER]: generate and compile
	local dir=$1 cc=${3:-$CC} f
	python3 "$top/tests/karl/gen_payload.py" "$dir" "$NFUNC" 4 || return 1
	for f in k0.c k1.c k2.c k3.c start.S; do
		# shellcheck disable=SC2086
		(cd "$dir" && $cc $CFLAGS $2 -c "$f" -o "${f%.*}.o") || return 1
	done
	# shellcheck disable=SC2086
	(cd "$dir" && "$top/tests/karl/uniq_sections.sh" "$OBJCOPY" riscv64-linux-gnu-readelf $OBJS)
}
link() {	# DIR OUT LDFLAGS...: link the objects with ld
	local dir=$1 out=$2; shift 2
	# shellcheck disable=SC2086
	(cd "$dir" && $LD $LDFLAGS "$@" $OBJS -o "$out") 2> "$TMP/ld.err"
}

check "the contract payload builds ($NFUNC functions)" build_payload "$G" ""
# shellcheck disable=SC2086
check "it links with --emit-relocs and the --unique options" \
	link "$G" payload.elf --emit-relocs $KARL_UNIQUE -T "$top/tests/karl/karl.ld"

# Entropy line and the relocation types the payload exercises.
"$KP" --nokaslr --image "$TMP/nk.bin" "$G/payload.elf" > "$TMP/nk.out" 2>&1
"$KP" --seed 0 "$G/payload.elf" > "$TMP/line.out" 2>&1
echo "# $(cat "$TMP/line.out")"
check "karlplan reports the functions, the data objects and the entropy" \
	grep -qE '^karl: [0-9]+ functions, [0-9]+ data objects shuffled, gaps up to 4096 B: [0-9]+\.[0-9]+ bits of layout entropy' "$TMP/line.out"
nmove=$(sed -n 's/^karl: \([0-9]*\) functions.*/\1/p' "$TMP/line.out")
check "at least $NFUNC function sections are movable ($nmove)" test "${nmove:-0}" -ge "$NFUNC"
ndata=$(sed -n 's/^karl: [0-9]* functions, \([0-9]*\) data objects.*/\1/p' "$TMP/line.out")
# 4 files x (ctab, dvar, bss, bscalar, dptr, cdptr, dtable, table, names, strings)
check "at least 40 data objects are shuffled ($ndata)" test "${ndata:-0}" -ge 40
riscv64-linux-gnu-readelf -rW "$G/payload.elf" | awk '/R_RISCV/ {print $3}' | sort -u > "$TMP/types"
for t in R_RISCV_CALL_PLT R_RISCV_PCREL_HI20 R_RISCV_PCREL_LO12_I R_RISCV_BRANCH \
	R_RISCV_RVC_BRANCH R_RISCV_RVC_JUMP R_RISCV_ADD32 R_RISCV_SUB32 R_RISCV_64; do
	check "the payload carries $t" grep -qx "$t" "$TMP/types"
done

# nokaslr: the link-time image itself.
check "nokaslr gives the link-time image" image_matches "$TMP/nk.bin" "$G/payload.elf"

# The oracle: SEEDS seeds, each relinked by ld from karlplan's script.
same=0 differ=0 first_bad=
for s in $(seq 1 "$SEEDS"); do
	if oracle "$s"; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		[ -n "$first_bad" ] || first_bad=$s
	fi
done
echo "# relinking oracle: $same of $SEEDS seeds byte-identical${first_bad:+ (first difference: seed $first_bad)}"
check "relinking oracle: all $SEEDS seeds byte-identical to ld's relink" test "$differ" = 0
orders=$(for s in $(seq 1 "$SEEDS"); do grep '^move' "$TMP/layout.$s" | sort -k2 | awk '{print $5}' | md5sum; done | sort -u | wc -l)
check "the $SEEDS seeds give $SEEDS different orders ($orders)" test "$orders" = "$SEEDS"
dorders=$(for s in $(seq 1 "$SEEDS"); do grep '^data' "$TMP/layout.$s" | sort -k2 | awk '{print $5}' | md5sum; done | sort -u | wc -l)
check "the $SEEDS seeds give $SEEDS different data orders ($dorders)" test "$dorders" = "$SEEDS"
no_tail_data() { ! grep -qE '^tail 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]*[1-9a-f][0-9a-f]* \.(s?rodata|s?data|s?bss)\.' "$TMP/layout.1"; }
check "no non-empty data object is left in the fixed tail" no_tail_data
check "a 2 MiB bias: still byte-identical (seed 7)" oracle 7 --bias 0x200000
check "a 1 MiB gap maximum: still byte-identical (seed 8)" oracle 8 --max-gap 0x100000

# The shuffled images run: QEMU (OpenSBI, -kernel loads a raw image at
# 0x80200000, the payload's link base) boots nokaslr and KARL_BOOTS seeds;
# each calls every function, compares its pointer table with the
# addresses its code computes, and prints the checksum (the same for
# every layout) and four marker functions' addresses (different).
QEMU=qemu-system-riscv64
runs() {	# IMAGE NAME: boot, keep the payload's line in $TMP/NAME.line
	timeout 30 $QEMU -M virt -m 256M -nographic -bios default -kernel "$1" < /dev/null 2>&1 |
		tr -d '\r' | grep '^karl-payload:' > "$TMP/$2.line"
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

# The same payload compiled by clang (its own relocation mix: no BRANCH
# relocations left, absolute R_RISCV_64 jump tables), linked by GNU ld:
# the oracle for KARL_CLANG_SEEDS seeds, and QEMU runs two seeds with
# the checksum gcc's build printed.
if command -v clang > /dev/null; then
	G=$TMP/clang
	check "the contract payload builds with clang" build_payload "$G" "" "clang --target=riscv64-unknown-elf"
	# shellcheck disable=SC2086
	check "clang: it links with --emit-relocs and the --unique options" \
		link "$G" payload.elf --emit-relocs $KARL_UNIQUE -T "$top/tests/karl/karl.ld"
	"$KP" --seed 0 "$G/payload.elf" > "$TMP/clang-line.out" 2>&1
	echo "# clang: $(cat "$TMP/clang-line.out")"
	csame=0
	for s in $(seq 1 "${KARL_CLANG_SEEDS:-50}"); do
		if oracle "$s"; then csame=$((csame + 1)); fi
	done
	echo "# clang relinking oracle: $csame of ${KARL_CLANG_SEEDS:-50} seeds byte-identical"
	check "clang: all ${KARL_CLANG_SEEDS:-50} seeds byte-identical to ld's relink" test "$csame" = "${KARL_CLANG_SEEDS:-50}"
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

# What the contract refuses, by name (exit 1, karl.c's one line).
refuses() {	# ELF MESSAGE
	local rc=0
	"$KP" --seed 1 "$1" > "$TMP/ref.out" 2>&1 || rc=$?
	[ "$rc" = 1 ] && grep -qF -- "$2" "$TMP/ref.out"
}
$OBJCOPY --strip-all "$G/payload.elf" "$TMP/stripped.elf"
check "a stripped payload is refused (no .symtab)" refuses "$TMP/stripped.elf" "karlplan: karl: no .symtab"
link "$G" norelocs.elf "--unique=.text.*" -T "$top/tests/karl/karl.ld"
check "a payload linked without --emit-relocs is refused" refuses "$G/norelocs.elf" "(link with --emit-relocs)"
check "the linker relaxation build compiles" build_payload "$TMP/relax" "-mrelax"
link "$TMP/relax" relax.elf --emit-relocs "--unique=.text.*" -T "$top/tests/karl/karl.ld"
check "a payload compiled for linker relaxation is refused" refuses "$TMP/relax/relax.elf" "the payload was built for linker relaxation"
# gp-relative accesses cannot follow moving data: a payload that defines
# __global_pointer$ (as GNU ld's default script does, for gp relaxation)
# and has data objects is refused.
# shellcheck disable=SC2086
link "$G" gp.elf --emit-relocs $KARL_UNIQUE '--defsym=__global_pointer$=0x80200800' -T "$top/tests/karl/karl.ld"
check "a payload defining __global_pointer\$ with moving data is refused" \
	refuses "$G/gp.elf" 'karlplan: karl: __global_pointer$ is defined: gp-relative data accesses cannot follow moving data'
done_testing
