// SPDX-License-Identifier: BSD-2-Clause
/*
 * ELF static-PIE payload parser (ELFCLASS64, and ELFCLASS32 for rv32: one
 * parser, the class's field widths and offsets in a struct layout), and
 * the segment copy.
 *
 * The payload is hostile: every field is read with memcpy (the buffer may
 * be unaligned), every offset and size is checked against the buffer with
 * subtractions that cannot wrap (`off > len || size > len - off`) before it
 * is used, and the result (struct kb_payload_info) only holds ranges that
 * were checked, so that kb_payload_copy and kb_reloc_apply can trust it.
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * the PRI macros once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kaslrboot reads little-endian payloads with memcpy: little-endian hosts only"
#endif

/* The ELF header fields both classes share (the System V gABI), as byte
 * offsets: no structs, so that nothing depends on the buffer's alignment or
 * the compiler's padding. */
#define EI_NIDENT	16
#define E_IDENT_CLASS	4
#define E_IDENT_DATA	5
#define E_IDENT_VERSION	6
#define E_TYPE		16
#define E_MACHINE	18
#define E_VERSION	20
#define E_ENTRY		24
#define P_TYPE		0

/* What differs between ELFCLASS32 and ELFCLASS64: the width of addresses,
 * offsets and sizes (and of dynamic entries), hence the offsets of every
 * field after the first one that has that width. */
struct layout {
	unsigned int bits;	/* 32 or 64: ELFCLASS32 / ELFCLASS64 */
	unsigned int w;		/* bytes of an address, offset or size */
	unsigned int ehsize, e_phoff, e_ehsize, e_phentsize, e_phnum;
	unsigned int phsize, p_flags, p_offset, p_vaddr, p_filesz, p_memsz, p_align;
	unsigned int dyn, rela, relr;	/* entry sizes */
	kb_phys_t top;		/* the highest address */
};

static const struct layout L32 = {
	.bits = 32, .w = 4, .ehsize = 52, .e_phoff = 28, .e_ehsize = 40,
	.e_phentsize = 42, .e_phnum = 44,
	.phsize = 32, .p_flags = 24, .p_offset = 4, .p_vaddr = 8, .p_filesz = 16,
	.p_memsz = 20, .p_align = 28,
	.dyn = 8, .rela = 12, .relr = 4, .top = UINT32_MAX,
};

static const struct layout L64 = {
	.bits = 64, .w = 8, .ehsize = 64, .e_phoff = 32, .e_ehsize = 52,
	.e_phentsize = 54, .e_phnum = 56,
	.phsize = 56, .p_flags = 4, .p_offset = 8, .p_vaddr = 16, .p_filesz = 32,
	.p_memsz = 40, .p_align = 48,
	.dyn = 16, .rela = 24, .relr = 8, .top = KB_PHYS_MAX,
};

#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ELFDATA2MSB	2
#define EV_CURRENT	1
#define ET_NONE		0
#define ET_REL		1
#define ET_EXEC		2
#define ET_DYN		3
#define ET_CORE		4
#define PN_XNUM		0xffff

#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_GNU_RELRO	0x6474e552
#define PF_X		1

#define DT_NULL		0
#define DT_NEEDED	1
#define DT_PLTRELSZ	2
#define DT_RELA		7
#define DT_RELASZ	8
#define DT_RELAENT	9
#define DT_REL		17
#define DT_RELSZ	18
#define DT_RELENT	19
#define DT_JMPREL	23
#define DT_RELRSZ	35
#define DT_RELR		36
#define DT_RELRENT	37

#define H(x)	((unsigned long long)(x))

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#if KB_PHYS_BITS == 64
static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}
#endif

/* The layout of the class of xlen bits: a constant when this build
 * carries one class (KB_PAYLOAD_ELF32/64, payload.h: a loader boots its
 * own class only), so that every field offset below is one too. */
static const struct layout *layout_of(unsigned int xlen)
{
	return KB_PAYLOAD_ELF32 && (!KB_PAYLOAD_ELF64 || xlen == 32) ? &L32 : &L64;
}

/* An address, offset or size of the payload's class.  With 32-bit
 * addresses (CONFIG_PHYS_ADDR_32BIT) kb_elf_parse() refuses ELF64 before
 * any field is read: every field is an ELF32 one, 32 bits wide. */
