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

/* The ELF header, apart from the program headers it points at; *lp is
 * the layout of the payload's class, which must be the loader's (xlen). */
static int check_ehdr(const uint8_t *b, size_t len, uint16_t machine,
		      unsigned int xlen, const struct layout **lp,
		      struct kb_diag *d)
{
	const struct layout *L = layout_of(xlen);
	uint16_t type, mach;

	/* e_ident first; its size is the class's, so until the class is
	 * known, the size of the loader's own class is the one to name. */
	if (len < EI_NIDENT)
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
	if ((b[E_IDENT_CLASS] == ELFCLASS32 ? 32u : 64u) != L->bits)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: ELF class ELFCLASS%u (a %u-bit payload), but this loader boots %u-bit payloads",
				   b[E_IDENT_CLASS] == ELFCLASS32 ? 32 : 64,
				   b[E_IDENT_CLASS] == ELFCLASS32 ? 32 : 64, L->bits);
	/* Every fixed-offset read below is inside the class's header. */
	if (len < L->ehsize)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: ELF header truncated (%zu bytes, need %u)",
				   len, L->ehsize);
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

	if (rd16(b + L->e_ehsize) != L->ehsize)
		return kb_diag_set(d, KB_EINVAL, "payload: e_ehsize %u, expected %u",
				   rd16(b + L->e_ehsize), L->ehsize);
	*lp = L;
	return 0;
}

/* Find the loaded segment whose file-backed part holds [vaddr, vaddr + size)
 * (link-time addresses); the relocation engine reads its tables from the
 * loaded image, so they must be there after the copy, not in BSS. */
static bool in_file_backed(const struct layout *L, const uint8_t *b,
			   kb_phys_t phoff, unsigned int phnum,
			   kb_phys_t vaddr, kb_phys_t size)
{
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = b + phoff + (kb_phys_t)i * L->phsize;
		kb_phys_t v = rdw(L, ph + L->p_vaddr), fsz = rdw(L, ph + L->p_filesz);

		if (rd32(ph + P_TYPE) != PT_LOAD)
			continue;
		/* No wrap: vaddr - v only once vaddr >= v; then the table
		 * must fit in what is left of the file-backed part. */
		if (vaddr >= v && vaddr - v <= fsz && size <= fsz - (vaddr - v))
			return true;
	}
	return false;
}

struct dyn {
	kb_phys_t val[38];	/* indexed by the DT_* tags below 38 */
	uint64_t seen;		/* bit per tag */
	bool rel_ok;		/* DT_REL allowed (EM_ARM) */
};

static int read_dynamic(const struct layout *L, const uint8_t *b, size_t len,
			kb_phys_t off, kb_phys_t fsz, struct dyn *dy,
			struct kb_diag *d)
{
	kb_phys_t n;

	/* The dynamic array is read from the file, so its file range must be
	 * inside the buffer (no wrap: compare against what is left). */
	if (off > len || fsz > len - off)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: PT_DYNAMIC (offset 0x%llx, size 0x%llx) runs past the end of the 0x%zx-byte file",
				   H(off), H(fsz), len);
	/* (rel_ok is the caller's; the rest starts empty) */
	memset(dy->val, 0, sizeof(dy->val));
	dy->seen = 0;
	/* Whole entries only: a trailing partial entry is never read. */
	for (n = 0; n < fsz / L->dyn; n++) {
		const uint8_t *e = b + off + n * L->dyn;
		/* An ELF32 d_tag is signed: the negative ones are unknown
		 * tags either way, so zero-extending it is harmless. */
		kb_phys_t tag = rdw(L, e), val = rdw(L, e + L->w);

		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_NEEDED:
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: ELF has DT_NEEDED (shared-library dependencies); only static PIEs are supported");
		case DT_REL: case DT_RELSZ: case DT_RELENT:
			/* 32-bit Arm links only REL (implicit addends);
			 * elsewhere a REL table is a mistake. */
			if (!dy->rel_ok)
				return kb_diag_set(d, KB_ENOTSUP,
						   "payload: DT_REL relocations are not supported (RELA and RELR only)");
			if (dy->seen & (UINT64_C(1) << tag))
				return kb_diag_set(d, KB_EINVAL,
						   "payload: dynamic tag %llu appears twice", H(tag));
			dy->seen |= UINT64_C(1) << tag;
			dy->val[tag] = val;
			break;
		case DT_JMPREL: case DT_PLTRELSZ:
			if (val == 0 && tag == DT_PLTRELSZ)
				continue;
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: PLT relocations (DT_JMPREL) are not supported; only static PIEs are supported");
		case DT_RELR: case DT_RELRSZ: case DT_RELRENT:
			if (!KB_PAYLOAD_HAS_RELR)
				return kb_diag_set(d, KB_ENOTSUP,
						   "payload: DT_RELR relocations, but RELR support is not built into this loader (CONFIG_PAYLOAD_ELF_RELR)");
			/* fall through */
		case DT_RELA: case DT_RELASZ: case DT_RELAENT:
			/* Two values for one tag: which one would the kernel's
			 * own start-up code use?  Refuse to guess. */
			if (dy->seen & (UINT64_C(1) << tag))
				return kb_diag_set(d, KB_EINVAL,
						   "payload: dynamic tag %llu appears twice", H(tag));
			dy->seen |= UINT64_C(1) << tag;
			dy->val[tag] = val;
			break;
		default:
			break;
		}
	}
	return 0;
}

