#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Build system: Kconfig round trip, out-of-tree board, O=, relocation check,
# vendor copies of mbedTLS and libfdt, which mbedTLS version is accepted,
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

# check-libc-printf.sh: the loader's link map has no picolibc printf; a
# link that pulls one in (here: snprintf forced in by the command line,
# as a stray snprintf() call would) fails, naming the member and why.
check "check-libc-printf accepts the loader's link map" \
	scripts/check-libc-printf.sh "$O/kaslrboot.map"
cp -a "$O" "$TMP/printf-out" && rm -f "$TMP/printf-out/kaslrboot.elf"
make -s O="$TMP/printf-out" LIBC_LDFLAGS=--undefined=snprintf > "$TMP/printf.log" 2>&1
echo $? > "$TMP/printf.rc"
printf_refused() {
	[ "$(cat "$TMP/printf.rc")" != 0 ] && [ ! -e "$TMP/printf-out/kaslrboot.elf" ] &&
		grep -q "^check-libc-printf: .*: the C library's printf is linked: libc_tinystdio_snprintf.c.o (needed by (snprintf))" \
			"$TMP/printf.log"
}
check "a loader linking picolibc's snprintf fails the build with one line naming it" printf_refused
grep '^check-libc-printf' "$TMP/printf.log" | sed 's/^/# /'

# A vendor's own mbedTLS and libfdt (MBEDTLS_DIR=, LIBFDT_DIR=): used as
# they are, instead of the fetched copies.
KB_CACHE=${KB_CACHE:-$top/cache}
mkdir -p "$TMP/vendor-mbedtls"
cp -r "$KB_CACHE/src/mbedtls/include" "$KB_CACHE/src/mbedtls/library" "$TMP/vendor-mbedtls/"
cp -r "$KB_CACHE/src/libfdt" "$TMP/vendor-libfdt"
make -s O="$TMP/vendor-out" MBEDTLS_DIR="$TMP/vendor-mbedtls" LIBFDT_DIR="$TMP/vendor-libfdt" \
	> "$TMP/vendor.log" 2>&1
vendor_built() {
	[ -s "$TMP/vendor-out/kaslrboot.bin" ] &&
		grep -q "$TMP/vendor-mbedtls/library/aes.c" "$TMP/vendor-out/mbedtls/aes.d" &&
		grep -q "$TMP/vendor-libfdt/fdt_check.c" "$TMP/vendor-out/libfdt/fdt_check.d"
}
check "MBEDTLS_DIR= and LIBFDT_DIR= (vendor copies) build the loader from those copies" vendor_built

# ... but mbedTLS must be 3.6.x, whichever copy: another version is refused
# by name before anything is compiled (here a 2.28 tree's version.h).
mkdir -p "$TMP/mbedtls-2.28/include/mbedtls" "$TMP/mbedtls-2.28/library"
printf '#define MBEDTLS_VERSION_STRING         "2.28.3"\n' > "$TMP/mbedtls-2.28/include/mbedtls/version.h"
make -s O="$TMP/old-out" MBEDTLS_DIR="$TMP/mbedtls-2.28" > "$TMP/old.log" 2>&1
echo $? > "$TMP/old.rc"
old_refused() {
	[ "$(cat "$TMP/old.rc")" != 0 ] &&
		grep -qF "setup: MBEDTLS_DIR=$TMP/mbedtls-2.28 is mbedTLS 2.28.3; kaslrboot needs mbedTLS 3.6.x" "$TMP/old.log" &&
		! grep -q 'CC ' "$TMP/old.log"
}
check "MBEDTLS_DIR= holding mbedTLS 2.28 is refused by name, nothing compiled" old_refused
sed 's/^/# /' "$TMP/old.log" | head -n 5

# A cache fetched by an earlier kaslrboot (mbedTLS 2.28, libfdt out of
# Linux) counts as missing, so setup fetches it again.
for v in old new; do
	c=$TMP/cache-$v
	mkdir -p "$c/src/mbedtls" "$c/src/libfdt" "$c/opensbi-bpo"
	echo "opensbi 1.5.1-1~bpo12+2" > "$c/opensbi-bpo/.kb-fetched"
done
echo "mbedtls 2.28.3-1 (Debian source package mbedtls, patches applied)" > "$TMP/cache-old/src/mbedtls/.kb-fetched"
echo "libfdt DTC 1.7.0-gbcd02b52" > "$TMP/cache-old/src/libfdt/.kb-fetched"
cp "$KB_CACHE/src/mbedtls/.kb-fetched" "$TMP/cache-new/src/mbedtls/"
cp "$KB_CACHE/src/libfdt/.kb-fetched" "$TMP/cache-new/src/libfdt/"
setup_satisfied() { KB_CACHE=$1 KB_USER_MBEDTLS= KB_USER_LIBFDT= scripts/setup.sh --check; }
stale_refetched() { ! setup_satisfied "$TMP/cache-old"; }
check "setup --check: a cache with this tree's mbedTLS and libfdt is complete" setup_satisfied "$TMP/cache-new"
check "setup --check: a cache from an earlier kaslrboot (mbedTLS 2.28, libfdt from Linux) is fetched again" \
	stale_refetched

# Third-party source is fetched, never committed
if git ls-files | grep -E '(^|/)(fdt_ro|fdt_rw|fdt_check|fdt_strerror|ctr_drbg|aes|sha256|platform_util)\.c$|(^|/)(libfdt|libfdt_env|ctr_drbg|aes)\.h$' ; then
	notok "git ls-files holds no libfdt or mbedTLS source"
else
	ok "git ls-files holds no libfdt or mbedTLS source"
fi
check ".gitignore keeps the source cache out of git" grep -qx '/cache/' .gitignore

done_testing
