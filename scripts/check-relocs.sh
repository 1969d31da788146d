#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# check-relocs.sh READELF ELF ALLOWED_TYPE...
#
# Fail the build if the linked loader carries a dynamic relocation its own
# start-up code does not apply (compare Linux's EFI stub, which refuses
# absolute relocations at build time).  The loader runs wherever the
# previous stage put it; an unhandled relocation would leave a pointer
# holding a link-time address, a bug that only shows on some load addresses.
set -euo pipefail
readelf=$1; elf=$2; shift 2
allowed=" $* "
bad=0; n=0
while read -r type; do
	n=$((n + 1))
	case $allowed in
	*" $type "*) ;;
	*) echo "check-relocs: $elf: relocation $type is not handled by the start-up code" >&2; bad=1 ;;
	esac
done < <("$readelf" -rW "$elf" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_/ {print $3}')
# A relocation against a symbol would need a symbol table at run time.
if "$readelf" -rW "$elf" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_/ && NF > 4 && $5 != "" {found=1} END {exit !found}'; then
	echo "check-relocs: $elf: symbol-based dynamic relocation found" >&2; bad=1
fi
[ $bad = 0 ] || exit 1
echo "  RELOCS  $(basename "$elf"): $n run-time relocation(s), all of: $*"
