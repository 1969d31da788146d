#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# check-image.sh IMAGE
#
# Check a Linux arm64 Image header (Documentation/arch/arm64/
# booting.rst) as the arm64 test kernel's build writes it: magic,
# text_offset 0, flags 0xa (LE, 4K, anywhere), image_size covering at
# least the file, multiple of 8.  Prints the one-line summary.
set -euo pipefail
img=$1
size=$(stat -c %s "$img")
[ "$size" -ge 64 ] || { echo "check-image: $img: shorter than the header" >&2; exit 1; }
# u64 little-endian at byte offset $1
u64() { od -An -tu8 -j "$1" -N8 --endian=little "$img" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 --endian=little "$img" | tr -d ' '; }
fail() { echo "check-image: $img: $*" >&2; exit 1; }
[ "$(od -An -tx1 -j 56 -N 4 "$img" | tr -d ' ')" = 41524d64 ] || fail "bad magic (ARM\\x64)"
[ "$(u64 8)" = 0 ] || fail "text_offset is not 0"
[ "$(u64 24)" = 10 ] || fail "flags are not 0xa"
isz=$(u64 16)
[ "$isz" -ge "$size" ] || fail "image_size $isz is smaller than the file ($size)"
[ $((isz % 8)) = 0 ] || fail "image_size $isz is not a multiple of 8"
echo "  IMAGE   $(basename "$img" .tmp): $size bytes, image_size $isz"
