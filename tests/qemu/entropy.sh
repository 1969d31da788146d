#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU: entropy sources, health tests and the failure policy, end to end.
. "$(dirname "$0")/../lib.sh"

seeded() { grep -q 'kaslrboot: entropy: .*CTR_DRBG (known-answer self-test passed, SHA-256 too) seeded from' "$(log_of "$1")"; }
halted() { grep -qF 'kaslrboot: halted: nothing was booted' "$(log_of "$1")"; }

# The board's default TRNG: virtio-rng, legacy virtio-mmio (QEMU 7.2 default)
boot legacy
check "virtio-rng (legacy): boots (rc $(rc_of legacy))" [ "$(rc_of legacy)" = 0 ]
check "virtio-rng (legacy): start-up test over 1024 samples logged" \
	has legacy 'entropy: virtio-rng (legacy) at /soc/virtio_mmio@10008000, H = 4.000 bits/sample, start-up health test passed over 1024 samples'
check "virtio-rng (legacy): DRBG seeded" seeded legacy
check "virtio-rng (legacy): KASLR on" has legacy 'kaslrboot: KASLR: on'

# Modern (version 2) virtio-mmio register layout
boot modern QEMU_EXTRA="-global virtio-mmio.force-legacy=false"
check "virtio-rng (modern): seeded" seeded modern
check "virtio-rng (modern): version 2 layout used" \
	has modern 'entropy: virtio-rng at /soc/virtio_mmio@10008000'

# A TRNG that only gives zeros: the health test stops the boot
boot zero QEMU_EXTRA="-object rng-random,id=r0,filename=/dev/zero -device virtio-rng-device,rng=r0"
check "/dev/zero TRNG: make run fails (rc $(rc_of zero))" [ "$(rc_of zero)" != 0 ]
check "/dev/zero TRNG: repetition count test fires at sample 9 (H=4, alpha 2^-30)" \
	has zero 'kaslrboot: error: entropy: repetition count test failed at sample 9 (value 0x0 repeated 9 times, cutoff 9)'
check "/dev/zero TRNG: halted, nothing booted" halted zero
check "/dev/zero TRNG: DRBG never seeded" bash -c "! grep -q 'seeded from' '$(log_of zero)'"

# No TRNG at all
boot none QEMU_RNG=none
check "no TRNG: make run fails (rc $(rc_of none))" [ "$(rc_of none)" != 0 ]
check "no TRNG: names the problem" has none 'kaslrboot: error: entropy: no TRNG found'
check "no TRNG: halted, nothing booted" halted none

# Zkr listed in the tree but OpenSBI 1.1 does not grant S-mode the seed
# CSR: detected without a crash, virtio-rng used instead
boot zkr11 QEMU_EXTRA="-cpu rv64,zkr=true"
check "zkr with OpenSBI 1.1: refusal detected" \
	has zkr11 'entropy: zkr: listed for hart 0 but not readable in S-mode (firmware did not set mseccfg.SSEED)'
check "zkr with OpenSBI 1.1: falls back to virtio-rng and seeds" seeded zkr11

# Zkr from S-mode with OpenSBI 1.5 (bookworm-backports, sets mseccfg.SSEED;
# QEMU 7.2 needs x-epmp for mseccfg to exist), no virtio-rng
bpo=${KB_CACHE:-$top/cache}/opensbi-bpo/fw_jump.bin
boot zkr15 QEMU_FW="$bpo" QEMU_RNG=none QEMU_EXTRA="-cpu rv64,zkr=true,x-epmp=true"
check "zkr with OpenSBI 1.5: seed CSR used, H = 8 bits per 16-bit sample" \
	has zkr15 'entropy: zkr at seed CSR, H = 8.000 bits/sample, start-up health test passed over 1024 samples (alpha 2^-30, RCT cutoff 5, APT cutoff 16/512)'
check "zkr with OpenSBI 1.5: DRBG seeded" seeded zkr15

# The INSECURE policy: boot without KASLR, loudly
cp -r "$top/boards/qemu-virt-riscv64" "$TMP/insecure-board"
echo 'CONFIG_ENTROPY_FAIL_NO_KASLR=y' >> "$TMP/insecure-board/defconfig"
make -s -C "$top" BOARD_DIR="$TMP/insecure-board" O="$TMP/insecure" >/dev/null 2>&1
insecure_boot() {	# NAME make-args...
	local name=$1; shift
	O=$TMP/insecure boot "$name" BOARD_DIR="$TMP/insecure-board" "$@"
	check "$name: boots anyway (rc $(rc_of "$name"))" [ "$(rc_of "$name")" = 0 ]
	check "$name: loud warning" has "$name" 'WARNING: INSECURE build (CONFIG_ENTROPY_FAIL_NO_KASLR): booting WITHOUT KASLR'
	check "$name: KASLR off" has "$name" 'kaslrboot: KASLR: OFF (no healthy entropy)'
}
insecure_boot insecure-none QEMU_RNG=none
insecure_boot insecure-zero \
	QEMU_EXTRA="-object rng-random,id=r0,filename=/dev/zero -device virtio-rng-device,rng=r0"
check "insecure-zero: still names the failed health test" \
	has insecure-zero 'kaslrboot: error: entropy: repetition count test failed at sample 9'

done_testing
