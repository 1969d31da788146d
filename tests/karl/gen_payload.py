#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the C sources of a KARL test payload (docs/karl.md): NFUNC small
functions spread over NFILES files, calling each other forwards and
backwards across files, through function-pointer tables (const, in
rodata, and writable, in data), switches that gcc compiles to jump tables
(ADD32/SUB32 label differences in rodata), strings and pointer arrays,
and data objects for KARL's data shuffle in every file: a const table
(rodata), a writable scalar (.sdata on riscv64), a BSS array and a BSS
scalar (.sbss on riscv64), data pointers stored in data (writable and
const arrays) and function pointers stored in data.
kb_main (in k0.c) calls every function, checks that the pointer table
holds the addresses the code computes, that every data pointer and every
function pointer stored in data equals the address the code computes,
that BSS is zero, writes through the stored data pointers, prints a
checksum (the same for every layout: the const tables are in it) and four
marker functions' addresses, then "data" and four marker data objects'
addresses (ctab_0 and ctab_2: read-only; dptr_1: writable; bss_3: BSS),
then zeroes its own
startup code (.text.kb_fixed: kb_fixed_start..kb_fixed_end), calls every
function again and prints "startup-trashed rerun-ok", through the console
(riscv64: SBI console and shutdown; aarch64: QEMU virt's PL011 at
0x09000000, PSCI SYSTEM_OFF over hvc), and powers off; start.S holds the
startup code in .text.kb_fixed (kept in place).

riscv64m, riscv32m: an M-mode firmware for the M-mode boards (QEMU virt's
ns16550 at 0x10000000, power-off through sifive_test at 0x100000; rv32m is
ELF32): its startup code sets mtvec to kb_trap (a movable section) and,
after the layout checks, probes the PMP lock the loader set from the
shuffled layout: a store into a shuffled function and one into the
startup code (mcause 7 each), a jump into .data (mcause 1), printed as
" pmp: store-text 7 store-startup 7 exec-data 1".  The startup code is
then "startup-locked" (it cannot be trashed: text is R+X, locked until
reset); without a lock (both stores return 0) it is trashed as on the
other architectures.

  gen_payload.py OUTDIR [NFUNC [NFILES [riscv64|aarch64|riscv64m|riscv32m]]]
"""
import os
import sys

out = sys.argv[1]
nfunc = int(sys.argv[2]) if len(sys.argv) > 2 else 320
nfiles = int(sys.argv[3]) if len(sys.argv) > 3 else 4
arch = sys.argv[4] if len(sys.argv) > 4 else "riscv64"
if arch not in ("riscv64", "aarch64", "riscv64m", "riscv32m"):
    sys.exit("gen_payload.py: unknown architecture '%s' (riscv64, aarch64, riscv64m, riscv32m)" % arch)
os.makedirs(out, exist_ok=True)

proto = "unsigned fn_%d(unsigned x, unsigned d)"
TAB = 8          # entries of each function-pointer table
NAMES = 6        # strings per file


def file_of(i):
    return i % nfiles


def callee(i, k):
    # forwards and backwards, usually into another file
    return (i * 7 + 3 + k * 101) % nfunc if k % 2 == 0 else (i + nfunc - 1 - k) % nfunc


# The console and power-off of each architecture (kb_main's puts_ and
# poweroff), and the startup code.
CONSOLE = {"riscv64": r"""/* SBI legacy console and shutdown (OpenSBI under QEMU -bios default). */
static void sbi_call(long ext, long arg)
{
	register long a0 __asm__("a0") = arg;
	register long a7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory", "a1");
}

static void puts_(const char *s)
{
	while (*s)
		sbi_call(1, *s++);
}

static void poweroff(void)
{
	sbi_call(8, 0);
}
""", "aarch64": r"""/* QEMU virt's PL011 (transmits without setup) and PSCI SYSTEM_OFF over
 * hvc (EL1, QEMU's own PSCI). */
