#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# arm64, with Debian's own kernel as the outside judge: a plain DT boot
# (no EFI) through kaslrboot, -M virt,dtb-randomness=off -cpu cortex-a57 so
# kaslrboot is the only source of seeds.  The initramfs prints the kernel's
# view: its KASLR line, /proc/iomem "Kernel code", /chosen/kaslr-seed.
O=${O_AARCH64:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-aarch64}
. "$(dirname "$0")/../lib.sh"
DEB=$top/build/debian-arm64
"$top/tests/debian/fetch.sh" "$DEB" > "$TMP/fetch.log" 2>&1 ||
	{ notok "fetch Debian's arm64 kernel and busybox"; cat "$TMP/fetch.log"; exit 1; }
ok "fetched: $(tail -n 1 "$TMP/fetch.log" | sed 's/^debian-fetch: //; s/ ->.*//')"

code_base() { sed -n 's/^debian-init: iomem \([0-9a-f]*\)-[0-9a-f]* : Kernel code$/\1/p' "$(log_of "$1")"; }
dboot() {	# NAME BOOTARGS
	QEMU_TIMEOUT=60 boot "$1" BOARD=qemu-virt-aarch64 PAYLOAD="$DEB/Image" INITRD="$DEB/initramfs.cpio" \
		BOOTARGS="console=ttyAMA0 $2"
}

bases=()
for i in 1 2 3 4 5; do
	dboot "d$i" ""
	b=$(code_base "d$i")
	bases+=("$b")
	if grep -q 'debian-init: done' "$(log_of "d$i")" &&
	   grep -q 'KASLR enabled' "$(log_of "d$i")" && [ -n "$b" ] &&
	   [ $(( (0x$b - 0x10000) % 0x200000 )) = 0 ] &&
	   grep -q 'debian-init: chosen/kaslr-seed 0000000000000000' "$(log_of "d$i")"; then
		ok "boot $i: Linux says \"KASLR enabled\", Kernel code at 0x$b (2 MiB-aligned base), kaslr-seed consumed"
	else
		notok "boot $i"; grep -a 'kaslrboot:\|debian-init\|KASLR' "$(log_of "d$i")" | tail -n 25
	fi
done
distinct=$(printf '%s\n' "${bases[@]}" | grep . | sort -u | wc -l)
echo "# physical Kernel code bases: ${bases[*]}"
check "5 boots: $distinct distinct physical bases (want >= 4)" [ "$distinct" -ge 4 ]

for i in 1 2; do dboot "n$i" "nokaslr"; done
check "nokaslr: Linux reports KASLR disabled on the command line" \
	grep -q 'KASLR disabled on command line' "$(log_of n1)"
check "nokaslr: same physical base twice (0x$(code_base n1))" eval \
	'[ -n "$(code_base n1)" ] && [ "$(code_base n1)" = "$(code_base n2)" ]'
# nokaslr=1: kaslrboot goes by the parameter name, as the EFI stub does:
# the same fixed base, no kaslr-seed.  With no seed and no RNDR
# (cortex-a57) Linux stays unrandomized; 6.1 prints "KASLR disabled on
# command line" only for a whole "nokaslr" token, so here it blames the
# missing seed (see docs/placement.md).
dboot v1 "nokaslr=1"
check "nokaslr=1: same physical base as nokaslr, no kaslr-seed, Linux ran unrandomized" eval \
	'[ -n "$(code_base v1)" ] && [ "$(code_base v1)" = "$(code_base n1)" ] &&
	 grep -q "debian-init: chosen/kaslr-seed absent" "$(log_of v1)" &&
	 grep -q "KASLR disabled due to lack of seed" "$(log_of v1)" &&
	 grep -q "debian-init: done" "$(log_of v1)"'
check "with an initrd: the initramfs ran" grep -q 'debian-init: done' "$(log_of d1)"

done_testing
