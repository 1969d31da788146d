#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Harts that arrive late (docs/m-mode.md, "Parked harts").  QEMU 7.2 starts
# every hart at once, so here QEMU starts stopped (-S) with its gdbstub on
# a unix socket, and late_hart.py resumes hart 0 alone (GDB remote
# protocol, vCont;c:p1.1: the harts not named stay at the reset vector)
# until a given console line, then every hart; at the end each hart's pc.
#  (a) Payload B (M-mode firmware, rv64 and rv32, 4 harts): harts 1-3
#      arrive after the handoff: they end in kaslrboot's park loop in
#      flash, the firmware ran once and its checks passed;
#  (b) Payload A (OpenSBI and the S-mode test kernel, 2 harts): hart 1
#      arrives after the release: the release was closed (mailbox magic
#      cleared) before OpenSBI ran; the kernel has OpenSBI raise hart 1's
#      msip (SBI HSM hart_start) and the mailbox's RAM is overwritten, as
#      a payload may do: hart 1 stays parked;
#  (c) a hart that arrives while hart 0 is still in the loader parks and
#      is released normally (Payload A: into OpenSBI, even when it answers
#      the release 300 of hart 0's instructions late; Payload B: it stays
#      parked).
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O_RISCV64_M:-$top/build/qemu-virt-riscv64-m}
. "$(dirname "$0")/../lib.sh"
O32=${O_RISCV32_M:-$top/build/qemu-virt-riscv32-m}
O_S=${O_RISCV64:-$top/build/qemu-virt-riscv64}	# the S-mode board: its test kernel
FW=${OPENSBI_ELF:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf}
KB=$top/build/host/kbimage
NM=${CROSS_NM:-riscv64-unknown-elf-nm}

make -s -C "$top" O="$O" all testkernel tools > "$TMP/build.log" 2>&1 ||
	{ notok "build $O"; cat "$TMP/build.log"; done_testing; }
make -s -C "$top" BOARD=qemu-virt-riscv64 O="$O_S" all testkernel > "$TMP/build-s.log" 2>&1 ||
	{ notok "build $O_S"; cat "$TMP/build-s.log"; done_testing; }

sym() { "$NM" "$1/kaslrboot.elf" | sed -n "s/^\([0-9a-f]*\) [TtDdBb] $2\$/\1/p"; }
# O SYMBOL: its address in flash (the loader runs from 0x20000000 first;
# rv64 is linked at 0, rv32 at its RAM copy)
flash_addr() { printf '0x%x' $((0x20000000 + 0x$(sym "$1" "$2") - 0x$(sym "$1" _start))); }
# O SYMBOL: its address in the RAM copy
ram_addr() { printf '0x%x' $(($(sed -n 's/^CONFIG_RISCV_COPY_TO_RAM=//p' "$1/.config") + 0x$(sym "$1" "$2") - 0x$(sym "$1" _start))); }

