#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# scripts/fetch-kernel-riscv64.sh : Debian's riscv64 kernel image for
# `make bench`'s U-Boot comparison on qemu-virt-riscv64.  riscv64 is a
# release architecture from trixie on (bookworm has no riscv64 kernel), so
# the package comes from trixie: `apt-get download` through a
# project-local apt configuration in $KB_CACHE/apt-riscv64 (apt checks it
# against Debian's signed indices), unpacked with dpkg-deb -x into
# $KB_CACHE/debian-riscv64, never installed, never committed.  Prints the
# path of the kernel Image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
KB_CACHE=${KB_CACHE:-$top/cache}
APTDIR=$KB_CACHE/apt-riscv64
DL=$KB_CACHE/debian-riscv64
die() { echo "fetch-kernel-riscv64: $*" >&2; exit 1; }
. "$here/apt-local.sh"

if [ ! -f "$DL/.kb-fetched" ]; then
	mkdir -p "$DL"
	# The machine's bookworm archive, with trixie's main suite (the
	# kernel of the point release: any trixie kernel serves for a
	# comparison where both loaders get the same bytes).
	kb_apt_setup "$APTDIR" riscv64 '^bookworm$' trixie ||
		die "apt-get update (riscv64, trixie) failed"
	kpkg=$(kb_apt apt-cache depends linux-image-riscv64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-riscv64\(-unsigned\)\{0,1\}\)$/\1/p' | head -n 1)
	[ -n "$kpkg" ] || die "cannot resolve linux-image-riscv64"
	rm -f "$DL"/*.deb
	(cd "$DL" && kb_apt apt-get -qq download "$kpkg") || die "apt-get download $kpkg failed"
	rm -rf "$DL/x"; mkdir -p "$DL/x"
	# Only /boot is kept (the modules are not needed).
	dpkg-deb --fsys-tarfile "$DL"/linux-image-*.deb | tar -x -C "$DL/x" ./boot
	echo "$kpkg $(dpkg-deb -f "$DL"/linux-image-*.deb Version)" > "$DL/.kb-fetched.new"
	rm -f "$DL"/*.deb
	mv "$DL/.kb-fetched.new" "$DL/.kb-fetched"
fi
img=$(ls "$DL"/x/boot/vmlinu[xz]-* | head -n 1)
[ -n "$img" ] || die "no kernel in $DL/x/boot"
echo "$img"
