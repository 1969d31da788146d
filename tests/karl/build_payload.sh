#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Build the KARL test payload to the contract (docs/karl.md) with gcc and
# GNU ld: tests/karl/build_payload.sh riscv64|aarch64|riscv64m|riscv32m
# OUTDIR [NFUNC] -> OUTDIR/payload.elf, linked at 0x84000000 (riscv64*,
# riscv32m) or 0x44000000 (aarch64): free RAM on QEMU virt under the
# loader.  The same flags as tests/qemu/karl.sh and
# tests/qemu-aarch64/karl.sh; used by scripts/bench.sh and (the M-mode
# firmware payloads, ELF32 for riscv32m) tests/qemu-riscv-m/karl.sh.
set -e
here=$(cd "$(dirname "$0")" && pwd)
. "$here/karl_env.sh"
arch=$1 out=$2 nfunc=${3:-320}
sflags=
case $arch in
riscv64|riscv64m)
	cc=riscv64-unknown-elf-gcc ld=riscv64-linux-gnu-ld
	cflags="-O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -mno-relax"
	ldflags="--no-relax"
	script=$out/karl.ld
	mkdir -p "$out"
	sed "s/0x80200000/0x84000000/" "$here/karl.ld" > "$script" ;;
riscv32m)
	# the rv32 contract: ELF32, medany, no relaxation; the startup code
	# (start.S) writes mtvec: Zicsr
	cc=riscv64-unknown-elf-gcc ld=riscv64-linux-gnu-ld
	cflags="-O2 -march=rv32imac -mabi=ilp32 -mcmodel=medany -mno-relax"
	sflags="-march=rv32imac_zicsr"
	ldflags="-m elf32lriscv --no-relax"
	script=$out/karl.ld
	mkdir -p "$out"
	sed "s/0x80200000/0x84000000/" "$here/karl.ld" > "$script" ;;
aarch64)
	cc=aarch64-linux-gnu-gcc ld=aarch64-linux-gnu-ld
	cflags="-O2 -mcpu=cortex-a57 -mgeneral-regs-only -mstrict-align"
	ldflags="-no-pie --no-relax --no-warn-rwx-segments"
	script=$here/karl-aarch64.ld ;;
*)
	echo "build_payload.sh: unknown architecture '$arch' (riscv64, aarch64, riscv64m, riscv32m)" >&2
	exit 64 ;;
esac
python3 "$here/gen_payload.py" "$out" "$nfunc" 4 "$arch" > /dev/null
cd "$out"
for f in k0.c k1.c k2.c k3.c start.S; do
	extra=
	[ "$f" = start.S ] && extra=$sflags
	# shellcheck disable=SC2086
	$cc $cflags $extra -fno-pie -ffunction-sections -fdata-sections -ffreestanding -fno-builtin \
		-fno-asynchronous-unwind-tables -fno-unwind-tables -c "$f" -o "${f%.*}.o"
done
# shellcheck disable=SC2086
$ld -nostdlib -static $ldflags -L"$here" --emit-relocs $KARL_UNIQUE -T "$script" \
	start.o k0.o k1.o k2.o k3.o -o payload.elf
