# SPDX-License-Identifier: BSD-2-Clause
# Helpers for tests/qemu/*.sh and tests/build/*.sh (sourced).
# Each check prints "ok - <what>" or "not ok - <what>"; tests/run.sh counts.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${O:=$top/build/qemu-virt-riscv64}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }
check() {	# check "description" command...
	local what=$1; shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}

# boot NAME [make run args...]: boot through `make run`, log in $TMP/NAME.log
boot() {
	local name=$1; shift
	make -s -C "$top" O="$O" run QEMU_TIMEOUT="${QEMU_TIMEOUT:-30}" "$@" \
		> "$TMP/$name.raw" 2>&1
	echo $? > "$TMP/$name.rc"
	tr -d '\r' < "$TMP/$name.raw" > "$TMP/$name.log"
}
rc_of() { cat "$TMP/$1.rc"; }
log_of() { echo "$TMP/$1.log"; }
