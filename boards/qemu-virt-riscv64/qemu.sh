# SPDX-License-Identifier: BSD-2-Clause
# How scripts/qemu-run.sh starts this board: QEMU virt, OpenSBI fw_jump
# from Debian's opensbi package, kaslrboot placed at RAM + 2 MiB where
# fw_jump enters it in S-mode with a0 = hart id, a1 = device tree.
# kaslrboot is loaded with -device loader, not -kernel: QEMU 7.2 treats a
# second pflash bank as S-mode firmware and then keeps -kernel out of RAM.
# (So there is no -append either: the command line travels in the
# container, see the Makefile's BOOTARGS.)
#
# QEMU_MEM / QEMU_SMP: memory size and hart count.  The board's TRNG is a
# virtio-rng device fed from the host's /dev/urandom; it is left out when
# QEMU_EXTRA brings its own virtio-rng device, or with QEMU_RNG=none.
QEMU_FW=${QEMU_FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}
qemu_cmd=(qemu-system-riscv64 -M virt -m "${QEMU_MEM:-512M}" -smp "${QEMU_SMP:-1}"
	-nographic -bios "$QEMU_FW")
if [ -n "${PAYLOAD_IMG:-}" ]; then
	# The payload container: the second pflash bank (0x22000000, 32 MiB),
	# like SPI-NOR on a board.
	qemu_cmd+=(-device "loader,file=$O/kaslrboot.bin,addr=0x80200000,force-raw=on"
		-drive "if=pflash,unit=1,format=raw,readonly=on,file=$PAYLOAD_IMG")
else
	# No payload (PAYLOAD_IMG= empty): the loader stops at the container
	# step; -kernel lets tests hand it their own -dtb / -append.
	qemu_cmd+=(-kernel "$O/kaslrboot.bin")
	[ -n "${BOOTARGS:-}" ] && qemu_cmd+=(-append "$BOOTARGS")
fi
case "${QEMU_RNG:-default} ${QEMU_EXTRA:-}" in
none*|*virtio-rng*) ;;
*) qemu_cmd+=(-object rng-random,id=kbrng0,filename=/dev/urandom
	-device virtio-rng-device,rng=kbrng0) ;;
esac
