#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Host tool build/host/kbimage: packs a dummy kernel (random bytes) with an
# initrd and bootargs into a 32 MiB container; the output is checked here by
# an independent reader (python3 hashlib) against the layout in
# loader/include/kaslrboot/container.h; deterministic output; --pad too
# small and unreadable inputs fail with one line (exit 1); bad arguments
# exit 64.  --kaslr-align: the value at offset 168 and type arm64-image for
# an arm64 Image that may be placed anywhere; every other use refused.
# --sbi: OpenSBI's fw_dynamic.elf becomes exactly fw_dynamic.bin in the
# sbi part (offset 172), its footprint (280 KiB for Debian's 1.1) and the
# per-hart size at 220/222; a raw .bin needs --sbi-footprint.
# --image-version N: format version 2 (512-byte header, N at 224, reserved
# bytes zero, digest at 480), checked by the same independent reader.
. "$(dirname "$0")/../lib.sh"

K=$top/build/host/kbimage

if [ ! -x "$K" ]; then
	notok "kbimage is built ($K; make tools)"
	exit 1
fi

pack() {	# ARGS... (stdout to $TMP/out; stderr to $TMP/err, status to $TMP/rc)
	"$K" "$@" > "$TMP/out" 2> "$TMP/err"
	echo $? > "$TMP/rc"
}
rc() { cat "$TMP/rc"; }
one_line_err() {	# the error is exactly one "kbimage: " line
	[ "$(wc -l < "$TMP/err")" = 1 ] && grep -q '^kbimage: ' "$TMP/err"
}

head -c 300001 /dev/urandom > "$TMP/kernel"
head -c 4099 /dev/urandom > "$TMP/initrd"
ARGS="console=ttyS0 root=/dev/ram0 rdinit=/init"

pack -t riscv-image --initrd "$TMP/initrd" --bootargs "$ARGS" --pad 32M \
	-o "$TMP/a.img" "$TMP/kernel"
check "packs kernel + initrd + bootargs into --pad 32M: exit 0 ($(rc): $(cat "$TMP/err"))" \
	[ "$(rc)" = 0 ]
check "the output is exactly 32 MiB ($(stat -c %s "$TMP/a.img" 2>/dev/null) bytes)" \
	[ "$(stat -c %s "$TMP/a.img" 2>/dev/null)" = $((32 << 20)) ]

# Independent reader: every header field, both kinds of hash, alignment,
# contents, and 0xff everywhere outside the header and the parts.
check "header, hashes, alignment, contents and 0xff padding check out (python3)" python3 -c '
import hashlib, struct, sys
img = open(sys.argv[1], "rb").read()
kernel, initrd, args = open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read(), sys.argv[4].encode() + b"\0"
h = img[:256]
assert h[:8] == b"KBIMAGE\0", h[:8]
ver, hsize, typ, flags = struct.unpack_from("<4I", h, 8)
assert (ver, hsize, typ, flags) == (1, 256, 2, 0), (ver, hsize, typ, flags)
parts = [struct.unpack_from("<2Q", h, 24 + 16 * i) for i in range(3)]
want = [kernel, initrd, args]
covered = bytearray(len(img))
covered[:256] = b"\1" * 256
for i, ((off, size), data) in enumerate(zip(parts, want)):
    assert off >= 256 and off % 8 == 0, (i, off)
    assert size == len(data) and img[off:off + size] == data, i
    assert h[72 + 32 * i:104 + 32 * i] == hashlib.sha256(data).digest(), i
    assert not any(covered[off:off + size]), ("overlap", i)
    covered[off:off + size] = b"\1" * size
assert parts[0][0] == 256
assert h[168:224] == bytes(56)
assert h[224:256] == hashlib.sha256(h[:224]).digest()
rest = bytes(b for b, c in zip(img, covered) if not c)
assert rest == b"\xff" * len(rest), "non-0xff byte outside the parts"
' "$TMP/a.img" "$TMP/kernel" "$TMP/initrd" "$ARGS"

pack -t riscv-image --initrd "$TMP/initrd" --bootargs "$ARGS" --pad 32M \
	-o "$TMP/b.img" "$TMP/kernel"
check "a second run is byte-identical (deterministic)" cmp -s "$TMP/a.img" "$TMP/b.img"

