#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/debian/fetch.sh OUTDIR
#
# The outside judge for arm64: Debian bookworm's own cloud kernel (an
# uncompressed arm64 Image built with CONFIG_RANDOMIZE_BASE=y) and
# busybox-static, downloaded with `apt-get download` through a project-local
# apt configuration for arm64 (verified by apt against Debian's signed
# indices), cached in $KB_CACHE/debian-arm64 and never committed.  Builds
# OUTDIR/Image and OUTDIR/initramfs.cpio whose /init prints the kernel's
# own view and powers off.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KB_CACHE=${KB_CACHE:-$top/cache}
OUT=$1
APTDIR=$KB_CACHE/apt-arm64
DL=$KB_CACHE/debian-arm64
die() { echo "debian-fetch: $*" >&2; exit 1; }
. "$top/scripts/apt-local.sh"

if [ ! -f "$DL/.kb-fetched" ]; then
	mkdir -p "$DL"
	kb_apt_setup "$APTDIR" arm64 '^bookworm(-security|-updates)?$' ||
		die "apt-get update (arm64) failed"
	kpkg=$(kb_apt apt-cache depends linux-image-cloud-arm64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-arm64\)$/\1/p' | head -n 1)
	[ -n "$kpkg" ] || die "cannot resolve linux-image-cloud-arm64"
	rm -f "$DL"/*.deb
	(cd "$DL" && kb_apt apt-get -qq download "$kpkg" busybox-static) || die "apt-get download failed"
	rm -rf "$DL/x"; mkdir -p "$DL/x"
	for d in "$DL"/*.deb; do dpkg-deb -x "$d" "$DL/x"; done
	echo "$kpkg $(dpkg-deb -f "$DL"/linux-image-*.deb Version); busybox-static $(dpkg-deb -f "$DL"/busybox-static_*.deb Version)" > "$DL/.kb-fetched"
fi

mkdir -p "$OUT"
cp "$(ls "$DL"/x/boot/vmlinuz-* | head -n 1)" "$OUT/Image"
# The initramfs: busybox and an /init that reports what the kernel saw.
/usr/bin/python3 "$here/initramfs.py" "$DL/x/bin/busybox" "$OUT/initramfs.cpio"
echo "debian-fetch: $(cat "$DL/.kb-fetched") -> $OUT/Image, $OUT/initramfs.cpio"