# late NAME O BOARD IMG SMP UNTIL [late_hart.py options]: boot IMG with
# QEMU stopped at reset, hart 0 alone until UNTIL, then every hart; the
# console in $(log_of NAME), late_hart.py's lines in $TMP/NAME.out
late() {
	local name=$1 o=$2 board=$3 img=$4 smp=$5 pid; shift 5
	(
		PAYLOAD_IMG=$img QEMU_SMP=$smp QEMU_TIMEOUT=40 \
			QEMU_EXTRA="-S -gdb unix:$TMP/$name.gdb,server=on,wait=off" \
			exec "$top/scripts/qemu-run.sh" "$o" "$board" > "$TMP/$name.raw" 2>&1
	) &
	pid=$!
	python3 "$top/tests/qemu-riscv-m/late_hart.py" "$TMP/$name.gdb" "$TMP/$name.raw" "$@" \
		> "$TMP/$name.out" 2>&1
	wait "$pid"
	tr -d '\r' < "$TMP/$name.raw" > "$TMP/$name.log"
	grep -q '^late_hart: error' "$TMP/$name.out" && sed 's/^/# /' "$TMP/$name.out"
	return 0
}
pc_of() { sed -n "s/^hart $2 pc //p" "$TMP/$1.out"; }
pcs() { grep '^hart ' "$TMP/$1.out" | sed 's/^hart \([0-9]*\) pc /\1:/' | tr '\n' ' '; }
mem_of() { sed -n "s/^mem $2 //p" "$TMP/$1.out"; }
# NAME O HARTS...: each hart's pc lies in kaslrboot's park loop in flash
# [kb_riscv_park, kb_riscv_park_leave)
parked() {
	local n=$1 o=$2 lo hi pc; shift 2
	lo=$(flash_addr "$o" kb_riscv_park); hi=$(flash_addr "$o" kb_riscv_park_leave)
	[ $((hi - lo)) -gt 0 ] && [ $((hi - lo)) -lt 256 ] || return 1
	for h in "$@"; do
		pc=$(pc_of "$n" "$h")
		[ -n "$pc" ] && [ $((pc)) -ge $((lo)) ] && [ $((pc)) -lt $((hi)) ] || return 1
	done
}
# NAME: the payload ran once (one "format" line), its checks passed
once_ok() { kernel_done "$1" && [ "$(grep -c '^testkernel: format ' "$(log_of "$1")")" = 1 ]; }