static kb_phys_t rdw(const struct layout *L, const uint8_t *p)
{
#if KB_PHYS_BITS < 64
	(void)L;
	return rd32(p);
#else
	return !KB_PAYLOAD_ELF64 || (KB_PAYLOAD_ELF32 && L->w == 4) ? rd32(p) : rd64(p);
#endif
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case KB_EM_RISCV:	return "RISC-V";
	case KB_EM_AARCH64:	return "AArch64";
	case 3:			return "i386";
	case 40:		return "ARM";
	case 62:		return "x86-64";
	default:		return "unknown";
	}
}

static const char *type_name(uint16_t t)
{
	switch (t) {
	case ET_NONE:	return "ET_NONE";
	case ET_REL:	return "ET_REL";
	case ET_EXEC:	return "ET_EXEC";
	case ET_DYN:	return "ET_DYN";
	case ET_CORE:	return "ET_CORE";
	default:	return "unknown";
	}
}

static bool pow2(kb_phys_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* A hex number of the payload's address width for the diags: a kb_phys_t
 * is passed as it is (one register on a 32-bit loader), not widened. */
#define PX	"0x%" PRIxPHYS

/* The ELF header, apart from the program headers it points at; *lp is
 * the layout of the payload's class, which must be the loader's (xlen). */
static int check_ehdr(const uint8_t *b, size_t len, uint16_t machine,
		      unsigned int xlen, const struct layout **lp,
		      struct kb_diag *d)
{
	const struct layout *L = layout_of(xlen);
	uint16_t type, mach;

	/* Every fixed-offset read below is inside the header of the
	 * loader's class, the only class it boots (a shorter file is no
	 * ELF it could boot, whatever its e_ident says). */
	if (len < L->ehsize)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: ELF header truncated (%zu bytes, need %u)",
				   len, L->ehsize);
	if (memcmp(b, "\177ELF", 4) != 0)
		return kb_diag_set(d, KB_EINVAL, "payload: bad ELF magic");
	if (b[E_IDENT_CLASS] != ELFCLASS32 && b[E_IDENT_CLASS] != ELFCLASS64)
		return kb_diag_set(d, KB_EINVAL, "payload: bad ELF class %u",
				   b[E_IDENT_CLASS]);
	/* A 32-bit payload on a 64-bit loader (or the other way round)
	 * would run in the wrong XLEN: the handoff cannot change it. */
	if (32u * b[E_IDENT_CLASS] != L->bits)	/* ELFCLASS32 1, ELFCLASS64 2 */
		return kb_diag_set(d, KB_EINVAL,
				   "payload: ELF class ELFCLASS%u (a %u-bit payload), but this loader boots %u-bit payloads",
				   32u * b[E_IDENT_CLASS], 32u * b[E_IDENT_CLASS], L->bits);
	if (b[E_IDENT_DATA] == ELFDATA2MSB)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: big-endian ELF is not supported (little-endian only)");
	if (b[E_IDENT_DATA] != ELFDATA2LSB)
		return kb_diag_set(d, KB_EINVAL, "payload: bad ELF data encoding %u",
				   b[E_IDENT_DATA]);
	if (b[E_IDENT_VERSION] != EV_CURRENT || rd32(b + E_VERSION) != EV_CURRENT)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: bad ELF version %u/%u (expected 1)",
				   b[E_IDENT_VERSION], (unsigned int)rd32(b + E_VERSION));

	type = rd16(b + E_TYPE);
	if (type == ET_EXEC)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: ELF type ET_EXEC is not relocatable");
	if (type != ET_DYN)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: ELF type %s (%u) is not a loadable PIE (ET_DYN)",
				   type_name(type), type);

	mach = rd16(b + E_MACHINE);
	if (mach != machine)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: ELF machine %u (%s), but this loader boots %s (%u)",
				   mach, machine_name(mach), machine_name(machine), machine);

	/* The two header sizes the class fixes: the ELF header's own and a
	 * program header's (the parser steps through the table by it). */
	for (unsigned int k = 0; k < 2; k++) {
		unsigned int at = k ? L->e_phentsize : L->e_ehsize;
		unsigned int want = k ? L->phsize : L->ehsize;

		if (rd16(b + at) != want)
			return kb_diag_set(d, KB_EINVAL, "payload: %s %u, expected %u",
					   k ? "e_phentsize" : "e_ehsize", rd16(b + at), want);
	}
	*lp = L;
	return 0;
}

