#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Build system: Kconfig round trip, out-of-tree board, O=, relocation check,
# no third-party source in git.
. "$(dirname "$0")/../lib.sh"
cd "$top"

# defconfig -> savedefconfig gives back the shipped defconfig
for b in boards/*/; do
	b=$(basename "$b")
	make -s O="$TMP/rt-$b" "${b}_defconfig" >/dev/null &&
		make -s O="$TMP/rt-$b" savedefconfig >/dev/null
	check "$b: make ${b}_defconfig && make savedefconfig round-trips" \
		cmp -s "boards/$b/defconfig" "$TMP/rt-$b/defconfig"
done

# A board kept outside the tree (vendor BSP) builds with BOARD_DIR=
cp -r boards/qemu-virt-riscv64 "$TMP/acme-board"
sed -i 's/default "qemu-virt-riscv64"/default "acme-board"/' "$TMP/acme-board/Kconfig"
make -s BOARD_DIR="$TMP/acme-board" O="$TMP/acme-out" >/dev/null 2>&1
check "BOARD_DIR= builds an out-of-tree board into O=" \
	test -s "$TMP/acme-out/kaslrboot.bin"
check "the out-of-tree board's Kconfig was used" \
	grep -q 'CONFIG_BOARD="acme-board"' "$TMP/acme-out/.config"

# An unknown symbol in a defconfig is an error, not a warning
cp -r boards/qemu-virt-riscv64 "$TMP/drift-board"
echo "CONFIG_NO_SUCH_OPTION=y" >> "$TMP/drift-board/defconfig"
if make -s BOARD_DIR="$TMP/drift-board" O="$TMP/drift-out" >/dev/null 2>&1; then
	notok "a defconfig with an unknown symbol is rejected"
else
	ok "a defconfig with an unknown symbol is rejected"
fi

# check-relocs.sh: accepts the real loader, rejects an absolute relocation
check "check-relocs accepts the loader" \
	scripts/check-relocs.sh riscv64-unknown-elf-readelf "$O/kaslrboot.elf" R_RISCV_RELATIVE R_RISCV_NONE
printf '\t.data\n\t.globl ptr\nptr:\t.quad extern_sym\n' > "$TMP/abs.S"
riscv64-unknown-elf-gcc -c "$TMP/abs.S" -o "$TMP/abs.o" &&
	riscv64-linux-gnu-ld -shared "$TMP/abs.o" -o "$TMP/abs.so" 2>/dev/null
if scripts/check-relocs.sh riscv64-unknown-elf-readelf "$TMP/abs.so" R_RISCV_RELATIVE R_RISCV_NONE \
	2> "$TMP/abs.err"; then
	notok "check-relocs rejects R_RISCV_64"
else
	check "check-relocs rejects R_RISCV_64 with a message" \
		grep -q 'R_RISCV_64 is not handled' "$TMP/abs.err"
fi

# Third-party source is fetched, never committed
if git ls-files | grep -E '(^|/)(fdt_ro|fdt_rw|fdt_check|fdt_strerror|ctr_drbg|aes|sha256|platform_util)\.c$|(^|/)(libfdt|libfdt_env|ctr_drbg|aes)\.h$' ; then
	notok "git ls-files holds no libfdt or mbedTLS source"
else
	ok "git ls-files holds no libfdt or mbedTLS source"
fi
check ".gitignore keeps the source cache out of git" grep -qx '/cache/' .gitignore

done_testing
