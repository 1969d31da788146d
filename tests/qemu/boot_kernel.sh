#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU: whole boots of the test kernel through kaslrboot: random, valid run
# addresses; relocations, BSS and seeds checked by the kernel itself;
# nokaslr; corrupted containers; initrd; the Image variant; ET_EXEC refused.
. "$(dirname "$0")/../lib.sh"

TK=$O/testkernel
plan_addr() { sed -n 's/^kaslrboot: plan: kernel .* base \(0x[0-9a-f]*\)[, ].*/\1/p' "$(log_of "$1")"; }
kernel_ok() { kernel_done "$1"; }

addrs=()
bad=0
for i in $(seq 1 20); do
	boot "k$i"
	a=$(run_addr "k$i")
	addrs+=("$a")
	if [ "$(rc_of "k$i")" = 0 ] && kernel_ok "k$i" && [ -n "$a" ] &&
	   [ "$a" = "$(plan_addr "k$i")" ] && [ $(( a % 0x1000 )) = 0 ] &&
	   grep -qE '^testkernel: kaslr-seed 0x[0-9a-f]{16}$' "$(log_of "k$i")" &&
	   ! grep -q '^testkernel: kaslr-seed 0x0000000000000000' "$(log_of "k$i")" &&
	   has "k$i" 'testkernel: rng-seed 64 bytes'; then
		:
	else
		bad=$((bad + 1)); echo "boot $i:"; tail -n 25 "$(log_of "k$i")"
	fi
done
check "20 boots: kernel ran where the loader planned, relocations/BSS/seeds ok ($bad bad)" [ $bad = 0 ]
distinct=$(printf '%s\n' "${addrs[@]}" | sort -u | grep -c .)
check "20 boots gave $distinct distinct run addresses (want >= 18)" [ "$distinct" -ge 18 ]

for i in 1 2 3; do boot "n$i" BOOTARGS="nokaslr"; done
check "nokaslr: same address on 3 boots ($(run_addr n1))" \
	same "$(run_addr n1)" "$(run_addr n2)" "$(run_addr n3)"
check "nokaslr: no kaslr-seed reaches the kernel" has n1 'testkernel: kaslr-seed absent'
check "nokaslr: rng-seed still written" has n1 'testkernel: rng-seed 64 bytes'
check "nokaslr: kernel checks pass" kernel_ok n1

# The Linux RISC-V Image form of the same kernel
boot image PAYLOAD="$TK/testkernel.Image"
image_ok() {
	kernel_ok image && [ -n "$(run_addr image)" ] &&
		[ $(( $(run_addr image) % 0x200000 )) = 0 ] && has image 'testkernel: format image'
}
check "RISC-V Image payload: boots, 2 MiB-aligned" image_ok

# initrd: placed in RAM, reported to the kernel, intact
head -c $((1 << 20)) /dev/urandom > "$TMP/initrd"
boot initrd INITRD="$TMP/initrd"
first8=$(od -An -tx1 -N8 "$TMP/initrd" | tr -d ' \n')
check "initrd: the kernel sees it, 1048576 bytes, contents intact" \
	grep -qE "^testkernel: initrd 0x[0-9a-f]+-0x[0-9a-f]+ 1048576 bytes, first 8 bytes $first8" "$(log_of initrd)"

# Corrupted containers: the matching error, and the kernel never runs
make -s -C "$top" O="$O" "$O/payload.img" >/dev/null 2>&1
img=$O/payload.img
corrupt() {	# NAME OFFSET WANT
	cp "$img" "$TMP/$1.img"
	printf '\x5a' | dd of="$TMP/$1.img" bs=1 seek="$2" conv=notrunc status=none
	boot "$1" PAYLOAD_IMG="$TMP/$1.img"
	if refused "$1" "$3"; then
		ok "$1: rejected with \"$3\", kernel never entered"
	else
		notok "$1: expected \"$3\""; tail -n 5 "$(log_of "$1")"
	fi
}
corrupt payload-byte 4096 'container: payload SHA-256 mismatch'
corrupt header-byte 40 'container: header SHA-256 mismatch'
# truncated: cut inside the payload, the rest reads as erased flash
head -c 8192 "$img" > "$TMP/trunc.img"
python3 -c "import sys; sys.stdout.buffer.write(b'\xff' * ($(stat -c %s "$img") - 8192))" >> "$TMP/trunc.img"
boot trunc PAYLOAD_IMG="$TMP/trunc.img"
check "truncated container: rejected, kernel never entered" \
	refused trunc 'container: payload SHA-256 mismatch'

# ET_EXEC cannot be randomized: refused
cp "$TK/testkernel.elf" "$TMP/exec.elf"
printf '\x02' | dd of="$TMP/exec.elf" bs=1 seek=16 conv=notrunc status=none
boot exec PAYLOAD="$TMP/exec.elf"
check "ET_EXEC payload: refused, kernel never entered" \
	refused exec 'payload: ELF type ET_EXEC is not relocatable'

done_testing
