// SPDX-License-Identifier: BSD-2-Clause
/*
 * The relocation engine: RELA (R_*_RELATIVE, R_*_64/ABS64 against symbol
 * 0, R_*_NONE) and RELR, for a static PIE loaded at a new address; ELF64,
 * and ELF32 for RV32 (Elf32_Rela, R_RISCV_32, 4-byte RELR words): one
 * engine, the word width from pi->xlen.
 *
 * Two passes over the same tables: the first validates every entry (type,
 * symbol, target inside the image and not inside a relocation table, so
 * that the second pass reads exactly what the first checked), the second
 * writes.  One bad entry rejects the payload with nothing written.
 *
 * The new value of a relocated word is  addend + (base - link_base):  the
 * tables hold link-time addresses, the image now starts at base.  (For an
 * R_*_64 against symbol 0, S is the image's load bias, as glibc's static-PIE
 * self-relocation computes it: symbol 0 is local to the image.)
 */
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kaslrboot reads little-endian payloads with memcpy: little-endian hosts only"
#endif

#define R_RISCV_NONE		0
#define R_RISCV_32		1
#define R_RISCV_64		2
#define R_RISCV_RELATIVE	3

#define R_AARCH64_NONE		0
#define R_AARCH64_NONE_OLD	256	/* withdrawn value, still NONE */
#define R_AARCH64_ABS64		257
#define R_AARCH64_RELATIVE	1027

#define R_ARM_NONE		0
#define R_ARM_ABS32		2
#define R_ARM_RELATIVE		23

#define H(x)	((unsigned long long)(x))

/* A word of the payload, as read: 64 bits when this build carries ELF64
 * (a 64-bit loader, host tools and tests), else 32 (a 32-bit loader boots
 * ELF32 only: no 64-bit arithmetic on its words).  Offsets into the image
 * are kb_phys_t (the footprint's type). */
#if KB_PAYLOAD_ELF64
typedef uint64_t word_t;
#else
typedef uint32_t word_t;
#endif

/* Implicit addends (Elf32_Rel): 32-bit Arm only (the parser refuses DT_REL
 * elsewhere), so a constant false on a loader for another machine. */
#define REL_IMPLICIT(pi)	(KB_PAYLOAD_FOR_ARM && (pi)->rel_implicit)

enum action { NONE, WORD };

struct ctx {
	const struct kb_payload_info *pi;
	uint8_t *img;
	kb_phys_t base;
	word_t bias;		/* base - link_base, modulo 2^(word bits) */
	unsigned int w;		/* bytes in a word: 4 (ELF32) or 8 */
	unsigned int rela_ent;	/* Elf32_Rela 12, Elf64_Rela 24, Elf32_Rel 8 */
};

/* The bytes in a word: a constant when this build carries one ELF class
 * (KB_PAYLOAD_ELF32/64, payload.h), so that the other's code goes. */
static unsigned int WB(const struct ctx *c)
{
	return !KB_PAYLOAD_ELF64 ? 4 : !KB_PAYLOAD_ELF32 ? 8 : c->w;
}

/* A word of the payload's class: its low c->w bytes (little-endian
 * host, checked above). */
static word_t rdw(const struct ctx *c, const uint8_t *p)
{
	word_t v = 0;

	memcpy(&v, p, WB(c));
	return v;
}

static void wrw(const struct ctx *c, uint8_t *p, word_t v)
{
	memcpy(p, &v, WB(c));
}

/* The run-time value of link-time address a: a + bias, modulo 2^64 for
 * ELF64 (a kernel linked high may run low); for ELF32 it must be a 32-bit
 * address, or the word would silently point elsewhere. */
static int value(const struct ctx *c, word_t a, const char *what, kb_phys_t i,
		 word_t *v, struct kb_diag *d)
{
	kb_phys_t lb = c->pi->link_base, base = c->base;

	/* Set either way: the write pass writes what it computes, and a word
	 * relocated twice (garbage, but not unsafe) wraps like ELF64's. */
	*v = a + c->bias;
	if (WB(c) == 8)
		return 0;
	/* a + base - link_base must lie in [0, 2^32).  a (an ELF32 word),
	 * base and link_base are below 2^32 (kb_reloc_apply checked the
	 * last two), but with 32-bit words and addresses the sum a + base
	 * can wrap: compare a against what is left instead, subtractions
	 * that cannot wrap at either width (as MCUboot checks its bounds):
	 * running at or above the link base the value must not pass
	 * 2^32 - 1, below it a must be at least the distance. */
	if (base >= lb ? a > UINT32_MAX - (base - lb) : a < lb - base)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: %s %llu value 0x%llx relocated to base 0x%llx (link base 0x%llx) does not fit in 32 bits",
				   what, H(i), H(a), H(c->base), H(lb));
	return 0;
}

