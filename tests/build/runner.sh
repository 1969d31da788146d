#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/run.sh itself: run with --host-only on a fake HOST_O whose "test
# binaries" are small scripts, one bad behaviour each.  Every bad one must
# make the nested run fail (non-zero exit, counted in its summary line); the
# good ones alone pass.  The nested run sees only $TMP/<case>/tests/test_*
# and $TMP/<case>/fuzz/fuzz_*: --host-only skips tests/build (no recursion)
# and the real binaries are in build/host, not here.
. "$(dirname "$0")/../lib.sh"

# fake CASE KIND NAME BODY: $TMP/CASE/<tests|fuzz>/NAME, a bash script
fake() {
	mkdir -p "$TMP/$1/$2"
	printf '#!/usr/bin/env bash\n%s\n' "$4" > "$TMP/$1/$2/$3"
	chmod +x "$TMP/$1/$2/$3"
}
# nested CASE: the runner on $TMP/CASE; output $TMP/CASE.out, status $TMP/CASE.rc
nested() {
	( ulimit -c 0; "$top/tests/run.sh" --host-only "$TMP/$1" ) > "$TMP/$1.out" 2>&1
	echo $? > "$TMP/$1.rc"
}
# expect CASE RC-TEST SUMMARY WHAT: status test (0 or nonzero) and last line
expect() {
	local c=$1 want_rc=$2 sum=$3 what=$4 rc last
	nested "$c"
	rc=$(cat "$TMP/$c.rc"); last=$(tail -n 1 "$TMP/$c.out")
	if { [ "$want_rc" = 0 ] && [ "$rc" = 0 ]; } || { [ "$want_rc" = nonzero ] && [ "$rc" != 0 ]; } &&
	   [ "$last" = "$sum" ]; then
		ok "$what: exit $rc, \"$last\""
	else
		notok "$what: want exit $want_rc and \"$sum\", got exit $rc and:"
		sed 's/^/#   /' "$TMP/$c.out"
	fi
}

GOOD='echo 1..2; echo "ok 1 - a"; echo "ok 2 - b"'

fake good tests test_good "$GOOD"
expect good 0 "2 passed, 0 failed" "a good test (plan first) passes"

fake trailing tests test_trailing 'echo "ok - a"; echo "ok - b"; echo "ok - c"; echo 1..3'
expect trailing 0 "3 passed, 0 failed" "a good test with a trailing plan passes"

fake exit1 tests test_exit1 "$GOOD; exit 1"
expect exit1 nonzero "2 passed, 1 failed" "all ok, then exit 1: fails"

fake short tests test_short 'echo 1..3; echo "ok 1 - a"; echo "ok 2 - b"'
expect short nonzero "2 passed, 1 failed" "plan 1..3, two results: fails"

fake extra tests test_extra 'echo 1..1; echo "ok 1 - a"; echo "ok 2 - b"'
expect extra nonzero "2 passed, 1 failed" "plan 1..1, two results: fails"

fake killed tests test_killed "$GOOD; kill -KILL \$\$"
expect killed nonzero "2 passed, 1 failed" "all ok, then SIGKILL: fails"

fake segv tests test_segv 'echo 1..3; echo "ok 1 - a"; echo "ok 2 - b"; kill -SEGV $$'
expect segv nonzero "2 passed, 1 failed" "two ok, then SIGSEGV: fails"

fake noplan tests test_noplan 'echo "ok 1 - a"; echo "ok 2 - b"'
expect noplan nonzero "2 passed, 1 failed" "no plan: fails"

fake twoplans tests test_twoplans 'echo 1..1; echo "ok 1 - a"; echo 1..1'
expect twoplans nonzero "1 passed, 1 failed" "two plans: fails"

# a test that hangs: stopped after KB_TEST_TIMEOUT seconds, counted failed
fake hang tests test_hang 'echo 1..2; echo "ok 1 - a"; sleep 600; echo "ok 2 - b"'
KB_TEST_TIMEOUT=2 expect hang nonzero "1 passed, 1 failed" "a test that hangs is stopped after KB_TEST_TIMEOUT and fails"
check "... and reported as timed out" grep -q 'not ok - host/test_hang: timed out after 2 s' "$TMP/hang.out"

