#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# qemu-run.sh O BOARD
#
# Environment: QEMU_EXTRA (more QEMU options, split at white space),
# QEMU_TIMEOUT (seconds, default 30), PAYLOAD_IMG (the flash image holding
# the payload container; the command line travels inside it),
# PAYLOAD_IMG_B (FLASH_IMAGE boards with PAYLOAD_SLOTS: slot B's container;
# empty: slot B erased), FLASH_FILE (FLASH_IMAGE boards: boot this flash
# image file as it is, and keep what the guest writes to it),
# FLASH_READONLY (on/off: whether the guest may write the boot flash;
# default off with CONFIG_SEED_CARRY, else on), KB_UART_LOG (a file to
# keep the console in as the UART sent it).
#
# A loader built with CONFIG_LOG_DICTIONARY prints records: the console
# goes through tools/kblog with the build's kaslrboot.elf, so what this
# prints (and checks) is the text; the records themselves go to
# KB_UART_LOG.  A record kblog refuses makes the status 4.
#
# Boot the built loader in QEMU, -nographic.  Returns QEMU's status when the
# guest powers off (3 if the loader printed "halted: nothing was booted");
# after QEMU_TIMEOUT seconds (default 30) QEMU is killed and the status is
# 124.  The board's boards/<board>/qemu.sh says how the
# machine is started (QEMU binary, firmware, machine options).
set -uo pipefail
O=$1; BOARD_NAME=$2
read -ra extra <<< "${QEMU_EXTRA:-}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
BOARD_DIR=${BOARD_DIR:-$top/boards/$BOARD_NAME}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-30}

cleanup=()
# For FLASH_IMAGE boards (boards/<board>/qemu.sh calls it): the whole boot
# flash, the loader and the container PAYLOAD_IMG (may be empty), into a
# temporary file named by KB_FLASH_IMG (scripts/mkflash.sh; its layout
# lines go to stderr so that the guest's output stays the log).
qemu_flash_image() {
	# FLASH_FILE=<image>: boot that flash image file itself (it keeps
	# what the guest writes, e.g. the carried seed); else a temporary
	# one from the loader and PAYLOAD_IMG (PAYLOAD_IMG_B).
	if [ -n "${FLASH_FILE:-}" ]; then
		KB_FLASH_IMG=$FLASH_FILE
		return
	fi
	KB_FLASH_IMG=$(mktemp)
	cleanup+=("$KB_FLASH_IMG")
	"$here/mkflash.sh" "$1/.config" "$1/kaslrboot.bin" "${2:--}" "$KB_FLASH_IMG" "${PAYLOAD_IMG_B:-}" >&2 || exit 2
}

# shellcheck source=/dev/null
. "$BOARD_DIR/qemu.sh"	# defines qemu_cmd (an array) from $O

args=("${qemu_cmd[@]}")
args+=("${extra[@]}")
[ -n "${V:-}" ] && echo "qemu-run: ${args[*]}" >&2
log=$(mktemp)
cleanup+=("$log")
trap 'rm -f "${cleanup[@]}"' EXIT
decode=(cat)
if grep -qx 'CONFIG_LOG_DICTIONARY=y' "$O/.config" 2>/dev/null; then
	decode=("$top/tools/kblog" "$O/kaslrboot.elf")
fi
timeout --foreground -k 5 "$QEMU_TIMEOUT" "${args[@]}" </dev/null |
	tee "${KB_UART_LOG:-/dev/null}" | "${decode[@]}" | tee "$log"
status=("${PIPESTATUS[@]}")
rc=${status[0]}
if [ "${status[2]}" != 0 ]; then
	echo "qemu-run: tools/kblog could not decode the console (see above)" >&2
	[ "$rc" != 0 ] || rc=4
elif [ "$rc" = 124 ]; then
	echo "qemu-run: timed out after ${QEMU_TIMEOUT}s (the guest did not power off)" >&2
elif [ "$rc" = 0 ] && grep -q 'kaslrboot: halted: nothing was booted' "$log"; then
	# The loader stopped on a fatal error and powered off: that is a
	# failed boot, whatever QEMU's own exit status.
	echo "qemu-run: the loader stopped on an error (see above)" >&2
	rc=3
fi
exit "$rc"