/* Is [a, a + size) (link-time addresses) inside one loaded segment whose
 * p_flags include `flags`: in its file-backed part (what the copy puts
 * there: the relocation tables, read from the loaded image, and the entry,
 * 1 byte of executable file data), or with `mem` anywhere in its memory
 * (PT_GNU_RELRO)?  pi->seg[0..n) are every PT_LOAD, at their link
 * addresses still. */
static bool inside(const struct kb_payload_info *pi, unsigned int n, kb_phys_t a,
		   kb_phys_t size, uint32_t flags, bool mem)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct kb_segment *s = &pi->seg[i];
		kb_phys_t sz = mem ? s->memsz : s->filesz;

		/* No wrap: a - start only once a >= start; then the range
		 * must fit in what is left of the segment. */
		if ((s->flags & flags) == flags && a >= s->dst_off &&
		    a - s->dst_off <= sz && size <= sz - (a - s->dst_off))
			return true;
	}
	return false;
}

/* The dynamic tags the parser keeps: three per relocation table (its
 * address, size and entry size), in the order of the tables. */
enum { T_RELA, T_REL, T_RELR, NTABLES };
static const uint8_t dyn_tags[3 * NTABLES] = {
	DT_RELA, DT_RELASZ, DT_RELAENT,
	DT_REL, DT_RELSZ, DT_RELENT,
	DT_RELR, DT_RELRSZ, DT_RELRENT,
};

struct dyn {
	kb_phys_t val[3 * NTABLES];	/* indexed like dyn_tags */
	unsigned int seen;		/* bit per dyn_tags entry */
};

/* The dynamic array at [off, off + fsz) of the file (checked to be inside
 * it); rel_ok: DT_REL allowed (EM_ARM). */
static int read_dynamic(const struct layout *L, const uint8_t *b, kb_phys_t off,
			kb_phys_t fsz, bool rel_ok, struct dyn *dy,
			struct kb_diag *d)
{
	/* Whole entries only: a trailing partial entry is never read. */
	for (kb_phys_t n = 0; n < fsz / L->dyn; n++) {
		const uint8_t *e = b + off + n * L->dyn;
		/* An ELF32 d_tag is signed: the negative ones are unknown
		 * tags either way, so zero-extending it is harmless. */
		kb_phys_t tag = rdw(L, e), val = rdw(L, e + L->w);
		unsigned int k;

		if (tag == DT_NULL)
			break;
		if (tag == DT_NEEDED)
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: ELF has DT_NEEDED (shared-library dependencies); only static PIEs are supported");
		if (tag == DT_JMPREL || (tag == DT_PLTRELSZ && val != 0))
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: PLT relocations (DT_JMPREL) are not supported; only static PIEs are supported");
		for (k = 0; k < sizeof(dyn_tags) && dyn_tags[k] != tag; k++)
			;
		if (k == sizeof(dyn_tags))
			continue;
		/* 32-bit Arm links only REL (implicit addends); elsewhere a
		 * REL table is a mistake. */
		if (k / 3 == T_REL && !rel_ok)
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: DT_REL relocations are not supported (RELA and RELR only)");
		if (k / 3 == T_RELR && !KB_PAYLOAD_HAS_RELR)
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: DT_RELR relocations, but RELR support is not built into this loader (CONFIG_PAYLOAD_ELF_RELR)");
		/* Two values for one tag: which one would the kernel's own
		 * start-up code use?  Refuse to guess. */
		if (dy->seen & (1u << k))
			return kb_diag_set(d, KB_EINVAL,
					   "payload: dynamic tag %u appears twice", dyn_tags[k]);
		dy->seen |= 1u << k;
		dy->val[k] = val;
	}
	return 0;
}

#define HAS(dy, k)	(((dy)->seen >> (k)) & 1)

/* Relocation table t from the dynamic array: present together, the entry
 * size right, a whole number of entries, inside a loaded segment's
 * file-backed data (pi->seg[0..nload)). */
