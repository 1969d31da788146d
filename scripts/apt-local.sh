# SPDX-License-Identifier: BSD-2-Clause
#
# Sourced by the scripts that download Debian binary packages for tests
# and benchmarks (tests/debian/fetch.sh, scripts/fetch-uboot.sh,
# scripts/fetch-kernel-riscv64.sh): a project-local apt configuration, its
# own sources, lists, archive cache and status file under a directory of
# $KB_CACHE, so the system's apt state is never touched.  Its entries point
# at the Debian archive(s) the machine already uses (`apt-get indextargets`:
# no host name is written anywhere), and apt checks every file against
# Debian's signed indices (Signed-By: the Debian archive keyring; insecure
# repositories refused).  Packages are downloaded, never installed.
#
#   kb_apt_setup DIR ARCH RELEASES [CODENAME]
#       DIR       where the configuration, lists and cache live
#       ARCH      arm64, riscv64, ... or "" for the machine's own
#       RELEASES  an awk regular expression of the system's releases to
#                 use, e.g. '^bookworm(-security|-updates)?$'
#       CODENAME  use this release instead of bookworm (e.g. trixie: the
#                 suffix, -security or -updates, is kept)
#   kb_apt COMMAND ARGS...   apt-get / apt-cache with that configuration

KB_APT_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

kb_apt() {
	"$@" -o Dir::Etc::SourceList=/dev/null \
		-o Dir::Etc::SourceParts="$KB_APT_DIR/sources.list.d" \
		-o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts="$KB_APT_DIR/preferences.d" \
		-o Dir::State="$KB_APT_DIR/state" -o Dir::State::Lists="$KB_APT_DIR/state/lists" \
		-o Dir::State::status="$KB_APT_DIR/state/status" -o Dir::Cache="$KB_APT_DIR/cache" \
		-o APT::Sandbox::User=root -o Acquire::AllowInsecureRepositories=false \
		${KB_APT_ARCH:+-o APT::Architecture=$KB_APT_ARCH -o APT::Architectures::=$KB_APT_ARCH}
}

kb_apt_setup() {
	local releases=$3 codename=${4:-} uris uri rel
	KB_APT_DIR=$1
	KB_APT_ARCH=$2
	if [ ! -f "$KB_APT_KEYRING" ]; then
		echo "missing $KB_APT_KEYRING (install debian-archive-keyring)" >&2
		return 1
	fi
	rm -rf "$KB_APT_DIR/sources.list.d"
	mkdir -p "$KB_APT_DIR"/sources.list.d "$KB_APT_DIR"/preferences.d \
		"$KB_APT_DIR"/state/lists/partial "$KB_APT_DIR"/cache/archives/partial
	: > "$KB_APT_DIR/state/status"
	uris=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null |
		awk -v r="$releases" '$2 ~ r {print $1, $2}' | sort -u)
	if [ -z "$uris" ]; then
		echo "no Debian archive for '$releases' in the system's apt sources (apt-get update?)" >&2
		return 1
	fi
	echo "$uris" | while read -r uri rel; do
		[ -z "$codename" ] || rel=$codename${rel#bookworm}
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$rel"
		[ -z "$KB_APT_ARCH" ] || printf 'Architectures: %s\n' "$KB_APT_ARCH"
		printf 'Signed-By: %s\n\n' "$KB_APT_KEYRING"
	done > "$KB_APT_DIR/sources.list.d/kaslrboot.sources"
	kb_apt apt-get -qq update
}
