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
# into $KB_CACHE; it is never committed.  When the Makefile was given
# MBEDTLS_DIR= / LIBFDT_DIR= it sets KB_USER_MBEDTLS / KB_USER_LIBFDT and that
# source is not fetched.
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

missing_sources() {
	[ -n "${KB_USER_MBEDTLS:-}" ] || [ -f "$KB_CACHE/src/mbedtls/.kb-fetched" ] || echo mbedtls
	[ -n "${KB_USER_LIBFDT:-}" ] || [ -f "$KB_CACHE/src/libfdt/.kb-fetched" ] || echo libfdt
	[ -f "$KB_CACHE/opensbi-bpo/.kb-fetched" ] || echo opensbi-bpo
}

if [ "${1:-}" = --check ]; then
	[ -z "$(missing_packages)" ] && [ -z "$(missing_sources)" ]
	exit
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
