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
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
die() { echo "fetch-uboot: $*" >&2; exit 1; }

apt_local() {
	"$@" -o Dir::Etc::SourceList=/dev/null \
		-o Dir::Etc::SourceParts="$APTDIR/sources.list.d" \
		-o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts="$APTDIR/preferences.d" \
		-o Dir::State="$APTDIR/state" -o Dir::State::Lists="$APTDIR/state/lists" \
		-o Dir::State::status="$APTDIR/state/status" -o Dir::Cache="$APTDIR/cache" \
		-o APT::Sandbox::User=root -o Acquire::AllowInsecureRepositories=false
}

if [ ! -f "$OUT/.kb-fetched" ]; then
	[ -f "$KEYRING" ] || die "missing $KEYRING (install debian-archive-keyring)"
	rm -rf "$APTDIR/sources.list.d"
	mkdir -p "$APTDIR"/sources.list.d "$APTDIR"/preferences.d "$APTDIR"/state/lists/partial \
		"$APTDIR"/cache/archives/partial
	: > "$APTDIR/state/status"
	uris=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null |
		awk '$2 ~ /^bookworm(-security|-updates)?$/ {print $1, $2}' | sort -u)
	[ -n "$uris" ] || die "no Debian bookworm archive in the system's apt sources"
	echo "$uris" | while read -r uri rel; do
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n\n' \
			"$uri" "$rel" "$KEYRING"
	done > "$APTDIR/sources.list.d/kaslrboot-uboot.sources"
	apt_local apt-get -qq update || die "apt-get update (project-local) failed"
	dl=$KB_CACHE/dl/u-boot
	rm -rf "$dl"; mkdir -p "$dl"
	(cd "$dl" && apt_local apt-get -qq download u-boot-qemu u-boot-tools) ||
		die "apt-get download u-boot-qemu u-boot-tools failed"
	rm -rf "$OUT.new"; mkdir -p "$OUT.new"
	for d in "$dl"/*.deb; do dpkg-deb -x "$d" "$OUT.new"; done
	echo "u-boot-qemu $(dpkg-deb -f "$dl"/u-boot-qemu_*.deb Version); u-boot-tools $(dpkg-deb -f "$dl"/u-boot-tools_*.deb Version)" \
		> "$OUT.new/.kb-fetched"
	rm -rf "$OUT"; mv "$OUT.new" "$OUT"
fi
echo "$OUT"