fake notok tests test_notok 'echo 1..2; echo "ok 1 - a"; echo "not ok 2 - b"; exit 1'
expect notok nonzero "1 passed, 1 failed" "a not ok (plan right, exit 1) counts once"

fake fuzzbad fuzz fuzz_selftest_bad 'echo "Done 10 runs in 0 second(s)"; exit 1'
expect fuzzbad nonzero "0 passed, 1 failed" "a fuzzer exiting 1: fails"

fake fuzzgood fuzz fuzz_selftest_good 'echo "Done 10 runs in 0 second(s)"'
expect fuzzgood 0 "1 passed, 0 failed" "a fuzzer exiting 0 passes"

mkdir -p "$TMP/empty"
expect empty nonzero "0 passed, 0 failed" "nothing to run: fails"

# lib.sh's own plan: done_testing prints it; leaving early prints none
LIB="TMPDIR=$TMP; . '$top/tests/lib.sh'"
fake libgood tests test_libgood "$LIB; ok a; ( ok b in a subshell ); check c true; done_testing"
expect libgood 0 "3 passed, 0 failed" "lib.sh: ok, ok in a subshell, check, done_testing: passes"

fake libexit0 tests test_libexit0 "$LIB; ok a; exit 0; ok b; done_testing"
expect libexit0 nonzero "1 passed, 1 failed" "lib.sh: exit 0 before done_testing: fails"

fake libnotok tests test_libnotok "$LIB; ok a; notok b; done_testing"
expect libnotok nonzero "1 passed, 1 failed" "lib.sh: a notok, then done_testing: fails once"

fake libkilled tests test_libkilled "$LIB; ok a; kill -TERM \$\$; ok b; done_testing"
expect libkilled nonzero "1 passed, 1 failed" "lib.sh: SIGTERM half-way: fails"

# all together: each bad one is named in its own FAIL line
mkdir -p "$TMP/all/tests" "$TMP/all/fuzz"
for c in good trailing exit1 short extra killed segv noplan twoplans notok libgood libexit0 libnotok libkilled; do
	cp "$TMP/$c/tests/"* "$TMP/all/tests/"
done
cp "$TMP"/fuzzbad/fuzz/fuzz_selftest_bad "$TMP"/fuzzgood/fuzz/fuzz_selftest_good "$TMP/all/fuzz/"
nested all
fails=$(grep '^FAIL ' "$TMP/all.out" | sed 's/ (.*//; s/^FAIL //' | sort | tr '\n' ' ')
oks=$(grep '^ok   ' "$TMP/all.out" | sed 's/ (.*//; s/^ok   //' | sort | tr '\n' ' ')
want_fails="fuzz/fuzz_selftest_bad host/test_exit1 host/test_extra host/test_killed host/test_libexit0 host/test_libkilled host/test_libnotok host/test_noplan host/test_notok host/test_segv host/test_short host/test_twoplans "
want_oks="fuzz/fuzz_selftest_good host/test_good host/test_libgood host/test_trailing "
check "all cases in one run: FAIL exactly for the bad ones ($fails)" [ "$fails" = "$want_fails" ]
check "all cases in one run: ok exactly for the good ones, nothing else ran ($oks)" [ "$oks" = "$want_oks" ]
check "all cases in one run: exit non-zero, \"$(tail -n 1 "$TMP/all.out")\"" \
	[ "$(cat "$TMP/all.rc")" != 0 ]
check "a failing test's log tail is shown with the reason" \
	grep -q '^    not ok - host/test_exit1: exited with status 1$' "$TMP/all.out"
check "a killed test is reported as killed" \
	grep -q '^    not ok - host/test_killed: killed by SIGKILL (status 137)' "$TMP/all.out"

done_testing