#define HAS(dy, t)	(((dy)->seen >> (t)) & 1)

/* One relocation table from the dynamic array: present together, the entry
 * size right, a whole number of entries, inside the file-backed data. */
static int table(const struct layout *L, const uint8_t *b, kb_phys_t phoff,
		 unsigned int phnum,
		 const struct dyn *dy, kb_phys_t link_base, const char *name,
		 unsigned int t_addr, unsigned int t_size, unsigned int t_ent,
		 kb_phys_t entsize, kb_phys_t *off, kb_phys_t *size, struct kb_diag *d)
{
	kb_phys_t a = dy->val[t_addr], sz = dy->val[t_size];

	*off = *size = 0;
	if (!HAS(dy, t_addr) && !HAS(dy, t_size))
		return 0;
	/* Half a table: refuse to guess the other half. */
	if (!HAS(dy, t_size))
		return kb_diag_set(d, KB_EINVAL, "payload: DT_%s without DT_%sSZ", name, name);
	if (!HAS(dy, t_addr))
		return kb_diag_set(d, KB_EINVAL, "payload: DT_%sSZ without DT_%s", name, name);
	if (sz == 0)
		return 0;
	/* A wrong entry size would make the engine misread every entry. */
	if (!HAS(dy, t_ent) || dy->val[t_ent] != entsize)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: DT_%sENT is %llu%s, expected %llu", name,
				   H(dy->val[t_ent]), HAS(dy, t_ent) ? "" : " (missing)",
				   H(entsize));
	if (sz % entsize)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: DT_%sSZ 0x%llx is not a multiple of %llu",
				   name, H(sz), H(entsize));
	/* The engine reads the table from the loaded image: it must be
	 * copied there from the file (not BSS, not outside the image). */
	if (!in_file_backed(L, b, phoff, phnum, a, sz))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: DT_%s table at 0x%llx (0x%llx bytes) is not inside a segment's file-backed data",
				   name, H(a), H(sz));
	*off = a - link_base;	/* a >= the table's segment's p_vaddr >= link_base */
	*size = sz;
	return 0;
}

