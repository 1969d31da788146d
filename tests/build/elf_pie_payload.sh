#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Real static PIEs through the loader's own parser and relocation engine
# (build/host/kbpayload): a tiny RV32 firmware (ELFCLASS32, Elf32_Rela,
# R_RISCV_RELATIVE) and the same source as RV64, compiled
# with the cross compilers the loader itself is built with
# (riscv64-unknown-elf-gcc; riscv64-linux-gnu-ld links the PIE).  The loaded
# and relocated image is checked by an independent reader (python3, from
# the ELF's section headers): every segment byte copied, every relocated
# word = addend + base, BSS and gaps zero.  The class must match the
# loader's XLEN; a 32-bit image must end below 4 GiB; kbimage packs the
# ELF32 payload; a reference to a global symbol (a dynamic symbol
# relocation) is refused.  binutils 2.40 ignores -z pack-relative-relocs on
# RISC-V and turns word references to local symbols into R_RISCV_RELATIVE:
# RELR and R_RISCV_32/64 against symbol 0 are covered by the unit tests.
. "$(dirname "$0")/../lib.sh"

P=$top/build/host/kbpayload
K=$top/build/host/kbimage
CC=riscv64-unknown-elf-gcc
LD=riscv64-linux-gnu-ld

have_tools() { [ -x "$P" ] && [ -x "$K" ] && command -v "$CC" > /dev/null && command -v "$LD" > /dev/null; }
if ! have_tools; then
	notok "kbpayload, kbimage (make tools), $CC and $LD are there"
	exit 1
fi

cat > "$TMP/fw.c" <<'C'
/* data pointers (R_RISCV_RELATIVE), one into BSS, a word-sized absolute
 * reference from assembly (abs_ref), BSS */
static int counter;
static int big_bss[300];
static int table[4] = { 1, 2, 3, 4 };
int *ptrs[4] = { &counter, &table[1], &table[3], &big_bss[299] };
const char *msg = "hello";
extern char abs_ref[];
void _start(void)
{
	counter = *ptrs[1] + msg[0] + big_bss[1] + abs_ref[0];
	for (;;)
		;
}
C
# An absolute word (.word / .dword): hidden, the linker resolves it to an
# R_RISCV_RELATIVE; global, it stays a relocation against its symbol.
abs_src() {	# FILE DIRECTIVE HIDDEN(0/1)
	{ printf '\t.data\n\t.globl abs_ref\n'
	  [ "$3" = 1 ] && printf '\t.hidden abs_ref\n'
	  printf 'abs_ref:\n\t%s abs_ref + 4\n' "$2"; } > "$TMP/$1"
}
abs_src abs32.S .word 1
abs_src abs64.S .dword 1
abs_src glob32.S .word 0

build_pie() {	# NAME MARCH MABI EMUL ABS.S
	"$CC" -march="$2" -mabi="$3" -fPIE -O2 -nostdlib -ffreestanding \
		-c "$TMP/fw.c" -o "$TMP/$1.o" &&
	"$CC" -march="$2" -mabi="$3" -c "$TMP/$5" -o "$TMP/$1-abs.o" &&
	"$LD" -m "$4" -pie --no-dynamic-linker -z separate-code \
		-o "$TMP/$1.elf" "$TMP/$1.o" "$TMP/$1-abs.o" 2> "$TMP/$1.ld.err"
}
check "an RV32 static PIE links (rv32imac/ilp32, -m elf32lriscv -pie)" \
	build_pie rv32 rv32imac ilp32 elf32lriscv abs32.S
check "an RV64 static PIE links (rv64imac/lp64, -m elf64lriscv -pie)" \
	build_pie rv64 rv64imac lp64 elf64lriscv abs64.S
check "an RV32 PIE with a global symbol reference links" \
	build_pie glob32 rv32imac ilp32 elf32lriscv glob32.S

# The independent reader: python3 over the ELF file (program and section
# headers, .rela.dyn) and the image kbpayload wrote.
verify() {	# ELF IMAGE BASE
	python3 - "$@" <<'PY'
import struct, sys
elf, img, base = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), int(sys.argv[3], 0)
c32 = elf[4] == 1
w = 4 if c32 else 8
wf = "<I" if c32 else "<Q"
if c32:
    e_phoff, e_shoff = struct.unpack_from("<II", elf, 28)
    e_phentsize, e_phnum, e_shentsize, e_shnum = struct.unpack_from("<HHHH", elf, 42)
