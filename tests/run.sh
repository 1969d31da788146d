#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/run.sh [--host-only] HOST_O
#
# Runs every host unit-test binary (cmocka, TAP output) and, unless
# --host-only, every QEMU test in tests/qemu/*.sh (environment: O, BOARD_DIR).
# Each test prints "ok - name" or "not ok - name"; a binary that dies
# (sanitizer report, crash) counts as one failure.  Ends with the line
# "N passed, N failed" and exits non-zero if anything failed or nothing ran.
set -uo pipefail
host_only=0
if [ "${1:-}" = --host-only ]; then host_only=1; shift; fi
HOST_O=$1
top=$(cd "$(dirname "$0")/.." && pwd)
export KB_FIXTURE_DIR=$HOST_O/fixtures
# mbedTLS's own test vectors are read from the fetched (or vendor) source.
export KB_MBEDTLS_DIR=${MBEDTLS_DIR:-$top/cache/src/mbedtls}
log=$HOST_O/test-logs
mkdir -p "$log"
pass=0; fail=0

count() {	# count NAME LOGFILE RC
	local name=$1 file=$2 rc=$3 p f
	p=$(grep -c '^ok ' "$file")
	f=$(grep -c '^not ok ' "$file")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >> "$file"
	fi
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$f" != 0 ]; then
		echo "FAIL $name ($p passed, $f failed):"
		grep -v '^ok ' "$file" | sed 's/^/    /' | tail -n 40
	else
		echo "ok   $name ($p passed)"
	fi
	# figures a test reports for the log (e.g. how many KAT vectors ran)
	grep '^# .*\(KAT\|vectors\)' "$file" | sed 's/^# /     /' || true
}

for t in "$HOST_O"/tests/test_*; do
	[ -x "$t" ] || continue
	name=host/$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$log/$(basename "$t").log" 2>&1
	count "$name" "$log/$(basename "$t").log" $?
done

# libFuzzer targets: a fixed number of runs each (FUZZ_RUNS), from the
# seed corpus in tests/fuzz/corpus/<name>/ plus what a previous run found.
for t in "$HOST_O"/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus=$HOST_O/fuzz/corpus-$name
	mkdir -p "$corpus"
	seeds=$top/tests/fuzz/corpus/${name#fuzz_}
	"$t" -runs="${FUZZ_RUNS:-20000}" -seed=1 -artifact_prefix="$HOST_O/fuzz/artifact-$name-" "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) \
		> "$log/$name.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "ok - $name: $(grep -o 'Done [0-9]* runs' "$log/$name.log" | tail -n 1)" >> "$log/$name.log"
	fi
	count "fuzz/$name" "$log/$name.log" $rc
done

if [ $host_only = 0 ]; then
	arm=()
	# arm64 board tests run when its build exists (make test builds it)
	[ -n "${O_AARCH64:-}" ] && [ -f "$O_AARCH64/kaslrboot.bin" ] && arm=("$top"/tests/qemu-aarch64/*.sh)
	for t in "$top"/tests/build/*.sh "$top"/tests/qemu/*.sh "${arm[@]}"; do
		[ -f "$t" ] || continue
		name=$(basename "$(dirname "$t")")/$(basename "$t" .sh)
		bash "$t" > "$log/$(basename "$(dirname "$t")")-$(basename "$t" .sh).log" 2>&1
		count "$name" "$log/$(basename "$(dirname "$t")")-$(basename "$t" .sh).log" $?
	done
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