# Without --pad: just the content; --pad of exactly that size fits, one
# byte less does not (and leaves no output behind).
pack --initrd "$TMP/initrd" --bootargs "$ARGS" -o "$TMP/c.img" "$TMP/kernel"
content=$(stat -c %s "$TMP/c.img" 2>/dev/null)
# 256 + 300001 -> 300264 (aligned) + 4099 = 304363 -> 304368 + 42 = 304410
check "without --pad the output is the content only (${content:-none} = 304410 bytes)" \
	eval '[ "$(rc)" = 0 ] && [ "${content:-0}" = 304410 ]'
pack --initrd "$TMP/initrd" --bootargs "$ARGS" --pad "$content" -o "$TMP/d.img" "$TMP/kernel"
check "--pad equal to the content size: exit 0, same bytes" \
	eval '[ "$(rc)" = 0 ] && cmp -s "$TMP/c.img" "$TMP/d.img"'
pack --initrd "$TMP/initrd" --bootargs "$ARGS" --pad $((content - 1)) -o "$TMP/e.img" "$TMP/kernel"
check "--pad one byte too small: exit 1, one line, no output ($(cat "$TMP/err"))" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "does not fit" "$TMP/err" && [ ! -e "$TMP/e.img" ]'
pack --pad 256K -o "$TMP/f.img" "$TMP/kernel"
check "--pad 256K for a 300001-byte kernel: exit 1, one line" \
	eval '[ "$(rc)" = 1 ] && one_line_err && [ ! -e "$TMP/f.img" ]'

# Unreadable inputs: exit 1, one line naming the file
pack -o "$TMP/g.img" "$TMP/no-such-kernel"
check "missing kernel: exit 1, one line ($(cat "$TMP/err"))" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "no-such-kernel: No such file" "$TMP/err" && [ ! -e "$TMP/g.img" ]'
pack --initrd "$TMP/no-such-initrd" -o "$TMP/g.img" "$TMP/kernel"
check "missing initrd: exit 1, one line ($(cat "$TMP/err"))" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "no-such-initrd: No such file" "$TMP/err"'
: > "$TMP/empty"
pack -o "$TMP/g.img" "$TMP/empty"
check "empty kernel: exit 1, one line ($(cat "$TMP/err"))" \
	eval '[ "$(rc)" = 1 ] && one_line_err'
pack -o "$TMP/no-such-dir/g.img" "$TMP/kernel"
check "unwritable output: exit 1, one line ($(cat "$TMP/err"))" \
	eval '[ "$(rc)" = 1 ] && one_line_err'

# Types: each name lands in the header
for t in auto:0 elf:1 riscv-image:2 arm64-image:3; do
	pack -t "${t%:*}" -o "$TMP/t.img" "$TMP/kernel"
	check "-t ${t%:*}: type ${t#*:} in the header" eval '[ "$(rc)" = 0 ] &&
		[ "$(od -An -tu4 -j16 -N4 "$TMP/t.img" | tr -d " ")" = "${t#*:}" ]'
done

# --kaslr-align: a relocatable arm64 Image's KASLR alignment at offset 168
# (docs/container.md).  A stand-in Image: the 64-byte header (text_offset
# 0, image_size 64 KiB, flags 0xa: 4K pages, placed anywhere), then noise.
arm64_image() {	# FILE FLAGS
	python3 -c '
import os, struct, sys
hdr = struct.pack("<II3Q3Q4sI", 0x14000000, 0, 0, 0x10000, int(sys.argv[2], 0), 0, 0, 0, b"ARM\x64", 0)
open(sys.argv[1], "wb").write(hdr + os.urandom(4000))
' "$1" "$2"
}
arm64_image "$TMP/arm64" 0xa
arm64_image "$TMP/arm64-low" 0x2		# flags bit 3 clear
field() {	# FILE OFFSET: the 32-bit little-endian field there, decimal
	od -An -tu4 -j"$2" -N4 "$1" | tr -d " "
}
# NAME TYPE ALIGN: packed (exit 0), TYPE and ALIGN in the header, the
# other reserved bytes zero, the summary line says it
aligned_ok() {
	[ "$(rc)" = 0 ] && [ "$(field "$TMP/$1" 16)" = "$2" ] &&
		[ "$(field "$TMP/$1" 168)" = "$3" ] &&
		cmp -s <(dd if="$TMP/$1" bs=1 skip=172 count=52 2>/dev/null) <(head -c 52 /dev/zero) &&
		grep -q "type arm64-image, .*KASLR alignment $(($3 >> 10)) KiB$" "$TMP/out"
}
pack --kaslr-align 64K -o "$TMP/k1.img" "$TMP/arm64"
check "--kaslr-align 64K: type 3 (arm64-image), 0x10000 at offset 168, the rest reserved zero ($(rc): $(cat "$TMP/err"))" \
	aligned_ok k1.img 3 65536