else:
    e_phoff, e_shoff = struct.unpack_from("<QQ", elf, 32)
    e_phentsize, e_phnum, e_shentsize, e_shnum = struct.unpack_from("<HHHH", elf, 54)
loads = []
for i in range(e_phnum):
    p = e_phoff + i * e_phentsize
    if c32:
        t, off, va, pa, fsz, msz, fl, al = struct.unpack_from("<8I", elf, p)
    else:
        t, fl, off, va, pa, fsz, msz, al = struct.unpack_from("<IIQQQQQQ", elf, p)
    if t == 1:
        loads.append((off, va, fsz, msz))
lb = min(va for _, va, _, _ in loads) & ~0xfff
assert len(img) == max(va + msz for _, va, _, msz in loads) - lb, (len(img), loads)
want = bytearray(len(img))
for off, va, fsz, msz in loads:
    want[va - lb:va - lb + fsz] = elf[off:off + fsz]
relocs = []
for i in range(e_shnum):
    s = e_shoff + i * e_shentsize
    if c32:
        name, typ, flags, addr, off, size, link, info, align, entsize = struct.unpack_from("<10I", elf, s)
    else:
        name, typ, flags, addr, off, size, link, info, align, entsize = struct.unpack_from("<IIQQQQIIQQ", elf, s)
    if typ == 4:	# SHT_RELA
        for j in range(size // entsize):
            if c32:
                r_off, r_info, r_add = struct.unpack_from("<IIi", elf, off + j * entsize)
                rt, rs = r_info & 0xff, r_info >> 8
            else:
                r_off, r_info, r_add = struct.unpack_from("<QQq", elf, off + j * entsize)
                rt, rs = r_info & 0xffffffff, r_info >> 32
            relocs.append((r_off, rt, rs, r_add))
types = sorted(set(rt for _, rt, _, _ in relocs))
assert types == [3] and len(relocs) >= 5, ("R_RISCV_RELATIVE only, 5 or more", types, len(relocs))
for r_off, rt, rs, r_add in relocs:
    assert rs == 0, ("symbol", rs)
    v = (r_add + base - lb) % (1 << (8 * w))
    struct.pack_into(wf, want, r_off - lb, v)
bad = [i for i in range(len(img)) if img[i] != want[i]]
assert not bad, "%d bytes differ, first at +0x%x: 0x%02x, want 0x%02x" % (len(bad), bad[0], img[bad[0]], want[bad[0]])
print("%d relocations (%s), %d bytes checked" % (len(relocs), types, len(img)), file=sys.stderr)
PY
}

run_payload() {	# NAME ARGS...: kbpayload; stdout $TMP/NAME.out, stderr .err, status .rc
	local n=$1; shift
	"$P" "$@" > "$TMP/$n.out" 2> "$TMP/$n.err"
	echo $? > "$TMP/$n.rc"
}
rc_is() { [ "$(cat "$TMP/$1.rc")" = "$2" ]; }
err_is() { [ "$(cat "$TMP/$1.err")" = "$2" ]; }

for base in 0x80400000 0x20001000; do
	run_payload a32 --xlen 32 --base $base -o "$TMP/rv32-$base.bin" "$TMP/rv32.elf"
	check "kbpayload --xlen 32 loads the RV32 PIE at $base ($(cat "$TMP/a32.err"))" rc_is a32 0
	check "RV32 at $base: segments copied, R_RISCV_RELATIVE words = addend + base, BSS zero ($(verify "$TMP/rv32.elf" "$TMP/rv32-$base.bin" $base 2>&1 | tail -n 1))" \
		verify "$TMP/rv32.elf" "$TMP/rv32-$base.bin" $base
done
check "the layout line names a 32-bit ELF ($(head -n 1 "$TMP/a32.out"))" \
	grep -q '^format elf, 32-bit, link base 0x0' "$TMP/a32.out"
