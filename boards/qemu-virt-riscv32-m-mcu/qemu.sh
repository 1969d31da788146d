# SPDX-License-Identifier: BSD-2-Clause
# As qemu-virt-riscv32-m (scripts/qemu-run.sh sets $top), with the seed
# CSR on by default: this profile's only TRNG is Zkr.  The loader boots
# with the tree linked into it (qemu-virt-mcu.dts: 256 MiB at 0x80000000,
# read at build time, DT_MEMMAP_AT_BUILD) and ignores QEMU's in a1, so
# QEMU gets exactly that memory: QEMU_MEM is not taken from the caller.
QEMU_CPU=${QEMU_CPU:-rv32,zkr=true}
QEMU_MEM=256M
# shellcheck source=/dev/null
. "$top/boards/qemu-virt-riscv32-m/qemu.sh"
