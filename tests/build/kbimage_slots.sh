#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# kbimage slots show|write (docs/flash.md "Two slots"): the status of both
# slots of a flash image and the one the loader would boot (the loader's
# own slot.c), writing one slot of an existing image as an updater does
# (the rest of its window erased, every other byte unchanged), and the
# refusals: the slot that boots now (without --force), a container that
# does not fit or does not verify, bad arguments (exit 64).
. "$(dirname "$0")/../lib.sh"

K=$top/build/host/kbimage
[ -x "$K" ] || { notok "kbimage is built ($K; make tools)"; exit 1; }
run() {	# ARGS...: stdout $TMP/out, stderr $TMP/err, status $TMP/rc
	"$K" "$@" > "$TMP/out" 2> "$TMP/err"
	echo $? > "$TMP/rc"
}
rc() { cat "$TMP/rc"; }
one_line_err() { [ "$(wc -l < "$TMP/err")" = 1 ] && grep -q '^kbimage: ' "$TMP/err"; }
out_has() { grep -qF -- "$1" "$TMP/out"; }

head -c 100000 /dev/urandom > "$TMP/k"
for v in 3 4 8; do "$K" --image-version $v --pad 1M -o "$TMP/c$v" "$TMP/k" > /dev/null; done
"$K" --image-version 6 -o "$TMP/c6" "$TMP/k" > /dev/null	# unpadded
head -c $((3 << 20)) /dev/zero | tr '\0' '\377' > "$TMP/flash"	# 3 MiB, erased
S=(--slot-a 0x100000 --slot-b 2M --slot-size 1M)	# loader at 0 in a real flash

run slots show "$TMP/flash" "${S[@]}"
check "an erased flash: nothing boots, exit 1, both slots 'bad magic ... erased'" \
	eval '[ "$(rc)" = 1 ] && [ "$(grep -c "invalid: container: bad magic: the flash reads erased" "$TMP/out")" = 2 ] && grep -q "the loader would halt: slots: nothing to boot" "$TMP/out"'
cp "$TMP/flash" "$TMP/before"
run slots write "$TMP/flash" "${S[@]}" --slot a "$TMP/c6"
check "write slot a of an erased flash: exit 0 ($(cat "$TMP/err"))" eval '[ "$(rc)" = 0 ]'
check "... slot a now boots (image version 6)" out_has "slot a  0x00100000  valid: format 2, image version 6, type auto, payload 100000 bytes: boots"
check "... the container is at 0x100000, the rest of the window 0xff, the other bytes unchanged" \
	eval 'cmp -s <(head -c $((0x100000)) "$TMP/flash") <(head -c $((0x100000)) "$TMP/before") &&
		cmp -s <(tail -c +$((0x100000 + 1)) "$TMP/flash" | head -c $(stat -c %s "$TMP/c6")) "$TMP/c6" &&
		[ -z "$(tail -c +$((0x100000 + $(stat -c %s "$TMP/c6") + 1)) "$TMP/flash" | head -c $((0x100000 - $(stat -c %s "$TMP/c6"))) | tr -d "\377" | head -c 1)" ] &&
		cmp -s <(tail -c +$((0x200000 + 1)) "$TMP/flash") <(tail -c +$((0x200000 + 1)) "$TMP/before")'
run slots write "$TMP/flash" "${S[@]}" --slot a "$TMP/c8"
check "write the slot that boots now: refused, exit 1, one line ($(cat "$TMP/err"))" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "slot a holds the image the loader boots now (image version 6): write the other slot, or --force" "$TMP/err"'
run slots write "$TMP/flash" "${S[@]}" --slot b "$TMP/c8"
check "write slot b with version 8: slot b boots, slot a verified as the fallback" \
	eval '[ "$(rc)" = 0 ] && grep -q "slot b  0x00200000  valid: format 2, image version 8.*: boots" "$TMP/out" && grep -q "slot a .*image version 6.*verified: the fallback" "$TMP/out"'
run slots write "$TMP/flash" "${S[@]}" --slot a "$TMP/c3"
check "write slot a with an older version 3: done, with a warning that slot b keeps booting" \
	eval '[ "$(rc)" = 0 ] && grep -q "warning: image version 3 is not above slot b.s 8: the loader keeps booting slot b" "$TMP/err"'
# slot b truncated mid-write: its second half erased
printf '\377%.0s' $(seq 1 50000) | dd of="$TMP/flash" bs=1 seek=$((0x200000 + 60000)) conv=notrunc status=none
run slots show "$TMP/flash" "${S[@]}"
check "slot b truncated: slot a (older) boots, slot b 'payload SHA-256 mismatch' (the loader's choice)" \
	eval '[ "$(rc)" = 0 ] && grep -q "slot a .*image version 3.*: boots" "$TMP/out" && grep -q "slot b .*invalid: image version 8, container: payload SHA-256 mismatch" "$TMP/out"'
run slots write "$TMP/flash" "${S[@]}" --slot a --force "$TMP/c4"
check "--force writes the booting slot" eval '[ "$(rc)" = 0 ] && grep -q "slot a .*image version 4.*: boots" "$TMP/out"'

head -c $((0x100000 + 1)) /dev/zero > "$TMP/big"
run slots write "$TMP/flash" "${S[@]}" --slot b "$TMP/big"
check "a container larger than the slot: exit 1, one line" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "do not fit in the 0x100000-byte slot" "$TMP/err"'
cp "$TMP/c4" "$TMP/bad"; printf '\001' | dd of="$TMP/bad" bs=1 seek=40000 conv=notrunc status=none
cp "$TMP/flash" "$TMP/before"
run slots write "$TMP/flash" "${S[@]}" --slot b "$TMP/bad"
check "a container that does not verify: exit 1, one line, the flash untouched" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "does not verify: container: payload SHA-256 mismatch" "$TMP/err" && cmp -s "$TMP/flash" "$TMP/before"'
run slots show "$TMP/flash" --slot-a 0x100000 --slot-b 0x1c0000 --slot-size 1M
check "overlapping windows: exit 64, one line" eval '[ "$(rc)" = 64 ] && one_line_err'
run slots show "$TMP/flash" --slot-a 0 --slot-b 2M --slot-size 2M
check "a window past the end of the file: exit 1, one line" \
	eval '[ "$(rc)" = 1 ] && one_line_err && grep -q "slot b (0x200000 + 0x200000) runs past the 3145728-byte image" "$TMP/err"'
for args in "" "frob x" "show" "show $TMP/flash --slot-a 0" "write $TMP/flash ${S[*]} --slot c $TMP/c4" \
	"write $TMP/flash ${S[*]} $TMP/c4" "show $TMP/flash ${S[*]} --slot-size 1M" "show $TMP/flash ${S[*]} --bogus 1"; do
	run slots $args
	check "bad arguments (slots ${args//$TMP\//}): exit 64, one line ($(cat "$TMP/err"))" \
		eval '[ "$(rc)" = 64 ] && one_line_err'
done

done_testing
