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
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
die() { echo "fetch-kernel-riscv64: $*" >&2; exit 1; }

apt_local() {
	"$@" -o Dir::Etc::SourceList=/dev/null \
		-o Dir::Etc::SourceParts="$APTDIR/sources.list.d" \
		-o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts="$APTDIR/preferences.d" \
		-o Dir::State="$APTDIR/state" -o Dir::State::Lists="$APTDIR/state/lists" \
		-o Dir::State::status="$APTDIR/state/status" -o Dir::Cache="$APTDIR/cache" \
		-o APT::Sandbox::User=root -o Acquire::AllowInsecureRepositories=false \
		-o APT::Architecture=riscv64 -o APT::Architectures::=riscv64
}

if [ ! -f "$DL/.kb-fetched" ]; then
	[ -f "$KEYRING" ] || die "missing $KEYRING (install debian-archive-keyring)"
	rm -rf "$APTDIR/sources.list.d"
	mkdir -p "$APTDIR"/sources.list.d "$APTDIR"/preferences.d "$APTDIR"/state/lists/partial \
		"$APTDIR"/cache/archives/partial "$DL"
	: > "$APTDIR/state/status"
	# The machine's bookworm archive, with trixie's main suite (the
	# kernel of the point release: any trixie kernel serves for a
	# comparison where both loaders get the same bytes).
	uris=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null |
		awk '$2 == "bookworm" {print $1, $2}' | sort -u)
	[ -n "$uris" ] || die "no Debian bookworm archive in the system's apt sources"
	echo "$uris" | while read -r uri rel; do
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nArchitectures: riscv64\nSigned-By: %s\n\n' \
			"$uri" "trixie${rel#bookworm}" "$KEYRING"
	done > "$APTDIR/sources.list.d/kaslrboot-riscv64.sources"
	apt_local apt-get -qq update || die "apt-get update (riscv64, trixie) failed"
	kpkg=$(apt_local apt-cache depends linux-image-riscv64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-riscv64\(-unsigned\)\{0,1\}\)$/\1/p' | head -n 1)
	[ -n "$kpkg" ] || die "cannot resolve linux-image-riscv64"
	rm -f "$DL"/*.deb
	(cd "$DL" && apt_local apt-get -qq download "$kpkg") || die "apt-get download $kpkg failed"
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
