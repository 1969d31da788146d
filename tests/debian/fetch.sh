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
/usr/bin/python3 - "$DL/x/bin/busybox" "$OUT/initramfs.cpio" <<'PY'
import os, sys
busybox, out = sys.argv[1], sys.argv[2]
init = b"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
echo "debian-init: kernel $(/bin/busybox uname -r)"
/bin/busybox grep -i 'Kernel code' /proc/iomem | /bin/busybox sed 's/^ */debian-init: iomem /'
/bin/busybox dmesg | /bin/busybox grep -i 'kaslr' | /bin/busybox sed 's/^/debian-init: dmesg /'
if [ -e /proc/device-tree/chosen/kaslr-seed ]; then
  echo "debian-init: chosen/kaslr-seed $(/bin/busybox od -An -tx1 /proc/device-tree/chosen/kaslr-seed | /bin/busybox tr -d ' \\n')"
else
  echo "debian-init: chosen/kaslr-seed absent"
fi
if [ -e /proc/device-tree/chosen/rng-seed ]; then echo "debian-init: chosen/rng-seed present"; else echo "debian-init: chosen/rng-seed absent"; fi
echo "debian-init: cmdline $(/bin/busybox cat /proc/cmdline)"
/bin/busybox grep -m1 -i 'initrd\\|Initramfs' /proc/iomem >/dev/null 2>&1
echo "debian-init: done"
/bin/busybox poweroff -f
"""
def entry(name, mode, data=b"", rdev=(0, 0), ino=[1]):
    ino[0] += 1
    hdr = "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x" % (
        ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name) + 1, 0)
    b = hdr.encode() + name.encode() + b"\0"
    b += b"\0" * (-len(b) % 4)
    b += data + b"\0" * (-len(data) % 4)
    return b
out_b = b""
out_b += entry("bin", 0o040755)
out_b += entry("dev", 0o040755)
out_b += entry("dev/console", 0o020600, rdev=(5, 1))
out_b += entry("bin/busybox", 0o100755, open(busybox, "rb").read())
out_b += entry("bin/sh", 0o120777, b"busybox")
out_b += entry("init", 0o100755, init)
out_b += entry("TRAILER!!!", 0)
out_b += b"\0" * (-len(out_b) % 512)
open(out, "wb").write(out_b)
PY
echo "debian-fetch: $(cat "$DL/.kb-fetched") -> $OUT/Image, $OUT/initramfs.cpio"
