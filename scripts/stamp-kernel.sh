#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# scripts/stamp-kernel.sh ARCH IMAGE OUT : a "stamp" copy of a Linux Image
# for `make bench`: the same bytes, the same header (text_offset,
# image_size, flags), so a loader hashes, copies and places exactly what it
# would for the real kernel, but the kernel's first instructions are
# replaced by a routine that reads the guest's counter, prints
#     stamp: counter 0x<hex> freq 0x<hex>
# on the UART (MMU off: physical addresses) and powers the machine off.
#   arm64:   code1 (offset 4) branches to primary_entry; the routine
#            overwrites the first instructions there.  CNTVCT_EL0 /
#            CNTFRQ_EL0, PL011 at 0x09000000, PSCI SYSTEM_OFF through hvc
#            at EL1, smc at EL2 (how QEMU virt emulates PSCI for -kernel
#            and for -bios without EL3).
#   riscv64: code0/code1 (offsets 0 and 4) jump over the header; the
#            routine overwrites the instructions at that target.  rdtime
#            (no frequency CSR: freq prints 0), ns16550 at 0x10000000,
#            SBI SRST shutdown.
set -euo pipefail
arch=$1 img=$2 out=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
case $arch in
arm64)
	cat > "$tmp/s.S" <<'ASM'
	isb
	mrs	x0, cntvct_el0
	mrs	x9, cntfrq_el0
	mov	x1, #0x09000000
	adr	x10, msg0
	bl	puts
	bl	puthex
	adr	x10, msg1
	bl	puts
	mov	x0, x9
	bl	puthex
	mov	w3, #'\n'
	strb	w3, [x1]
	mov	w0, #0x0008
	movk	w0, #0x8400, lsl #16
	mrs	x3, CurrentEL
	cmp	x3, #8
	b.eq	1f
	hvc	#0
1:	smc	#0
2:	wfi
	b	2b
puthex:				// x0, 16 digits
	mov	x2, #60
3:	lsr	x3, x0, x2
	and	x3, x3, #0xf
	add	x4, x3, #'0'
	add	x5, x3, #('a' - 10)
	cmp	x3, #10
	csel	x3, x4, x5, lt
	strb	w3, [x1]
	subs	x2, x2, #4
	b.ge	3b
	ret
puts:				// x10: NUL-terminated
	ldrb	w3, [x10], #1
	cbz	w3, 4f
	strb	w3, [x1]
	b	puts
4:	ret
msg0:	.asciz "stamp: counter 0x"
msg1:	.asciz " freq 0x"
ASM
	tc=aarch64-linux-gnu- ;;
riscv64)
	cat > "$tmp/s.S" <<'ASM'
	.option norvc
	rdtime	s0
	li	s1, 0
	li	s2, 0x10000000
	lla	s3, msg0
	jal	puts
	mv	a0, s0
	jal	puthex
	lla	s3, msg1
	jal	puts
	mv	a0, s1
	jal	puthex
	li	t0, '\n'
	sb	t0, 0(s2)
	li	a7, 0x53525354
	li	a6, 0
	li	a0, 0
	li	a1, 0
	ecall
1:	wfi
	j	1b
puthex:
	li	t1, 60
2:	srl	t0, a0, t1
	andi	t0, t0, 15
	li	t2, 10
	blt	t0, t2, 3f
	addi	t0, t0, 'a' - 10 - '0'
3:	addi	t0, t0, '0'
	sb	t0, 0(s2)
	addi	t1, t1, -4
	bgez	t1, 2b
	ret
puts:
	lbu	t0, 0(s3)
	beqz	t0, 5f
	sb	t0, 0(s2)
	addi	s3, s3, 1
	j	puts
5:	ret
msg0:	.asciz "stamp: counter 0x"
msg1:	.asciz " freq 0x"
ASM
	tc=riscv64-linux-gnu- ;;
*) echo "stamp-kernel: unknown arch $arch" >&2; exit 1 ;;
esac
# Linked at 0, so PC-relative references are resolved (the routine is
# position-independent: it runs wherever the loader put the kernel).
"${tc}as" -o "$tmp/s.o" "$tmp/s.S"
"${tc}ld" -Ttext=0 -e 0 -o "$tmp/s.elf" "$tmp/s.o"
"${tc}objcopy" -O binary -j .text "$tmp/s.elf" "$tmp/s.bin"
/usr/bin/python3 - "$arch" "$img" "$tmp/s.bin" "$out" <<'PY'
import struct, sys
arch, img, stamp, out = sys.argv[1:]
b = bytearray(open(img, "rb").read()); s = open(stamp, "rb").read()
def b_target(off):	# arm64 B imm26 at off
    w = struct.unpack_from("<I", b, off)[0]
    assert w >> 26 == 0b000101, "offset %d: not a B instruction (%08x)" % (off, w)
    imm = w & 0x3ffffff
    if imm & (1 << 25): imm -= 1 << 26
    return off + 4 * imm
if arch == "arm64":
    assert b[56:60] == b"ARM\x64", "not an arm64 Image"
    t = b_target(4)
else:
    assert b[48:56] == b"RISCV\0\0\0" or b[56:60] == b"RSC\x05", "not a RISC-V Image"
    # code0 is "j entry" (JAL x0) or, with an EFI header, "c.li s4,-13; j entry"
    for off in (0, 2, 4):
        w = struct.unpack_from("<I", b, off)[0]
        if w & 0xfff == 0x06f:	# jal x0
            imm = ((w >> 31) << 20) | (((w >> 12) & 0xff) << 12) | (((w >> 20) & 1) << 11) | (((w >> 21) & 0x3ff) << 1)
            if imm & (1 << 20): imm -= 1 << 21
            t = off + imm; break
    else:
        raise SystemExit("stamp-kernel: no jump to the entry in the RISC-V header")
assert 64 <= t and t + len(s) <= len(b), "entry target 0x%x out of the file" % t
b[t:t + len(s)] = s
open(out, "wb").write(b)
print("stamp-kernel: %s: %d-byte routine at file offset 0x%x (the kernel's entry), %d bytes" % (arch, len(s), t, len(b)))
PY
