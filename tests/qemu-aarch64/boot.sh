#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# arm64 board with the project's test kernel: distinct addresses,
# relocations/BSS/seeds checked by the kernel; the TRNG paths (virtio-rng on
# cortex-a57, RNDRRS on -cpu max, none); entry at EL2; the loader's MMU and
# caches on while it works, off for the kernel.
O=${O_AARCH64:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-aarch64}
. "$(dirname "$0")/../lib.sh"

kernel_ok() {
	kernel_done "$1" &&
		grep -qE '^testkernel: kaslr-seed 0x[0-9a-f]{16}$' "$(log_of "$1")" &&
		has "$1" 'testkernel: rng-seed 64 bytes'
}

addrs=()
for i in 1 2 3 4 5 6; do
	boot "a$i" BOARD=qemu-virt-aarch64
	addrs+=("$(run_addr "a$i")")
	kernel_ok "a$i" || { notok "arm64 boot $i"; tail -n 20 "$(log_of "a$i")"; }
done
# NAME EL: the loader ran on its identity map with the MMU, D-cache and
# I-cache on at EL (read back from SCTLR_ELx); the test kernel's own check
# that it was entered with the MMU and D-cache off is part of kernel_ok.
mmu_on() {
	grep -q "^kaslrboot: mmu: identity map on at EL$2 (SCTLR_EL$2 M=1 C=1 I=1)" "$(log_of "$1")"
}
distinct=$(printf '%s\n' "${addrs[@]}" | grep . | sort -u | wc -l)
check "arm64 test kernel: 6 boots, $distinct distinct addresses (want >= 5), kernel checks passed" [ "$distinct" -ge 5 ]
check "cortex-a57: virtio-rng is the TRNG" has a1 'kaslrboot: entropy: virtio-rng'
check "EL1: the loader ran with the MMU and caches on, the kernel got them off" mmu_on a1 1

boot rndr BOARD=qemu-virt-aarch64 QEMU_CPU=max QEMU_RNG=none
rndr_ok() { has rndr 'kaslrboot: entropy: rndrrs' && kernel_ok rndr; }
check "-cpu max: RNDRRS seeds the DRBG, kernel ok" rndr_ok

boot none BOARD=qemu-virt-aarch64 QEMU_RNG=none
check "cortex-a57 without virtio-rng: no TRNG, halted" \
	refused none 'entropy: no TRNG found (this build knows: rndrrs virtio-rng)'

boot el2 BOARD=qemu-virt-aarch64 QEMU_EXTRA="-M virt,dtb-randomness=off,virtualization=on"
el2_ok() { has el2 'entered in EL2' && kernel_ok el2; }
check "entered at EL2: logged and the kernel runs" el2_ok
check "EL2: the loader ran with the MMU and caches on (SCTLR_EL2), the kernel got them off" mmu_on el2 2

# Second configuration: kaslrboot as the firmware in flash (-bios), x0 = 0,
# the DTB at the start of RAM; it copies itself to RAM first.
O_BIOS=$top/build/qemu-virt-aarch64-bios
if [ -f "$O_BIOS/kaslrboot.bin" ]; then
	O=$O_BIOS boot bios1
	O=$O_BIOS boot bios2
	bios_ok() {
		has bios1 'board qemu-virt-aarch64-bios, entered in EL1 on hart 0 at 0x40200000' &&
			has bios1 'kaslrboot: dtb: 0x40000000' && kernel_ok bios1 && kernel_ok bios2
	}
	check "-bios: runs from flash, copies itself to RAM, DTB from the start of RAM, kernel ok" bios_ok
	check "-bios: two boots, two addresses" [ "$(run_addr bios1)" != "$(run_addr bios2)" ]
	check "-bios: the copy in RAM ran with the MMU and caches on" mmu_on bios1 1
else
	notok "-bios configuration not built ($O_BIOS)"
fi

done_testing
