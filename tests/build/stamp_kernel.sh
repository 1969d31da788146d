#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/stamp-kernel.sh (make bench's "stamp" kernel copy) on synthetic
# Images laid out as Debian's are: only the bytes at the kernel's entry
# change, the header and the size stay, and the stamp, booted by QEMU
# directly, prints the counter and its frequency and powers off.
. "$(dirname "$0")/../lib.sh"
mk() {	# ARCH OUT: a 1 MiB Image whose header branches to 0x10000
	/usr/bin/python3 - "$1" "$2" <<'PY'
import struct, sys
arch, out = sys.argv[1:]
b = bytearray((i * 7 + 3) & 0xff for i in range(1 << 20))
b[:64] = bytes(64)
if arch == "arm64":
    struct.pack_into("<II", b, 0, 0x91005a4d, 0x14000000 | ((0x10000 - 4) // 4))	# add x13,x18,#0x16; b
    struct.pack_into("<QQQ", b, 8, 0, len(b), 0xa)
    b[56:60] = b"ARM\x64"
else:	# Debian's: c.li s4,-13 ("MZ") at 0, jal x0 at 2
    off = 0x10000 - 2
    jal = (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (((off >> 12) & 0xff) << 12) | 0x6f
    struct.pack_into("<HI", b, 0, 0x5a4d, jal)
    struct.pack_into("<QQ", b, 8, 0x200000, len(b))
    b[48:56] = b"RISCV\0\0\0"; b[56:60] = b"RSC\x05"
open(out, "wb").write(b)
PY
}
# A B: same size, every differing byte in [0x10000, 0x10100)
only_entry_changed() {
	[ "$(stat -c %s "$1")" = "$(stat -c %s "$2")" ] &&
		cmp -l "$1" "$2" | awk '{ o = $1 - 1; if (o < 65536 || o >= 65536 + 256) bad = 1; n++ }
			END { exit (bad || n < 16) }'
}
for a in arm64 riscv64; do
	mk $a "$TMP/$a.img"
	check "$a: stamp made" eval '"$top/scripts/stamp-kernel.sh" $a "$TMP/$a.img" "$TMP/$a.stamp" > "$TMP/$a.out"'
	check "$a: the routine at the header's branch target (0x10000), nothing else changed" \
		only_entry_changed "$TMP/$a.img" "$TMP/$a.stamp"
done
head -c 4096 /dev/zero > "$TMP/zero.img"
check "not an Image: refused" eval '! "$top/scripts/stamp-kernel.sh" arm64 "$TMP/zero.img" "$TMP/zero.stamp" 2>/dev/null'

# The stamp run by QEMU itself (-kernel): the line make bench reads.
timeout 30 qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256M -nographic -nic none \
	-kernel "$TMP/arm64.stamp" -icount shift=0,sleep=off < /dev/null 2>/dev/null | tr -d '\r' > "$TMP/a.log"
check "arm64 stamp: prints the counter and CNTFRQ 62.5 MHz (16 instructions per tick), powers off" \
	grep -q '^stamp: counter 0x[0-9a-f]\{16\} freq 0x0000000003b9aca0$' "$TMP/a.log"
timeout 30 qemu-system-riscv64 -M virt -m 256M -nographic -bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin \
	-kernel "$TMP/riscv64.stamp" -icount shift=0,sleep=off < /dev/null 2>/dev/null | tr -d '\r' > "$TMP/r.log"
check "riscv64 stamp: prints the counter after OpenSBI, powers off through SBI SRST" \
	grep -q '^stamp: counter 0x[0-9a-f]\{16\} freq 0x0000000000000000$' "$TMP/r.log"
done_testing
