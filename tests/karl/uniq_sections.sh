#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/karl/uniq_sections.sh OBJCOPY READELF OBJ...: give every data
# object section whose name occurs in more than one object file (gcc's
# and clang's string sections, .rodata.str1.1 in every file; switch
# tables) a name of its own, NAME.<object>, in place.  The loader does
# not need it (it works by section index); the relinking oracle does: its
# script places each output section by its input sections' name
# (docs/karl.md, "Data objects").
set -e
objcopy=$1 readelf=$2
shift 2
names() { "$readelf" -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p' | grep -E '^\.(s?rodata|s?data|s?bss)\.' || true; }
dups=$(for o in "$@"; do names "$o" | sort -u; done | sort | uniq -d)
[ -n "$dups" ] || exit 0
for o in "$@"; do
	args=()
	mine=$(names "$o")
	for n in $dups; do
		if grep -qxF -- "$n" <<< "$mine"; then
			args+=(--rename-section "$n=$n.$(basename "${o%.o}")")
		fi
	done
	[ "${#args[@]}" = 0 ] || "$objcopy" "${args[@]}" "$o"
done
