#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/debian/initramfs.py BUSYBOX OUT
#
# The outside judges' initramfs (tests/debian/fetch.sh, arm64;
# fetch-riscv64.sh): a newc cpio with Debian's busybox-static and an /init
# that prints the kernel's own view ("debian-init: ..." lines: its
# release, /proc/iomem "Kernel code", KASLR lines of dmesg, the seeds in
# /chosen, the command line), then "debian-init: done", and powers off.
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
