# SPDX-License-Identifier: BSD-2-Clause
# How scripts/qemu-run.sh starts this board: QEMU "microbit" (nRF51822,
# Cortex-M0), the whole flash image (scripts/mkflash.sh: kaslrboot.bin at
# 0, the container at PAYLOAD_ADDR) loaded into its flash at 0; the core
# resets from the vector table there.  -semihosting: the loader's
# power-off (POWEROFF_ON_HALT) is a semihosting SYS_EXIT.  The UART0 is
# the serial console.
qemu_flash_image "$O" "${PAYLOAD_IMG:-}"	# sets KB_FLASH_IMG (scripts/qemu-run.sh)
qemu_cmd=(qemu-system-arm -M microbit -nographic -semihosting
	-device "loader,file=$KB_FLASH_IMG,addr=0")
