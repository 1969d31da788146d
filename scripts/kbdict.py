# SPDX-License-Identifier: BSD-2-Clause
"""Dictionary logging (CONFIG_LOG_DICTIONARY, docs/size.md): what the build
(scripts/msgpack.py --dict-asm) and the decoder (tools/kblog) share.

The dictionary is the loader ELF's .kb_msg section: NUL-terminated format
strings (and a few constant strings used as %s arguments), never loaded.
A message's id is its offset in the section.

Argument kinds, one nibble each (loader/lib/dict.c reads them):
  1  int-sized (int, unsigned, char; long, size_t and pointers on ILP32)
  2  64-bit (long long; long, size_t and pointers on LP64)
  3  string (char *)
  4  precision then string (%.*s: an int, then a char * read at most
     that far)

The signature table (kb_dict_sig, in the image), only the strings that
take arguments, in section order, each as
  its offset minus the previous one's (the first's: minus 0): one byte
  if below 0x80, else two, big-endian, the first with its top bit set
  (below 0x7f00)
  its signature: the number of kinds n (1..14) in bits 0-3, then the
  kinds minus 1, 2 bits each, from bit 4 up: (4 + 2n + 7) / 8 bytes,
  little-endian (one for up to 2 arguments)
and then 0xff.  A string that is not in it takes no arguments.

parse() mirrors loader/lib/fmt.c:kb_vsnprintf exactly (what it consumes
and what it prints, "anything else is printed as written"); render()
prints a message from its decoded arguments the way kb_vsnprintf would.
"""
import zlib

INT, WIDE, STR, PSTR = 1, 2, 3, 4


class FmtError(Exception):
    pass


def parse(fmt, long_size):
    """fmt (bytes) -> list of items: bytes (literal text) or dicts (one
    conversion: left, zero, width, prec, conv, lmod, star_w, star_p,
    kind of the value or None)."""
    items = []
    i, n = 0, len(fmt)
    lit = bytearray()
    while i < n:
        c = fmt[i]
        i += 1
        if c != 0x25:  # '%'
            lit.append(c)
            continue
        spec_start = i - 1
        d = {"left": False, "zero": False, "width": 0, "prec": None,
             "star_w": False, "star_p": False, "lmod": 0, "conv": None}
        while i < n and fmt[i] in b"-0":
            if fmt[i] == 0x2d:
                d["left"] = True
            else:
                d["zero"] = True
            i += 1
        if i < n and fmt[i] == 0x2a:
            d["star_w"] = True
            i += 1
        else:
            while i < n and 0x30 <= fmt[i] <= 0x39:
                d["width"] = d["width"] * 10 + fmt[i] - 0x30
                i += 1
        if i < n and fmt[i] == 0x2e:
            i += 1
            if i < n and fmt[i] == 0x2a:
                d["star_p"] = True
                i += 1
            else:
                d["prec"] = 0
                while i < n and 0x30 <= fmt[i] <= 0x39:
                    d["prec"] = d["prec"] * 10 + fmt[i] - 0x30
                    i += 1
        if i < n and fmt[i] == 0x6c:  # l
            d["lmod"] = 1
            i += 1
            if i < n and fmt[i] == 0x6c:
                d["lmod"] = 2
                i += 1
        elif i < n and fmt[i] == 0x7a:  # z
            d["lmod"] = 3
            i += 1
        conv = chr(fmt[i]) if i < n else ""
        if conv:
            i += 1
        raw = False
        kind = None
        if conv == "%":
            raw = (i - spec_start) != 2
        elif conv == "c":
            raw = d["lmod"] != 0
            kind = INT
        elif conv == "s":
            raw = d["lmod"] != 0
            kind = STR
        elif conv in ("p", "d", "i", "u", "x", "X"):
            raw = d["prec"] is not None or d["star_p"] or (conv == "p" and d["lmod"])
            if conv == "p":
                kind = INT if long_size == 4 else WIDE
            elif d["lmod"] == 2:
                kind = WIDE
            elif d["lmod"] in (1, 3):
                kind = INT if long_size == 4 else WIDE
            else:
                kind = INT
        else:
            raw = True
        d["conv"] = conv
        d["raw"] = bytes(fmt[spec_start:i]) if raw else None
        d["kind"] = None if raw else kind
        if lit:
            items.append(bytes(lit))
            lit = bytearray()
        items.append(d)
        if not conv:
            break
    if lit:
        items.append(bytes(lit))
    return items


