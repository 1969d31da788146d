#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The test scripts' own trap: `check "what" A && B` runs only A under
# check (the shell splits the line at &&), so B can fail without a "not
# ok".  Every check call (a logical line starting with `check`) must be a
# single command: no &&, ||, ;, | or & outside quotes; a compound
# condition goes into a function.  The lint is itself checked on a
# sample it must flag.
. "$(dirname "$0")/../lib.sh"

lint() {	# FILE... : prints FILE:LINE for each offending check call
	python3 - "$@" <<'PY'
import shlex, sys
bad = 0

def strip_subst(t):
    """Replace each $( ... ) (nested, quotes inside) by X: shlex does not
    know command substitution, whose inner quotes would end an outer one."""
    out, i = [], 0
    while i < len(t):
        if t.startswith("$(", i):
            depth, j = 1, i + 2
            while j < len(t) and depth:
                depth += {"(": 1, ")": -1}.get(t[j], 0)
                j += 1
            out.append("X")
            i = j
        else:
            out.append(t[i])
            i += 1
    return "".join(out)
for path in sys.argv[1:]:
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        start, logical = i, lines[i]
        while logical.endswith("\\") and i + 1 < len(lines):
            i += 1
            logical = logical[:-1] + " " + lines[i]
        i += 1
        words = logical.split()
        if not words or words[0] != "check":
            continue
        toks = None
        while toks is None:
            try:
                toks = list(shlex.shlex(strip_subst(logical), posix=True,
                                        punctuation_chars=True))
            except ValueError as e:
                # a quoted argument running over several lines
                if i >= len(lines):
                    print("%s:%d: cannot parse (%s)" % (path, start + 1, e)); bad += 1
                    break
                logical += "\n" + lines[i]
                i += 1
        if toks is None:
            continue
        ops = [t for t in toks if t in ("&&", "||", ";", "|", "&", ";;")]
        if ops:
            print("%s:%d: check call continues past its command with %s" % (path, start + 1, ops[0]))
            bad += 1
sys.exit(1 if bad else 0)
PY
}

c=check	# (spelled so that this file's own lines are not samples)
printf '%s\n' "$c \"good\" grep -q 'a|b && c' file" "$c \"bad\" [ -n \"\$x\" ] &&" \
	'	[ "$y" = 1 ]' "$c \"multi\" python3 -c '" 'print(1) and 2 || 3' "'" \
	"$c \"subst \$(a \"; b\" && c)\" true" > "$TMP/sample.sh"
out=$(lint "$TMP/sample.sh")
check "the lint flags a check continued with && (and only that one)" \
	[ "$out" = "$TMP/sample.sh:2: check call continues past its command with &&" ]

scripts=$(find "$top/tests" -name '*.sh' | sort)
if out=$(lint $scripts); then
	ok "every check call in tests/**/*.sh is one command ($(echo "$scripts" | wc -l) scripts)"
else
	notok "check calls that test only part of their condition:"
	echo "$out" | sed 's/^/# /'
fi

done_testing
