#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/health-cutoffs.py --check: the RCT/APT cutoffs it computes match
# its reference table (W = 512, alpha 2^-20 and 2^-30, H from 0.5 to 8
# bits); and the check can fail: a copy with one reference value off by
# one is refused, naming the entry.
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
hc=$top/scripts/health-cutoffs.py

"$PY" "$hc" --check > "$TMP/out" 2>&1
rc=$?
check "health-cutoffs.py --check: every reference cutoff recomputed (exit $rc)$(sed "s/^/; /" "$TMP/out")" \
	test $rc = 0 -a ! -s "$TMP/out"

sed 's/^\(    20: {.*8000: \)(4, 13)}/\1(4, 14)}/' "$hc" > "$TMP/hc-broken.py"
check "a reference value off by one (alpha 2^-20, H = 8, APT 14): the copy differs in one line" \
	[ "$(diff "$hc" "$TMP/hc-broken.py" | grep -c '^>')" = 1 ]
"$PY" "$TMP/hc-broken.py" --check > "$TMP/broken" 2>&1
rc=$?
check "... and --check refuses it: exit $rc, $(cat "$TMP/broken")" \
	grep -q 'alpha 2^-20 H=8.*got RCT 4 APT 13, want RCT 4 APT 14' "$TMP/broken"
check "... with exit status 1" test $rc = 1

done_testing
