#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/debian/fetch-riscv64.sh OUTDIR
#
# The outside judge for Payload A (docs/m-mode.md): Debian trixie's
# riscv64 kernel (scripts/fetch-kernel-riscv64.sh, the one `make bench`
# uses; a RISC-V Image) and trixie's riscv64 busybox-static, downloaded
# with `apt-get download` through the project-local apt configuration
# (scripts/apt-local.sh: apt checks Debian's signed indices), cached in
# $KB_CACHE and never committed.  Builds OUTDIR/Image and
# OUTDIR/initramfs.cpio (tests/debian/initramfs.py: an /init that prints
# the kernel's view, then "debian-init: done", and powers off).
# Exit status 2: the archive cannot be reached (offline: the caller skips).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KB_CACHE=${KB_CACHE:-$top/cache}
OUT=$1
APTDIR=$KB_CACHE/apt-riscv64-busybox
DL=$KB_CACHE/debian-riscv64-busybox
die() { echo "debian-fetch: $*" >&2; exit "${2:-1}"; }
. "$top/scripts/apt-local.sh"

kernel=$("$top/scripts/fetch-kernel-riscv64.sh") || die "fetching the riscv64 kernel failed (offline?)" 2
if [ ! -f "$DL/.kb-fetched" ]; then
	mkdir -p "$DL"
	kb_apt_setup "$APTDIR" riscv64 '^bookworm$' trixie ||
		die "apt-get update (riscv64, trixie) failed (offline?)" 2
	rm -f "$DL"/*.deb
	(cd "$DL" && kb_apt apt-get -qq download busybox-static) ||
		die "apt-get download busybox-static (riscv64) failed" 2
	rm -rf "$DL/x"; mkdir -p "$DL/x"
	dpkg-deb -x "$DL"/busybox-static_*.deb "$DL/x"
	echo "busybox-static $(dpkg-deb -f "$DL"/busybox-static_*.deb Version)" > "$DL/.kb-fetched.new"
	rm -f "$DL"/*.deb
	mv "$DL/.kb-fetched.new" "$DL/.kb-fetched"
fi

mkdir -p "$OUT"
cp "$kernel" "$OUT/Image"
# trixie's busybox-static is in /usr/bin (merged /usr)
bb=
for f in "$DL"/x/usr/bin/busybox "$DL"/x/bin/busybox; do [ -f "$f" ] && bb=$f && break; done
[ -n "$bb" ] || die "no busybox in $DL/x"
/usr/bin/python3 "$here/initramfs.py" "$bb" "$OUT/initramfs.cpio"
echo "debian-fetch: $(cat "$KB_CACHE/debian-riscv64/.kb-fetched"); $(cat "$DL/.kb-fetched") -> $OUT/Image, $OUT/initramfs.cpio"