pack -t arm64-image --kaslr-align=0x20000 --pad 1M -o "$TMP/k2.img" "$TMP/arm64"
check "-t arm64-image --kaslr-align=0x20000: 128 KiB ($(rc): $(cat "$TMP/err"))" \
	aligned_ok k2.img 3 131072
pack --kaslr-align 4K -o "$TMP/k3.img" "$TMP/arm64"
check "--kaslr-align 4K (the smallest): 4096 ($(rc): $(cat "$TMP/err"))" aligned_ok k3.img 3 4096
pack --kaslr-align 1M -o "$TMP/k4.img" "$TMP/arm64"
check "--kaslr-align 1M (the largest): 1048576 ($(rc): $(cat "$TMP/err"))" aligned_ok k4.img 3 1048576
pack -t arm64-image -o "$TMP/k5.img" "$TMP/arm64"
check "without --kaslr-align: 0 at offset 168" eval '[ "$(rc)" = 0 ] && [ "$(field "$TMP/k5.img" 168)" = 0 ]'

# refused: exit 1, one line, no output
refused_input() {	# WHAT: exit 1, one line containing WHAT, no output left
	[ "$(rc)" = 1 ] && one_line_err && grep -qF -- "$1" "$TMP/err" && [ ! -e "$TMP/x.img" ]
}
pack --kaslr-align 64K -o "$TMP/x.img" "$TMP/kernel"
check "--kaslr-align on a kernel that is no arm64 Image: exit 1, one line ($(cat "$TMP/err"))" \
	refused_input "--kaslr-align needs an arm64 Image: payload: bad arm64 Image magic"
pack --kaslr-align 64K -o "$TMP/x.img" "$TMP/arm64-low"
check "--kaslr-align on an arm64 Image with flags bit 3 clear: exit 1, one line ($(cat "$TMP/err"))" \
	refused_input "flags bit 3 is clear"

# Bad arguments: one line, exit 64
for args in "-o $TMP/x.img" "$TMP/kernel" "-t bzimage -o $TMP/x.img $TMP/kernel" \
	"--pad 32X -o $TMP/x.img $TMP/kernel" "--pad 0 -o $TMP/x.img $TMP/kernel" \
	"--pad 0x10000000000000000 -o $TMP/x.img $TMP/kernel" "--bogus -o $TMP/x.img $TMP/kernel" \
	"-o $TMP/x.img $TMP/kernel $TMP/kernel" "-o $TMP/x.img $TMP/kernel --initrd"; do
	pack $args
	check "bad arguments (${args//$TMP\//}): exit 64, one line" \
		eval '[ "$(rc)" = 64 ] && one_line_err && [ ! -e "$TMP/x.img" ]'
done
# --kaslr-align: not a power of two in [4K, 1M] (2M is the format's own:
# no option), twice, or for another type: exit 64, one line naming it
for args in "--kaslr-align 2M" "--kaslr-align 4M" "--kaslr-align 2K" "--kaslr-align 0" \
	"--kaslr-align 0x18000" "--kaslr-align 64X" "--kaslr-align 64K --kaslr-align 64K" \
	"-t auto --kaslr-align 64K" "--kaslr-align 64K -t elf" "-t riscv-image --kaslr-align 64K"; do
	pack $args -o "$TMP/x.img" "$TMP/arm64"
	check "bad arguments ($args): exit 64, one line about --kaslr-align ($(cat "$TMP/err"))" \
		eval '[ "$(rc)" = 64 ] && one_line_err && grep -q -- --kaslr-align "$TMP/err" && [ ! -e "$TMP/x.img" ]'
done

