# SPDX-License-Identifier: BSD-2-Clause
loader-objs-$(CONFIG_RNG_ZKR) += drivers/rng/zkr.o
loader-objs-$(CONFIG_RNG_VIRTIO) += drivers/rng/virtio_rng.o
loader-objs-$(CONFIG_RNG_RNDRRS) += drivers/rng/rndrrs.o
loader-objs-$(CONFIG_RNG_NRF) += drivers/rng/nrf_rng.o
