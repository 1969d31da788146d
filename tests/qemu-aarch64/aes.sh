#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# AES on arm64 (the CTR_DRBG's cipher).  The QEMU boards state that their
# CPUs have the ARMv8-A AES instructions, so their builds use them
# (CONFIG_AES_ARMV8_CE_ONLY; boot.sh boots that build on cortex-a57 and on
# max, and the loader's CTR_DRBG known-answer self-test runs on every
# boot).  On a CPU without them the loader refuses to run before the
# self-test: simulated by patching its one read of ID_AA64ISAR0_EL1 into
# "mov xN, #0x1000" (SHA2 = 1, AES = 0).  A board that does not state it
# gets mbedTLS's C AES (CONFIG_AES_ARMV8_CE_NONE), which boots too.
O=${O_AARCH64:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-aarch64}
. "$(dirname "$0")/../lib.sh"

uses_aese() { aarch64-linux-gnu-objdump -d "$1" | grep -qP '\taese\t'; }
ce_build() { grep -qx 'CONFIG_AES_ARMV8_CE_ONLY=y' "$O/auto.conf" && uses_aese "$O/kaslrboot.elf"; }
check "board default: CONFIG_AES_ARMV8_CE_ONLY, the loader encrypts with AESE" ce_build

# A CPU with the SHA-256 instructions but not the AES ones: the same image,
# with the read of ID_AA64ISAR0_EL1 in kb_crypto_cpu_check() giving only
# SHA2 = 1 (isar0_boot, tests/lib.sh).
isar0_boot noaes 0x1000
check "kb_crypto_cpu_check() reads ID_AA64ISAR0_EL1 once (patched to read SHA2 = 1, AES = 0)" [ "$(cat "$TMP/noaes.hits")" = 1 ]
check "a CPU without AES instructions: refused before the self-test, nothing booted" \
	refused noaes 'crypto: the CPU lacks the AES instructions this build uses (ID_AA64ISAR0_EL1.AES = 0): rebuild with CONFIG_AES_ARMV8_CE_NONE'
grep 'kaslrboot: error' "$TMP/noaes.log" | sed 's/^/# /'

# A board that says nothing about its CPUs' AES: portable C.
cp -r "$top/boards/qemu-virt-aarch64" "$TMP/board-c"
sed -i '/^config ARM64_CPU_HAS_AES$/,/^\tdefault y$/d' "$TMP/board-c/Kconfig"
make -s -C "$top" BOARD_DIR="$TMP/board-c" O="$TMP/out-c" > "$TMP/build-c.log" 2>&1
c_build() { grep -qx 'CONFIG_AES_ARMV8_CE_NONE=y' "$TMP/out-c/auto.conf" && ! uses_aese "$TMP/out-c/kaslrboot.elf"; }
check "without ARM64_CPU_HAS_AES: CONFIG_AES_ARMV8_CE_NONE, no AES instruction in the loader" c_build
O=$TMP/out-c boot c
check "the C-AES build passes the CTR_DRBG self-test and boots the test kernel" kernel_done c

done_testing