static void puts_(const char *s)
{
	while (*s)
		*(volatile unsigned int *)0x09000000UL = (unsigned char)*s++;
}

static void poweroff(void)
{
	register unsigned long x0 __asm__("x0") = 0x84000008UL;

	__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	for (;;)
		__asm__ volatile("wfi");
}
"""}

# M-mode (no SBI below): QEMU virt's ns16550 (transmits without setup) and
# its sifive_test power-off.
CONSOLE["riscv64m"] = CONSOLE["riscv32m"] = r"""/* QEMU virt: ns16550 THR, sifive_test (M-mode: no SBI). */
static void puts_(const char *s)
{
	while (*s)
		*(volatile unsigned char *)0x10000000UL = (unsigned char)*s++;
}

static void poweroff(void)
{
	*(volatile unsigned int *)0x100000UL = 0x5555;
	for (;;)
		__asm__ volatile("wfi");
}
"""

# aarch64: globals of each access size (LDST8/16/32/64_ABS_LO12_NC from
# k0.c), and the hand-written kb_asm_check (start.S) for the types gcc
# does not emit here: TSTBR14, CONDBR19 across sections, LD_PREL_LO19,
# ADR_PREL_LO21 and PREL32/PREL64 words in rodata; its result for each
# input is known, a wrong relocation changes it.
G_DEFS = """volatile unsigned char g8 = 8;
volatile unsigned short g16 = 16;
volatile unsigned int g32 = 32;
volatile unsigned long g64 = 64;
"""
ARCHCHECK = {"riscv64": "", "riscv64m": "", "riscv32m": "", "aarch64": """	{
		extern volatile unsigned char g8;
		extern volatile unsigned short g16;
		extern volatile unsigned int g32;
		extern volatile unsigned long g64;
		extern unsigned long kb_asm_check(unsigned long x);

		sum += g8 + g16 + g32 + (unsigned)g64;
		for (unsigned long i = 0; i < 8; i++)
			bad += kb_asm_check(i) != (i == 0 ? 0x77 : (i & 1) ? i + 100 + 0x1234 : i + 0x1234);
	}
"""}

START = {"riscv64": """/* generated by gen_payload.py: the startup code, kept in place */
	.section .text.kb_fixed, "ax", @progbits
	.globl _start, kb_fixed_start, kb_fixed_end
_start:
kb_fixed_start:
	ld	sp, kb_stack_top
	call	kb_main
1:	wfi
	j	1b
kb_fixed_end:
""", "aarch64": """/* generated by gen_payload.py: the startup code, kept in place */
	.section .text.kb_fixed, "ax", %progbits
	.globl _start, kb_fixed_start, kb_fixed_end
_start:
kb_fixed_start:
	adrp	x0, kb_stack_top
	ldr	x0, [x0, :lo12:kb_stack_top]
	mov	sp, x0
	bl	kb_main
1:	wfi
	b	1b
kb_fixed_end:

/* Movable: relocation types gcc does not emit for the C files. */
	.section .text.kb_asm_a, "ax", %progbits
	.globl	kb_asm_check, kb_asm_t, kb_asm_lit, kb_asm_here
	.type	kb_asm_check, %function
kb_asm_check:
	mov	x9, x0
	tbz	x9, #0, kb_asm_t		/* TSTBR14 (a global: kept) */
	add	x9, x9, #100
