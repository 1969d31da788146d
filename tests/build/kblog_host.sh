#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# CONFIG_LOG_DICTIONARY (docs/size.md) on the host: loader/lib/dict.c's
# records of a set of formats (every directive kb_vsnprintf knows and a
# few it prints as written, 32- and 64-bit numbers, escaped strings, a
# string in the dictionary, struct kb_diag records nested, a line too
# long, a record that does not fit a kb_diag) decoded by tools/kblog give
# exactly the text kb_vsnprintf prints (tests/host/dict_records.c, built
# with ASan/UBSan, LP64: the 64-bit argument kinds).  Then the signature
# table and scripts/kbdict.py's parser on the real loader sources.
. "$(dirname "$0")/../lib.sh"
cd "$top" || exit 1

# The dictionary of the test, in the order dict_records.c numbers it.
python3 - "$TMP/dict_data.h" <<'PY'
import sys
sys.path.insert(0, "scripts")
import kbdict
fmts = [
    b"no arguments",
    b"ints: %d %u %x %X",
    b"widths: [%5d] [%-5d] [%05d] [%*d]",
    b"64: %llx %lld %llu",
    b"long: %lu %zu %p",
    b"c=%c w=[%*s] p=[%.*s]",
    b"s: %s|%s|%s",
    b"raw: %q %.3d %ls %*q 100%% %",
    b"partial %u",
    b" and the rest\n",
    b"%s",
    b"a dictionary string",
    b"line\nbreak %d",
    b"container: flash read at 0x%x of %s failed",
    b"slot %s: not booted: %s",
    b"outer: %s",
]
sec = b"".join(f + b"\0" for f in fmts)
offs, o = [], 0
for f in fmts:
    offs.append(o)
    o += len(f) + 1
table = kbdict.sig_table(sec, 8)
h = kbdict.dict_hash(sec, table)
c = lambda b: ",".join("0x%02x" % x for x in b)
with open(sys.argv[1], "w") as f:
    f.write("static const unsigned char dict_section[%d] = {%s};\n" % (len(sec), c(sec)))
    f.write("#define DICT_SECTION_INIT {%s}\n" % c(sec))
    f.write('#define DICT_SECTION_LEN "%d"\n' % len(sec))
    f.write("static const unsigned int dict_off[] = {%s};\n" % ",".join(map(str, offs)))
    f.write("const uint8_t kb_dict_sig[] = {%s};\n" % c(table))
    f.write("const uint32_t kb_dict_hash = 0x%08x;\n" % h)
PY
built() {
	${HOSTCC:-gcc} -std=gnu11 -g -O1 -Wall -Wextra -Wno-format-nonliteral \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-DKB_MSG_DICT -I"$top/loader/include" -I"$TMP" -DDICT_DATA_H='"dict_data.h"' \
		tests/host/dict_records.c loader/lib/dict.c loader/lib/fmt.c \
		-o "$TMP/dict_records" 2> "$TMP/cc.err" &&
		"$TMP/dict_records" "$TMP/rec.log" "$TMP/txt.log"
}
check "dict_records.c builds and runs (ASan/UBSan)" built
[ -s "$TMP/cc.err" ] && head -n 5 "$TMP/cc.err"
check "the encoder wrote records only" eval "! grep -qav '^~[lep]' '$TMP/rec.log'"
decoded() { tools/kblog "$TMP/dict_records" < "$TMP/rec.log" > "$TMP/dec.log" 2> "$TMP/dec.err"; }
check "kblog decodes them with the program's own ELF (LP64)" decoded
[ -s "$TMP/dec.err" ] && cat "$TMP/dec.err"
same_text() { diff <(head -n -1 "$TMP/dec.log") "$TMP/txt.log" > "$TMP/dec.diff"; }
check "every decoded line equals kb_vsnprintf's text, byte for byte" same_text
[ -s "$TMP/dec.diff" ] && head -n 10 "$TMP/dec.diff"
# A run-time string that did not fit the record of a struct kb_diag (160
# bytes; here 100 quotes, 3 bytes each in a record) is cut, and kblog
# says so: "[...]" where the text had more.
cut_shown() {
	tail -n 1 "$TMP/dec.log" | grep -qaE $'^kaslrboot: container: flash read at 0x40 of \x27{30,60}\\[\\.\\.\\.\\] failed\r$'
}
check "a run-time string cut to fit a kb_diag record ends in [...]" cut_shown
tail -n 1 "$TMP/dec.log" | grep -qa '^kaslrboot: container' || tail -n 1 "$TMP/dec.log"

# fdt/fdt_errwords.c (libfdt's error words in the dictionary) names every
# code as libfdt's own fdt_strerror() does (on the host .kb_msg is
# ordinary data, so the words can be compared).
libfdt=${LIBFDT_DIR:-${KB_CACHE:-$top/cache}/src/libfdt}
cat > "$TMP/errwords.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <kaslrboot/fdt_util.h>
#undef fdt_strerror
int main(void)
{
	int e, bad = 0;

	for (e = -40; e <= 3; e++)
		if (strcmp(kb_fdt_strerror(e), fdt_strerror(e)) != 0) {
			printf("%d: '%s' != '%s'\n", e, kb_fdt_strerror(e), fdt_strerror(e));
			bad = 1;
		}
	return bad;
}
C
errwords() {
	${HOSTCC:-gcc} -std=gnu11 -g -O1 -Wall -fsanitize=address,undefined -fno-sanitize-recover=all \
		-DKB_MSG_DICT -I"$top/loader/include" -I"$libfdt" "$TMP/errwords.c" fdt/fdt_errwords.c \
		"$libfdt/fdt_strerror.c" -o "$TMP/errwords" > "$TMP/errwords.out" 2>&1 &&
		"$TMP/errwords" >> "$TMP/errwords.out" 2>&1
}
check "kb_fdt_strerror() names every code (-40 .. 3) as libfdt's fdt_strerror()" errwords
[ -s "$TMP/errwords.out" ] && head -n 5 "$TMP/errwords.out"

# Every format literal of the loader's sources parses, and the table
# walks back to the strings with arguments and their kinds (what
# loader/lib/dict.c's lookup does).
python3 scripts/msgpack.py --sources "$TMP/corpus.bin" loader/*.c loader/lib/*.c fdt/*.c \
	drivers/*/*.c crypto/*.c loader/arch/*/*.c
walk() {
	python3 - "$TMP/corpus.bin" <<'PY'
import sys
sys.path.insert(0, "scripts")
import kbdict
sec = open(sys.argv[1], "rb").read()
for ls in (4, 8):
    t = kbdict.sig_table(sec, ls)
    # what loader/lib/dict.c's lookup does, for every string
    i = at = 0
    for off, s in kbdict.strings(sec):
        k = kbdict.kinds(s, ls)
        if not k:
            continue
        d = t[i]; i += 1
        if d & 0x80:
            d = (d & 0x7f) << 8 | t[i]; i += 1
        at += d
        assert at == off, (off, at)
        nb = (4 + 2 * (t[i] & 15) + 7) // 8
        sig = int.from_bytes(t[i:i + nb], "little"); i += nb
        got = [(sig >> (4 + 2 * j) & 3) + 1 for j in range(sig & 15)]
        assert got == k, (s, got)
    assert t[i] == 0xff and i == len(t) - 1
PY
}
check "the signature table of every literal of the sources walks back to its kinds" walk
done_testing
