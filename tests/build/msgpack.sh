#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/msgpack.py (CONFIG_LOG_COMPRESS, docs/size.md): what it refuses
# is a build error with one line naming the message; what it accepts
# decodes back (the script checks its own output; tests/host/test_msg.c
# checks the C decoder on it).
. "$(dirname "$0")/../lib.sh"
cd "$top" || exit 1
pack() {	# OUT SECTION: compress, stderr into $TMP/err
	python3 scripts/msgpack.py --msg-h loader/include/kaslrboot/msg.h --asm "$1" "$2" 2> "$TMP/err"
}
refuses() {	# SECTION TEXT: exit 1, one line, containing TEXT, no output file
	rm -f "$TMP/out.S"
	! pack "$TMP/out.S" "$1" && [ "$(wc -l < "$TMP/err")" = 1 ] &&
		grep -qF -- "$2" "$TMP/err" && [ ! -e "$TMP/out.S" ]
}
max=$(sed -n 's/^#define KB_MSG_MAX \([0-9]*\)$/\1/p' loader/include/kaslrboot/msg.h)
{ printf 'ok: %s\0' a b; head -c $((max - 1)) /dev/zero | tr '\0' x; printf '\0'; } > "$TMP/fits.bin"
check "a message of KB_MSG_MAX ($max) bytes with its NUL is accepted" pack "$TMP/fits.S" "$TMP/fits.bin"
check "the accepted section's blob is assembly with kb_msg_blob" grep -q '^kb_msg_blob:' "$TMP/fits.S"
{ printf 'ok\0'; head -c "$max" /dev/zero | tr '\0' y; printf '\0'; } > "$TMP/long.bin"
check "a message of KB_MSG_MAX + 1 bytes is refused, naming its offset and KB_MSG_MAX" \
	refuses "$TMP/long.bin" "message at .kb_msg+3 is $((max + 1)) bytes with its NUL, more than KB_MSG_MAX ($max"
printf 'caf\xc3\xa9\0' > "$TMP/utf8.bin"
check "a non-ASCII byte is refused" refuses "$TMP/utf8.bin" "byte 0xc3 at .kb_msg+3 in a message: only ASCII is supported"
printf 'no nul' > "$TMP/nonul.bin"
check "a section not ending with a NUL is refused" refuses "$TMP/nonul.bin" "the section does not end with a NUL"
# the loader's own string literals: compressed to well under their size
python3 scripts/msgpack.py --sources "$TMP/corpus.bin" loader/*.c loader/lib/*.c fdt/*.c
pack "$TMP/corpus.S" "$TMP/corpus.bin"
ratio_ok() {
	local blob
	blob=$(sed -n 's/.*blob \([0-9]*\) bytes.*/\1/p' "$TMP/corpus.S")
	[ -n "$blob" ] && [ $((blob * 100 / $(stat -c %s "$TMP/corpus.bin"))) -lt 60 ]
}
check "the sources' string literals compress below 60 % of their size" ratio_ok
done_testing
