#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Porting: a board made exactly as docs/porting.md says (copy an in-tree
# board, rename its symbol and its name) builds out of tree and boots the
# test kernel in QEMU; a board that leaves a required option unset does not
# build, and the error names the option.
. "$(dirname "$0")/../lib.sh"
cd "$top"

# Only a board's own files may name a board symbol: generic Kconfig, code,
# Makefiles and scripts depend on what a board sets, never on which it is.
git grep -nE '(if|depends on|select|imply)[[:space:]]+!?BOARD_[A-Z0-9_]|CONFIG_BOARD_[A-Z0-9_]' \
	-- ':!boards/' ':!docs/' ':!tests/build/porting.sh' > "$TMP/board-syms" 2>&1
check "no generic file depends on a board symbol" [ $? = 1 ]
sed 's/^/# /' "$TMP/board-syms"

# docs/porting.md, "A new board": copy, rename the symbol and the name.
B=$TMP/acme
cp -r boards/qemu-virt-riscv64 "$B"
sed -i 's/BOARD_QEMU_VIRT_RISCV64/BOARD_ACME/; s/"qemu-virt-riscv64"/"acme"/' "$B/Kconfig"
check "the copy declares its own board symbol" grep -qx 'config BOARD_ACME' "$B/Kconfig"

if make -s BOARD_DIR="$B" O="$TMP/acme-out" > "$TMP/acme-build.log" 2>&1 &&
   [ -s "$TMP/acme-out/kaslrboot.bin" ]; then
	ok "the copied board builds with BOARD_DIR= and O="
else
	notok "the copied board builds with BOARD_DIR= and O="
	tail -n 20 "$TMP/acme-build.log"
fi
if grep -q '^CONFIG_BOARD_QEMU' "$TMP/acme-out/.config"; then
	notok "its .config holds no in-tree board's symbol"
else
	ok "its .config holds no in-tree board's symbol"
fi

# Boot it as `make run` does: the test kernel packed into the payload window
O=$TMP/acme-out boot acme BOARD_DIR="$B"
if [ "$(rc_of acme)" = 0 ] && grep -q 'board acme, entered' "$(log_of acme)" &&
   grep -q '^testkernel: done' "$(log_of acme)" && ! grep -q 'testkernel: FAIL' "$(log_of acme)"; then
	ok "the copied board boots the test kernel (testkernel: done)"
else
	notok "the copied board boots the test kernel (testkernel: done; rc $(rc_of acme))"
	tail -n 20 "$(log_of acme)"
fi

# drop_config OPTION FILE: FILE without the "config OPTION" block (up to the
# next blank line)
drop_config() {
	awk -v o="config $1" '$0 == o {skip = 1; next} skip && /^$/ {skip = 0; next} !skip' "$2"
}

# A board without OPTION's value (no default in its Kconfig, nothing in its
# defconfig) does not build, and the error names CONFIG_<OPTION>.
# unset_case NAME OPTION WHAT [sed expression for the board's Kconfig]
unset_case() {
	local name=$1 opt=$2 what=$3 edit=${4:-}
	local d=$TMP/$name
	cp -r "$B" "$d"
	drop_config "$opt" "$B/Kconfig" > "$d/Kconfig"
	[ -n "$edit" ] && sed -i "$edit" "$d/Kconfig"
	sed -i "/^CONFIG_$opt=/d" "$d/defconfig"
	if make -s BOARD_DIR="$d" O="$TMP/$name-out" > "$TMP/$name.log" 2>&1; then
		notok "a board without $what does not build (it did)"
	else
		check "a board without $what does not build: the error names CONFIG_$opt" \
			grep -q "CONFIG_$opt is not set" "$TMP/$name.log"
	fi
	check "a board without $what: nothing was compiled" \
		test ! -e "$TMP/$name-out/kaslrboot.elf" -a ! -e "$TMP/$name-out/loader/main.o"
}
unset_case no-payload-addr PAYLOAD_ADDR "a payload address"
grep -F 'CONFIG_PAYLOAD_ADDR is not set' "$TMP/no-payload-addr.log" | head -n 1 | sed 's/^/# /'
unset_case no-payload-size PAYLOAD_MAX_SIZE "a payload window size"
unset_case no-board-name BOARD "a board name"
unset_case no-arch ARCH "an architecture" '/select ARCH_RISCV/d'

# The value may come from the board's defconfig instead of its Kconfig
d=$TMP/defcfg
cp -r "$B" "$d"
drop_config PAYLOAD_ADDR "$B/Kconfig" > "$d/Kconfig"
echo 'CONFIG_PAYLOAD_ADDR=0x22000000' >> "$d/defconfig"
make -s BOARD_DIR="$d" O="$TMP/defcfg-out" > "$TMP/defcfg.log" 2>&1
check "a payload address set in the board's defconfig builds" \
	test -s "$TMP/defcfg-out/kaslrboot.bin"
check "... and reaches the configuration" \
	grep -qx 'CONFIG_PAYLOAD_ADDR=0x22000000' "$TMP/defcfg-out/.config"

done_testing
