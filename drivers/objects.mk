# SPDX-License-Identifier: BSD-2-Clause
loader-objs-$(CONFIG_SERIAL_NS16550) += drivers/serial/ns16550.o
loader-objs-$(CONFIG_SERIAL_PL011) += drivers/serial/pl011.o
loader-objs-$(CONFIG_SERIAL_NRF_UART) += drivers/serial/nrf_uart.o
include $(srctree)/drivers/rng/objects.mk
loader-objs-$(CONFIG_SEED_CARRY) += loader/lib/seedfile.o
loader-objs-$(CONFIG_FLASH_CFI_INTEL) += drivers/flash/cfi_intel.o
loader-objs-$(CONFIG_FLASH_NRF51_NVMC) += drivers/flash/nrf51_nvmc.o