/* The names, as one run of words each (kaslrboot/msg.h: dictionary
 * strings with CONFIG_LOG_DICTIONARY), in type order. */
#define RISCV_RELOCS(X)							\
	X(NONE) X(32) X(64) X(RELATIVE) X(COPY) X(JUMP_SLOT)		\
	X(TLS_DTPMOD32) X(TLS_DTPMOD64) X(TLS_DTPREL32) X(TLS_DTPREL64) \
	X(TLS_TPREL32) X(TLS_TPREL64) X(TLSDESC)
#define AARCH64_RELOCS(X)						\
	X(COPY) X(GLOB_DAT) X(JUMP_SLOT) X(RELATIVE) X(TLS_DTPMOD)	\
	X(TLS_DTPREL) X(TLS_TPREL) X(TLSDESC) X(IRELATIVE)
#define RISCV_WORD(n) "R_RISCV_" #n "\0"
#define RISCV_LEN(n) sizeof("R_RISCV_" #n),
#define AARCH64_WORD(n) "R_AARCH64_" #n "\0"
#define AARCH64_LEN(n) sizeof("R_AARCH64_" #n),

static const char *riscv_name(uint32_t t)
{
	static const char w[] KB_MSG_WORDS = RISCV_RELOCS(RISCV_WORD) "R_RISCV_IRELATIVE";
	static const uint8_t len[] = { RISCV_RELOCS(RISCV_LEN) };

	if (t < sizeof(len))
		return kb_msg_word(w, len, t);
	return t == 58 ? kb_msg_word(w, len, sizeof(len)) : NULL;
}

static const char *aarch64_name(uint32_t t)
{
	static const char w[] KB_MSG_WORDS =
		AARCH64_RELOCS(AARCH64_WORD) "R_AARCH64_NONE\0" "R_AARCH64_ABS64";
	static const uint8_t len[] = { AARCH64_RELOCS(AARCH64_LEN) sizeof("R_AARCH64_NONE") };

	if (t == R_AARCH64_NONE || t == R_AARCH64_NONE_OLD)
		return kb_msg_word(w, len, sizeof(len) - 1);
	if (t == R_AARCH64_ABS64)
		return kb_msg_word(w, len, sizeof(len));
	if (t >= 1024 && t - 1024 < sizeof(len) - 1)
		return kb_msg_word(w, len, t - 1024);
	return NULL;
}

/* What a RELA type does on this machine and class (xlen); KB_ENOTSUP for
 * anything else.  Only the machines this build carries code for
 * (KB_PAYLOAD_FOR_*, payload.h: in a loader, its own; the parser refused
 * every other machine's payload). */
