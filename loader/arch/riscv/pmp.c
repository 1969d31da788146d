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

#define H(x)	((unsigned long long)(x))

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

/* CSR numbers are immediates: one case per entry. */
#define CASES16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
	X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

static unsigned long addr_read(unsigned int i)
{
	switch (i) {
#define R(n) case n: return csr_read(0x3b0 + n);
	CASES16(R)
#undef R
	}
	return 0;
}

static void addr_write(unsigned int i, unsigned long v)
{
	switch (i) {
#define W(n) case n: csr_write(0x3b0 + n, v); break;
	CASES16(W)
#undef W
	}
}

/* pmpcfg CSR k (0 .. NR_CFG-1 in entry order: pmpcfg0, 2 on rv64). */
static unsigned long cfg_read(unsigned int k)
{
#if XLEN == 64
	return k == 0 ? csr_read(0x3a0) : csr_read(0x3a2);
#else
	switch (k) {
	case 0: return csr_read(0x3a0);
	case 1: return csr_read(0x3a1);
	case 2: return csr_read(0x3a2);
	default: return csr_read(0x3a3);
	}
#endif
}

static void cfg_write(unsigned int k, unsigned long v)
{
#if XLEN == 64
	if (k == 0)
		csr_write(0x3a0, v);
	else
		csr_write(0x3a2, v);
#else
	switch (k) {
	case 0: csr_write(0x3a0, v); break;
	case 1: csr_write(0x3a1, v); break;
	case 2: csr_write(0x3a2, v); break;
	default: csr_write(0x3a3, v); break;
	}
#endif
}

static uint8_t cfg_byte(unsigned int i)
{
	return (uint8_t)(cfg_read(i / PER_CSR) >> (8 * (i % PER_CSR)));
}

int kb_arch_pmp_probe(struct kb_pmp_params *p, struct kb_diag *d)
{
	unsigned long v;
	unsigned int i, bits;

	for (i = 0; i < NR; i++)
		if (cfg_byte(i) & KB_PMP_L)
			return kb_diag_set(d, KB_EIO,
					   "pmp: entry %u is locked already (cfg 0x%02x): a previous stage locked it",
					   i, cfg_byte(i));
	/* With the entry OFF, pmpaddr reads its low G bits as 0 and its
	 * unimplemented top bits as 0. */
	addr_write(0, ~0UL);
	v = addr_read(0);
	addr_write(0, 0);
	if (v == 0)
		return kb_diag_set(d, KB_ENODEV, "pmp: this hart has no PMP (pmpaddr0 reads 0)");
	p->g = (unsigned int)__builtin_ctzl(v);
	bits = XLEN - (unsigned int)__builtin_clzl(v);
	p->addr_bits = bits > (XLEN == 64 ? 54 : 32) ? (XLEN == 64 ? 54 : 32) : bits;
	for (i = 1; i < NR; i++) {
		addr_write(i, ~0UL);
		v = addr_read(i);
		addr_write(i, 0);
		if (v == 0)
			break;
	}
	p->nr_entries = i;
	p->background = KB_PMP_NO_BACKGROUND;
	return 0;
}

int kb_arch_pmp_apply(const struct kb_pmp_entry *e, unsigned int n,
		      uintptr_t entry, struct kb_pmp_handoff *h,
		      struct kb_diag *d)
{
	unsigned long cfg[NR_CFG] = { 0 }, old, v;
	unsigned int i, k;

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
				   "pmp: payload entry 0x%llx is not 4-byte aligned (it is entered through mtvec)",
				   H(entry));
	old = csr_read(CSR_MTVEC);
	csr_write(CSR_MTVEC, entry);
	v = csr_read(CSR_MTVEC);
	csr_write(CSR_MTVEC, old);
	if (v != entry)
		return kb_diag_set(d, KB_ENOTSUP,
				   "pmp: mtvec reads back 0x%llx after writing the payload entry 0x%llx: cannot enter it after locking",
				   H(v), H(entry));
	for (i = 0; i < n; i++)
		if (cfg_byte(i) & KB_PMP_L)
			return kb_diag_set(d, KB_EIO,
					   "pmp: entry %u is locked already (cfg 0x%02x)", i, cfg_byte(i));

	for (i = 0; i < n; i++)
		addr_write(i, (unsigned long)e[i].addr);
	for (i = 0; i < n; i++) {
		uint8_t c = e[i].cfg;

		if (i == n - 1)
			c &= (uint8_t)~KB_PMP_L;
		cfg[i / PER_CSR] |= (unsigned long)c << (8 * (i % PER_CSR));
	}
	for (k = 0; k <= (n - 1) / PER_CSR; k++) {
		/* Keep the bytes of entries above the plan as they are. */
		unsigned long mask = 0;

		for (i = k * PER_CSR; i < n && i < (k + 1) * PER_CSR; i++)
			mask |= 0xffUL << (8 * (i % PER_CSR));
		cfg_write(k, (cfg_read(k) & ~mask) | cfg[k]);
	}

	/* Read back: a locked entry that differs is a hole nobody can fix
	 * until reset. */
	for (i = 0; i < n; i++) {
		uint8_t want = e[i].cfg, got = cfg_byte(i);
		unsigned long a = addr_read(i);

		if (i == n - 1)
			want &= (uint8_t)~KB_PMP_L;
		if (got != want || a != (unsigned long)e[i].addr)
			return kb_diag_set(d, KB_EIO,
					   "pmp: entry %u reads back cfg 0x%02x pmpaddr 0x%llx, wrote cfg 0x%02x pmpaddr 0x%llx",
					   i, got, H(a), want, H(e[i].addr));
	}
	if (e[n - 1].cfg & KB_PMP_L) {
		h->lock_mask = (unsigned long)KB_PMP_L << (8 * ((n - 1) % PER_CSR));
		h->cfg_csr = ((n - 1) / PER_CSR) * (XLEN == 64 ? 2 : 1);
	}
	return 0;
}
