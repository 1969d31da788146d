# SPDX-License-Identifier: BSD-2-Clause
# Helpers for tests/qemu/*.sh and tests/build/*.sh (sourced).
# Each check prints "ok - <what>" or "not ok - <what>" (TAP); a script ends
# with done_testing, which prints the plan "1..N" (N: the results printed
# through ok/notok/check, subshells included) and exits 1 if any failed.
# A script that exits any other way (exit, a signal, a fatal error before
# its last line) prints no plan, and tests/run.sh counts it as a failure.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${O:=$top/build/qemu-virt-riscv64}"
TMP=$(mktemp -d)
_kb_results=$TMP/.tap-results	# one byte per result: '.' ok, 'x' not ok
_kb_done=
_kb_exit() {
	local rc=$?
	rm -rf "$TMP"
	if [ -z "$_kb_done" ]; then
		echo "# $(basename "$0"): ended (status $rc) before done_testing: no plan"
		[ "$rc" != 0 ] || exit 1
	fi
}
trap _kb_exit EXIT

ok() { echo "ok - $*"; printf . >> "$_kb_results"; }
notok() { echo "not ok - $*"; printf x >> "$_kb_results"; }
check() {	# check "description" command...
	local what=$1; shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}
done_testing() {
	local n=0 failed=0
	if [ -f "$_kb_results" ]; then
		n=$(wc -c < "$_kb_results")
		failed=$(tr -cd x < "$_kb_results" | wc -c)
	fi
	echo "1..$n"
	_kb_done=1
	exit $((failed != 0))
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