static int rela_action(uint16_t machine, unsigned int xlen, kb_phys_t i,
		       uint32_t t, enum action *a, struct kb_diag *d)
{
	const char *name;

	if (KB_PAYLOAD_FOR_RISCV && machine == KB_EM_RISCV) {
		switch (t) {
		case R_RISCV_NONE:
			*a = NONE;
			return 0;
		case R_RISCV_RELATIVE:
			*a = WORD;
			return 0;
		case R_RISCV_32:
		case R_RISCV_64:
			/* The absolute word of the class's width: a 32-bit
			 * word cannot hold a 64-bit address, and an RV32
			 * image has no 64-bit pointers to relocate. */
			if (xlen == (t == R_RISCV_32 ? 32u : 64u)) {
				*a = WORD;
				return 0;
			}
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: relocation %llu (%s) is not supported in an ELF%u image",
					   H(i), riscv_name(t), xlen);
		}
		name = riscv_name(t);
	} else if (KB_PAYLOAD_FOR_AARCH64 && machine == KB_EM_AARCH64) {
		switch (t) {
		case R_AARCH64_NONE:
		case R_AARCH64_NONE_OLD:
			*a = NONE;
			return 0;
		case R_AARCH64_ABS64:
		case R_AARCH64_RELATIVE:
			*a = WORD;
			return 0;
		}
		name = aarch64_name(t);
	} else if (KB_PAYLOAD_FOR_ARM && machine == KB_EM_ARM && xlen == 32) {
		switch (t) {
		case R_ARM_NONE:
			*a = NONE;
			return 0;
		case R_ARM_RELATIVE:
			*a = WORD;
			return 0;
		}
		/* (A static PIE has R_ARM_RELATIVE only: ld turns every
		 * R_ARM_ABS32 against a local symbol into one.) */
		name = t == R_ARM_ABS32 ? KB_MSG_STR("R_ARM_ABS32") :
		       t == 3 ? KB_MSG_STR("R_ARM_REL32") :
		       t == 21 ? KB_MSG_STR("R_ARM_GLOB_DAT") :
		       t == 22 ? KB_MSG_STR("R_ARM_JUMP_SLOT") :
		       t == 20 ? KB_MSG_STR("R_ARM_COPY") : NULL;
	} else {
		return kb_diag_set(d, KB_EINVAL, "payload: relocation for unknown machine %u",
				   machine);
	}
	if (name)
		return kb_diag_set(d, KB_ENOTSUP, "payload: relocation %llu (%s) is not supported",
				   H(i), name);
	return kb_diag_set(d, KB_ENOTSUP, "payload: relocation %llu (type %u) is not supported",
			   H(i), (unsigned int)t);
}

static bool overlaps(kb_phys_t a, kb_phys_t alen, kb_phys_t b, kb_phys_t blen)
{
	/* All four ends are inside the footprint (at most 2^N - 1, N the
	 * address width): the sums cannot wrap. */
	return alen && blen && a < b + blen && b < a + alen;
}

/* The image offset of a width-byte target at link-time address `where`.
 * "what" names the entry for the diag, e.g. "relocation 3". */
static int target(const struct ctx *c, word_t where, unsigned int width,
		  const char *what, kb_phys_t i, kb_phys_t *off, struct kb_diag *d)
{
	const struct kb_payload_info *pi = c->pi;
	kb_phys_t lb = pi->link_base, fp = pi->footprint;
	word_t o;

	/* Below the image: subtracting would wrap to a huge offset. */
	if (where < lb)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: %s %llu at 0x%llx is below the image start 0x%llx",
				   what, H(i), H(where), H(lb));
	o = where - lb;
	/* The write [o, o + width) must be inside the footprint (no wrap:
	 * compare against what is left after o; o in the word's width, so
	 * that nothing is cut before it is checked). */
	if (o > fp || width > fp - o)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: %s %llu writes %llu bytes at 0x%llx, past the image end 0x%llx",
				   what, H(i), H(width), H(where), H(lb) + fp);
	/* Writing into a table would change entries between the validation
	 * pass and the write pass (or later entries in the write pass). */
	if (overlaps(o, width, pi->rela_off, pi->rela_size) ||
	    overlaps(o, width, pi->relr_off, pi->relr_size))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: %s %llu at 0x%llx would modify a relocation table",
				   what, H(i), H(where));
	*off = (kb_phys_t)o;	/* o <= fp: it fits */
	return 0;
}

