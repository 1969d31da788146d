# SPDX-License-Identifier: BSD-2-Clause
# How scripts/qemu-run.sh starts this board: QEMU virt (riscv64), no
# firmware (-bios none): every hart starts in M-mode at 0x20000000, the
# first byte of pflash bank 0, which holds the whole flash image
# (scripts/mkflash.sh: kaslrboot.bin, then the container at
# PAYLOAD_ADDR - FLASH_BASE; the file "make flash" writes).
#
# (qemu-virt-riscv32-m sets KB_QEMU_BIN and its defaults, then sources this.)
# QEMU_CPU / QEMU_MEM / QEMU_SMP: CPU model (rv64; "rv64,zkr=true" gives
# the seed CSR), memory size, hart count.  The board's other TRNG is a
# virtio-rng device fed from the host's /dev/urandom; it is left out when
# QEMU_EXTRA brings its own virtio-rng device, or with QEMU_RNG=none.
qemu_flash_image "$O" "${PAYLOAD_IMG:-}"	# sets KB_FLASH_IMG (scripts/qemu-run.sh)
# The loader writes the flash only to carry a seed (CONFIG_SEED_CARRY).
ro=on
grep -q '^CONFIG_SEED_CARRY=y' "$O/.config" && ro=off
ro=${FLASH_READONLY:-$ro}
qemu_cmd=("${KB_QEMU_BIN:-qemu-system-riscv64}" -M virt -cpu "${QEMU_CPU:-rv64}" -m "${QEMU_MEM:-512M}"
	-smp "${QEMU_SMP:-1}" -nographic -bios none
	-drive "if=pflash,unit=0,format=raw,readonly=$ro,file=$KB_FLASH_IMG")
case "${QEMU_RNG:-default} ${QEMU_EXTRA:-}" in
none*|*virtio-rng*) ;;
*) qemu_cmd+=(-object rng-random,id=kbrng0,filename=/dev/urandom
	-device virtio-rng-device,rng=kbrng0) ;;
esac
