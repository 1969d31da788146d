#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# SHA-256 on arm64.  The QEMU boards state that their CPUs have the ARMv8-A
# SHA-256 instructions, so their builds use them (CONFIG_SHA256_ARMV8_CE_ONLY;
# boot.sh boots that build on cortex-a57 and on max).  On a CPU without
# them the loader refuses to run before its first hash: simulated by
# patching its one read of ID_AA64ISAR0_EL1 into "mov xN, #0".  A board
# that does not state it gets the portable C SHA-256
# (CONFIG_SHA256_ARMV8_CE_NONE), which boots too.
O=${O_AARCH64:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-aarch64}
. "$(dirname "$0")/../lib.sh"

uses_sha256h() { aarch64-linux-gnu-objdump -d "$1" | grep -qP '\tsha256h\t'; }
ce_build() { grep -qx 'CONFIG_SHA256_ARMV8_CE_ONLY=y' "$O/auto.conf" && uses_sha256h "$O/kaslrboot.elf"; }
check "board default: CONFIG_SHA256_ARMV8_CE_ONLY, the loader hashes with SHA256H" ce_build

# A CPU without the instructions: the same image, with the read of
# ID_AA64ISAR0_EL1 in kb_crypto_cpu_check() giving 0 (isar0_boot, tests/lib.sh).
isar0_boot noce 0
check "kb_crypto_cpu_check() reads ID_AA64ISAR0_EL1 once (patched to read 0)" [ "$(cat "$TMP/noce.hits")" = 1 ]
check "a CPU without SHA-256 instructions: refused before the first hash, nothing booted" \
	refused noce 'crypto: the CPU lacks the SHA-256 instructions this build uses (ID_AA64ISAR0_EL1.SHA2 = 0): rebuild with CONFIG_SHA256_ARMV8_CE_NONE'
grep 'kaslrboot: error' "$TMP/noce.log" | sed 's/^/# /'

# A board that says nothing about its CPUs: portable C.
cp -r "$top/boards/qemu-virt-aarch64" "$TMP/board-c"
sed -i '/^config ARM64_CPU_HAS_SHA2$/,/^\tdefault y$/d' "$TMP/board-c/Kconfig"
make -s -C "$top" BOARD_DIR="$TMP/board-c" O="$TMP/out-c" > "$TMP/build-c.log" 2>&1
c_build() { grep -qx 'CONFIG_SHA256_ARMV8_CE_NONE=y' "$TMP/out-c/auto.conf" && ! uses_sha256h "$TMP/out-c/kaslrboot.elf"; }
check "without ARM64_CPU_HAS_SHA2: CONFIG_SHA256_ARMV8_CE_NONE, no SHA-256 instruction in the loader" c_build
O=$TMP/out-c boot c
check "the portable-C build verifies and boots the test kernel" kernel_done c

done_testing