# ---- (a) Payload B: an M-mode firmware, harts 1-3 after the handoff ----
for o in "$O" "$O32"; do
	case ${o##*/} in *32*) b=rv32; board=qemu-virt-riscv32-m ;; *) b=rv64; board=qemu-virt-riscv64-m ;; esac
	if [ ! -f "$o/kaslrboot.bin" ]; then notok "$board: not built ($o)"; continue; fi
	make -s -C "$top" O="$o" BOOTARGS="testkernel.wait" "$o/payload.img" > /dev/null 2>&1
	cp "$o/payload.img" "$TMP/$b.img"
	late "a-$b" "$o" "$board" "$TMP/$b.img" 4 'testkernel: waiting'
	check "(a) $b, Payload B: the firmware ran once on hart 0, its checks passed, before harts 1-3 arrived" once_ok "a-$b"
	check "(a) $b: harts 1-3, arriving after the handoff, are in kaslrboot's park loop in flash ($(pcs "a-$b"))" \
		parked "a-$b" "$o" 1 2 3
done

# ---- (b) Payload A: OpenSBI + S-mode kernel, hart 1 after the release ----
# The kernel asks OpenSBI to start harts 1-3 (testkernel.ipi: SBI HSM
# hart_start, as Linux starts its CPUs): OpenSBI raises hart 1's msip.
# Then, before hart 1 arrives, the mailbox's entry, a1 and a2 are
# overwritten with 0x80000000 (the wiped loader: zeros), as a payload
# reusing that RAM may do.  (QEMU's gdbstub writes RAM only, not MMIO.)
"$KB" --pad 0x1fc0000 --sbi "$FW" --bootargs "testkernel.wait testkernel.ipi" -o "$TMP/sbi-ipi.img" \
	"$O_S/testkernel/testkernel.elf" > /dev/null
"$KB" --pad 0x1fc0000 --sbi "$FW" --bootargs testkernel.wait -o "$TMP/sbi.img" \
	"$O_S/testkernel/testkernel.elf" > /dev/null
mb=$(ram_addr "$O" kb_riscv_mailbox)
plan_of() { sed -n "s/^kaslrboot: plan: $2 .*-aligned: base 0x\([0-9a-f]*\)[, ].*/\1/p" "$(log_of "$1")"; }
late b "$O" qemu-virt-riscv64-m "$TMP/sbi-ipi.img" 2 'testkernel: waiting' \
	--read "$mb:8" --read 0x2000004:4 \
	--write "$((mb + 8)):000000800000000000000080000000000000008000000000"
b_ran() {
	once_ok b && has b '1 other hart(s) released into it' && [ "$(grep -c '^OpenSBI v' "$(log_of b)")" = 1 ] &&
		has b 'testkernel: sbi hsm hart_start: hart 1 0 hart 2 -3 hart 3 -3'
}
check "(b) Payload A: OpenSBI and the S-mode kernel ran, the kernel's checks passed and it asked OpenSBI to start hart 1 (HSM), before hart 1 arrived" b_ran
check "(b) the release was closed before OpenSBI ran: mailbox magic 0 (read $(mem_of b "$mb")); OpenSBI raised hart 1's msip (read $(mem_of b 0x2000004))" \
	same "$(mem_of b "$mb") $(mem_of b 0x2000004)" "0000000000000000 01000000"
check "(b) hart 1, arriving after the release with its msip pending and the mailbox overwritten, stays parked in flash (pc $(pc_of b 1))" \
	parked b "$O" 1

# Without the kernel's hart_start: the stub cleared the msip word it had
# raised for hart 1 when it closed the release, so hart 1 finds no
# interrupt pending and sleeps in wfi instead of spinning on the mailbox.
late b0 "$O" qemu-virt-riscv64-m "$TMP/sbi.img" 2 'testkernel: waiting' --read 0x2000004:4
check "(b) without an IPI from the payload: the stub cleared hart 1's msip when it closed the release (read $(mem_of b0 0x2000004)), hart 1 parks (pc $(pc_of b0 1))" \
	parked b0 "$O" 1
b0_clear() { [ "$(mem_of b0 0x2000004)" = 00000000 ]; }
check "(b) ... hart 1's msip word read 0 before it arrived" b0_clear

# ---- (c) a hart that arrives while hart 0 is still in the loader ---------
# Hart 0 alone until its first line; hart 1 alone for 0.3 s (it arrives
# and parks); hart 0 alone until it has raised hart 1's msip (a breakpoint
# at kb_riscv_release_wait) and for 300 more instructions (its wait for
# the acknowledgement); then both: hart 1 answers late, but within the
# wait, and is released.
late c "$O" qemu-virt-riscv64-m "$TMP/sbi.img" 2 'kaslrboot: version ' --after 'testkernel: waiting' \
	--hold-at "$(ram_addr "$O" kb_riscv_release_wait)" --steps 300
# NAME: hart 1 was released into OpenSBI.  OpenSBI 1.1 picks the hart
# that runs the kernel by a lottery among the harts entering it
# (fw_dynamic_info.boot_hart only chooses who relocates it), so either
# hart may be the kernel's ("testkernel: format ..., hart N"): the other
# one's pc lies in OpenSBI's 512 KiB window (its warm-boot wait).
released() {
	local s k pc
	s=$((0x$(plan_of "$1" opensbi)))
	k=$(sed -n 's/^testkernel: format .*, hart \([01]\), .*/\1/p' "$(log_of "$1")")
	[ -n "$k" ] || return 1
	pc=$(pc_of "$1" $((1 - k)))
	[ -n "$pc" ] && [ "$s" -gt 0 ] && [ $((pc)) -ge "$s" ] && [ $((pc)) -lt $((s + 0x80000)) ]
}
check "(c) Payload A: the kernel's checks passed" once_ok c
check "(c) Payload A: hart 1, arriving while hart 0 was in the loader, was released into OpenSBI (window 0x$(plan_of c opensbi), pcs $(pcs c), $(sed -n 's/^testkernel: format .*, \(hart [0-9]*\), .*/kernel on \1/p' "$(log_of c)"))" released c
late c-b "$O" qemu-virt-riscv64-m "$TMP/rv64.img" 4 'kaslrboot: version ' --after 'testkernel: waiting'
check "(c) Payload B: the firmware ran once, its checks passed" once_ok c-b
check "(c) Payload B: harts 1-3, arriving while hart 0 was in the loader, stay parked in flash ($(pcs c-b))" \
	parked c-b "$O" 1 2 3
done_testing
