// SPDX-License-Identifier: BSD-2-Clause
/*
 * M-mode PMP: probe the hart's entries, write a plan made by
 * loader/lib/pmp.c (kb_pmp_plan), lock it, read it back.  Only built with
 * CONFIG_RISCV_PMP_LOCK (M-mode boards); docs/pmp.md.
 *
 * Order: every pmpaddr first, then the pmpcfg CSRs in ascending order, so
 * that no entry is ever active with a stale address, and a TOR entry's
 * bottom (the previous pmpaddr) is in place before the TOR locks it.  The
 * last entry (the catch-all without X) is written unlocked, so that it
 * does not yet bind M-mode: the loader runs, and wipes itself, from memory
 * that the catch-all will make non-executable; the handoff stub sets its
 * L bit as its last act (kb_arch_handoff_locked).
 */
#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/pmp.h>
#include <kaslrboot/riscv.h>

#if CONFIG_RISCV_PMP_ENTRIES > 16
#error "loader/arch/riscv/pmp.c handles at most 16 PMP entries"
#endif

#define NR	CONFIG_RISCV_PMP_ENTRIES
#define XLEN	__riscv_xlen
/* Entries per pmpcfg CSR; rv64 uses the even-numbered CSRs only. */
#define PER_CSR	(XLEN / 8)
#define NR_CFG	((NR + PER_CSR - 1) / PER_CSR)

#define CSR_MTVEC	0x305

/* Zicsr spelled out: the C library's multilib may be chosen with an
 * -march without it (gcc 12 picks the wrong one for rv64imac_zicsr). */
#define csr_read(csr) ({						\
	unsigned long __v;						\
	__asm__ volatile(".option push\n.option arch, +zicsr\n"	\
			 "csrr %0, %1\n.option pop"			\
			 : "=r"(__v) : "i"(csr) : "memory");		\
	__v; })
#define csr_write(csr, val)						\
	__asm__ volatile(".option push\n.option arch, +zicsr\n"	\
			 "csrw %0, %1\n.option pop"			\
			 :: "i"(csr), "r"(val) : "memory")

/*
 * A CSR number is an immediate: kb_riscv_pmp_csr(k, v) swaps v into CSR k
 * (0 .. 15: pmpaddr0 .. 15; PMPCFG(j): the j-th pmpcfg CSR in entry
 * order) and returns its old value (csrrw), through a table of csrrw/ret
 * stubs and one computed jump instead of a switch per CSR.  A write that
 * the hart ignores (a locked entry) returns what is there all the same.
 */
#if XLEN == 64
#define CFG_CSRS	"0x3a0, 0x3a2"		/* rv64: even pmpcfg CSRs */
#else
#define CFG_CSRS	"0x3a0, 0x3a1, 0x3a2, 0x3a3"
#endif
#define PMPCFG(j)	(16 + (j))
#ifdef __riscv_compressed
#define STUB_SHIFT	"slli t1, a0, 1\n add a0, a0, t1\n slli a0, a0, 1\n" /* x6 */
#define STUB_RET	"c.jr ra\n"
#else
#define STUB_SHIFT	"slli a0, a0, 3\n"	/* x8 */
#define STUB_RET	"jalr x0, 0(ra)\n"
#endif

unsigned long kb_riscv_pmp_csr(unsigned int k, unsigned long v);
__asm__(".pushsection .text.kb_riscv_pmp_csr, \"ax\", @progbits\n"
	".option push\n.option arch, +zicsr\n"
	".globl kb_riscv_pmp_csr\n"
	".type kb_riscv_pmp_csr, @function\n"
	".p2align 1\n"
	"kb_riscv_pmp_csr:\n"
	STUB_SHIFT
	" lla t0, 1f\n"
	" add t0, t0, a0\n"
	" jr t0\n"
	"1:\n"
	".irp csr, 0x3b0, 0x3b1, 0x3b2, 0x3b3, 0x3b4, 0x3b5, 0x3b6, 0x3b7, "
	"0x3b8, 0x3b9, 0x3ba, 0x3bb, 0x3bc, 0x3bd, 0x3be, 0x3bf, " CFG_CSRS "\n"
	" csrrw a0, \\csr, a1\n"
	" " STUB_RET
	".endr\n"
	".size kb_riscv_pmp_csr, . - kb_riscv_pmp_csr\n"
	".option pop\n"
	".popsection");

/* The value of CSR k, left as it was (written back). */
static unsigned long csr_get(unsigned int k)
{
	unsigned long v = kb_riscv_pmp_csr(k, 0);

	kb_riscv_pmp_csr(k, v);
	return v;
}

/* The first entry below n that is locked: KB_EIO naming it. */
static int locked(unsigned int n, struct kb_diag *d)
{
	unsigned long v = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (i % PER_CSR == 0)
			v = csr_get(PMPCFG(i / PER_CSR));
		if ((v >> (8 * (i % PER_CSR))) & KB_PMP_L)
			return kb_diag_set(d, KB_EIO,
					   "pmp: entry %u is locked already (cfg 0x%02x): a previous stage locked it",
					   i, (unsigned int)(uint8_t)(v >> (8 * (i % PER_CSR))));
	}
	return 0;
}

