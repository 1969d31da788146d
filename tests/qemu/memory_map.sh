#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU: the memory map kaslrboot prints equals the memory nodes of the tree
# QEMU generates (dumped with -M virt,dumpdtb=), for a plain 512 MiB machine,
# a two-node NUMA split, and memory above 4 GiB; plus the reservations.
. "$(dirname "$0")/../lib.sh"

# expected "mem" lines: base-end of every memory node's reg, from the dump,
# with nodes that meet merged into one range named after the lowest and
# marked "(+N merged)", as the loader's memory map holds them
expected_mem() {	# DTB
	local dtb=$1 n reg
	for n in $(fdtget -l "$dtb" /); do
		case $n in memory@*) ;; *) continue ;; esac
		reg=$(fdtget -t x "$dtb" "/$n" reg)
		# #address-cells = #size-cells = 2 on virt
		set -- $reg
		printf '%d %d /%s\n' $(( (0x$1 << 32) | 0x$2 )) \
			$(( ((0x$1 << 32) | 0x$2) + ((0x$3 << 32) | 0x$4) )) "$n"
	done | python3 -c '
import sys
r = sorted((int(a), int(b), n) for a, b, n in (l.split() for l in sys.stdin))
out = []
for a, b, n in r:
    if out and a <= out[-1][1]:
        out[-1][1] = max(out[-1][1], b); out[-1][3] += 1
    else:
        out.append([a, b, n, 0])
for a, b, n, k in out:
    print("0x%016x-0x%016x %s%s" % (a, b, n, " (+%d merged)" % k if k else ""))
' | sort
}
printed_mem() {	# LOG: "<range> <name>[ (+N merged)]"
	sed -n 's/^kaslrboot:   mem   \(0x[0-9a-f]*-0x[0-9a-f]*\)  [0-9]* [A-Za-z]*  \(.*\)$/\1 \2/p' "$1" | sort
}

run_case() {	# NAME MEM SMP EXTRA...
	local name=$1 mem=$2 smp=$3; shift 3
	qemu-system-riscv64 -M virt,dumpdtb="$TMP/$name.dtb" -m "$mem" -smp "$smp" \
		-nographic "$@" >/dev/null 2>&1
	boot "$name" QEMU_MEM="$mem" QEMU_SMP="$smp" QEMU_EXTRA="$*"
	check "$name: boots and powers off (rc $(rc_of "$name"))" [ "$(rc_of "$name")" = 0 ]
	expected_mem "$TMP/$name.dtb" > "$TMP/$name.exp"
	printed_mem "$(log_of "$name")" > "$TMP/$name.got"
	if [ -s "$TMP/$name.exp" ] && diff -u "$TMP/$name.exp" "$TMP/$name.got"; then
		ok "$name: printed memory ranges equal QEMU's memory nodes, merged where they meet ($(tr "\n" ";" < "$TMP/$name.exp"))"
	else
		notok "$name: printed memory ranges differ from QEMU's memory nodes"
		cat "$(log_of "$name")"
	fi
	for kind in dtb loader stack; do
		check "$name: reservation '$kind' printed" \
			grep -q "resv .* $kind " "$(log_of "$name")"
	done
	check "$name: OpenSBI's reserved-memory printed" \
		grep -q "resv .*reserved-memory.*mmode_resv" "$(log_of "$name")"
}

run_case m512 512M 1
run_case numa2 512M 2 \
	-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M \
	-numa node,memdev=m0,cpus=0 -numa node,memdev=m1,cpus=1
run_case above4g 5G 1

done_testing
