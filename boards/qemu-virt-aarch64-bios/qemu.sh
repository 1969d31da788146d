# SPDX-License-Identifier: BSD-2-Clause
# How scripts/qemu-run.sh starts this board: QEMU virt (aarch64), kaslrboot
# as the firmware in flash bank 0 (-bios): it runs from 0x0 at EL1 (EL2 with
# virtualization=on), copies itself to RAM, takes the DTB from the start of
# RAM.  (The rest mirrors qemu-virt-aarch64.)
# Original notes: no
# firmware: kaslrboot.bin has an arm64 Image header, so -kernel loads it
# 2 MiB aligned (RAM + 2 MiB) and QEMU's boot stub enters it at EL1 (EL2
# with QEMU_EXTRA="-M virt,dtb-randomness=off,virtualization=on") with
# x0 = device tree, PSCI emulated by QEMU (hvc at EL1, smc with EL2).
# The second pflash bank alone does not count as firmware on arm virt, so
# -kernel is kept with a payload there.
#
# QEMU_CPU / QEMU_MEM / QEMU_SMP: CPU model (cortex-a57: no FEAT_RNG;
# max: RNDRRS), memory size, CPU count.  The board's TRNG is a virtio-rng
# device fed from the host's /dev/urandom; it is left out when QEMU_EXTRA
# brings its own virtio-rng device, or with QEMU_RNG=none.
qemu_cmd=(qemu-system-aarch64 -M virt,dtb-randomness=off -cpu "${QEMU_CPU:-cortex-a57}"
	-m "${QEMU_MEM:-1G}" -smp "${QEMU_SMP:-1}" -nographic -nic none
	-bios "$O/kaslrboot.bin")
if [ -n "${PAYLOAD_IMG:-}" ]; then
	# The payload container: the second pflash bank (0x04000000, 64 MiB),
	# like SPI-NOR on a board.
	qemu_cmd+=(-drive "if=pflash,unit=1,format=raw,readonly=on,file=$PAYLOAD_IMG")
else
	: # no -append without -kernel: the command line travels in the container
fi
case "${QEMU_RNG:-default} ${QEMU_EXTRA:-}" in
none*|*virtio-rng*) ;;
*) qemu_cmd+=(-object rng-random,id=kbrng0,filename=/dev/urandom
	-device virtio-rng-device,rng=kbrng0) ;;
esac