def kinds(fmt, long_size):
    """The argument kinds, in va_arg order, that fmt consumes."""
    out = []
    for it in parse(fmt, long_size):
        if isinstance(it, bytes):
            continue
        if it["star_w"]:
            out.append(INT)
        if it["star_p"] and it["kind"] == STR:
            out.append(PSTR)
            continue
        if it["star_p"]:
            out.append(INT)
        if it["kind"] is not None:
            out.append(it["kind"])
    return out


def strings(section):
    """(offset, bytes without the NUL) of every string of the section."""
    out = []
    off = 0
    for s in section.split(b"\0")[:-1]:
        out.append((off, s))
        off += len(s) + 1
    return out


def sig_table(section, long_size):
    t = bytearray()
    prev = 0
    for off, s in strings(section):
        if len(s) + 1 > 256:
            raise FmtError("message at .kb_msg+%d is %d bytes with its NUL, "
                           "more than 256" % (off, len(s) + 1))
        k = kinds(s, long_size)
        if not k:
            continue
        if len(k) > 14:
            raise FmtError("message at .kb_msg+%d takes %d arguments, "
                           "more than 14" % (off, len(k)))
        delta = off - prev
        prev = off
        if delta < 0x80:
            t.append(delta)
        elif delta < 0x7f00:
            t += bytes([0x80 | delta >> 8, delta & 0xff])
        else:
            raise FmtError("message at .kb_msg+%d is %d bytes after the "
                           "previous one with arguments, 0x7f00 or more"
                           % (off, delta))
        sig = len(k)
        for i, kind in enumerate(k):
            sig |= (kind - 1) << (4 + 2 * i)
        t += sig.to_bytes((4 + 2 * len(k) + 7) // 8, "little")
    t.append(0xff)
    return bytes(t)


def dict_hash(section, table):
    """The 32-bit id of a dictionary, printed in every record."""
    return zlib.crc32(table, zlib.crc32(section)) & 0xffffffff


def render(fmt, args, long_size):
    """What kb_vsnprintf prints for fmt with args (the decoded wire values:
    ints as raw unsigned bit patterns, strings as bytes; PSTR as a (prec,
    bytes) pair).  Returns bytes (not cut to any buffer)."""
    out = bytearray()
    a = iter(args)

    def s32(v):
        v &= 0xffffffff
        return v - (1 << 32) if v & 0x80000000 else v

    for it in parse(fmt, long_size):
        if isinstance(it, bytes):
            out += it
            continue
        left, zero, width, prec = it["left"], it["zero"], it["width"], it["prec"]
        if it["star_w"]:
            w = s32(next(a))
            if w < 0:
                left, width = True, -w
            else:
                width = w
        if it["star_p"]:
            if it["kind"] == STR:
                pr, sval = next(a)
                pr = s32(pr)
                prec = None if pr < 0 else pr
            else:
                next(a)
        if it["raw"] is not None:
            out += it["raw"]
            continue
        conv = it["conv"]
        if conv == "%":
            out += b"%"
            continue
        prefix = b""
        numeric = False
        if conv == "c":
            body = bytes([next(a) & 0xff])
        elif conv == "s":
            if not it["star_p"]:
                sval = next(a)
            if sval is None:
                sval = b"(null)"
            body = sval if prec is None else sval[:prec]
        else:
            v = next(a)
            bits = 32 if it["kind"] == INT else 64
            v &= (1 << bits) - 1
            if conv == "p":
                prefix = b"0x"
            elif conv in "di":
                if v >> (bits - 1):
                    v = (1 << bits) - v
                    prefix = b"-"
            if conv in "diu":
                body = b"%d" % v
            elif conv == "X":
                body = b"%X" % v
            else:
                body = b"%x" % v
            numeric = True
        n = len(body) + len(prefix)
        pad = width - n if width > n else 0
        zero = zero and numeric and not left
        if not left and not zero:
            out += b" " * pad
        out += prefix
        if zero:
            out += b"0" * pad
        out += body
        if left:
            out += b" " * pad
    return bytes(out)