# PT_GNU_RELRO and the segments' permissions, as readelf shows them.
relro_want() {	# ELF: "+0x<vaddr> (0x<memsz> bytes)" of PT_GNU_RELRO (link base 0)
	local va sz
	read -r va sz < <(readelf -lW "$1" | awk '$1 == "GNU_RELRO" { print $3, $6 }')
	printf 'relro: +0x%x (0x%x bytes)\n' "$((va))" "$((sz))"
}
perms_want() {	# ELF: the PT_LOADs' flags, as kbpayload spells them
	readelf -lW "$1" | awk '$1 == "LOAD" { f = ""; for (i = 7; i < NF; i++) f = f $i
		printf "%s%s%s\n", (f ~ /R/) ? "r" : "-", (f ~ /W/) ? "w" : "-", (f ~ /E/) ? "x" : "-" }'
}
check "the RV32 PIE's PT_GNU_RELRO as readelf shows it ($(grep '^relro' "$TMP/a32.out"); readelf: $(relro_want "$TMP/rv32.elf"))" \
	[ "$(grep '^relro' "$TMP/a32.out")" = "$(relro_want "$TMP/rv32.elf")" ]
check "... and the segments' permissions ($(sed -n 's/^segment .*, //p' "$TMP/a32.out" | tr '\n' ' '); readelf: $(perms_want "$TMP/rv32.elf" | tr '\n' ' '))" \
	[ "$(sed -n 's/^segment .*, //p' "$TMP/a32.out")" = "$(perms_want "$TMP/rv32.elf")" ]

run_payload a64 --base 0x80200000 -o "$TMP/rv64.bin" "$TMP/rv64.elf"
check "kbpayload loads the RV64 PIE at 0x80200000 ($(cat "$TMP/a64.err"))" rc_is a64 0
check "RV64 at 0x80200000: the same, with 8-byte words ($(verify "$TMP/rv64.elf" "$TMP/rv64.bin" 0x80200000 2>&1 | tail -n 1))" \
	verify "$TMP/rv64.elf" "$TMP/rv64.bin" 0x80200000

# A relocation against a (global) symbol: not a static PIE.
run_payload g32 --xlen 32 -o "$TMP/g32.bin" "$TMP/glob32.elf"
check "an ELF32 relocation against a symbol is refused ($(cat "$TMP/g32.err"))" \
	grep -q 'payload: relocation [0-9]* refers to symbol [1-9][0-9]*; only static PIEs are supported$' "$TMP/g32.err"

# The class must be the loader's XLEN, both ways; one line each.
run_payload c64 "$TMP/rv32.elf"
check "an ELF32 payload on a 64-bit loader: exit 1 ($(cat "$TMP/c64.rc"))" rc_is c64 1
check "... one line naming both ($(cat "$TMP/c64.err"))" \
	err_is c64 "kbpayload: $TMP/rv32.elf: payload: ELF class ELFCLASS32 (a 32-bit payload), but this loader boots 64-bit payloads"
run_payload c32 --xlen 32 "$TMP/rv64.elf"
check "an ELF64 payload on a 32-bit loader: one line naming both ($(cat "$TMP/c32.err"))" \
	err_is c32 "kbpayload: $TMP/rv64.elf: payload: ELF class ELFCLASS64 (a 64-bit payload), but this loader boots 32-bit payloads"

# Below 4 GiB: the last page is refused (the image is larger than that).
run_payload hi --xlen 32 --base 0xfffff000 -o "$TMP/hi.bin" "$TMP/rv32.elf"
check "an RV32 image at 0xfffff000 is refused: it would end past 4 GiB ($(cat "$TMP/hi.err"))" \
	grep -q 'payload: a 32-bit image at 0xfffff000 (0x[0-9a-f]* bytes) must lie below 4 GiB$' "$TMP/hi.err"

# kbimage packs it; the header says ELF (type 1) and the part is the file.
"$K" -t elf -o "$TMP/rv32.img" "$TMP/rv32.elf" > "$TMP/k.out" 2> "$TMP/k.err"
echo $? > "$TMP/k.rc"
check "kbimage -t elf packs the ELF32 payload ($(cat "$TMP/k.err"))" rc_is k 0
check "the container's type is 1 (ELF) and its payload the ELF32 file" python3 -c '
import struct, sys
img, elf = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
typ, = struct.unpack_from("<I", img, 16)
off, size = struct.unpack_from("<QQ", img, 24)
assert typ == 1 and img[off:off + size] == elf, (typ, off, size)
' "$TMP/rv32.img" "$TMP/rv32.elf"

done_testing
