#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Install what kaslrboot needs and fetch its third-party sources.
#
#   scripts/setup.sh            install missing packages, fetch missing sources
#   scripts/setup.sh --check    exit 0 if nothing is missing, 1 otherwise (silent)
#
# Packages come from the machine's Debian archive (scripts/packages.txt).
# Third-party source (mbedTLS, libfdt) is fetched by scripts/fetch-sources.sh
# into $KB_CACHE; it is never committed.  A cache holding other versions
# than this tree is written for (mbedTLS 2.28 and libfdt from Linux, as
# fetched by earlier kaslrboot versions) is fetched again.  When the
# Makefile was given MBEDTLS_DIR= / LIBFDT_DIR= it sets KB_USER_MBEDTLS /
# KB_USER_LIBFDT and that source is not fetched; a vendor MBEDTLS_DIR must
# be mbedTLS 3.6.x, like the fetched one.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
KB_CACHE=${KB_CACHE:-$top/cache}

packages() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt"; }

missing_packages() {
	local p st
	for p in $(packages); do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$st" = installed ] || echo "$p"
	done
}

# What scripts/fetch-sources.sh writes into .kb-fetched for the copies this
# tree is written for.
FETCHED_MBEDTLS='^mbedtls 3\.6\.'
FETCHED_LIBFDT='^libfdt dtc .* upstream tarball'

missing_sources() {
	[ -n "${KB_USER_MBEDTLS:-}" ] ||
		grep -qs "$FETCHED_MBEDTLS" "$KB_CACHE/src/mbedtls/.kb-fetched" || echo mbedtls
	[ -n "${KB_USER_LIBFDT:-}" ] ||
		grep -qs "$FETCHED_LIBFDT" "$KB_CACHE/src/libfdt/.kb-fetched" || echo libfdt
	[ -f "$KB_CACHE/opensbi-bpo/.kb-fetched" ] || echo opensbi-bpo
}

# A vendor's MBEDTLS_DIR: the version its headers declare (build_info.h in
# 3.x, version.h in 2.x), which must be 3.6.x.  Silent if it is.
user_mbedtls_wrong() {
	local dir=${MBEDTLS_DIR:-} v
	[ -n "${KB_USER_MBEDTLS:-}" ] || return 1
	v=$(sed -n 's/^#define MBEDTLS_VERSION_STRING  *"\(.*\)".*/\1/p' \
		"$dir/include/mbedtls/build_info.h" "$dir/include/mbedtls/version.h" 2>/dev/null |
		head -n 1) || true
	case $v in
	3.6.*) return 1 ;;
	'') v="not an mbedTLS source tree (no version in include/mbedtls/build_info.h)" ;;
	*) v="mbedTLS $v" ;;
	esac
	echo "setup: MBEDTLS_DIR=$dir is $v; kaslrboot needs mbedTLS 3.6.x (the LTS branch)"
}

if [ "${1:-}" = --check ]; then
	[ -z "$(missing_packages)" ] && [ -z "$(missing_sources)" ] && [ -z "$(user_mbedtls_wrong)" ]
	exit
fi

wrong=$(user_mbedtls_wrong) || true
if [ -n "$wrong" ]; then
	echo "$wrong" >&2
	exit 1
fi

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else echo "setup: need root (or sudo) to run: $*" >&2; exit 1
	fi
}

miss=$(missing_packages)
if [ -n "$miss" ]; then
	echo "setup: installing:" $miss
	as_root apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $miss >/dev/null
fi

srcs=$(missing_sources)
if [ -n "$srcs" ]; then
	# shellcheck disable=SC2086
	KB_CACHE=$KB_CACHE "$here/fetch-sources.sh" $srcs
fi
echo "setup: ok"
