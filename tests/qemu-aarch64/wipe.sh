#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# arm64: the same outside-the-guest wipe check as tests/qemu/wipe.sh.
export O=${O_AARCH64:-$(cd "$(dirname "$0")/../.." && pwd)/build/qemu-virt-aarch64}
export WIPE_BOARD=qemu-virt-aarch64
exec bash "$(dirname "$0")/../qemu/wipe.sh"
