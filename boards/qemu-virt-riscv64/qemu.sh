# SPDX-License-Identifier: BSD-2-Clause
# How scripts/qemu-run.sh starts this board: QEMU virt, OpenSBI fw_jump
# from Debian's opensbi package, kaslrboot as the -kernel (fw_jump enters it
# at RAM + 2 MiB in S-mode with a0 = hart id, a1 = device tree).
#
# QEMU_MEM / QEMU_SMP: memory size and hart count.  The board's TRNG is a
# virtio-rng device fed from the host's /dev/urandom; it is left out when
# QEMU_EXTRA brings its own virtio-rng device, or with QEMU_RNG=none.
QEMU_FW=${QEMU_FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}
qemu_cmd=(qemu-system-riscv64 -M virt -m "${QEMU_MEM:-512M}" -smp "${QEMU_SMP:-1}"
	-nographic -bios "$QEMU_FW" -kernel "$O/kaslrboot.bin")
case "${QEMU_RNG:-default} ${QEMU_EXTRA:-}" in
none*|*virtio-rng*) ;;
*) qemu_cmd+=(-object rng-random,id=kbrng0,filename=/dev/urandom
	-device virtio-rng-device,rng=kbrng0) ;;
esac
