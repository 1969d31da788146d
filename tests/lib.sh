# SPDX-License-Identifier: BSD-2-Clause
# Helpers for tests/qemu/*.sh and tests/build/*.sh (sourced).
# Each check prints "ok - <what>" or "not ok - <what>" (TAP); a script ends
# with done_testing, which prints the plan "1..N" (N: the results printed
# through ok/notok/check, subshells included) and exits 1 if any failed.
# A script that exits any other way (exit, a signal, a fatal error before
# its last line) prints no plan, and tests/run.sh counts it as a failure.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${O:=$top/build/qemu-virt-riscv64}"
TMP=$(mktemp -d)
_kb_results=$TMP/.tap-results	# one byte per result: '.' ok, 'x' not ok
_kb_done=
_kb_exit() {
	local rc=$?
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
	if [ -z "$_kb_done" ]; then
		echo "# $(basename "$0"): ended (status $rc) before done_testing: no plan"
		[ "$rc" != 0 ] || exit 1
	fi
}
trap _kb_exit EXIT

ok() { echo "ok - $*"; printf . >> "$_kb_results"; }
notok() { echo "not ok - $*"; printf x >> "$_kb_results"; }
check() {	# check "description" command...
	local what=$1; shift
	if "$@"; then ok "$what"; else notok "$what"; fi
}
done_testing() {
	local n=0 failed=0
	if [ -f "$_kb_results" ]; then
		n=$(wc -c < "$_kb_results")
		failed=$(tr -cd x < "$_kb_results" | wc -c)
	fi
	echo "1..$n"
	_kb_done=1
	exit $((failed != 0))
}

# boot NAME [make run args...]: boot through `make run`, log in $TMP/NAME.log
# (a CONFIG_LOG_DICTIONARY loader's decoded by scripts/qemu-run.sh; the
# console as the UART sent it in $TMP/NAME.uart)
boot() {
	local name=$1; shift
	KB_UART_LOG=$TMP/$name.uart make -s -C "$top" O="$O" run QEMU_TIMEOUT="${QEMU_TIMEOUT:-30}" "$@" \
		> "$TMP/$name.raw" 2>&1
	echo $? > "$TMP/$name.rc"
	tr -d '\r' < "$TMP/$name.raw" > "$TMP/$name.log"
}
rc_of() { cat "$TMP/$1.rc"; }
log_of() { echo "$TMP/$1.log"; }

# Predicates on a boot's log.  A check takes ONE command: a compound
# condition goes into a function like these (`check "x" A && B` would run
# only A under check; tests/build/check_calls.sh refuses it).
has() { grep -qF -- "$2" "$(log_of "$1")"; }
run_addr() { sed -n 's/^testkernel: format [a-z]*, running at \(0x[0-9a-f]*\).*/\1/p' "$(log_of "$1")"; }
# NAME ERROR: stopped with "kaslrboot: error: ERROR", non-zero exit, and
# the kernel never entered
refused() {
	[ "$(rc_of "$1")" != 0 ] && has "$1" "kaslrboot: error: $2" &&
		! grep -q '^testkernel:' "$(log_of "$1")"
}
# NAME: the test kernel's own checks passed and it finished
kernel_done() {
	has "$1" 'testkernel: relocations ok' && has "$1" 'testkernel: bss ok' &&
		has "$1" 'testkernel: done' && ! grep -q 'testkernel: FAIL' "$(log_of "$1")"
}
# A B C...: all non-empty and equal
same() {
	local v=$1
	[ -n "$v" ] || return 1
	for x in "$@"; do [ "$x" = "$v" ] || return 1; done
}

