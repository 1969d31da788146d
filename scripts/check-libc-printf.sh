#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# check-libc-printf.sh MAP
#
# Fail the build if the linked loader pulled in the C library's stdio
# (picolibc's tinystdio: printf, snprintf, vfprintf...), read from ld's
# link map.  The loader formats with its own kb_snprintf (loader/lib/fmt.c,
# no floating point, no 64-bit division on rv32); a call to snprintf() or
# printf() that creeps back in would quietly add picolibc's printf (1.4 to
# 2.9 KiB) and, on rv32, libgcc's 64-bit division (1.7 KiB).
set -euo pipefail
map=$1
[ -r "$map" ] || { echo "check-libc-printf: cannot read the link map $map" >&2; exit 1; }
# "Archive member included to satisfy reference by file (symbol)": the
# member on one line, what needed it (and which symbol) on the next.
bad=$(awk '/^Archive member included/ {on = 1; next}
	/^(Discarded input sections|Memory Configuration|Allocating common symbols)/ {on = 0}
	on && /^[^ \t]/ && $1 ~ /libc_tinystdio_/ {
		member = $1; sub(/^.*\(/, "", member); sub(/\)$/, "", member)
		$1 = ""; ref = $0
		if (ref ~ /^[ \t]*$/) { getline; ref = $0 }
		sub(/^[ \t]+/, "", ref); print member " (needed by " ref ")"}' "$map")
if [ -n "$bad" ]; then
	n=$(wc -l <<< "$bad")
	echo "check-libc-printf: $map: the C library's printf is linked: $(head -n 1 <<< "$bad")$( [ "$n" -gt 1 ] && echo ", $n tinystdio members in all"); format with kb_snprintf (kaslrboot/fmt.h) or kb_printf/kb_log (kaslrboot/console.h)" >&2
	exit 1
fi
echo "  LIBC    $(basename "$map"): no C library printf"