# --sbi (docs/m-mode.md): Debian's OpenSBI, if installed (make setup
# installs opensbi).
FWD=/usr/lib/riscv64-linux-gnu/opensbi/generic
sbi_field() {	# FILE OFFSET BYTES: little-endian unsigned field, decimal
	od -An -tu"$3" -j"$2" -N"$3" "$1" | tr -d " "
}
# FILE BIN FP_KIB HART_KIB: the sbi part is BIN, byte for byte, with
# footprint and per-hart size as given; the summary line says so
sbi_ok() {
	local off size
	off=$(sbi_field "$1" 172 8); size=$(sbi_field "$1" 180 8)
	[ "$(rc)" = 0 ] && [ "$size" = "$(stat -c %s "$2")" ] &&
		cmp -s <(tail -c +$((off + 1)) "$1" | head -c "$size") "$2" &&
		python3 - "$1" "$off" "$size" <<'PY' &&
import hashlib, sys
b = open(sys.argv[1], "rb").read(); o, n = int(sys.argv[2]), int(sys.argv[3])
sys.exit(0 if b[188:220] == hashlib.sha256(b[o:o + n]).digest() else 1)
PY
		[ "$(sbi_field "$1" 220 2)" = "$3" ] && [ "$(sbi_field "$1" 222 2)" = "$4" ] &&
		grep -q "sbi $size bytes (footprint $3 KiB + $4 KiB per hart)$" "$TMP/out"
}
if [ -f "$FWD/fw_dynamic.elf" ]; then
	pack --sbi "$FWD/fw_dynamic.elf" --pad 1M -o "$TMP/s1.img" "$TMP/kernel"
	check "--sbi fw_dynamic.elf: the part is fw_dynamic.bin byte for byte, its digest, footprint 280 KiB (OpenSBI 1.1's _fw_end), 8 KiB per hart ($(rc): $(cat "$TMP/err"))" \
		sbi_ok "$TMP/s1.img" "$FWD/fw_dynamic.bin" 280 8
	pack --sbi "$FWD/fw_dynamic.bin" --sbi-footprint 300K --sbi-hart-size 10K -o "$TMP/s2.img" "$TMP/kernel"
	check "--sbi fw_dynamic.bin --sbi-footprint 300K --sbi-hart-size 10K: as given ($(rc): $(cat "$TMP/err"))" \
		sbi_ok "$TMP/s2.img" "$FWD/fw_dynamic.bin" 300 10
	pack --sbi "$FWD/fw_dynamic.bin" -o "$TMP/x.img" "$TMP/kernel"
	check "--sbi fw_dynamic.bin without --sbi-footprint: exit 1, one line asking for it" \
		eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "give --sbi-footprint" "$TMP/err" && [ ! -e "$TMP/x.img" ]'
	pack --sbi "$FWD/fw_dynamic.bin" --sbi-footprint 100K -o "$TMP/x.img" "$TMP/kernel"
	check "--sbi-footprint below the binary's size: exit 1, one line" \
		eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "below its 115328 bytes" "$TMP/err" && [ ! -e "$TMP/x.img" ]'
	pack --sbi "$FWD/fw_dynamic.elf" --sbi-footprint 200K -o "$TMP/x.img" "$TMP/kernel"
	check "--sbi-footprint below the ELF's own: exit 1, one line" \
		eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "below the ELF" "$TMP/err" && [ ! -e "$TMP/x.img" ]'
else
	ok "--sbi # SKIP Debian's opensbi package is not installed ($FWD)"
fi
# Two PT_LOADs with a gap (Debian's has one): laid out at p_vaddr - lowest,
# the gap zero, the footprint the end of the second one's memsz (0x4100
# above the start) rounded up to 4 KiB: 20 KiB.
python3 - "$TMP/two.elf" "$TMP/two.bin" <<'PY'
import struct, sys
s1, s2 = bytes(range(1, 17)), b"\xaa" * 8
eh = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
eh += struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, 0x1000, 64, 0, 0, 64, 56, 3, 64, 0, 0)
ph = struct.pack("<IIQQQQQQ", 1, 5, 0x100, 0x1000, 0x1000, 16, 16, 8)
ph += struct.pack("<IIQQQQQQ", 1, 6, 0x110, 0x3000, 0x3000, 8, 0x2100, 8)
# PT_DYNAMIC (outside the loads: only kbimage reads it): DT_RELA, DT_RELASZ
ph += struct.pack("<IIQQQQQQ", 2, 6, 0x200, 0, 0, 48, 48, 8)
dyn = struct.pack("<QQQQQQ", 7, 0x3000, 8, 24, 0, 0)
f = eh + ph; f += bytes(0x100 - len(f)) + s1 + s2
f += bytes(0x200 - len(f)) + dyn
open(sys.argv[1], "wb").write(f)
nodyn = bytearray(f); nodyn[64 + 2 * 56] = 0	# PT_DYNAMIC -> PT_NULL
open(sys.argv[1] + ".nodyn", "wb").write(nodyn)
norel = bytearray(f); norel[0x200 + 24] = 0	# DT_RELASZ = 0
open(sys.argv[1] + ".norel", "wb").write(norel)
open(sys.argv[2], "wb").write(s1 + bytes(0x2000 - 16) + s2)
PY
pack --sbi "$TMP/two.elf" -o "$TMP/s3.img" "$TMP/kernel"
check "--sbi with a two-segment ELF: segments at their p_vaddr offsets, gap zero, footprint 20 KiB ($(rc): $(cat "$TMP/err"))" \
	sbi_ok "$TMP/s3.img" "$TMP/two.bin" 20 8