static int table(const struct kb_payload_info *pi, unsigned int nload,
		 const struct dyn *dy, kb_phys_t link_base, unsigned int t,
		 kb_phys_t entsize, kb_phys_t *off, kb_phys_t *size, struct kb_diag *d)
{
	static const char names[NTABLES][5] = { "RELA", "REL", "RELR" };
	const char *name = names[t];
	unsigned int k = 3 * t;
	kb_phys_t a = dy->val[k], sz = dy->val[k + 1];

	*off = *size = 0;
	if (!HAS(dy, k) && !HAS(dy, k + 1))
		return 0;
	/* Half a table: refuse to guess the other half. */
	if (!HAS(dy, k + 1))
		return kb_diag_set(d, KB_EINVAL, "payload: DT_%s without DT_%sSZ", name, name);
	if (!HAS(dy, k))
		return kb_diag_set(d, KB_EINVAL, "payload: DT_%sSZ without DT_%s", name, name);
	if (sz == 0)
		return 0;
	/* A wrong entry size would make the engine misread every entry. */
	if (!HAS(dy, k + 2) || dy->val[k + 2] != entsize)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: DT_%sENT is %" PRIuPHYS "%s, expected %" PRIuPHYS, name,
				   dy->val[k + 2], HAS(dy, k + 2) ? "" : " (missing)", entsize);
	if (sz % entsize)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: DT_%sSZ " PX " is not a multiple of %" PRIuPHYS,
				   name, sz, entsize);
	/* The engine reads the table from the loaded image: it must be
	 * copied there from the file (not BSS, not outside the image). */
	if (!inside(pi, nload, a, sz, 0, false))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: DT_%s table at " PX " (" PX " bytes) is not inside a segment's file-backed data",
				   name, a, sz);
	*off = a - link_base;	/* a >= the table's segment's p_vaddr >= link_base */
	*size = sz;
	return 0;
}

/* Never inlined: its frame is gone before the placement the load does
 * next, the deepest point of a boot (docs/size.md: on a Cortex-M0 the
 * stack is a few KiB). */
__attribute__((noinline))
int kb_elf_parse(const void *buf, size_t len, uint16_t machine,
		 unsigned int xlen, uint64_t min_align,
		 struct kb_payload_info *pi, struct kb_diag *d)
{
	const uint8_t *b = buf;
	const struct layout *L = NULL;
	kb_phys_t phoff, align, lowest = 0, prev_end = 0, entry, link_base;
	kb_phys_t dyn_off = 0, dyn_sz = 0;
	kb_phys_t relro_va = 0, relro_sz = 0;
	unsigned int phnum, nload = 0, ndyn = 0, nrelro = 0, i;
	struct dyn dy = { .seen = 0 };
	int err;

	memset(pi, 0, sizeof(*pi));
	if (!(KB_PAYLOAD_ELF32 && xlen == 32) && !(KB_PAYLOAD_ELF64 && xlen == 64))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: loader word size %u bits (expected %s)", xlen,
				   KB_PAYLOAD_ELF32 && KB_PAYLOAD_ELF64 ? "32 or 64" :
				   KB_PAYLOAD_ELF32 ? "32" : "64");
	/* The same as kb_payload_parse() checks: the load calls this
	 * directly, without the format dispatch. */
	err = kb_payload_check_loader(machine, xlen, d);
	if (err)
		return err;
#if KB_PHYS_BITS < 64
	/* ELF64 fields do not fit 32-bit addresses; a loader built so boots
	 * 32-bit payloads only (Kconfig: 32-bit boards only). */
	if (xlen == 64)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: 64-bit payloads need 64-bit addresses (this loader: CONFIG_PHYS_ADDR_32BIT)");
