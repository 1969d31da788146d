#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU: `make run` plumbing (BOOTARGS, QEMU_EXTRA, timeout) and a malformed
# device tree handed over by the firmware, rejected with its one-line error.
. "$(dirname "$0")/../lib.sh"

boot bootargs BOOTARGS='console=ttyS0 "quoted arg" nokaslr'
check "BOOTARGS travels in the container" \
	grep -qF 'kaslrboot: bootargs from the container: "console=ttyS0 "quoted arg" nokaslr"' "$(log_of bootargs)"
check "BOOTARGS reaches the kernel's /chosen/bootargs" \
	grep -qF 'testkernel: bootargs "console=ttyS0 \x22quoted arg\x22 nokaslr"' "$(log_of bootargs)"
boot plain
boot v2 IMAGE_VERSION=0x1234567890
check "a format version 2 container boots" kernel_done v2
check "its image version is logged" has v2 'kaslrboot: container: format version 2, image version 78187493520'
check "a version 1 container logs no image version" eval '! has plain "image version"'
check "plain boot: no bootargs in the dtb" grep -qF 'kaslrboot: bootargs in the dtb: (none)' "$(log_of plain)"
# Without a payload (PAYLOAD_IMG empty) -append still fills /chosen/bootargs
boot append PAYLOAD_IMG= BOOTARGS='console=ttyS0 quiet'
check "no payload: -append reaches /chosen/bootargs" \
	grep -qF 'kaslrboot: bootargs in the dtb: "console=ttyS0 quiet"' "$(log_of append)"
check "no payload: the container step stops the boot" \
	grep -q 'kaslrboot: error: container: ' "$(log_of append)"
check "plain boot: one log line per step, all prefixed" \
	grep -qE '^kaslrboot: memory map: 1 memory range\(s\), 5 reservation\(s\)$' "$(log_of plain)"

# A guest that never powers off: QEMU started paused (-S) must be killed
QEMU_TIMEOUT=3 boot hang QEMU_EXTRA=-S
check "make run fails after its timeout instead of hanging (rc $(rc_of hang))" \
	[ "$(rc_of hang)" != 0 ]
check "timeout is reported" grep -q 'timed out after 3s' "$(log_of hang)"

# Malformed trees passed by the firmware (QEMU -dtb): the loader must stop
# with the matching error and boot nothing.
qemu-system-riscv64 -M virt,dumpdtb="$TMP/virt.dtb" -m 512M -nographic >/dev/null 2>&1
bad_dtb() {	# NAME EXPECTED-ERROR fdtput-args...
	local name=$1 want=$2; shift 2
	cp "$TMP/virt.dtb" "$TMP/$name.dtb"
	fdtput "$TMP/$name.dtb" "$@" || { notok "$name: fdtput $*"; return; }
	boot "$name" PAYLOAD_IMG= QEMU_EXTRA="-dtb $TMP/$name.dtb"
	if [ "$(rc_of "$name")" != 0 ] &&
	   grep -qF "kaslrboot: error: $want" "$(log_of "$name")" &&
	   grep -qF 'kaslrboot: halted: nothing was booted' "$(log_of "$name")"; then
		ok "$name: rejected with \"$want\""
	else
		notok "$name: expected \"kaslrboot: error: $want\""
		tail -n 5 "$(log_of "$name")"
	fi
}
bad_dtb reg12 'dtb: /memory@80000000: reg length 12' -t x /memory@80000000 reg 0 80000000 0
bad_dtb cells3 'dtb: /: #address-cells' -t x / '#address-cells' 3

# /chosen/bootargs that is not a terminated string: ignored, said so, its
# bytes (here "nokaslr" without a NUL) do not turn KASLR off, and it is
# removed, so the kernel does not get what the loader ignored
cp "$TMP/virt.dtb" "$TMP/unterminated.dtb"
fdtput -t bx "$TMP/unterminated.dtb" /chosen bootargs 6e 6f 6b 61 73 6c 72
boot unterminated QEMU_EXTRA="-dtb $TMP/unterminated.dtb"
unterminated_ok() {
	has unterminated 'kaslrboot: bootargs in the dtb: (not a terminated string: ignored, and removed before handoff)' &&
		has unterminated 'kaslrboot: KASLR: on' && has unterminated ', malformed bootargs removed' &&
		has unterminated 'testkernel: bootargs absent' && kernel_done unterminated
}
check "unterminated /chosen/bootargs: ignored with its one line, KASLR stays on, removed, the kernel runs" \
	unterminated_ok

done_testing