kb_asm_t:
	cbz	x9, kb_asm_zero			/* CONDBR19, another section */
	ldr	x10, kb_asm_lit			/* LD_PREL_LO19 */
	add	x9, x9, x10
	adr	x11, kb_asm_here		/* ADR_PREL_LO21 */
	adrp	x12, kb_asm_here		/* ADR_PREL_PG_HI21 */
	add	x12, x12, :lo12:kb_asm_here	/* ADD_ABS_LO12_NC */
	sub	x11, x11, x12
	add	x9, x9, x11			/* + 0 */
	adrp	x13, kb_asm_prel
	add	x13, x13, :lo12:kb_asm_prel
	adrp	x16, kb_asm_zero
	add	x16, x16, :lo12:kb_asm_zero
	ldrsw	x14, [x13]			/* PREL32 */
	add	x14, x14, x13
	sub	x14, x14, x16
	add	x9, x9, x14			/* + 0 */
	ldr	x15, [x13, #8]			/* PREL64 */
	add	x15, x15, x13
	add	x15, x15, #8
	sub	x15, x15, x16
	add	x9, x9, x15			/* + 0 */
	mov	x0, x9
	ret
	.balign	8
kb_asm_lit:
	.xword	0x1234
kb_asm_here:
	.xword	0

	.section .text.kb_asm_b, "ax", %progbits
	.globl	kb_asm_zero
	.type	kb_asm_zero, %function
kb_asm_zero:
	mov	x0, #0x77
	ret

	.section .rodata.kb_asm_prel, "a", %progbits
	.balign	8
	.globl	kb_asm_prel
kb_asm_prel:
	.word	kb_asm_zero - .
	.word	0
	.xword	kb_asm_zero - .
"""}

START_M = """/* generated by gen_payload.py: the startup code, kept in place.  Entered
 * in M-mode (through the PMP fault of the loader's handoff); mtvec is set
 * to kb_trap, in a movable section. */
	.section .text.kb_fixed, "ax", @progbits
	.globl _start, kb_fixed_start, kb_fixed_end
	.balign	4
_start:
kb_fixed_start:
	la	t0, kb_trap
	csrw	mtvec, t0
	@LREG@	sp, kb_stack_top
	call	kb_main
1:	wfi
	j	1b
kb_fixed_end:

/* Movable: the trap handler (mtvec needs 4-byte alignment) and the PMP
 * probes.  A trap returns to the probe's caller (mepc = ra) with a0 =
 * mcause; a probe that does not trap returns 0.  The store writes back
 * the byte it read. */
	.section .text.kb_trap, "ax", @progbits
	.balign	4
	.globl	kb_trap, kb_probe_store, kb_probe_exec
kb_trap:
	csrr	a0, mcause
	csrw	mepc, ra
	mret
kb_probe_store:
	lb	t0, 0(a0)
	sb	t0, 0(a0)
	li	a0, 0
	ret
kb_probe_exec:
	jr	a0
"""
START["riscv64m"] = START_M.replace("@LREG@", "ld")
START["riscv32m"] = START_M.replace("@LREG@", "lw")

# What kb_main does once the layout is proven: trash the startup code and
# run everything again; on the M-mode boards probe the PMP lock first.
TRASH = r"""	/* The startup code has run: trash it (zeros: an illegal instruction
	 * on both architectures), as a kernel frees its init code; then
	 * everything must still work without it. */
	{
		extern char kb_fixed_start[], kb_fixed_end[];
		volatile char *p;
		unsigned again = 0, left = 0;

		for (p = kb_fixed_start; p < kb_fixed_end; p++)
			*p = 0;
		for (p = kb_fixed_start; p < kb_fixed_end; p++)
			left += *p != 0;
		for (unsigned i = 0; i < @N@; i++)
			again = again * 31 + fn_call(i);
		puts_(left == 0 && kb_fixed_end > kb_fixed_start && again == calls ?
		      " startup-trashed rerun-ok" : " startup-NOT-trashed");
	}
"""
TRASH_M = r"""	/* The PMP lock, planned by the loader from this layout: text
	 * (startup code, shuffled functions, gaps) R+X, .data not
	 * executable.  Locked, the startup code cannot be trashed: the
	 * store traps; unlocked, it is trashed as elsewhere.  Then
	 * everything runs again.  The jump goes into a BSS object of zeros
	 * (0x0000: an illegal instruction), so that unlocked it traps with
	 * mcause 2 whatever the layout (a table of pointers, whose bytes
	 * change with every layout, may decode to a load: mcause 5). */
	{
		static unsigned exec_probe[4];
		extern char kb_fixed_start[], kb_fixed_end[];
		extern unsigned long kb_probe_store(volatile void *p);
		extern unsigned long kb_probe_exec(volatile void *p);
		unsigned long st = kb_probe_store((volatile void *)fn_0);
		unsigned long ss = kb_probe_store(kb_fixed_start);
		unsigned long ex = kb_probe_exec((volatile void *)exec_probe);
		volatile char *p;
		unsigned again = 0, left = 0;

		puts_(" pmp: store-text ");
		putnum(st);
		puts_(" store-startup ");
		putnum(ss);
		puts_(" exec-data ");
		putnum(ex);
		if (ss == 0) {
			for (p = kb_fixed_start; p < kb_fixed_end; p++)
				*p = 0;
			for (p = kb_fixed_start; p < kb_fixed_end; p++)
				left += *p != 0;
		}
		for (unsigned i = 0; i < @N@; i++)
			again = again * 31 + fn_call(i);
		puts_(ss == 7 ? " startup-locked" : ss == 0 && left == 0 ? " startup-trashed" : " startup-BAD");
		puts_(again == calls ? " rerun-ok" : " rerun-BAD");
	}
"""

hdr = ["/* generated by gen_payload.py */",
       "typedef unsigned (*fn_t)(unsigned, unsigned);"]
hdr += ["%s;" % (proto % i) for i in range(nfunc)]
for m in range(nfiles):
    hdr.append("extern const fn_t table_%d[%d];" % (m, TAB))
    hdr.append("extern fn_t dtable_%d[%d];" % (m, TAB))
    hdr.append("extern const char *const names_%d[%d];" % (m, NAMES))
    hdr.append("extern const unsigned ctab_%d[16];" % m)
    hdr.append("extern unsigned dvar_%d;" % m)
    hdr.append("extern unsigned bss_%d[64];" % m)
    hdr.append("extern unsigned long bscalar_%d;" % m)
    hdr.append("extern unsigned *dptr_%d[4];" % m)
    hdr.append("extern unsigned *const cdptr_%d[2];" % m)
hdr.append("unsigned strsum(const char *s);")
with open(os.path.join(out, "payload.h"), "w") as f:
    f.write("\n".join(hdr) + "\n")

for m in range(nfiles):
    src = ['#include "payload.h"']
    mine = [i for i in range(nfunc) if file_of(i) == m]
    src.append("const fn_t table_%d[%d] = { %s };" % (
        m, TAB, ", ".join("fn_%d" % mine[(k * 5) % len(mine)] for k in range(TAB))))
    src.append("fn_t dtable_%d[%d] = { %s };" % (
        m, TAB, ", ".join("fn_%d" % ((m * 31 + k * 17) % nfunc) for k in range(TAB))))
    src.append("const char *const names_%d[%d] = { %s };" % (
        m, NAMES, ", ".join('"name-%d-%d"' % (m, k) for k in range(NAMES))))
    # Data objects (docs/karl.md, "Data objects"): each its own section
    # with -fdata-sections; the pointers in dptr/cdptr are R_RISCV_64 /
    # R_AARCH64_ABS64 relocations in .data and .rodata.
    src.append("const unsigned ctab_%d[16] = { %s };" % (
        m, ", ".join("%du" % (m * 1000 + k * k + 7) for k in range(16))))
    src.append("unsigned dvar_%d = %du;" % (m, 4242 + m))
    src.append("unsigned bss_%d[64];" % m)
    src.append("unsigned long bscalar_%d;" % m)
    src.append("unsigned *dptr_%d[4] = { &dvar_%d, &bss_%d[%d], (unsigned *)&ctab_%d[5], (unsigned *)&bscalar_%d };"
               % (m, m, m, 3 + m, m, m))
    src.append("unsigned *const cdptr_%d[2] = { &bss_%d[%d], &dvar_%d };" % (m, m, 9 + m, m))
    src.append("static const char *mutable_names_%d[%d] = { %s };" % (
        m, NAMES, ", ".join("\"mut-%d-%d\"" % (m, k) for k in range(NAMES))))
    if m == 0:
        src.append("unsigned __attribute__((noinline)) strsum(const char *s)\n"
                   "{ unsigned h = 5381; while (*s) h = h * 33 + (unsigned char)*s++; return h; }")
    src.append("static unsigned __attribute__((noinline)) helper_%d(unsigned x)\n"
               "{ return strsum(mutable_names_%d[x %% %d]) + x; }" % (m, m, NAMES))
    for i in mine:
        kind = i % 6
        a, b = callee(i, 0), callee(i, 1)
        body = ["%s" % (proto % i), "{", "\tif (d == 0)", "\t\treturn x * %du + %du;" % (2 * i + 1, i)]
        if kind == 0:
            body.append("\treturn fn_%d(x + %d, d - 1) ^ fn_%d(x, d - 1);" % (a, i, b))
        elif kind == 1:
            body.append("\tswitch (x % 9) {")
            for c in range(9):
                tgt = callee(i, c)
                body.append("\tcase %d: return fn_%d(x / 3 + %d, d - 1) + %d;" % (c, tgt, c, c * i))
            body.append("\t}\n\treturn 0;")
        elif kind == 2:
            body.append("\treturn table_%d[x %% %d](x + 1, d - 1) + dtable_%d[(x + %d) %% %d](x, d - 1);"
                        % ((m + 1) % nfiles, TAB, m, i, TAB))
        elif kind == 3:
            body.append("\treturn strsum(names_%d[x %% %d]) ^ fn_%d(x, d - 1);" % (m, NAMES, a))
        elif kind == 4:
            body.append("\tunsigned s = 0;\n\tfor (unsigned k = 0; k < (x & 7); k++)\n"
                        "\t\ts += (k & 1) ? k * %d : fn_%d(k, d - 1);\n\treturn s;" % (i, b))
        else:
            body.append("\treturn helper_%d(x + %d) + fn_%d(x ^ %d, d - 1);" % (m, i, a, i))
        body.append("}")
        src.append("__attribute__((noinline)) " + "\n".join(body))
    if m == 0:
        src.append("""
static unsigned char stack[16384] __attribute__((aligned(16)));
unsigned char *const kb_stack_top = stack + sizeof(stack);

@@CONSOLE@@
static void puthex(unsigned long v)
{
	char b[19];

	b[0] = '0';
	b[1] = 'x';
	for (int i = 0; i < (int)(2 * sizeof(v)); i++)	/* 16 digits; rv32: 8 */
		b[2 + i] = "0123456789abcdef"[(v >> (4 * (2 * sizeof(v) - 1 - i))) & 15];
	b[2 + 2 * sizeof(v)] = 0;
	puts_(b);
}

static void __attribute__((unused)) putnum(unsigned long v)
{
	char b[2] = { (char)('0' + v), 0 };

	if (v < 10)
		puts_(b);
	else
		puthex(v);
}

static const void *const markers[4] = { (const void *)fn_0, (const void *)fn_1,
	(const void *)fn_2, (const void *)strsum };
static const void *const dmarkers[4] = { ctab_0, ctab_2, dptr_1, bss_3 };

/* Through a call: the compiler does not fold the tables it sees. */
static unsigned __attribute__((noinline)) tabsum(const unsigned *t, unsigned n)
{
	unsigned s = 0;

	for (unsigned i = 0; i < n; i++)
		s = s * 33 + t[i];
	return s;
}

/* Every function called (the checksum: the same for every layout),
 * every table entry compared with the address the code computes
 * (auipc), then the marker functions' addresses; then power off. */
void kb_main(void)
{
	unsigned sum = 0, bad = 0, calls;

	for (unsigned i = 0; i < %d; i++)
		sum = sum * 31 + fn_call(i);
	calls = sum;
	for (unsigned i = 0; i < %d; i++)
		bad += all_fns[i] != fn_of(i);
@@ARCHCHECK@@
@@DATACHECK@@
	puts_("karl-payload: checksum ");
	puthex(sum);
	puts_(bad ? " pointers BAD" : " pointers ok");
	for (int i = 0; i < 4; i++) {
		puts_(" ");
		puthex((unsigned long)markers[i]);
	}
	puts_(" data");
	for (int i = 0; i < 4; i++) {
		puts_(" ");
		puthex((unsigned long)dmarkers[i]);
	}
@@TRASH@@	puts_("\\n");
	poweroff();
}""" % (nfunc, nfunc))
        trash = (TRASH_M if arch.endswith("m") else TRASH).replace("@N@", str(nfunc))
        dc = ["\t/* data objects: BSS zero, stored pointers equal the code's, writes through them */"]
        for q in range(nfiles):
            dc.append("\tfor (unsigned i = 0; i < 64; i++)\n\t\tbad += bss_%d[i] != 0;" % q)
            dc.append("\tbad += bscalar_%d != 0;" % q)
            dc.append("\tsum = sum * 31 + tabsum(ctab_%d, 16) + dvar_%d;" % (q, q))
            dc.append("\tbad += dptr_%d[0] != &dvar_%d;" % (q, q))
            dc.append("\tbad += dptr_%d[1] != &bss_%d[%d];" % (q, q, 3 + q))
            dc.append("\tbad += dptr_%d[2] != (unsigned *)&ctab_%d[5];" % (q, q))
            dc.append("\tbad += dptr_%d[3] != (unsigned *)&bscalar_%d;" % (q, q))
            dc.append("\tbad += cdptr_%d[0] != &bss_%d[%d] || cdptr_%d[1] != &dvar_%d;" % (q, q, 9 + q, q, q))
            dc.append("\t*dptr_%d[1] = %du;\n\t*(unsigned long *)dptr_%d[3] = %du;" % (q, 77 + q, q, 99 + q))
            dc.append("\tbad += bss_%d[%d] != %du || bscalar_%d != %du || *cdptr_%d[1] != %du;"
                      % (q, 3 + q, 77 + q, q, 99 + q, q, 4242 + q))
            dc.append("\tfor (unsigned i = 0; i < %d; i++)\n\t\tbad += dtable_%d[i] != fn_of((%d + i * 17) %% %d);"
                      % (TAB, q, q * 31, nfunc))
        src[-1] = src[-1].replace("@@CONSOLE@@", CONSOLE[arch]).replace("@@ARCHCHECK@@\n", ARCHCHECK[arch]) \
            .replace("@@DATACHECK@@", "\n".join(dc))
        src[-1] = src[-1].replace("@@TRASH@@", trash)
        src.insert(1, "static unsigned fn_call(unsigned i);\nstatic fn_t fn_of(unsigned i);\n"
                   "extern const fn_t all_fns[%d];" % nfunc)
        src.append("const fn_t all_fns[%d] = { %s };" % (
            nfunc, ", ".join("fn_%d" % i for i in range(nfunc))))
        # the addresses as the code computes them (auipc + addi)
        src.append("static fn_t __attribute__((noinline)) fn_of(unsigned i)\n{\n\tswitch (i) {\n%s\n\t}\n\treturn 0;\n}" % (
            "\n".join("\tcase %d: return fn_%d;" % (i, i) for i in range(nfunc))))
        src.append("static unsigned __attribute__((noinline)) fn_call(unsigned i)\n"
                   "{ return all_fns[i](i, 2); }")
    if m == 1 and arch == "aarch64":
        src.append(G_DEFS)
    with open(os.path.join(out, "k%d.c" % m), "w") as f:
        f.write("\n".join(src) + "\n")

with open(os.path.join(out, "start.S"), "w") as f:
    f.write(START[arch])
