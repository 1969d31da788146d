# SPDX-License-Identifier: BSD-2-Clause
# What the KARL QEMU tests (tests/qemu/karl.sh, tests/qemu-aarch64/karl.sh,
# tests/qemu-riscv-m/karl.sh) read from a boot of the test payload
# (tests/karl/gen_payload.py): sourced after tests/lib.sh; $NM is the
# payload architecture's nm.

# NAME: the payload's line: "karl-payload: checksum C pointers ok|BAD
# m0 m1 m2 m3 data d0 d1 d2 d3 ..."
pl() { grep '^karl-payload:' "$(log_of "$1")"; }
checksum() { pl "$1" | awk '{print $3}'; }
# fn_0, fn_1, fn_2, strsum
markers() { pl "$1" | awk '{print $6, $7, $8, $9}'; }
# ctab_0, ctab_2 (read-only), dptr_1 (writable), bss_3 (BSS)
dmarkers() { pl "$1" | awk '$10 == "data" {print $11, $12, $13, $14}'; }
payload_ok() { pl "$1" | grep -q ' pointers ok '; }
trashed() { pl "$1" | grep -q ' startup-trashed rerun-ok$'; }
not_entered() { ! grep -q '^karl-payload:' "$(log_of "$1")"; }
karl_line() { grep -qE '^kaslrboot: karl: [0-9]+ functions, [0-9]+ data objects shuffled, gaps up to 4096 B: [0-9]+\.[0-9]+ bits of layout entropy' "$(log_of "$1")"; }

_karl_offsets() {	# "m0 m1 m2 m3": the last three's offsets from the first
	local m
	read -ra m <<< "$1"
	[ "${#m[@]}" = 4 ] || return 0
	echo "$((m[1] - m[0])) $((m[2] - m[0])) $((m[3] - m[0]))"
}
deltas() { _karl_offsets "$(markers "$1")"; }	# NAME: the function markers' distances
ddeltas() { _karl_offsets "$(dmarkers "$1")"; }	# NAME: the data markers' distances

link_syms() {	# ELF SYM...: the symbols' link-time values, "0x.. 0x.."
	local elf=$1 s out=
	shift
	for s; do
		out="$out 0x$($NM "$elf" | awk -v s="$s" '$3 == s {print $1}')"
	done
	echo "${out# }"
}
link_markers() { link_syms "$1" fn_0 fn_1 fn_2 strsum; }	# ELF
link_dmarkers() { link_syms "$1" ctab_0 ctab_2 dptr_1 bss_3; }	# ELF
