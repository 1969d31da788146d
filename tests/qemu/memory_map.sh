#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU: the memory map kaslrboot prints equals the memory nodes of the tree
# QEMU generates (dumped with -M virt,dumpdtb=), for a plain 512 MiB machine,
# a two-node NUMA split, and memory above 4 GiB; plus the reservations.
. "$(dirname "$0")/../lib.sh"

# expected "mem" lines: base-end of every memory node's reg, from the dump
expected_mem() {	# DTB
	local dtb=$1 n reg
	for n in $(fdtget -l "$dtb" /); do
		case $n in memory@*) ;; *) continue ;; esac
		reg=$(fdtget -t x "$dtb" "/$n" reg)
		# #address-cells = #size-cells = 2 on virt
		set -- $reg
		printf '0x%016x-0x%016x /%s\n' $(( (0x$1 << 32) | 0x$2 )) \
			$(( ((0x$1 << 32) | 0x$2) + ((0x$3 << 32) | 0x$4) )) "$n"
	done | sort
}
printed_mem() {	# LOG
	awk '$2 == "mem" {print $3, $NF}' "$1" | sed 's/-/ /' |
		awk '{printf "%s-%s %s\n", $1, $2, $3}' | sort
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
		ok "$name: printed memory ranges equal QEMU's memory nodes ($(wc -l < "$TMP/$name.exp"))"
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
