#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# tests/fuzz/fuzz.sh run HOST_O NAME...     (make fuzz)
# tests/fuzz/fuzz.sh merge HOST_O NAME...   (make fuzz-merge)
#
# run: each libFuzzer target $HOST_O/fuzz/fuzz_<NAME> in turn, for
# FUZZ_TIME seconds and/or FUZZ_RUNS executions (neither given: 300 s),
# over its persistent corpus $HOST_O/fuzz/corpus-fuzz_<NAME>/, the build's
# seeds $HOST_O/fuzz/seeds-<NAME>/ and the committed seed corpus
# tests/fuzz/corpus/<NAME>/; new inputs go to the persistent corpus, crash
# reproducers to $HOST_O/fuzz/artifacts-fuzz_<NAME>/.  A crash does not
# stop the other targets; the status is non-zero if any target failed.
#
# merge: replaces tests/fuzz/corpus/<NAME>/ with a minimized set (libFuzzer
# -merge=1) of the inputs from it and from the persistent corpus that add
# coverage beyond the build's seeds (which are not copied: they are built
# from tests/fixtures/ or by kbimage at every build).
set -uo pipefail
mode=$1 HOST_O=$2; shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
fz=$HOST_O/fuzz
status=0
summary=()
sizes() {	# sizes DIR: "N files, B bytes in all, the largest L"
	find "$1" -type f -printf '%s\n' |
		awk '{ t += $1; if ($1 > m) m = $1 } END { printf "%d files, %d bytes in all, the largest %d", NR, t, m }'
}

for n in "$@"; do
	bin=$fz/fuzz_$n corpus=$fz/corpus-fuzz_$n seeds=$fz/seeds-$n
	committed=$top/tests/fuzz/corpus/$n
	[ -x "$bin" ] || { echo "fuzz.sh: no target $bin" >&2; exit 2; }
	mkdir -p "$corpus" "$fz/artifacts-fuzz_$n"
	dirs=()
	[ -d "$seeds" ] && dirs+=("$seeds")
	[ -d "$committed" ] && dirs+=("$committed")
	case $mode in
	run)
		args=()
		[ -n "${FUZZ_TIME:-}" ] && args+=(-max_total_time="$FUZZ_TIME")
		[ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
		[ ${#args[@]} = 0 ] && args=(-max_total_time=300)
		echo "== fuzz_$n ${args[*]}"
		"$bin" "${args[@]}" -artifact_prefix="$fz/artifacts-fuzz_$n/" \
			"$corpus" "${dirs[@]}"
		rc=$?
		if [ $rc = 0 ]; then
			summary+=("fuzz_$n: ok")
		else
			status=1
			summary+=("fuzz_$n: FAILED (status $rc), reproducers: $(ls "$fz/artifacts-fuzz_$n" | sed "s|^|$fz/artifacts-fuzz_$n/|" | tr '\n' ' ')")
		fi
		;;
	merge)
		out=$fz/merge-fuzz_$n
		rm -rf "$out"; mkdir -p "$out"
		# the seeds go in first, so that only what adds to them is kept
		seedfiles=()
		if [ -d "$seeds" ]; then
			for f in "$seeds"/*; do
				[ -f "$f" ] && cp "$f" "$out/seed-$(basename "$f")" && seedfiles+=("$out/seed-$(basename "$f")")
			done
		fi
		before=$( [ -d "$committed" ] && find "$committed" -type f | wc -l || echo 0)
		echo "== fuzz_$n -merge=1"
		src=("$corpus")
		[ -d "$committed" ] && src+=("$committed")
		if "$bin" -merge=1 -artifact_prefix="$fz/artifacts-fuzz_$n/" "$out" "${src[@]}"; then
			rm -f "${seedfiles[@]}"
			rm -rf "$committed"
			mkdir -p "$(dirname "$committed")"
			mv "$out" "$committed"
			summary+=("tests/fuzz/corpus/$n: $(sizes "$committed") (was $before files)")
		else
			status=1
			summary+=("fuzz_$n: merge FAILED, tests/fuzz/corpus/$n left as it was")
		fi
		;;
	*)
		echo "usage: fuzz.sh run|merge HOST_O NAME..." >&2; exit 2 ;;
	esac
done
printf '%s\n' "${summary[@]}"
exit $status
