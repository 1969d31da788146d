#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# arm64 identity map (CONFIG_ARM64_MMU, loader/arch/arm64/mmu.c): the code
# that runs before the MMU is on calls nothing that needs it on, the
# default build links picolibc's speed-optimized string functions (they
# fault on Device memory), and the debug build without the MMU still
# builds with the plain ones and boots.  (That the MMU and caches are on
# while the loader works, and off for the kernel: boot.sh.)
O=${O_AARCH64:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-aarch64}
. "$(dirname "$0")/../lib.sh"

# Undefined symbols of an object, sorted, on one line.
undefined() { readelf -sW "$1" | awk '$7 == "UND" && $8 != "" {print $8}' | sort | tr '\n' ' '; }
u=$(undefined "$O/loader/arch/arm64/mmu.o")
echo "# mmu.o needs: $u"
check "mmu.o (runs with the MMU off) needs nothing but the linker script's bounds and the vectors" \
	[ "$u" = "__image_end __image_start kb_arm64_vectors " ]

map=$O/kaslrboot.map
optimized() {
	grep -q 'lib/release/libc\.a(memcpy\.S\.o)' "$map" &&
		grep -q 'lib/release/libc\.a(memset\.S\.o)' "$map" &&
		! grep -q 'arm64/string\.o' "$map"
}
check "default build: memcpy/memset from picolibc's optimized (release) library, no string.o" optimized

# The debug configuration: the board with CONFIG_ARM64_MMU off.
B=$TMP/nommu-board
cp -r "$top/boards/qemu-virt-aarch64" "$B"
echo '# CONFIG_ARM64_MMU is not set' >> "$B/defconfig"
NO=$TMP/nommu
if make -s -C "$top" BOARD_DIR="$B" O="$NO" all testkernel > "$TMP/nommu-build.log" 2>&1; then
	ok "CONFIG_ARM64_MMU=n builds"
else
	notok "CONFIG_ARM64_MMU=n builds"; tail -n 20 "$TMP/nommu-build.log"
fi
plain() {
	grep -q 'arm64/string\.o' "$NO/kaslrboot.map" && ! grep -q 'lib/release/libc\.a' "$NO/kaslrboot.map" &&
		[ ! -f "$NO/loader/arch/arm64/mmu.o" ]
}
check "CONFIG_ARM64_MMU=n: string.o and the size-optimized library, no mmu.o" plain
O=$NO boot nommu BOARD_DIR="$B"
nommu_ok() {
	has nommu 'kaslrboot: mmu: off (CONFIG_ARM64_MMU=n)' && kernel_done nommu
}
check "CONFIG_ARM64_MMU=n: says so and boots the test kernel" nommu_ok

done_testing
