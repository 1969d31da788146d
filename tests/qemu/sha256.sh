#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# SHA-256 on RISC-V.  The board's build (CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT)
# carries two compression functions and picks Zknh when the boot hart's
# riscv,isa lists zknh (QEMU: -cpu rv64,zknh=true), unrolled C otherwise;
# both must verify the payload and boot it.  A Zknh path with sig0 and
# sig1 swapped (patched in the image) must be stopped by the boot-time
# known-answer test.  CONFIG_SHA256_RISCV_ZKNH_ONLY refuses a CPU without
# zknh; CONFIG_SHA256_RISCV_MBEDTLS hashes with mbedTLS's C.
. "$(dirname "$0")/../lib.sh"

zknh_cpu="-cpu rv64,zknh=true"
uses_zknh() { riscv64-linux-gnu-objdump -d "$1" | grep -qP '\tsha256sig1\t'; }
if_present_build() { grep -qx 'CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT=y' "$O/auto.conf" && uses_zknh "$O/kaslrboot.elf"; }
check "board default: CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT, the loader carries sha256sig1" if_present_build

boot plain
check "CPU without zknh: unrolled C logged" \
	has plain "kaslrboot: crypto: SHA-256: kaslrboot's unrolled C (the boot hart does not list zknh)"
check "CPU without zknh: payload verified, test kernel done" kernel_done plain

boot zknh QEMU_EXTRA="$zknh_cpu"
check "CPU with zknh: Zknh logged" \
	has zknh "kaslrboot: crypto: SHA-256: Zknh instructions (sha256sum0/sum1/sig0/sig1): the boot hart lists zknh"
check "CPU with zknh: payload verified, test kernel done" kernel_done zknh

# A broken Zknh path: sha256sig0 <-> sha256sig1 in kb_sha256_block_zknh()
# (the image is linked at 0: an ELF address is an offset in the .bin).
mkdir -p "$TMP/swap"
read -r fn_addr fn_size _ < <(riscv64-linux-gnu-nm -S "$O/kaslrboot.elf" | grep ' kb_sha256_block_zknh$')
python3 - "$O/kaslrboot.bin" "$TMP/swap/kaslrboot.bin" "$fn_addr" "$fn_size" > "$TMP/swap.log" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
i, end = int(sys.argv[3], 16), int(sys.argv[3], 16) + int(sys.argv[4], 16)
n = 0
while i < end:
    if b[i] & 3 != 3:           # a compressed (16-bit) instruction
        i += 2; continue
    w = struct.unpack_from("<I", b, i)[0]
    # sha256sig0/sig1: OP-IMM, funct3 1, imm 0x102/0x103
    if w & 0xfff0707f in (0x10201013, 0x10301013):
        struct.pack_into("<I", b, i, w ^ 0x00100000); n += 1
    i += 4
open(sys.argv[2], "wb").write(b)
print(n)
PY
check "kb_sha256_block_zknh() has 32 sha256sig0/sig1 (16 each, swapped)" [ "$(cat "$TMP/swap.log")" = 32 ]
make -s -C "$top" O="$O" "$O/payload.img" > /dev/null 2>&1
PAYLOAD_IMG=$O/payload.img BOARD_DIR=$top/boards/qemu-virt-riscv64 QEMU_TIMEOUT=30 QEMU_EXTRA="$zknh_cpu" \
	"$top/scripts/qemu-run.sh" "$TMP/swap" qemu-virt-riscv64 > "$TMP/swap.raw" 2>&1
echo $? > "$TMP/swap.rc"
tr -d '\r' < "$TMP/swap.raw" > "$TMP/swap.log"
check "Zknh with sig0/sig1 swapped: the known-answer test stops the boot" \
	refused swap 'crypto: CTR_DRBG or SHA-256 known-answer self-test failed'

# The other choices: build the board with each.
variant() {	# NAME CONFIG_SYMBOL
	cp -r "$top/boards/qemu-virt-riscv64" "$TMP/board-$1"
	echo "$2=y" >> "$TMP/board-$1/defconfig"
	make -s -C "$top" BOARD_DIR="$TMP/board-$1" O="$TMP/out-$1" > "$TMP/build-$1.log" 2>&1
}
variant only CONFIG_SHA256_RISCV_ZKNH_ONLY
only_build() { grep -qx 'CONFIG_SHA256_RISCV_ZKNH_ONLY=y' "$TMP/out-only/auto.conf" && ! riscv64-linux-gnu-nm "$TMP/out-only/kaslrboot.elf" | grep -q ' kb_sha256_block_c$'; }
check "CONFIG_SHA256_RISCV_ZKNH_ONLY: built, without the C compression function" only_build
O=$TMP/out-only boot only-none
check "ZKNH_ONLY on a CPU without zknh: refused before the first hash" \
	refused only-none "crypto: the boot hart's device tree does not list zknh, which this build's SHA-256 needs: rebuild with CONFIG_SHA256_RISCV_ZKNH_IF_PRESENT"
O=$TMP/out-only boot only-zknh QEMU_EXTRA="$zknh_cpu"
check "ZKNH_ONLY on a CPU with zknh: boots" kernel_done only-zknh

variant mbedtls CONFIG_SHA256_RISCV_MBEDTLS
mbedtls_build() { grep -qx 'CONFIG_SHA256_RISCV_MBEDTLS=y' "$TMP/out-mbedtls/auto.conf" && ! uses_zknh "$TMP/out-mbedtls/kaslrboot.elf"; }
check "CONFIG_SHA256_RISCV_MBEDTLS: built, no Zknh instruction" mbedtls_build
O=$TMP/out-mbedtls boot mbedtls QEMU_EXTRA="$zknh_cpu"
check "CONFIG_SHA256_RISCV_MBEDTLS: mbedTLS's C logged" has mbedtls "kaslrboot: crypto: SHA-256: mbedTLS's portable C"
check "CONFIG_SHA256_RISCV_MBEDTLS: boots" kernel_done mbedtls

done_testing
