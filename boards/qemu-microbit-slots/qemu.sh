# SPDX-License-Identifier: BSD-2-Clause
# As qemu-microbit (scripts/qemu-run.sh sets $top): the flash image, slot
# B and the seed sector included, loaded into the nRF51's flash at 0.
# shellcheck source=/dev/null
. "$top/boards/qemu-microbit/qemu.sh"
