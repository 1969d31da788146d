#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compress the loader's .kb_msg section (CONFIG_LOG_COMPRESS, docs/size.md).

    msgpack.py --msg-h loader/include/kaslrboot/msg.h --asm OUT.S SECTION.bin
    msgpack.py --msg-h ... --c OUT.h [--blob BLOB.bin] SECTION.bin
                                    (host test header: the section and its
                                     blob, compressed here or taken from a
                                     linked loader)
    msgpack.py --sources OUT.bin FILE.c ...            (a corpus: the string
                                                        literals of C files)
    msgpack.py --msg-h ... --dict-asm OUT.S --long-size 4|8 SECTION.bin
                                    (CONFIG_LOG_DICTIONARY: the argument
                                     signature table kb_dict_sig and the
                                     dictionary's hash kb_dict_hash,
                                     scripts/kbdict.py)

SECTION.bin holds the bytes of .kb_msg from the first link: NUL-terminated
format strings (and padding NULs).  Byte-pair encoding: the most frequent
pair of adjacent bytes, never a NUL, becomes an unused byte value (a
token: 0x80..0xff, then the control bytes 0x01..0x1f no message uses), as
long as a pair occurs three times or more and tokens are left.  Output:
kb_msg_blob = [n][n rules of 2 bytes][stream], decoded by
loader/lib/msg.c:kb_msg_decode().  Refuses (exit 1, one line) a message
longer than KB_MSG_MAX or a byte the decoder cannot tell from a token.
"""
import argparse
import ast
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kbdict  # noqa: E402


def die(msg):
    sys.stderr.write("msgpack: %s\n" % msg)
    sys.exit(1)


def msg_h_constants(path):
    text = open(path).read()
    consts = {}
    for name in ("KB_MSG_MAX", "KB_MSG_DEPTH"):
        m = re.search(r"#define\s+%s\s+(\d+)" % name, text)
        if not m:
            die("%s: no '#define %s <number>'" % (path, name))
        consts[name] = int(m.group(1))
    return consts


def slot_byte(i):
    return (i + 0x80) & 0xff


def compress(data, depth_max):
    used = set(data)
    for off, b in enumerate(data):
        if b >= 0x80:
            die("byte 0x%02x at .kb_msg+%d in a message: only ASCII is "
                "supported" % (b, off))
    # Token slots in decoder order; a literal control byte keeps its slot
    # as an unused rule (first byte 0).
    slots = [i for i in range(0x80 + 0x20) if slot_byte(i) not in used]
    rules = {}      # slot index -> (a, b)
    need = {}       # byte -> decoder stack needed to expand it
    seq = list(data)
    for i in slots:
        counts = {}
        for pair in zip(seq, seq[1:]):
            if pair[0] and pair[1]:
                counts[pair] = counts.get(pair, 0) + 1
        best = None
        for pair, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            n = max(2, 1 + need.get(pair[0], 0), need.get(pair[1], 0))
            if n <= depth_max:
                best = (pair, c, n)
                break
        if best is None or best[1] < 3:
            break
        pair, _, n = best
        tok = slot_byte(i)
        rules[i] = pair
        need[tok] = n
        out = []
        j = 0
        while j < len(seq):
            if j + 1 < len(seq) and (seq[j], seq[j + 1]) == pair:
                out.append(tok)
                j += 2
            else:
                out.append(seq[j])
                j += 1
        seq = out
    length = {}
    for i in sorted(rules):
        a, b = rules[i]
        length[slot_byte(i)] = length.get(a, 1) + length.get(b, 1)
    if length and max(length.values()) > 255:
        die("a rule expands to %d bytes, more than the decoder's 255"
            % max(length.values()))
    nslots = (max(rules) + 1) if rules else 0
    blob = bytearray([nslots])
    for i in range(nslots):
        blob += bytes(rules.get(i, (0, 0)))
    blob += bytes(seq)
    return bytes(blob)


def decode_all(blob):
    """The decoder of loader/lib/msg.c, in Python: the whole section."""
    n = blob[0]
    rules = blob[1:1 + 2 * n]
    out = bytearray()

    def put(b):
        i = (b + 0x80) & 0xff
        if i < n and rules[2 * i]:
            put(rules[2 * i])
            put(rules[2 * i + 1])
        else:
            out.append(b)
    for b in blob[1 + 2 * n:]:
        put(b)
    return bytes(out)


def check_lengths(data, maxlen):
    off = 0
    for s in data.split(b"\0")[:-1]:
        if len(s) + 1 > maxlen:
            die("message at .kb_msg+%d is %d bytes with its NUL, more than "
                "KB_MSG_MAX (%d, kaslrboot/msg.h): \"%s...\""
                % (off, len(s) + 1, maxlen, s[:40].decode("ascii", "replace")))
        off += len(s) + 1


def c_bytes(b):
    return ",".join("0x%02x" % x for x in b)


def sources_corpus(out, files):
    lit = re.compile(r'"(?:[^"\\\n]|\\.)*"')
    data = bytearray()
    for f in files:
        for line in open(f, errors="replace"):
            if line.lstrip().startswith(("#include", "//", "*", "/*")):
                continue
            for m in lit.finditer(line):
                try:
                    s = ast.literal_eval(m.group(0)).encode("ascii")
                except (ValueError, SyntaxError, UnicodeEncodeError):
                    continue
                if b"\0" not in s:
                    data += s + b"\0"
    open(out, "wb").write(bytes(data))


def dict_asm(out, data, long_size, verbose):
    try:
        table = kbdict.sig_table(data, long_size)
    except kbdict.FmtError as e:
        die(str(e))
    h = kbdict.dict_hash(data, table)
    with open(out, "w") as f:
        f.write("/* Generated by scripts/msgpack.py --dict-asm: %d bytes of "
                ".kb_msg, %d strings, signature table %d bytes. */\n"
                % (len(data), len(kbdict.strings(data)), len(table)))
        f.write('\t.section .rodata.kb_dict_sig,"a"\n'
                "\t.globl kb_dict_sig\n\t.hidden kb_dict_sig\n"
                "\t.type kb_dict_sig, %object\nkb_dict_sig:\n")
        for i in range(0, len(table), 16):
            f.write("\t.byte %s\n" % c_bytes(table[i:i + 16]))
        f.write("\t.size kb_dict_sig, %d\n" % len(table))
        f.write('\t.section .rodata.kb_dict_hash,"a"\n\t.balign 4\n'
                "\t.globl kb_dict_hash\n\t.hidden kb_dict_hash\n"
                "\t.type kb_dict_hash, %%object\nkb_dict_hash:\n"
                "\t.word 0x%08x\n\t.size kb_dict_hash, 4\n" % h)
    if verbose:
        sys.stderr.write("msgpack: .kb_msg %d B, %d strings: signature table "
                         "%d B, hash %08x\n"
                         % (len(data), len(kbdict.strings(data)), len(table), h))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--msg-h")
    ap.add_argument("--asm")
    ap.add_argument("--c")
    ap.add_argument("--blob")
    ap.add_argument("--sources")
    ap.add_argument("--dict-asm")
    ap.add_argument("--long-size", type=int, choices=(4, 8))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("inputs", nargs="+")
    a = ap.parse_args()
    if a.sources:
        sources_corpus(a.sources, a.inputs)
        return
    if not a.msg_h or not (a.asm or a.c or a.dict_asm) or len(a.inputs) != 1:
        ap.error("--msg-h and --asm, --c or --dict-asm, and one SECTION.bin")
    k = msg_h_constants(a.msg_h)
    data = open(a.inputs[0], "rb").read()
    if data and data[-1] != 0:
        die("%s: the section does not end with a NUL" % a.inputs[0])
    check_lengths(data, k["KB_MSG_MAX"])
    if a.dict_asm:
        if not a.long_size:
            ap.error("--dict-asm needs --long-size")
        dict_asm(a.dict_asm, data, a.long_size, a.verbose)
        return
    if a.blob:
        blob = open(a.blob, "rb").read()
    else:
        blob = compress(data, k["KB_MSG_DEPTH"])
    if decode_all(blob) != data:
        die("internal error: the blob does not decode to the section")
    if a.asm:
        with open(a.asm, "w") as f:
            f.write("/* Generated by scripts/msgpack.py from %s: %d bytes of "
                    ".kb_msg, %d rules, blob %d bytes. */\n"
                    % (a.inputs[0], len(data), blob[0], len(blob)))
            f.write('\t.section .rodata.kb_msg_blob,"a"\n'
                    "\t.globl kb_msg_blob\n\t.hidden kb_msg_blob\n"
                    "\t.type kb_msg_blob, %object\nkb_msg_blob:\n")
            for i in range(0, len(blob), 16):
                f.write("\t.byte %s\n" % c_bytes(blob[i:i + 16]))
            f.write("\t.size kb_msg_blob, %d\n" % len(blob))
    if a.c:
        with open(a.c, "w") as f:
            f.write("/* Generated by scripts/msgpack.py from %s */\n" % a.inputs[0])
            f.write("static const unsigned char msg_section[%d] = {%s};\n"
                    % (max(len(data), 1), c_bytes(data) or "0"))
            f.write("static const size_t msg_section_len = %d;\n" % len(data))
            f.write("static const unsigned char msg_blob[%d] = {%s};\n"
                    % (len(blob), c_bytes(blob)))
    if a.verbose:
        sys.stderr.write("msgpack: .kb_msg %d B -> %d B (%d rules)\n"
                         % (len(data), len(blob), blob[0]))


if __name__ == "__main__":
    main()