#endif
	err = check_ehdr(b, len, machine, xlen, &L, d);
	if (err)
		return err;

	phnum = rd16(b + L->e_phnum);
	if (phnum == PN_XNUM)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: e_phnum PN_XNUM (extended numbering) is not supported");
	phoff = rdw(L, b + L->e_phoff);
	/* phnum * 56 < 2^22 cannot wrap; e_phoff is hostile, so compare the
	 * table size against what is left after it, never e_phoff + size. */
	if (phoff > len || (kb_phys_t)phnum * L->phsize > len - phoff)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: program headers (e_phoff " PX ", %u x %u bytes) run past the end of the 0x%zx-byte file",
				   phoff, phnum, L->phsize, len);

	if (min_align == 0)
		min_align = 1;
	if (!kb_phys_fits(min_align))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: minimum alignment 0x%llx does not fit in 32 bits (CONFIG_PHYS_ADDR_32BIT)",
				   H(min_align));
	if (!pow2((kb_phys_t)min_align))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: minimum alignment 0x%llx is not a power of two",
				   H(min_align));
	align = (kb_phys_t)min_align;

	/* Pass 1: check every program header, collect the PT_LOADs. */
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (kb_phys_t)i * L->phsize;
		uint32_t type = rd32(ph + P_TYPE);
		kb_phys_t off = rdw(L, ph + L->p_offset), va = rdw(L, ph + L->p_vaddr);
		kb_phys_t fsz = rdw(L, ph + L->p_filesz), msz = rdw(L, ph + L->p_memsz);
		kb_phys_t pal = rdw(L, ph + L->p_align);
		const char *name;
		struct kb_segment *s;

		if (type == PT_INTERP)
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: ELF has PT_INTERP (dynamically linked); only static PIEs are supported");
		/* The three kinds the parser reads, with the checks they share. */
		if (type == PT_LOAD)
			name = "PT_LOAD";
		else if (type == PT_DYNAMIC)
			name = "PT_DYNAMIC";
		else if (type == PT_GNU_RELRO)
			name = "PT_GNU_RELRO";
		else
			continue;
		/* One dynamic array, one RELRO range: two would be ambiguous. */
		if (type != PT_LOAD && (type == PT_DYNAMIC ? ndyn++ : nrelro++))
			return kb_diag_set(d, KB_EINVAL, "payload: more than one %s", name);
		/* What is read from the file (a segment's data, the dynamic
		 * array) must be inside the buffer (no wrap: compare against
		 * what is left after the offset). */
		if (type != PT_GNU_RELRO && (off > len || fsz > len - off))
			return kb_diag_set(d, KB_EINVAL,
					   "payload: %s %u file range (offset " PX ", size " PX ") runs past the end of the 0x%zx-byte file",
					   name, i, off, fsz, len);
		/* What is placed (a segment) or made read-only (RELRO) must
		 * end at an address of the class (below 2^64, or 4 GiB for
		 * ELF32): every later offset (footprint, entry, relocations)
		 * is computed from it. */
		if (type != PT_DYNAMIC && msz > L->top - va)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: %s %u p_vaddr " PX " + p_memsz " PX " wraps past 2^%u",
					   name, i, va, msz, L->bits);
		if (type == PT_DYNAMIC) {
			dyn_off = off;
			dyn_sz = fsz;
			continue;
		}
		if (type == PT_GNU_RELRO) {
			/* Read-only after relocation (locked by PMP on an
			 * M-mode board): checked against the PT_LOADs below. */
			relro_va = va;
			relro_sz = msz;
			continue;
		}

		/* The table is fixed-size: refuse, never truncate. */
		if (nload == KB_MAX_SEGMENTS)
			return kb_diag_set(d, KB_ENOSPC,
					   "payload: more than %d PT_LOAD segments (CONFIG_PAYLOAD_MAX_SEGMENTS)",
					   KB_MAX_SEGMENTS);
		if (msz == 0)
			return kb_diag_set(d, KB_EINVAL, "payload: PT_LOAD %u is empty", i);
		/* Only filesz bytes are copied; more than memsz would write
		 * past the segment into the next one (or past the image). */
		if (fsz > msz)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: PT_LOAD %u p_filesz " PX " > p_memsz " PX,
					   i, fsz, msz);
		if (pal > 1) {
			if (!pow2(pal))
				return kb_diag_set(d, KB_EINVAL,
						   "payload: PT_LOAD %u p_align " PX " is not a power of two",
						   i, pal);
			if ((off ^ va) & (pal - 1))
				return kb_diag_set(d, KB_EINVAL,
						   "payload: PT_LOAD %u p_offset " PX " and p_vaddr " PX " differ modulo p_align " PX,
						   i, off, va, pal);
			if (pal > align)
				align = pal;
		}
		/* Sorted and disjoint: the copy and the footprint rely on
		 * it, and overlapping segments would let one overwrite
		 * another's data after it was checked. */
		if (nload > 0 && va < prev_end)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: PT_LOAD %u at " PX " overlaps or precedes the previous segment (which ends at " PX ")",
					   i, va, prev_end);
		if (nload == 0)
			lowest = va;
		prev_end = va + msz;

		s = &pi->seg[nload++];
		s->file_off = off;
		s->filesz = fsz;
		s->dst_off = va;	/* link address for now; rebased below */
		s->memsz = msz;
		s->flags = rd32(ph + L->p_flags);
	}
	if (nload == 0)
		return kb_diag_set(d, KB_EINVAL, "payload: no PT_LOAD segment");

	/* Laid out from the lowest address rounded down to the alignment,
	 * so that start + dst_off keeps every p_vaddr's residue modulo
	 * every p_align (and min_align). */
	link_base = lowest & ~(align - 1);

	/* The entry inside the file-backed part of an executable PT_LOAD
	 * (never BSS, never data: the loader jumps there). */
	entry = rdw(L, b + E_ENTRY);
	if (!inside(pi, nload, entry, 1, PF_X, false))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: entry point " PX " is not inside an executable PT_LOAD segment's file data",
				   entry);

	if (ndyn) {
		const kb_phys_t entsize[NTABLES] = { L->rela, 8, L->relr };

		err = read_dynamic(L, b, dyn_off, dyn_sz,
				   KB_PAYLOAD_FOR_ARM && machine == KB_EM_ARM && L->bits == 32,
				   &dy, d);
		for (unsigned int t = T_RELA; !err && t < NTABLES; t++) {
			kb_phys_t off, size;

			/* (Tags of a table not built in were refused above.) */
			if ((t == T_REL && !KB_PAYLOAD_FOR_ARM) ||
			    (t == T_RELR && !KB_PAYLOAD_HAS_RELR))
				continue;
			/* One table of word relocations: RELA and REL both
			 * would be two answers for one question. */
			if (t == T_REL && (HAS(&dy, 3 * T_REL) || HAS(&dy, 3 * T_REL + 1)) &&
			    pi->rela_size != 0)
				return kb_diag_set(d, KB_EINVAL,
						   "payload: both DT_RELA and DT_REL tables");
			err = table(pi, nload, &dy, link_base, t, entsize[t], &off, &size, d);
			if (err || size == 0)
				continue;
			if (t == T_RELR) {
				pi->relr_off = off;
				pi->relr_size = size;
			} else {
				pi->rela_off = off;
				pi->rela_size = size;
				pi->rel_implicit = t == T_REL;
			}
		}
		if (err)
			return err;
	}

	/* PT_GNU_RELRO inside one PT_LOAD's memory (link addresses still):
	 * what is made read-only must be part of the image, in one piece. */
	if (relro_sz) {
		if (!inside(pi, nload, relro_va, relro_sz, 0, true))
			return kb_diag_set(d, KB_EINVAL,
					   "payload: PT_GNU_RELRO " PX " (" PX " bytes) is not inside one PT_LOAD segment",
					   relro_va, relro_sz);
		pi->relro_off = relro_va - link_base;	/* >= a p_vaddr >= link_base */
		pi->relro_size = relro_sz;
	}

	for (i = 0; i < nload; i++)
		pi->seg[i].dst_off -= link_base;	/* >= lowest >= link_base */
	pi->type = KB_PAYLOAD_ELF;
	pi->machine = machine;
	pi->xlen = (uint8_t)L->bits;
	pi->footprint = prev_end - link_base;
	pi->align = align;
	pi->offset = 0;
	pi->entry_off = entry - link_base;
	pi->placement_anywhere = true;
	pi->nseg = nload;
	pi->link_base = link_base;
	return 0;
}

void kb_payload_copy(const struct kb_payload_info *pi, const void *buf,
		     void *dst)
{
	const uint8_t *src = buf;
	uint8_t *out = dst;
	kb_phys_t at = 0;

	/* Segments are sorted and disjoint (checked by the parser): write
	 * every byte of the footprint once, zeroing gaps and BSS. */
	for (unsigned int i = 0; i < pi->nseg; i++) {
		const struct kb_segment *s = &pi->seg[i];

		memset(out + at, 0, (size_t)(s->dst_off - at));
		memcpy(out + s->dst_off, src + s->file_off, (size_t)s->filesz);
		memset(out + s->dst_off + s->filesz, 0, (size_t)(s->memsz - s->filesz));
		at = s->dst_off + s->memsz;
	}
	memset(out + at, 0, (size_t)(pi->footprint - at));
}