for v in nodyn norel; do
	pack --sbi "$TMP/two.elf.$v" -o "$TMP/x.img" "$TMP/kernel"
	check "--sbi with an ELF that cannot relocate itself ($v): exit 1, one line" \
		eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "no dynamic relocations (PT_DYNAMIC with DT_RELA and DT_RELASZ): not a self-relocating OpenSBI" "$TMP/err" && [ ! -e "$TMP/x.img" ]'
done
printf '\177ELF\001\001' > "$TMP/notelf"; head -c 100 /dev/zero >> "$TMP/notelf"
pack --sbi "$TMP/notelf" -o "$TMP/x.img" "$TMP/kernel"
check "--sbi with an ELF32 file: exit 1, one line" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "not a little-endian ELF64 for RISC-V" "$TMP/err" && [ ! -e "$TMP/x.img" ]'
for args in "--sbi-footprint 300K" "--sbi $TMP/kernel --sbi-footprint 300" "--sbi $TMP/kernel --sbi-footprint 64M" \
	"--sbi $TMP/kernel --sbi-hart-size 0" "--sbi $TMP/kernel --sbi $TMP/kernel"; do
	pack $args -o "$TMP/x.img" "$TMP/kernel"
	check "bad arguments (${args//$TMP\//}): exit 64, one line" \
		eval '[ "$(rc)" = 64 ] && one_line_err && [ ! -e "$TMP/x.img" ]'
done

# --image-version: format version 2, read by an independent reader.
pack --image-version 0x1234567890 --initrd "$TMP/initrd" --bootargs "$ARGS" -o "$TMP/v2.img" "$TMP/kernel"
v2_ok() {	# FILE VERSION [noinitrd]: a well-formed version 2 header carrying VERSION
	python3 - "$1" "$2" "$TMP/kernel" "$TMP/initrd" ${3:+noinitrd} <<'PY'
import hashlib, struct, sys
b = open(sys.argv[1], "rb").read()
k, i = open(sys.argv[3], "rb").read(), open(sys.argv[4], "rb").read()
ok = b[:8] == b"KBIMAGE\0" and struct.unpack_from("<II", b, 8) == (2, 512)
ok &= struct.unpack_from("<Q", b, 224)[0] == int(sys.argv[2], 0)
ok &= b[232:480] == bytes(248)
ok &= hashlib.sha256(b[:480]).digest() == b[480:512]
po, ps = struct.unpack_from("<QQ", b, 24)
io, isz = struct.unpack_from("<QQ", b, 40)
ok &= po == 512 and b[po:po + ps] == k and hashlib.sha256(k).digest() == b[72:104]
ok &= (io, isz) == (0, 0) if len(sys.argv) > 5 else io >= 512 and b[io:io + isz] == i
sys.exit(0 if ok else 1)
PY
}
check "--image-version 0x1234567890: version 2, 512-byte header, the version at 224, reserved zero, digest at 480 ($(rc): $(cat "$TMP/err"))" \
	v2_ok "$TMP/v2.img" 0x1234567890
check "--image-version: the summary line names it" grep -q ", image version 78187493520" "$TMP/out"
pack --image-version 18446744073709551615 -o "$TMP/v2max.img" "$TMP/kernel"
check "--image-version 2^64-1 ($(rc): $(cat "$TMP/err"))" v2_ok "$TMP/v2max.img" 18446744073709551615 noinitrd
pack --image-version 010 -o "$TMP/v2dec.img" "$TMP/kernel"
check "--image-version 010 is decimal 10, not octal ($(rc): $(cat "$TMP/err"))" v2_ok "$TMP/v2dec.img" 10 noinitrd
for args in "--image-version -1" "--image-version x" "--image-version 18446744073709551616" \
	"--image-version 1 --image-version 2" "--image-version ''" "--image-version 12k"; do
	eval "pack $args -o \"\$TMP/x.img\" \"\$TMP/kernel\""
	check "bad arguments ($args): exit 64, one line ($(cat "$TMP/err"))" \
		eval '[ "$(rc)" = 64 ] && one_line_err && [ ! -e "$TMP/x.img" ]'
done

done_testing
