# SPDX-License-Identifier: BSD-2-Clause
# As qemu-virt-riscv32-m (scripts/qemu-run.sh sets $top), with the seed
# CSR on by default: this profile's only TRNG is Zkr.
QEMU_CPU=${QEMU_CPU:-rv32,zkr=true}
# shellcheck source=/dev/null
. "$top/boards/qemu-virt-riscv32-m/qemu.sh"
