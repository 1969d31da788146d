#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU: the loader never writes into a reservation, and two memory nodes
# that meet are one stretch of RAM.
#  - A /reserved-memory no-map node right behind the device tree, filled
#    with a pattern: the tree cannot grow in place, so the loader moves it
#    to a window of its own and hands that address over; the reserved bytes
#    are unchanged (read from outside with the QEMU monitor) and the kernel
#    boots with its seeds.  The same node 1 MiB further away: in place.
#  - Two adjacent 256 MiB NUMA nodes and a RISC-V Image whose image_size
#    (300 MiB) only fits across the boundary: it boots every time.
. "$(dirname "$0")/../lib.sh"

BOARD_NAME=qemu-virt-riscv64
kernel_ok() {	# its checks passed, the device tree's among them
	has "$1" 'testkernel: relocations ok' && has "$1" 'testkernel: bss ok' &&
		has "$1" 'testkernel: dtb checked' && ! grep -q 'testkernel: FAIL' "$(log_of "$1")"
}
dtb_of() { sed -n 's/^kaslrboot: dtb: \(0x[0-9a-f]*\), \([0-9]*\) bytes.*/\1 \2/p' "$(log_of "$1")"; }
kernel_dtb() { sed -n 's/^testkernel: format .*, dtb \(0x[0-9a-f]*\)$/\1/p' "$(log_of "$1")"; }

# ---- a reservation right behind the blob ----------------------------

qemu-system-riscv64 -M virt,dumpdtb="$TMP/virt.dtb" -m 512M -nographic >/dev/null 2>&1
dtc -q -I dtb -O dts -o "$TMP/virt.dts" "$TMP/virt.dtb"
# A tree with a no-map reservation at RESV (4 KiB), QEMU's own otherwise.
with_resv() {	# RESV OUT.dtb
	python3 - "$TMP/virt.dts" "$1" > "$TMP/resv.dts" <<'PY'
import re, sys
dts, at = open(sys.argv[1]).read(), int(sys.argv[2], 16)
node = ("\treserved-memory {\n\t\t#address-cells = <0x02>;\n\t\t#size-cells = <0x02>;\n\t\tranges;\n"
        "\t\tpattern@%x {\n\t\t\treg = <0x00 0x%x 0x00 0x1000>;\n\t\t\tno-map;\n\t\t};\n\t};\n" % (at, at))
i = dts.rindex("};")	# the root node's end: subnodes follow properties
sys.stdout.write(dts[:i] + node + dts[i:])
PY
	dtc -q -I dts -O dtb -o "$2" "$TMP/resv.dts"
}
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 7 + 3) & 0xff for i in range(4096)))' > "$TMP/pattern.bin"

# First learn where OpenSBI puts the tree and how large it is then.
with_resv 0x90000000 "$TMP/probe.dtb"
boot probe QEMU_EXTRA="-dtb $TMP/probe.dtb"
read -r dtb size <<< "$(dtb_of probe)"
probe_ok() { [ "$(rc_of probe)" = 0 ] && [ -n "$size" ] && kernel_ok probe; }
check "probe: boots with the extra reservation node (dtb $dtb, $size bytes)" probe_ok
# right behind the blob's end (16-aligned): inside the 8 KiB it grows into,
# where the seeds and the command line would land
resv=$(printf '0x%x' $(( (dtb + size + 0xf) & ~0xf )))

with_resv "$resv" "$TMP/behind.dtb"
# (a long command line: whatever slack the blob has, /chosen outgrows it)
pad=$(printf 'x%.0s' $(seq 1 1500))
boot_waiting behind "$BOARD_NAME" BOOTARGS_EXTRA="console=ttyS0 kaslrboot.pad=$pad" \
	QEMU_EXTRA="-dtb $TMP/behind.dtb -device loader,file=$TMP/pattern.bin,addr=$resv,force-raw=on"
monitor_dump behind "$resv" 4096 "$TMP/behind.dump"
check "reservation at $resv, right behind the $size-byte tree at $dtb: the tree moves" \
	grep -qE "^kaslrboot: dtb: room to grow in place: $dtb-0x[0-9a-f]+ overlaps reserved-memory /reserved-memory/pattern@${resv#0x}: the tree moves to a window of its own$" "$(log_of behind)"
moved=$(sed -n 's/^kaslrboot: plan: dtb .* base \(0x[0-9a-f]*\),.*/\1/p' "$(log_of behind)")
moved_ok() {
	[ -n "$moved" ] && [ "$(kernel_dtb behind)" = "$moved" ] && [ "$moved" != "$dtb" ] &&
		has behind 'testkernel: waiting' && kernel_ok behind &&
		grep -qE '^testkernel: kaslr-seed 0x[0-9a-f]{16}$' "$(log_of behind)" &&
		has behind 'testkernel: rng-seed 64 bytes'
}
check "the moved tree ($moved) is handed over and the kernel checks it, with its seeds" moved_ok
check "the 4 KiB reserved at $resv are unchanged after handoff (read with pmemsave)" \
	cmp -s "$TMP/behind.dump" "$TMP/pattern.bin"

# Far enough away: the tree grows in place as before.
far=$(printf '0x%x' $((dtb + 0x100000)))
with_resv "$far" "$TMP/far.dtb"
boot far QEMU_EXTRA="-dtb $TMP/far.dtb"
far_ok() { kernel_ok far && [ "$(kernel_dtb far)" = "$dtb" ] && ! has far 'the tree moves'; }
check "reservation 1 MiB away: the tree grows in place at $dtb" far_ok

# ---- adjacent memory nodes --------------------------------------------

# The test kernel's Image, told it needs 300 MiB: with 2 x 256 MiB nodes
# at 0x80000000 and 0x90000000, every window crosses 0x90000000.
python3 - "$O/testkernel/testkernel.Image" "$TMP/big.Image" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<Q", b, 16, 300 << 20)
open(sys.argv[2], "wb").write(b)
PY
numa="-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M"
numa="$numa -numa node,memdev=m0,cpus=0 -numa node,memdev=m1,cpus=1"
bad=0
for i in 1 2 3; do
	boot "numa$i" QEMU_SMP=2 QEMU_EXTRA="$numa" PAYLOAD="$TMP/big.Image"
	base=$(sed -n 's/^kaslrboot: plan: kernel .* base \(0x[0-9a-f]*\),.*/\1/p' "$(log_of "numa$i")")
	if [ "$(rc_of "numa$i")" = 0 ] && kernel_ok "numa$i" && [ -n "$base" ] &&
	   [ $((base)) -lt $((0x90000000)) ] && [ $((base + (300 << 20))) -gt $((0x90000000)) ]; then
		:
	else
		bad=$((bad + 1)); tail -n 20 "$(log_of "numa$i")"
	fi
done
check "two adjacent NUMA nodes: a 300 MiB Image crossing 0x90000000 boots 3 of 3 times ($bad bad)" [ $bad = 0 ]
check "the two nodes are printed as one merged range" \
	grep -qE '^kaslrboot:   mem   0x0000000080000000-0x00000000a0000000  512 MiB  /memory@80000000 \(\+1 merged\)$' "$(log_of numa1)"

done_testing
