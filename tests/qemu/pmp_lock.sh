#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# M-mode PMP locking under QEMU (qemu-system-riscv64 and -riscv32, virt,
# -bios none, a raw image in pflash 0): tests/pmp/ plans and locks the
# PMP for a one-page payload with the loader's own kb_arch_pmp_probe,
# kb_pmp_plan, kb_arch_pmp_apply and kb_arch_handoff_locked, and the
# payload reports what traps (tests/pmp/payload.S): it is entered through
# the instruction-access fault of the final lock (mcause 1), a store into
# its text or its read-only page traps (7), a jump into RAM or into the
# loader's code traps (1), writing pmpcfg0 changes nothing, RAM outside
# every segment stays writable.  Negative control: the same image with the
# catch-all left unlocked does not print that line (its payload, jumping
# into the loader's still-executable flash, runs the driver again without
# a stack and hangs until the timeout).
. "$(dirname "$0")/../lib.sh"
CC=${RISCV_CC:-riscv64-unknown-elf-gcc}
want="pmp-payload: entry=1 text=7 rodata=7 rodata-read=n data-exec=1 flash-exec=1 cfg-unchanged=1 outside-write=n"

printf '#define CONFIG_RISCV_PMP_LOCK 1\n#define CONFIG_RISCV_PMP_ENTRIES 16\n' > "$TMP/autoconf.h"

build() {	# build NAME XLEN [cflags...]
	local name=$1 xlen=$2 march abi; shift 2
	if [ "$xlen" = 64 ]; then march=rv64imac abi=lp64; else march=rv32imac abi=ilp32; fi
	"$CC" -march=$march -mabi=$abi -mcmodel=medany -mstrict-align --specs=picolibc.specs \
		-nostartfiles -static -Os -std=gnu11 -Wall -Wextra -Werror "$@" \
		-I"$TMP" -I"$top/loader/include" -include kaslrboot/kconfig.h -T "$top/tests/pmp/smoke.ld" \
		"$top"/tests/pmp/start.S "$top"/tests/pmp/payload.S "$top"/tests/pmp/smoke.c \
		"$top"/loader/arch/riscv/pmp.c "$top"/loader/arch/riscv/handoff.S \
		"$top"/loader/lib/pmp.c "$top"/loader/lib/diag.c "$top"/loader/lib/fmt.c "$top"/loader/lib/error.c \
		-Wl,--undefined=__i_vfprintf -Wl,--defsym=vfprintf=__i_vfprintf \
		-o "$TMP/$name.elf" > "$TMP/$name.build" 2>&1 &&
	riscv64-unknown-elf-objcopy -O binary "$TMP/$name.elf" "$TMP/$name.bin" &&
	truncate -s 32M "$TMP/$name.bin"
}

run_smoke() {	# run_smoke NAME XLEN
	timeout 10 "qemu-system-riscv$2" -M virt -bios none -m 128M -nographic -monitor none \
		-serial stdio -drive if=pflash,unit=0,format=raw,file="$TMP/$1.bin" \
		< /dev/null 2>&1 | tr -d '\r' > "$TMP/$1.log"
}

control_differs() {	# the same plan applied, but not the line
	grep -q 'pmp-smoke: applied and read back' "$1" && ! grep -qxF "$want" "$1"
}

for x in 64 32; do
	build "rv$x" $x
	check "rv$x: the smoke image builds from the loader's PMP sources$(sed 's/^/; /' "$TMP/rv$x.build" | head -n 5)" \
		test -s "$TMP/rv$x.bin"
	run_smoke "rv$x" $x
	sed 's/^/# /' "$TMP/rv$x.log"
	if [ "$x" = 64 ]; then bits=54; else bits=32; fi
	check "rv$x: the probe finds QEMU's 16 entries, G=0 and $bits pmpaddr bits" \
		grep -qxF "pmp-smoke: probe: 16 entries, G=0, $bits pmpaddr bits" "$TMP/rv$x.log"
	check "rv$x: planned, applied and read back (4 entries: NAPOT text, OFF + TOR rodata, catch-all)" \
		grep -q 'pmp-smoke: applied and read back; lock mask 0x80000000 in pmpcfg0' "$TMP/rv$x.log"
	check "rv$x: the payload, entered through the final lock's fault, sees every trap it should: $want" \
		grep -qxF "$want" "$TMP/rv$x.log"

	build "rv$x-control" $x -DSMOKE_CONTROL_NO_FINAL_LOCK
	run_smoke "rv$x-control" $x
	check "rv$x control: with the catch-all left unlocked (applied as before) the payload does not see those traps (the loader's flash stays executable)" \
		control_differs "$TMP/rv$x-control.log"
done

done_testing
