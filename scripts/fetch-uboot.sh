#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# scripts/fetch-uboot.sh : Debian bookworm's u-boot-qemu (the U-Boot
# firmware for QEMU's arm64 and riscv64 virt machines) and u-boot-tools
# (mkimage, mkenvimage), for `make bench`'s comparison only.  Downloaded with
# `apt-get download` through a project-local apt configuration in
# $KB_CACHE/apt-uboot (apt checks every file against Debian's signed
# indices), unpacked with dpkg-deb -x into $KB_CACHE/u-boot, never
# installed, never committed.  Prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
KB_CACHE=${KB_CACHE:-$top/cache}
APTDIR=$KB_CACHE/apt-uboot
OUT=$KB_CACHE/u-boot
die() { echo "fetch-uboot: $*" >&2; exit 1; }
. "$here/apt-local.sh"

if [ ! -f "$OUT/.kb-fetched" ]; then
	kb_apt_setup "$APTDIR" "" '^bookworm(-security|-updates)?$' ||
		die "apt-get update (project-local) failed"
	dl=$KB_CACHE/dl/u-boot
	rm -rf "$dl"; mkdir -p "$dl"
	(cd "$dl" && kb_apt apt-get -qq download u-boot-qemu u-boot-tools) ||
		die "apt-get download u-boot-qemu u-boot-tools failed"
	rm -rf "$OUT.new"; mkdir -p "$OUT.new"
	for d in "$dl"/*.deb; do dpkg-deb -x "$d" "$OUT.new"; done
	echo "u-boot-qemu $(dpkg-deb -f "$dl"/u-boot-qemu_*.deb Version); u-boot-tools $(dpkg-deb -f "$dl"/u-boot-tools_*.deb Version)" \
		> "$OUT.new/.kb-fetched"
	rm -rf "$OUT"; mv "$OUT.new" "$OUT"
fi
echo "$OUT"
