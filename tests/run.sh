#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/run.sh [--host-only] HOST_O
#
# Runs every host unit-test binary $HOST_O/tests/test_* (cmocka, TAP
# output), every libFuzzer target $HOST_O/fuzz/fuzz_* and, unless
# --host-only, every script in tests/build/, tests/qemu/, (when
# $O_AARCH64 is built) tests/qemu-aarch64/ and (when $O_RISCV64_M is built)
# tests/qemu-riscv-m/, (when $O_ARM_M is built) tests/qemu-arm-m/
# (environment: O, BOARD_DIR, O_RISCV32_M).
#
# Every test speaks TAP: "ok ..." / "not ok ..." lines and one plan "1..N"
# (first or last).  A test passes only if it exits 0, is not killed by a
# signal, prints exactly one plan and as many ok / not ok lines as the plan
# says.  Anything else adds one failure ("not ok - <test>: <why>", appended
# to its log).  For a libFuzzer target the runner writes the TAP itself:
# "ok" if it exited 0, else "not ok".  Ends with the line "N passed, N failed" and exits
# non-zero if anything failed or nothing ran.
set -uo pipefail
host_only=0
if [ "${1:-}" = --host-only ]; then host_only=1; shift; fi
HOST_O=$1
top=$(cd "$(dirname "$0")/.." && pwd)
export KB_FIXTURE_DIR=$HOST_O/fixtures
# mbedTLS's own test vectors are read from the fetched (or vendor) source.
export KB_MBEDTLS_DIR=${MBEDTLS_DIR:-${KB_CACHE:-$top/cache}/src/mbedtls}
log=$HOST_O/test-logs
mkdir -p "$log"
pass=0; fail=0

count() {	# count NAME LOGFILE RC
	local name=$1 file=$2 rc=$3 p f plans n sig msg why=()
	p=$(grep -c '^ok\( \|$\)' "$file")
	f=$(grep -c '^not ok\( \|$\)' "$file")
	# exit status: 0, or non-zero with a "not ok" to show for it; a
	# signal (status 128+n) is a failure in any case
	if [ "$rc" = 124 ]; then
		why+=("timed out after ${KB_TEST_TIMEOUT:-900} s (KB_TEST_TIMEOUT)")
	elif [ "$rc" -gt 128 ] && sig=$(kill -l "$((rc - 128))" 2>/dev/null); then
		why+=("killed by SIG$sig (status $rc)")
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		why+=("exited with status $rc")
	fi
	# the plan: exactly one "1..N", and N results printed
	plans=$(grep -c '^1\.\.[0-9][0-9]*\( \|$\)' "$file")
	if [ "$plans" = 0 ]; then
		why+=("printed no TAP plan (1..N)")
	elif [ "$plans" != 1 ]; then
		why+=("printed $plans TAP plans")
	else
		n=$(sed -n 's/^1\.\.\([0-9][0-9]*\)\( .*\)\{0,1\}$/\1/p' "$file")
		[ "$n" = $((p + f)) ] || why+=("planned $n tests, printed $((p + f)) results")
	fi
	if [ ${#why[@]} != 0 ]; then
		f=$((f + 1))
		msg=$(printf '%s; ' "${why[@]}")
		echo "not ok - $name: ${msg%; }" >> "$file"
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

# run LOGFILE COMMAND...: the command's output (and the shell's own
# "Segmentation fault" line if it dies of a signal) into LOGFILE; its exit
# status is the status of this function.  A test still running after
# KB_TEST_TIMEOUT seconds (default 900) is stopped with its whole process
# group (QEMU included): SIGTERM, SIGKILL 10 s later.  A hang fails the
# test; it does not stall the suite until CI gives up.
run() {
	local file=$1; shift
	{ timeout -k 10 "${KB_TEST_TIMEOUT:-900}" "$@"; } > "$file" 2>&1
}

for t in "$HOST_O"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=TAP run "$log/$name.log" "$t"
	rc=$?
	count "host/$name" "$log/$name.log" $rc
done

# libFuzzer targets: a fixed number of runs each (FUZZ_RUNS, -seed=1)
# from the committed seed corpus tests/fuzz/corpus/<name>/ and the build's
# own seeds ($HOST_O/fuzz/seeds-<name>/), into a fresh directory: never
# from what an earlier run or a `make fuzz` campaign left in
# $HOST_O/fuzz/corpus-*, so that the same tree runs the same inputs.
for t in "$HOST_O"/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	seeds=$top/tests/fuzz/corpus/${name#fuzz_}
	built=$HOST_O/fuzz/seeds-${name#fuzz_}
	out=$(mktemp -d)
	run "$log/$name.log" "$t" -runs="${FUZZ_RUNS:-20000}" -seed=1 \
		-artifact_prefix="$HOST_O/fuzz/artifact-$name-" "$out" \
		$( [ -d "$built" ] && echo "$built" ) $( [ -d "$seeds" ] && echo "$seeds" )
	rc=$?
	rm -rf "$out"
	if [ $rc = 0 ]; then
		echo "ok - $name: $(grep -o 'Done [0-9]* runs' "$log/$name.log" | tail -n 1)"
	else
		echo "not ok - $name: exited with status $rc"
	fi >> "$log/$name.log"
	echo "1..1" >> "$log/$name.log"
	count "fuzz/$name" "$log/$name.log" $rc
done

if [ $host_only = 0 ]; then
	arm=()
	# arm64 board tests run when its build exists (make test builds it)
	[ -n "${O_AARCH64:-}" ] && [ -f "$O_AARCH64/kaslrboot.bin" ] && arm=("$top"/tests/qemu-aarch64/*.sh)
	# the M-mode first-stage boards' tests, likewise
	mmode=()
	[ -n "${O_RISCV64_M:-}" ] && [ -f "$O_RISCV64_M/kaslrboot.bin" ] && mmode=("$top"/tests/qemu-riscv-m/*.sh)
	# the Cortex-M board's (qemu-microbit), likewise
	armm=()
	[ -n "${O_ARM_M:-}" ] && [ -f "$O_ARM_M/kaslrboot.bin" ] && armm=("$top"/tests/qemu-arm-m/*.sh)
	for t in "$top"/tests/build/*.sh "$top"/tests/qemu/*.sh "${arm[@]}" "${mmode[@]}" "${armm[@]}"; do
		[ -f "$t" ] || continue
		dir=$(basename "$(dirname "$t")")
		name=$(basename "$t" .sh)
		run "$log/$dir-$name.log" bash "$t"
		rc=$?
		count "$dir/$name" "$log/$dir-$name.log" $rc
	done
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