/* RELA: validate (write == false) or apply every entry. */
static int do_rela(const struct ctx *c, bool write, struct kb_diag *d)
{
	const struct kb_payload_info *pi = c->pi;
	const uint8_t *t = c->img + pi->rela_off;
	kb_phys_t n = pi->rela_size / c->rela_ent;

	for (kb_phys_t i = 0; i < n; i++, t += c->rela_ent) {
		/* r_offset, r_info, r_addend: three words of the class. */
		word_t r_offset = rdw(c, t), r_info = rdw(c, t + WB(c));
		/* Elf32_Rel (32-bit Arm): no r_addend, the addend is the
		 * word being relocated, read once its place is checked. */
		word_t r_addend = REL_IMPLICIT(pi) ? 0 : rdw(c, t + 2 * WB(c)), v;
		/* ELF64_R_TYPE/R_SYM: 32 and 32 bits; ELF32: 8 and 24. */
		uint32_t type = WB(c) == 4 ? (uint32_t)(r_info & 0xff) : (uint32_t)r_info;
		uint32_t sym = WB(c) == 4 ? (uint32_t)(r_info >> 8) :
			       (uint32_t)((uint64_t)r_info >> 32);
		enum action a = NONE;
		kb_phys_t off = 0;	/* set by target() when it returns 0 */
		int err;

		if (!write) {
			err = rela_action(pi->machine, pi->xlen, i, type, &a, d);
			if (err)
				return err;
			/* No symbol table at load time: S would be a guess. */
			if (sym != 0)
				return kb_diag_set(d, KB_ENOTSUP,
						   "payload: relocation %llu refers to symbol %u; only static PIEs are supported",
						   H(i), (unsigned int)sym);
			if (a == WORD) {
				err = target(c, r_offset, WB(c), "relocation", i, &off, d);
				if (!err && REL_IMPLICIT(pi))
					r_addend = rdw(c, c->img + off);
				if (!err)
					err = value(c, r_addend, "relocation", i, &v, d);
				if (err)
					return err;
			}
		} else {
			/* Validated: the type is NONE or a word, the target
			 * inside the image, the value fits. */
			(void)rela_action(pi->machine, pi->xlen, i, type, &a, NULL);
			if (a == WORD) {
				if (REL_IMPLICIT(pi))
					r_addend = rdw(c, c->img + (r_offset - pi->link_base));
				(void)value(c, r_addend, "relocation", i, &v, NULL);
				wrw(c, c->img + (r_offset - pi->link_base), v);
			}
		}
	}
	return 0;
}

/* RELR: an even entry is the address of a word to relocate, and the next
 * address is the word after it; an odd entry is a bitmap: bit j (1..63;
 * ELF32 1..31) relocates the word at address + (j - 1) * wordsize, then
 * the address moves on by 63 (31) words.  The address is kept as its
 * offset ow from the link base: checked once (target()), then only
 * compared against the footprint. */
static int do_relr(const struct ctx *c, bool write, struct kb_diag *d)
{
	const struct kb_payload_info *pi = c->pi;
	const uint8_t *t = c->img + pi->relr_off;
	const unsigned int w = WB(c), bits = 8 * w;
	const kb_phys_t fp = pi->footprint;
	kb_phys_t n = pi->relr_size / w, ow = 0, off, o;
	word_t v;
	bool have_where = false;
	int err;

	for (kb_phys_t i = 0; i < n; i++, t += w) {
		word_t e = rdw(c, t);

		if ((e & 1) == 0) {
			if (!write) {
				err = target(c, e, w, "RELR entry", i, &off, d);
				if (!err)
					err = value(c, rdw(c, c->img + off), "RELR entry", i,
						    &v, d);
				if (err)
					return err;
			} else {
				off = (kb_phys_t)(e - pi->link_base);
				(void)value(c, rdw(c, c->img + off), "RELR entry", i, &v, NULL);
				wrw(c, c->img + off, v);
			}
			/* off + w <= footprint (target()): no wrap. */
			ow = off + w;
			have_where = true;
			continue;
		}
		/* A bitmap is relative to an address: the first entry must be
		 * one. */
		if (!have_where)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: RELR bitmap %llu has no preceding address entry",
					   H(i));
		for (unsigned int j = 1; j < bits; j++) {
			if (!((e >> j) & 1))
				continue;
			if (!write) {
				/* The bit's word is w * (j - 1) past ow:
				 * compare against what is left, as ow may
				 * have run past the image already. */
				if (ow > fp || (kb_phys_t)(j - 1) * w > fp - ow ||
				    w > fp - ow - (kb_phys_t)(j - 1) * w)
					return kb_diag_set(d, KB_EINVAL,
							   "payload: RELR bitmap %llu runs past the image end 0x%llx (bit %u)",
							   H(i), H(pi->link_base) + fp, j);
				o = ow + (kb_phys_t)(j - 1) * w;
				if (overlaps(o, w, pi->rela_off, pi->rela_size) ||
				    overlaps(o, w, pi->relr_off, pi->relr_size))
					return kb_diag_set(d, KB_EINVAL,
							   "payload: RELR bitmap %llu (bit %u) would modify a relocation table",
							   H(i), j);
				err = value(c, rdw(c, c->img + o), "RELR bitmap", i, &v, d);
				if (err)
					return err;
			} else {
				o = ow + (kb_phys_t)(j - 1) * w;
				(void)value(c, rdw(c, c->img + o), "RELR bitmap", i, &v, NULL);
				wrw(c, c->img + o, v);
			}
		}
		/* Saturate: a long run of bitmaps past the end must not wrap
		 * ow back into the image (only a set bit is an error; at
		 * KB_PHYS_MAX >= fp every set bit is one). */
		ow = ow > KB_PHYS_MAX - (bits - 1) * w ? KB_PHYS_MAX : ow + (bits - 1) * w;
	}
	return 0;
}