/* Never inlined: its frame (the dynamic tags, some 300 bytes) is gone
 * before the placement the load does next, the deepest point of a boot
 * (docs/size.md: on a Cortex-M0 the stack is a few KiB). */
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
	bool entry_ok = false;
	struct dyn dy;
	int err;

	memset(pi, 0, sizeof(*pi));
	if (!(KB_PAYLOAD_ELF32 && xlen == 32) && !(KB_PAYLOAD_ELF64 && xlen == 64))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: loader word size %u bits (expected %s)", xlen,
				   KB_PAYLOAD_ELF32 && KB_PAYLOAD_ELF64 ? "32 or 64" :
				   KB_PAYLOAD_ELF32 ? "32" : "64");
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

	if (rd16(b + L->e_phentsize) != L->phsize)
		return kb_diag_set(d, KB_EINVAL, "payload: e_phentsize %u, expected %u",
				   rd16(b + L->e_phentsize), L->phsize);
	phnum = rd16(b + L->e_phnum);
	if (phnum == PN_XNUM)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: e_phnum PN_XNUM (extended numbering) is not supported");
	phoff = rdw(L, b + L->e_phoff);
	/* phnum * 56 < 2^22 cannot wrap; e_phoff is hostile, so compare the
	 * table size against what is left after it, never e_phoff + size. */
	if (phoff > len || (kb_phys_t)phnum * L->phsize > len - phoff)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: program headers (e_phoff 0x%llx, %u x %u bytes) run past the end of the 0x%zx-byte file",
				   H(phoff), phnum, L->phsize, len);

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
		struct kb_segment *s;

		if (type == PT_INTERP)
			return kb_diag_set(d, KB_ENOTSUP,
					   "payload: ELF has PT_INTERP (dynamically linked); only static PIEs are supported");
		if (type == PT_DYNAMIC) {
			/* One dynamic array: two would be ambiguous. */
			if (ndyn++)
				return kb_diag_set(d, KB_EINVAL,
						   "payload: more than one PT_DYNAMIC");
			dyn_off = off;
			dyn_sz = fsz;
			continue;
		}
		if (type == PT_GNU_RELRO) {
			/* Read-only after relocation (locked by PMP on an
			 * M-mode board): one range, an address range of the
			 * class, checked against the PT_LOADs below. */
			if (nrelro++)
				return kb_diag_set(d, KB_EINVAL,
						   "payload: more than one PT_GNU_RELRO");
			if (msz > L->top - va)
				return kb_diag_set(d, KB_EINVAL,
						   "payload: PT_GNU_RELRO p_vaddr 0x%llx + p_memsz 0x%llx wraps past 2^%u",
						   H(va), H(msz), L->bits);
			relro_va = va;
			relro_sz = msz;
			continue;
		}
		if (type != PT_LOAD)
			continue;

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
					   "payload: PT_LOAD %u p_filesz 0x%llx > p_memsz 0x%llx",
					   i, H(fsz), H(msz));
		/* The copy reads [off, off + fsz) from the buffer. */
		if (off > len || fsz > len - off)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: PT_LOAD %u file range (offset 0x%llx, size 0x%llx) runs past the end of the 0x%zx-byte file",
					   i, H(off), H(fsz), len);
		/* The segment's end must be an address of the class (below
		 * 2^64, or 4 GiB for ELF32): every later offset (footprint,
		 * entry, relocations) is computed from it. */
		if (msz > L->top - va)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: PT_LOAD %u p_vaddr 0x%llx + p_memsz 0x%llx wraps past 2^%u",
					   i, H(va), H(msz), L->bits);
		if (pal > 1) {
			if (!pow2(pal))
				return kb_diag_set(d, KB_EINVAL,
						   "payload: PT_LOAD %u p_align 0x%llx is not a power of two",
						   i, H(pal));
			if ((off ^ va) & (pal - 1))
				return kb_diag_set(d, KB_EINVAL,
						   "payload: PT_LOAD %u p_offset 0x%llx and p_vaddr 0x%llx differ modulo p_align 0x%llx",
						   i, H(off), H(va), H(pal));
			if (pal > align)
				align = pal;
		}
		/* Sorted and disjoint: the copy and the footprint rely on
		 * it, and overlapping segments would let one overwrite
		 * another's data after it was checked. */
		if (nload > 0 && va < prev_end)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: PT_LOAD %u at 0x%llx overlaps or precedes the previous segment (which ends at 0x%llx)",
					   i, H(va), H(prev_end));
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

	/* Pass 2: the entry inside the file-backed part of an executable
	 * PT_LOAD (never BSS, never data: the loader jumps there). */
	entry = rdw(L, b + E_ENTRY);
	for (i = 0; i < phnum && !entry_ok; i++) {
		const uint8_t *ph = b + phoff + (kb_phys_t)i * L->phsize;
		kb_phys_t va = rdw(L, ph + L->p_vaddr), fsz = rdw(L, ph + L->p_filesz);

		if (rd32(ph + P_TYPE) == PT_LOAD && (rd32(ph + L->p_flags) & PF_X) &&
		    entry >= va && entry - va < fsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: entry point 0x%llx is not inside an executable PT_LOAD segment's file data",
				   H(entry));

	if (ndyn) {
		dy.rel_ok = KB_PAYLOAD_FOR_ARM && machine == KB_EM_ARM && L->bits == 32;
		err = read_dynamic(L, b, len, dyn_off, dyn_sz, &dy, d);
		if (err)
			return err;
		err = table(L, b, phoff, phnum, &dy, link_base, "RELA", DT_RELA, DT_RELASZ,
			    DT_RELAENT, L->rela, &pi->rela_off, &pi->rela_size, d);
		if (err)
			return err;
		if (HAS(&dy, DT_REL) || HAS(&dy, DT_RELSZ)) {
			/* One table of word relocations: RELA and REL both
			 * would be two answers for one question. */
			if (pi->rela_size != 0)
				return kb_diag_set(d, KB_EINVAL,
						   "payload: both DT_RELA and DT_REL tables");
			err = table(L, b, phoff, phnum, &dy, link_base, "REL", DT_REL, DT_RELSZ,
				    DT_RELENT, 8, &pi->rela_off, &pi->rela_size, d);
			if (err)
				return err;
			pi->rel_implicit = pi->rela_size != 0;
		}
		if (KB_PAYLOAD_HAS_RELR)
			err = table(L, b, phoff, phnum, &dy, link_base, "RELR", DT_RELR, DT_RELRSZ,
				    DT_RELRENT, L->relr, &pi->relr_off, &pi->relr_size, d);
		if (err)
			return err;
	}

	/* PT_GNU_RELRO inside one PT_LOAD's memory (link addresses still):
	 * what is made read-only must be part of the image, in one piece. */
	if (relro_sz) {
		bool inside = false;

		for (i = 0; i < nload && !inside; i++) {
			const struct kb_segment *s = &pi->seg[i];

			inside = relro_va >= s->dst_off && relro_va - s->dst_off <= s->memsz &&
				 relro_sz <= s->memsz - (relro_va - s->dst_off);
		}
		if (!inside)
			return kb_diag_set(d, KB_EINVAL,
					   "payload: PT_GNU_RELRO 0x%llx (0x%llx bytes) is not inside one PT_LOAD segment",
					   H(relro_va), H(relro_sz));
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
