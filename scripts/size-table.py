#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""size-table.py MAP [TOP]: what each component, and the TOP largest
objects, contribute to the linked loader, from ld's link map: text+rodata
(flash), data (flash, copied nowhere: the loader runs where it was put),
bss (RAM).  Linker-made sections (.rela.dyn, .dynamic, ...) are not in
any object; make bench prints the loader's totals from `size` beside this.
With -flto the code is in the link-time partitions (ltrans objects) and
no longer says which file it came from: bench.sh reads the map of a twin
build without LTO for this table."""
import re, sys, collections

def comp(f):
    return ("libfdt" if "/libfdt/" in f else "mbedTLS" if "/mbedtls/" in f
            else "C library (picolibc)" if "libc.a" in f else "libgcc" if "libgcc.a" in f
            else "kaslrboot")

def kind(sec):
    if sec.startswith((".bss", ".sbss")):
        return 2
    if sec.startswith((".data", ".sdata")):
        return 1
    return 0

objs = collections.defaultdict(lambda: [0, 0, 0])
pending, live = None, False
for line in open(sys.argv[1]):
    if line.startswith("Linker script and memory map"):
        live = True
        continue
    if not live:
        continue
    m = re.match(r"^ (\.(?:text|rodata|srodata|data|sdata|bss|sbss|kb_drivers)\S*)(?:\s+(0x\S+)\s+(0x\S+)\s+(\S+))?\s*$", line)
    if m:
        if m.group(2):
            objs[m.group(4)][kind(m.group(1))] += int(m.group(3), 16)
            pending = None
        else:
            pending = m.group(1)
        continue
    m = re.match(r"^\s+(0x\S+)\s+(0x\S+)\s+(\S+)\s*$", line)
    if pending and m:
        objs[m.group(3)][kind(pending)] += int(m.group(2), 16)
    pending = None

comps = collections.defaultdict(lambda: [0, 0, 0])
for f, v in objs.items():
    for i in range(3):
        comps[comp(f)][i] += v[i]
print("bench:   %-34s %9s %7s %7s" % ("component", "text+ro", "data", "bss"))
for c in sorted(comps, key=lambda c: -sum(comps[c][:2])):
    v = comps[c]
    print("bench:   %-34s %7d B %5d B %5d B" % (c, v[0], v[1], v[2]))
top = int(sys.argv[2]) if len(sys.argv) > 2 else 0
if top:
    name = lambda f: re.sub(r"^.*/(?:lib[a-z]*\.a\()?", "", f).rstrip(")")
    print("bench:   largest objects (text+rodata+data):")
    for f in sorted(objs, key=lambda f: -sum(objs[f][:2]))[:top]:
        v = objs[f]
        if v[0] + v[1]:
            print("bench:     %-32s %7d B  (%s)" % (name(f), v[0] + v[1], comp(f)))