int kb_reloc_apply(const struct kb_payload_info *pi, void *dst, kb_phys_t base,
		   struct kb_diag *d)
{
	struct ctx c = {
		.pi = pi, .img = dst, .base = base,
		.bias = (word_t)base - (word_t)pi->link_base,
		/* One class built (a loader): a constant word size. */
		.w = KB_PAYLOAD_ELF32 && (!KB_PAYLOAD_ELF64 || pi->xlen == 32) ? 4 : 8,
	};
	kb_phys_t fp = pi->footprint;
	int err;

	if (!(KB_PAYLOAD_ELF32 && pi->xlen == 32) && !(KB_PAYLOAD_ELF64 && pi->xlen == 64))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: word size %u bits (expected %s)",
				   (unsigned int)pi->xlen,
				   KB_PAYLOAD_ELF32 && KB_PAYLOAD_ELF64 ? "32 or 64" :
				   KB_PAYLOAD_ELF32 ? "32" : "64");
	c.rela_ent = REL_IMPLICIT(pi) ? 8 : c.w == 4 ? 12 : 24;
	/* A 32-bit image must be able to address all of itself: below
	 * 4 GiB, its link base too (as every ELF32 address is).  base +
	 * fp <= 2^32 as a subtraction, exact at both widths (with 32-bit
	 * addresses 2^32 itself does not exist, and base + fp may wrap). */
	if (pi->xlen == 32 &&
	    ((uint64_t)base >> 32 || (fp != 0 && fp - 1 > UINT32_MAX - base) ||
	     (uint64_t)pi->link_base >> 32))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: a 32-bit image at 0x%llx (0x%llx bytes) must lie below 4 GiB",
				   H(base), H(fp));
	/* The parser checked these; recheck, since the tables are read from
	 * dst and a bad info would make every read below out of bounds. */
	if (pi->rela_off > fp || pi->rela_size > fp - pi->rela_off ||
	    pi->rela_size % c.rela_ent ||
	    pi->relr_off > fp || pi->relr_size > fp - pi->relr_off ||
	    pi->relr_size % c.w)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: relocation tables (RELA 0x%llx+0x%llx, RELR 0x%llx+0x%llx) outside the 0x%llx-byte image",
				   H(pi->rela_off), H(pi->rela_size), H(pi->relr_off),
				   H(pi->relr_size), H(fp));

	/* Only ELF payloads carry tables: without ELF support the engine
	 * is left out, and an image claiming tables is refused. */
	if (!KB_PAYLOAD_HAS_ELF) {
		if (pi->rela_size != 0 || pi->relr_size != 0)
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: relocation tables, but ELF PIE support is not built into this loader (CONFIG_PAYLOAD_ELF)");
		return 0;
	}
	/* Without RELR support (CONFIG_PAYLOAD_ELF_RELR) the parser refused
	 * a RELR table; an info claiming one is refused here too. */
	if (!KB_PAYLOAD_HAS_RELR && pi->relr_size != 0)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: a RELR table, but RELR support is not built into this loader (CONFIG_PAYLOAD_ELF_RELR)");
	err = do_rela(&c, false, d);
	if (!err && KB_PAYLOAD_HAS_RELR)
		err = do_relr(&c, false, d);
	if (err)
		return err;
	do_rela(&c, true, d);
	if (KB_PAYLOAD_HAS_RELR)
		do_relr(&c, true, d);
	return 0;
}