# boot_waiting NAME BOARD [VAR=value...]: boot BOARD's test kernel, told
# to stay alive (testkernel.wait), with a QEMU monitor on $TMP/NAME.sock,
# in the background; returns once the kernel says it is waiting (its
# checks passed) or after 30 s, with the console so far in $(log_of NAME).
# VAR=value: environment for the build and the run (QEMU_EXTRA, QEMU_MEM,
# BOOTARGS_EXTRA: more kernel arguments; CORRUPT_AT: flip the byte at that
# offset of the container first; WAIT_FOR: the line to wait for instead,
# e.g. the loader's halt).  Then monitor_dump.
boot_waiting() {
	local name=$1 board=$2; shift 2
	(
		[ $# = 0 ] || export "$@"
		make -s -C "$top" O="$O" \
			BOOTARGS="testkernel.wait${BOOTARGS_EXTRA:+ $BOOTARGS_EXTRA}" \
			"$O/payload.img" >/dev/null 2>&1
		cp "$O/payload.img" "$TMP/$name.img"
		if [ -n "${CORRUPT_AT:-}" ]; then
			printf '\x5a' | dd of="$TMP/$name.img" bs=1 seek="$CORRUPT_AT" \
				conv=notrunc status=none
		fi
		PAYLOAD_IMG="$TMP/$name.img" QEMU_TIMEOUT=60 KB_UART_LOG=$TMP/$name.uart \
			QEMU_EXTRA="${QEMU_EXTRA:-} -monitor unix:$TMP/$name.sock,server=on,wait=off" \
			exec "$top/scripts/qemu-run.sh" "$O" "$board" > "$TMP/$name.raw" 2>&1
	) &
	echo $! > "$TMP/$name.pid"
	local want='testkernel: waiting' kv
	for kv in "$@"; do
		case $kv in WAIT_FOR=*) want=${kv#WAIT_FOR=} ;; esac
	done
	for _ in $(seq 1 300); do
		grep -qF -- "$want" "$TMP/$name.raw" 2>/dev/null && break
		sleep 0.1
	done
	tr -d '\r' < "$TMP/$name.raw" > "$TMP/$name.log"
}

# monitor_do NAME COMMAND...: each QEMU monitor command through NAME's
# monitor ($TMP/NAME.sock), then quit QEMU and wait for it.
monitor_do() {
	local name=$1; shift
	python3 - "$TMP/$name.sock" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def cmd(c):
    s.sendall((c + "\n").encode()); time.sleep(0.5)
    try:
        s.settimeout(0.5); s.recv(65536)
    except OSError:
        pass
for c in sys.argv[2:] + ["quit"]:
    cmd(c)
PY
	wait "$(cat "$TMP/$name.pid")" 2>/dev/null
}
# monitor_dump NAME ADDR SIZE FILE: pmemsave through NAME's monitor, then
# quit QEMU and wait for it.
monitor_dump() { monitor_do "$1" "pmemsave $2 $3 \"$4\""; }

# qemu_bg NAME BOARD WANT [VAR=value...]: start BOARD's QEMU for the build
# in $O (scripts/qemu-run.sh, environment VAR=value: PAYLOAD_IMG,
# FLASH_FILE, ...) in the background with a monitor on $TMP/NAME.sock;
# return once the console shows WANT, or QEMU has exited, or after 30 s,
# with the console so far in $(log_of NAME).  Then monitor_do.
qemu_bg() {
	local name=$1 board=$2 want=$3; shift 3
	(
		[ $# = 0 ] || export "$@"
		QEMU_TIMEOUT=60 QEMU_EXTRA="${QEMU_EXTRA:-} -monitor unix:$TMP/$name.sock,server=on,wait=off" \
			exec "$top/scripts/qemu-run.sh" "$O" "$board" > "$TMP/$name.raw" 2>&1
	) &
	echo $! > "$TMP/$name.pid"
	for _ in $(seq 1 300); do
		grep -qF -- "$want" "$TMP/$name.raw" 2>/dev/null && break
		kill -0 "$(cat "$TMP/$name.pid")" 2>/dev/null || break
		sleep 0.1
	done
	tr -d '\r' < "$TMP/$name.raw" > "$TMP/$name.log"
}

# isar0_boot NAME IMM: boot the arm64 board's loader ($O) with its one read
# of ID_AA64ISAR0_EL1 (in kb_crypto_cpu_check()) patched into
# "movz xN, #IMM": a CPU reporting those feature fields.  The image is
# linked at 0, so an address in the ELF is an offset in the .bin.  The
# console goes to $(log_of NAME), the exit status to rc_of NAME, and the
# number of reads patched to $TMP/NAME.hits.
isar0_boot() {
	local name=$1 imm=$2 fn_addr fn_size
	mkdir -p "$TMP/$name"
	read -r fn_addr fn_size _ < <(aarch64-linux-gnu-nm -S "$O/kaslrboot.elf" | grep ' kb_crypto_cpu_check$')
	python3 - "$O/kaslrboot.bin" "$TMP/$name/kaslrboot.bin" "$fn_addr" "$fn_size" "$imm" \
		> "$TMP/$name.hits" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
start, size, imm = int(sys.argv[3], 16), int(sys.argv[4], 16), int(sys.argv[5], 0)
# MRS Xt, ID_AA64ISAR0_EL1 = 0xd5380600 | t  ->  MOVZ Xt, #imm = 0xd2800000 | imm << 5 | t
hits = [i for i in range(start, start + size, 4)
        if struct.unpack_from("<I", b, i)[0] & 0xffffffe0 == 0xd5380600]
for i in hits:
    t = struct.unpack_from("<I", b, i)[0] & 0x1f
    struct.pack_into("<I", b, i, 0xd2800000 | imm << 5 | t)
open(sys.argv[2], "wb").write(b)
print(len(hits))
PY
	make -s -C "$top" O="$O" "$O/payload.img" > /dev/null 2>&1
	PAYLOAD_IMG=$O/payload.img BOARD_DIR=$top/boards/qemu-virt-aarch64 QEMU_TIMEOUT=30 \
		"$top/scripts/qemu-run.sh" "$TMP/$name" qemu-virt-aarch64 > "$TMP/$name.raw" 2>&1
	echo $? > "$TMP/$name.rc"
	tr -d '\r' < "$TMP/$name.raw" > "$TMP/$name.log"
}

# ---- two payload slots (docs/flash.md "Two slots"), for the slots tests
# slot_container FILE VERSION [BOOTARGS]: the test payload's container for
# the board in $O (BOARD_DIR from the environment) with that image version
# and the bootargs "BOOTARGS vVERSION", copied to FILE
slot_container() {
	make -s -C "$top" O="$O" IMAGE_VERSION="$2" BOOTARGS="${3:+$3 }v$2" \
		"$O/payload.img" > /dev/null 2>&1 && cp "$O/payload.img" "$1"
}
# slot_corrupt FILE OFFSET: FILE.bad, a copy with the byte at OFFSET flipped
# (0x300: inside the payload part of a format 2 container)
slot_corrupt() {
	cp "$1" "$1.bad"
	printf '\x5a' | dd of="$1.bad" bs=1 seek="$2" conv=notrunc status=none
}
# slot_truncate FILE KEEP: FILE.trunc, as large as FILE: its first KEEP
# bytes, the rest erased (0xff): an update cut off mid-write
slot_truncate() {
	{ head -c "$2" "$1"; head -c $(($(stat -c %s "$1") - $2)) /dev/zero | tr '\0' '\377'; } > "$1.trunc"
}
# slot_booted NAME SLOT VERSION: the loader booted that slot and the test
# kernel saw it in /chosen and finished (the Cortex-M firmware has no room
# to print it: tests/qemu-arm-m/slots.sh reads its tree back instead)
slot_booted() {
	has "$1" "kaslrboot: slot $2: booting image version $3" &&
		has "$1" "testkernel: slot $2, image version $3" && kernel_done "$1"
}

# ---- the Cortex-M test firmware (tests/kernel/arm-m/fw.c)
plan_base() { sed -n 's/^kaslrboot: plan: kernel .* base \(0x[0-9a-f]*\)[, ].*/\1/p' "$(log_of "$1")"; }
fw_base() { sed -n 's/^fw: running at \(0x[0-9a-f]*\)-.*/\1/p' "$(log_of "$1")"; }
# NAME: the firmware ran where the loader placed it and its checks passed
fw_ok() {
	local pb fb
	pb=$(plan_base "$1"); fb=$(fw_base "$1")
	[ "$(rc_of "$1")" = 0 ] && has "$1" 'fw: relocations ok' && has "$1" 'fw: bss ok' &&
		has "$1" 'fw: done' && ! grep -q '^fw: FAIL' "$(log_of "$1")" &&
		[ -n "$pb" ] && [ $((pb)) = $((fb)) ] &&
		grep -qE '^fw: kaslr-seed 0x[0-9a-f]{16}$' "$(log_of "$1")" &&
		grep -qE '^fw: rng-seed 32 bytes [0-9a-f]{16}\.\.\.$' "$(log_of "$1")"
}
# NAME ERROR: stopped with that error, nothing booted
fw_refused() {
	[ "$(rc_of "$1")" != 0 ] && has "$1" "kaslrboot: error: $2" &&
		has "$1" 'kaslrboot: halted: nothing was booted' && ! grep -q '^fw:' "$(log_of "$1")"
}

# elf32_relr IN OUT: OUT is the ELF32 payload IN with its DT_DEBUG dynamic
# entry turned into DT_RELRSZ (0): a RELR table as a loader built without
# CONFIG_PAYLOAD_ELF_RELR sees it (refused from the tag, before its value)
elf32_relr() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
phoff, = struct.unpack_from("<I", b, 28)
phnum, = struct.unpack_from("<H", b, 44)
for i in range(phnum):
    t, off, _, _, fsz = struct.unpack_from("<IIIII", b, phoff + 32 * i)
    if t == 2:
        break
else:
    sys.exit("elf32_relr: no PT_DYNAMIC in " + sys.argv[1])
for o in range(off, off + fsz, 8):
    if struct.unpack_from("<I", b, o)[0] == 21:	# DT_DEBUG
        struct.pack_into("<II", b, o, 35, 0)	# DT_RELRSZ 0
        break
else:
    sys.exit("elf32_relr: no DT_DEBUG in " + sys.argv[1])
open(sys.argv[2], "wb").write(b)
PY
}

# ---- the carried seed (docs/entropy.md), for the seed tests
# seed_rec FLASH OFFSET: "generation seed-hex" of the record at OFFSET of
# the flash image, or "bad" (magic or SHA-256 wrong, or erased)
seed_rec() {
	python3 - "$1" "$2" <<'PY'
import hashlib, sys
off = int(sys.argv[2], 0)
r = open(sys.argv[1], "rb").read()[off:off + 120]
ok = r[:8] == b"KBSEED\0\0" and hashlib.sha256(r[:88]).digest() == r[88:120]
print("%d %s" % (int.from_bytes(r[16:24], "little"), r[24:88].hex()) if ok else "bad")
PY
}

# The message strings of a LOG_COMPRESS or LOG_DICTIONARY build: in the
# ELF's .kb_msg, which is not allocated (no "A" flag), and nowhere in the
# flashed .bin.  Leaves the section in $TMP/kb_msg.bin.
# kb_msg_checks CROSS ELF BIN MESSAGE...
kb_msg_unallocated() {	# CROSS ELF
	"${1}readelf" -SW "$2" | grep -E '^ *\[ *[0-9]+\] \.kb_msg ' > "$TMP/sec" &&
		! awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[WAXMS]+$/ && $i ~ /A/) a = 1 } END { exit !a }' "$TMP/sec"
}
kb_msg_absent() { ! grep -qaF -- "$1" "$2"; }	# MESSAGE FILE
kb_msg_checks() {
	local cross=$1 elf=$2 bin=$3 m
	shift 3
	check ".kb_msg is in the ELF and not allocated" kb_msg_unallocated "$cross" "$elf"
	"${cross}objcopy" --dump-section .kb_msg="$TMP/kb_msg.bin" "$elf" 2>/dev/null
	for m in "$@"; do
		check "the message '$m' is in .kb_msg" grep -qaF -- "$m" "$TMP/kb_msg.bin"
		check "the message '$m' is not in kaslrboot.bin" kb_msg_absent "$m" "$bin"
	done
}