int kb_arch_pmp_probe(struct kb_pmp_params *p, struct kb_diag *d)
{
	unsigned long v;
	unsigned int i, bits;
	int err = locked(NR, d);

	if (err)
		return err;
	/* With the entry OFF, pmpaddr reads its low G bits as 0 and its
	 * unimplemented top bits as 0.  Each pmpaddr written is cleared. */
	for (i = 0; i < NR; i++) {
		kb_riscv_pmp_csr(i, ~0UL);
		v = kb_riscv_pmp_csr(i, 0);
		if (i == 0) {
			if (v == 0)
				return kb_diag_set(d, KB_ENODEV, "pmp: this hart has no PMP (pmpaddr0 reads 0)");
			/* G: the trailing zeros; the width: the highest
			 * bit set (loops: rv32imac has no clz/ctz, and
			 * libgcc's need a 256-byte table). */
			for (bits = 0; !((v >> bits) & 1); bits++)
				;
			p->g = bits;
			for (bits = XLEN; !((v >> (bits - 1)) & 1); bits--)
				;
			p->addr_bits = bits > (XLEN == 64 ? 54 : 32) ? (XLEN == 64 ? 54 : 32) : bits;
		}
		if (v == 0)
			break;
	}
	p->nr_entries = i;
	p->background = KB_PMP_NO_BACKGROUND;
	return 0;
}

/* Entry i's pmpcfg byte as written: the last one without its lock (the
 * handoff sets it). */
static uint8_t want_cfg(const struct kb_pmp_entry *e, unsigned int i, unsigned int n)
{
	return (uint8_t)(e[i].cfg & (i == n - 1 ? ~KB_PMP_L : 0xff));
}

int kb_arch_pmp_apply(const struct kb_pmp_entry *e, unsigned int n,
		      uintptr_t entry, struct kb_pmp_handoff *h,
		      struct kb_diag *d)
{
	unsigned long cfg[NR_CFG], old, v;
	unsigned int i, k, sh;
	int err;

	h->lock_mask = 0;
	h->cfg_csr = 0;
	if (n > NR)
		return kb_diag_set(d, KB_ENOSPC,
				   "pmp: %u entries planned, CONFIG_RISCV_PMP_ENTRIES is %d", n, NR);
	if (n == 0)
		return 0;
	/* The payload is entered through mtvec (direct mode): it must hold
	 * the entry exactly. */
	if (entry & 3)
		return kb_diag_set(d, KB_EALIGN,
				   "pmp: payload entry 0x%lx is not 4-byte aligned (it is entered through mtvec)",
				   (unsigned long)entry);
	old = csr_read(CSR_MTVEC);
	csr_write(CSR_MTVEC, entry);
	v = csr_read(CSR_MTVEC);
	csr_write(CSR_MTVEC, old);
	if (v != entry)
		return kb_diag_set(d, KB_ENOTSUP,
				   "pmp: mtvec reads back 0x%lx after writing the payload entry 0x%lx: cannot enter it after locking",
				   v, (unsigned long)entry);
	err = locked(n, d);
	if (err)
		return err;

	/* Every pmpaddr, then the pmpcfg CSRs in ascending order, keeping
	 * the bytes of entries above the plan as they are. */
	for (i = 0; i < n; i++)
		kb_riscv_pmp_csr(i, e[i].addr);
	for (k = 0; k * PER_CSR < n; k++) {
		v = csr_get(PMPCFG(k));
		for (i = k * PER_CSR; i < n && i < (k + 1) * PER_CSR; i++) {
			sh = 8 * (i % PER_CSR);
			v = (v & ~(0xffUL << sh)) | (unsigned long)want_cfg(e, i, n) << sh;
		}
		cfg[k] = v;
		kb_riscv_pmp_csr(PMPCFG(k), v);
	}

	/* Read back (the same values written again: what was there comes
	 * back; a locked entry ignores the write): a locked entry that
	 * differs is a hole nobody can fix until reset. */
	for (i = 0; i < n; i++) {
		uint8_t want = want_cfg(e, i, n);
		uint8_t got = (uint8_t)(kb_riscv_pmp_csr(PMPCFG(i / PER_CSR), cfg[i / PER_CSR]) >>
					(8 * (i % PER_CSR)));
		unsigned long a = kb_riscv_pmp_csr(i, e[i].addr);

		if (got != want || a != e[i].addr)
			return kb_diag_set(d, KB_EIO,
					   "pmp: entry %u reads back cfg 0x%02x pmpaddr 0x%lx, wrote cfg 0x%02x pmpaddr 0x%lx",
					   i, got, a, want, e[i].addr);
	}
	if (e[n - 1].cfg & KB_PMP_L) {
		h->lock_mask = (unsigned long)KB_PMP_L << (8 * ((n - 1) % PER_CSR));
		h->cfg_csr = ((n - 1) / PER_CSR) * (XLEN == 64 ? 2 : 1);
	}
	return 0;
}
