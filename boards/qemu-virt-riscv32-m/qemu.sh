# SPDX-License-Identifier: BSD-2-Clause
# As qemu-virt-riscv64-m (scripts/qemu-run.sh sets $top), on riscv32:
# QEMU virt, -bios none, the flash image in pflash bank 0; QEMU_CPU
# (default rv32; "rv32,zkr=true" gives the seed CSR), QEMU_MEM (default
# 256M), QEMU_SMP, QEMU_RNG as there.
KB_QEMU_BIN=qemu-system-riscv32
QEMU_CPU=${QEMU_CPU:-rv32}
QEMU_MEM=${QEMU_MEM:-256M}
# shellcheck source=/dev/null
. "$top/boards/qemu-virt-riscv64-m/qemu.sh"
