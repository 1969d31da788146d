#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""
fakeload.py: run the test kernel's ELF variant without kaslrboot.

Lays out a static-PIE ELF as a loader would at BASE (PT_LOAD segments,
.bss zeroed, R_RISCV_RELATIVE / RELR applied) and writes one raw file for
QEMU's -kernel under OpenSBI fw_jump: a 3-instruction trampoline at
0x80200000 (where fw_jump enters with a0 = hart, a1 = DTB) that jumps to
BASE + e_entry.  Options break one step on purpose, to see the test kernel
catch it.

  fakeload.py [--base 0x80401000] [--entry-at-base] [--no-relocs]
              [--dirty-bss] [--skew N] ELF OUT
"""
import argparse
import struct
import sys

LOAD_AT = 0x80200000		# fw_jump's FW_JUMP_ADDR on QEMU virt
DTB_AT = 0x82200000		# fw_jump's FW_JUMP_FDT_ADDR: stay below
R_RISCV_NONE, R_RISCV_RELATIVE = 0, 3
DT_NULL, DT_RELA, DT_RELASZ, DT_RELR, DT_RELRSZ = 0, 7, 8, 36, 35


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=lambda s: int(s, 0), default=0x80401000)
    ap.add_argument("--entry-at-base", action="store_true")
    ap.add_argument("--no-relocs", action="store_true")
    ap.add_argument("--dirty-bss", action="store_true")
    ap.add_argument("--skew", type=int, default=0,
                    help="relocate for BASE + N but load at BASE")
    ap.add_argument("elf")
    ap.add_argument("out")
    a = ap.parse_args()
    elf = open(a.elf, "rb").read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        sys.exit("not an ELF64 LE file")
    e_type, e_machine = struct.unpack_from("<HH", elf, 16)
    e_entry, e_phoff = struct.unpack_from("<QQ", elf, 24)
    e_phentsize, e_phnum = struct.unpack_from("<HH", elf, 54)
    if e_type != 3 or e_machine != 243:
        sys.exit("not a RISC-V ET_DYN")
    loads, dyn = [], None
    for i in range(e_phnum):
        p_type, _, p_off, p_vaddr, _, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", elf, e_phoff + i * e_phentsize)
        if p_type == 1:
            loads.append((p_off, p_vaddr, p_filesz, p_memsz))
        elif p_type == 2:
            dyn = p_vaddr
    footprint = max(v + m for _, v, _, m in loads)
    if a.base < LOAD_AT + 64 or a.base + footprint > DTB_AT:
        sys.exit("base out of range")
    img = bytearray(footprint)
    for off, vaddr, filesz, memsz in loads:
        img[vaddr:vaddr + filesz] = elf[off:off + filesz]
        fill = b"\xaa" if a.dirty_bss else b"\0"
        img[vaddr + filesz:vaddr + memsz] = fill * (memsz - filesz)

    tags = {}
    for i in range(0, 1 << 16, 16):
        tag, val = struct.unpack_from("<qQ", img, dyn + i)
        if tag == DT_NULL:
            break
        tags[tag] = val
    reloc_base = a.base + a.skew
    nrel = 0
    if not a.no_relocs:
        rela, relasz = tags.get(DT_RELA, 0), tags.get(DT_RELASZ, 0)
        for r in range(rela, rela + relasz, 24):
            off, info, add = struct.unpack_from("<QQq", img, r)
            if info == R_RISCV_NONE:
                continue
            if info != R_RISCV_RELATIVE:
                sys.exit("unsupported relocation %#x" % info)
            struct.pack_into("<Q", img, off, (reloc_base + add) & (2**64 - 1))
            nrel += 1
        relr, relrsz = tags.get(DT_RELR, 0), tags.get(DT_RELRSZ, 0)
        where = 0
        for r in range(relr, relr + relrsz, 8):
            (ent,) = struct.unpack_from("<Q", img, r)
            if ent & 1 == 0:
                where = ent
                v = struct.unpack_from("<Q", img, where)[0]
                struct.pack_into("<Q", img, where, v + reloc_base)
                nrel += 1
                where += 8
            else:
                bits, w = ent >> 1, where
                while bits:
                    if bits & 1:
                        v = struct.unpack_from("<Q", img, w)[0]
                        struct.pack_into("<Q", img, w, v + reloc_base)
                        nrel += 1
                    bits >>= 1
                    w += 8
                where += 63 * 8

    target = a.base + (0 if a.entry_at_base else e_entry)
    delta = target - LOAD_AT
    hi = (delta + 0x800) >> 12
    lo = delta - (hi << 12)
    tramp = struct.pack("<III",
                        ((hi & 0xfffff) << 12) | (5 << 7) | 0x17,	 # auipc t0, hi
                        ((lo & 0xfff) << 20) | (5 << 15) | (5 << 7) | 0x13,  # addi t0, t0, lo
                        (5 << 15) | 0x67)				 # jr t0
    out = bytearray(a.base - LOAD_AT)
    out[:len(tramp)] = tramp
    # With --dirty-bss the BSS is written out as well; otherwise only up to
    # the end of the file-backed part (QEMU's RAM starts zeroed).
    end = footprint if a.dirty_bss else max(v + f for _, v, f, _ in loads)
    out += img[:end]
    open(a.out, "wb").write(out)
    print("fakeload: %s at %#x, entry %#x, %d relocation(s) for %#x" %
          (a.elf, a.base, target, nrel, reloc_base))


if __name__ == "__main__":
    main()
