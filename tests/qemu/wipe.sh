#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# QEMU, checked from outside the guest: after handoff the loader's memory
# holds nothing but the handoff stub.  The test kernel is told to stay alive
# (testkernel.wait); QEMU's monitor dumps the loader's region (pmemsave)
# while the kernel runs.
. "$(dirname "$0")/../lib.sh"

# WIPE_BOARD (default qemu-virt-riscv64) and O select the board under test.
board=${WIPE_BOARD:-qemu-virt-riscv64}
elf=$O/kaslrboot.elf
sym() { readelf -sW "$elf" | awk -v s="$1" '$8 == s {print "0x" $2}'; }
hs=$(sym __handoff_start); he=$(sym __handoff_end); end=$(sym __image_end)

boot_waiting wait "$board"
check "$board: test kernel up and waiting (its checks passed)" grep -q 'testkernel: waiting' "$(log_of wait)"
# where the previous stage put the loader, as it logged itself
load=$(sed -n 's/^kaslrboot: version .* at \(0x[0-9a-f]*\)$/\1/p' "$(log_of wait)")
monitor_dump wait "$load" "$((end))" "$TMP/loader.dump"

kseed=$(sed -n 's/^testkernel: kaslr-seed 0x\([0-9a-f]*\)$/\1/p' "$(log_of wait)")
rseed=$(sed -n 's/^testkernel: rng-seed [0-9]* bytes \([0-9a-f]*\)\.\.\.$/\1/p' "$(log_of wait)")
python3 - "$TMP/loader.dump" "$O/kaslrboot.bin" "$((hs))" "$((he))" "$kseed" "$rseed" > "$TMP/verdict" <<'PY'
import sys
dump = open(sys.argv[1], "rb").read(); img = open(sys.argv[2], "rb").read()
hs, he = int(sys.argv[3]), int(sys.argv[4])
kseed, rseed = sys.argv[5], sys.argv[6]
print("dump", len(dump), "bytes; stub", he - hs, "bytes at", hex(hs))
outside = dump[:hs] + dump[he:]
nz = sum(1 for b in outside if b)
print("nonzero bytes outside the stub:", nz)
print("stub intact:", dump[hs:he] == img[hs:he])
found = []
for name, hexs in (("kaslr-seed", kseed), ("rng-seed[0:8]", rseed)):
    if not hexs:
        found.append(name + " not reported"); continue
    b = bytes.fromhex(hexs)
    for v in (b, b[::-1]):
        if v in dump:
            found.append(name)
print("seed bytes found in the dump:", found or "none")
ok = len(dump) > 0 and nz == 0 and dump[hs:he] == img[hs:he] and not found
sys.exit(0 if ok else 1)
PY
rc=$?
sed 's/^/# /' "$TMP/verdict"
check "$board: loader region $(printf '0x%x' $((load)))+$(printf '0x%x' $((end))): only the $((he - hs))-byte handoff stub survives, all else is zero (illegal instruction), no seed bytes" [ $rc = 0 ]

done_testing
