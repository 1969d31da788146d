#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A fatal error after the DRBG was seeded leaves no secret behind: fatal()
# wipes the DRBG state and every buffer that held TRNG samples and resets
# the virtio-rng device, before it halts.  A board built to halt (not power
# off) is stopped on a corrupted payload, in step 5 after seeding; the QEMU
# monitor then dumps the loader's memory (pmemsave) and reads the device's
# status register.
. "$(dirname "$0")/../lib.sh"

cp -r "$top/boards/qemu-virt-riscv64" "$TMP/board"
echo '# CONFIG_POWEROFF_ON_HALT is not set' >> "$TMP/board/defconfig"
O=$TMP/o
make -s -C "$top" BOARD_DIR="$TMP/board" O="$O" > "$TMP/build.log" 2>&1
check "a board that halts instead of powering off builds" test -f "$O/kaslrboot.bin"

# a payload byte flipped: refused in step 5, after the DRBG was seeded
boot_waiting halt qemu-virt-riscv64 BOARD_DIR="$TMP/board" CORRUPT_AT=4096 \
	WAIT_FOR='kaslrboot: halted: nothing was booted'
seeded_then_refused() {
	has halt 'kaslrboot: entropy: ' && has halt 'seeded from' &&
		has halt 'kaslrboot: error: container: payload SHA-256 mismatch' &&
		has halt 'kaslrboot: halted: nothing was booted'
}
check "seeded, then refused with its error and halted" seeded_then_refused

load=$(sed -n 's/^kaslrboot: version .* at \(0x[0-9a-f]*\)$/\1/p' "$(log_of halt)")
end=$(readelf -sW "$O/kaslrboot.elf" | awk '$8 == "__image_end" {print "0x" $2}')
rng=$(sed -n 's/^kaslrboot: entropy: virtio-rng .* at \/soc\/virtio_mmio@\([0-9a-f]*\),.*/0x\1/p' "$(log_of halt)")
# the device's status register (virtio-mmio offset 0x70), then the dump
python3 - "$TMP/halt.sock" "$((rng + 0x70))" > "$TMP/status" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
time.sleep(0.3); s.settimeout(0.5)
try:
    s.recv(65536)
except OSError:
    pass
s.sendall(("xp /1wx %s\n" % sys.argv[2]).encode()); time.sleep(0.5)
out = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
except OSError:
    pass
m = re.search(rb"[0-9a-f]+: (0x[0-9a-f]+)", out)
print(m.group(1).decode() if m else "none")
PY
monitor_dump halt "$load" "$((end))" "$TMP/loader.dump"
check "the virtio-rng device was reset (status register $(cat "$TMP/status"))" \
	test "$(cat "$TMP/status")" = 0x00000000

# every object that held secrets, zero in the dump
python3 - "$TMP/loader.dump" "$O/kaslrboot.elf" > "$TMP/verdict" <<'PY'
import subprocess, sys
dump = open(sys.argv[1], "rb").read()
syms = {}
for line in subprocess.run(["readelf", "-sW", sys.argv[2]], capture_output=True, text=True).stdout.splitlines():
    f = line.split()
    if len(f) >= 8 and f[3] == "OBJECT":
        syms.setdefault(f[7], (int(f[1], 16), int(f[2])))
bad = []
for name in ("kb_drbg", "kb_drbg_seeded", "samples", "health", "reqbuf"):
    if name not in syms:
        bad.append(name + ": no such symbol"); continue
    a, n = syms[name]
    nz = sum(1 for b in dump[a:a + n] if b)
    print("%s: %d bytes at 0x%x, %d non-zero" % (name, n, a, nz))
    if nz or a + n > len(dump):
        bad.append(name)
sys.exit(1 if bad else 0)
PY
rc=$?
sed 's/^/# /' "$TMP/verdict"
check "the DRBG state, the samples, the health state and the virtio buffer are all zero" test $rc = 0

done_testing
