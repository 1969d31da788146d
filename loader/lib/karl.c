// SPDX-License-Identifier: BSD-2-Clause
/*
 * KARL at load time: shuffle a RISC-V or AArch64 payload's function sections and
 * re-apply its static relocations (see <kaslrboot/karl.h>, docs/karl.md).
 *
 * The file is hostile: every field is read with memcpy, every offset and
 * size checked with subtractions that cannot wrap before it is used.
 * kb_karl_apply runs the whole relocation pass twice over the same tables:
 * the first only validates (nothing written), the second writes what the
 * first checked.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/karl.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kaslrboot reads little-endian payloads with memcpy: little-endian hosts only"
#endif

#define H(x)	((unsigned long long)(x))

#define EM_AARCH64	183
#define EM_RISCV	243
#define SHT_SYMTAB	2
#define SHT_RELA	4
#define SHT_NOBITS	8
#define SHT_REL		9
#define SHF_WRITE	1
#define SHF_ALLOC	2
#define SHF_EXECINSTR	4
#define SHN_UNDEF	0
#define SHN_LORESERVE	0xff00
#define SHN_ABS		0xfff1
#define SHN_XINDEX	0xffff

#define R_RISCV_NONE		0
#define R_RISCV_32		1
#define R_RISCV_64		2
#define R_RISCV_BRANCH		16
#define R_RISCV_JAL		17
#define R_RISCV_CALL		18
#define R_RISCV_CALL_PLT	19
#define R_RISCV_PCREL_HI20	23
#define R_RISCV_PCREL_LO12_I	24
#define R_RISCV_PCREL_LO12_S	25
#define R_RISCV_HI20		26
#define R_RISCV_LO12_I		27
#define R_RISCV_LO12_S		28
#define R_RISCV_ADD32		35
#define R_RISCV_SUB32		39
#define R_RISCV_ALIGN		43
#define R_RISCV_RVC_BRANCH	44
#define R_RISCV_RVC_JUMP	45
#define R_RISCV_RELAX		51

/* Headroom kept below 2^64 so that every sum provably cannot wrap:
 * addresses, sizes, alignments and gaps are all checked against it. */
#define LIMIT	(UINT64_C(1) << 62)

/* Entry sizes by class (k->elf32: rv32 payloads are ELF32). */
#define SHDR_SIZE	(k->elf32 ? 40u : 64u)
#define SYM_SIZE	(k->elf32 ? 16u : 24u)
#define RELA_SIZE	(k->elf32 ? 12u : 24u)

static uint64_t rd(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

static void wr(uint8_t *p, uint64_t v, unsigned int n)
{
	memcpy(p, &v, n);
}

/*
 * A header field by class: its offset and width in ELF64, then in ELF32
 * (the gABI's Elf64_* and Elf32_* layouts).  Every header, section header
 * and symbol read goes through fld(), so the two classes share one
 * parser.
 */
struct fld {
	uint8_t off64, n64, off32, n32;
};

#define E_ENTRY		((struct fld){ 24, 8, 24, 4 })
#define E_SHOFF		((struct fld){ 40, 8, 32, 4 })
#define E_SHENTSIZE	((struct fld){ 58, 2, 46, 2 })
#define E_SHNUM		((struct fld){ 60, 2, 48, 2 })
#define E_SHSTRNDX	((struct fld){ 62, 2, 50, 2 })
#define SH_NAME		((struct fld){ 0, 4, 0, 4 })
#define SH_TYPE		((struct fld){ 4, 4, 4, 4 })
#define SH_FLAGS	((struct fld){ 8, 8, 8, 4 })
#define SH_ADDR		((struct fld){ 16, 8, 12, 4 })
#define SH_OFFSET	((struct fld){ 24, 8, 16, 4 })
#define SH_SIZE		((struct fld){ 32, 8, 20, 4 })
#define SH_LINK		((struct fld){ 40, 4, 24, 4 })
#define SH_INFO		((struct fld){ 44, 4, 28, 4 })
#define SH_ALIGN	((struct fld){ 48, 8, 32, 4 })
#define SH_ENTSIZE	((struct fld){ 56, 8, 36, 4 })
#define ST_SHNDX	((struct fld){ 6, 2, 14, 2 })
#define ST_VALUE	((struct fld){ 8, 8, 4, 4 })

static uint64_t fld(const struct kb_karl *k, const uint8_t *p, struct fld f)
{
	return k->elf32 ? rd(p + f.off32, f.n32) : rd(p + f.off64, f.n64);
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static bool in_file(const struct kb_karl *k, uint64_t off, uint64_t size)
{
	return off <= k->len && size <= k->len - off;
}

static const uint8_t *shdr(const struct kb_karl *k, unsigned int i)
{
	uint64_t shoff = fld(k, k->file, E_SHOFF);

	return k->file + shoff + (uint64_t)i * SHDR_SIZE;
}

const char *kb_karl_name(const struct kb_karl *k, unsigned int shndx)
{
	if (shndx >= k->nsec || k->sec[shndx].name >= k->shstr_size)
		return "?";
	return (const char *)k->file + k->shstr_off + k->sec[shndx].name;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* `.text.*` but not the startup code (`.text.kb_fixed`, `.text.kb_fixed.*`). */
static bool movable_name(const char *n)
{
	if (!starts(n, ".text."))
		return false;
	if (strcmp(n, ".text.kb_fixed") == 0 || starts(n, ".text.kb_fixed."))
		return false;
	return true;
}

/* A data object (`-fdata-sections`): `.rodata.*`, `.srodata.*`, `.data.*`,
 * `.sdata.*`, `.bss.*`, `.sbss.*`, but not `<prefix>kb_fixed` or
 * `<prefix>kb_fixed.*` (data the startup code needs where it was linked). */
static bool data_name(const char *n)
{
	static const char *const pre[] = { ".rodata.", ".srodata.", ".data.", ".sdata.",
					   ".bss.", ".sbss." };

	for (unsigned int i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		const char *r;

		if (!starts(n, pre[i]))
			continue;
		r = n + strlen(pre[i]);
		return strcmp(r, "kb_fixed") != 0 && !starts(r, "kb_fixed.");
	}
	return false;
}

static const char *const class_name[KB_KARL_NCLASS] = { "read-only data", "writable data", "BSS" };

/* Is a symbol of this name defined in .symtab?  (Checked extents.) */
static bool sym_defined(const struct kb_karl *k, const char *name)
{
	const uint8_t *s = shdr(k, k->symtab);
	const uint8_t *st = shdr(k, (unsigned int)fld(k, s, SH_LINK));
	uint64_t off = fld(k, s, SH_OFFSET), n = fld(k, s, SH_SIZE) / SYM_SIZE;
	uint64_t soff = fld(k, st, SH_OFFSET), ssize = fld(k, st, SH_SIZE);
	size_t len = strlen(name);

	if (!in_file(k, soff, ssize))
		return false;
	for (uint64_t i = 1; i < n; i++) {
		const uint8_t *e = k->file + off + i * SYM_SIZE;
		uint64_t nm = rd(e, 4);

		if (fld(k, e, ST_SHNDX) == SHN_UNDEF || nm >= ssize || ssize - nm <= len)
			continue;
		if (memcmp(k->file + soff + nm, name, len + 1) == 0)
			return true;
	}
	return false;
}

int kb_karl_parse(struct kb_karl *k, const void *file, size_t len,
		  struct kb_karl_sec *sec, uint32_t *order, unsigned int cap,
		  struct kb_diag *d)
{
	const uint8_t *f = file;
	uint64_t shoff, shnum, shstrndx, lo = UINT64_MAX, hi = 0;
	uint64_t rlo = UINT64_MAX, rhi = 0;
	unsigned int nsym = 0;

	memset(k, 0, sizeof(*k));
	k->file = f;
	k->len = len;
	k->sec = sec;
	k->order = order;
	k->cap = cap;
	if (len < 64 || memcmp(f, "\177ELF", 4) != 0)
		return kb_diag_set(d, KB_EINVAL, "karl: not an ELF file");
	if ((f[4] != 1 && f[4] != 2) || f[5] != 1)
		return kb_diag_set(d, KB_ENOTSUP, "karl: not a little-endian ELF32 or ELF64 file");
	k->elf32 = f[4] == 1;
	k->machine = (uint16_t)rd(f + 18, 2);
	if (k->machine != EM_RISCV && k->machine != EM_AARCH64)
		return kb_diag_set(d, KB_ENOTSUP, "karl: machine %u is neither RISC-V nor AArch64",
				   (unsigned int)k->machine);
	/* rv32 is ELF32; AArch64 (A64) is ELF64 only. */
	if (k->elf32 && k->machine != EM_RISCV)
		return kb_diag_set(d, KB_ENOTSUP, "karl: an ELF32 AArch64 file (ILP32) is not supported");
	shoff = fld(k, f, E_SHOFF);
	shnum = fld(k, f, E_SHNUM);
	shstrndx = fld(k, f, E_SHSTRNDX);
	if (shoff == 0 || shnum == 0)
		return kb_diag_set(d, KB_ENOENT,
				   "karl: no section headers (the payload must be the full ELF file)");
	if (fld(k, f, E_SHENTSIZE) != SHDR_SIZE)
		return kb_diag_set(d, KB_EINVAL, "karl: section header size %u (expected %u)",
				   (unsigned int)fld(k, f, E_SHENTSIZE), SHDR_SIZE);
	if (!in_file(k, shoff, shnum * SHDR_SIZE))
		return kb_diag_set(d, KB_EINVAL,
				   "karl: %llu section headers at 0x%llx run past the %llu-byte file",
				   H(shnum), H(shoff), H(len));
	if (shnum > cap)
		return kb_diag_set(d, KB_ENOSPC, "karl: %llu sections, table holds %u",
				   H(shnum), cap);
	k->nsec = (unsigned int)shnum;
	if (shstrndx == 0 || shstrndx >= shnum)
		return kb_diag_set(d, KB_EINVAL, "karl: section name table index %llu out of range",
				   H(shstrndx));
	{
		const uint8_t *s = shdr(k, (unsigned int)shstrndx);

		k->shstr_off = fld(k, s, SH_OFFSET);
		k->shstr_size = fld(k, s, SH_SIZE);
		if (!in_file(k, k->shstr_off, k->shstr_size) || k->shstr_size == 0 ||
		    f[k->shstr_off + k->shstr_size - 1] != '\0')
			return kb_diag_set(d, KB_EINVAL,
					   "karl: section name table outside the file or not NUL-terminated");
	}

	/* Pass 1: every section's fields, checked. */
	for (unsigned int i = 0; i < k->nsec; i++) {
		const uint8_t *s = shdr(k, i);
		uint32_t type = (uint32_t)fld(k, s, SH_TYPE);
		uint64_t flags = fld(k, s, SH_FLAGS), addr = fld(k, s, SH_ADDR);
		uint64_t off = fld(k, s, SH_OFFSET), size = fld(k, s, SH_SIZE);
		uint64_t align = fld(k, s, SH_ALIGN);
		struct kb_karl_sec *c = &sec[i];

		memset(c, 0, sizeof(*c));
		c->name = (uint32_t)fld(k, s, SH_NAME);
		if (c->name >= k->shstr_size)
			return kb_diag_set(d, KB_EINVAL, "karl: section %u name offset out of range", i);
		if (i == 0)
			continue;
		if (type == SHT_SYMTAB) {
			nsym++;
			k->symtab = i;
		}
		if (type == SHT_REL)
			return kb_diag_set(d, KB_ENOTSUP, "karl: section %s: REL relocations (RISC-V and AArch64 use RELA)",
					   kb_karl_name(k, i));
		if (!(flags & SHF_ALLOC))
			continue;
		if (align == 0)
			align = 1;
		/* AArch64 instructions are 4 bytes and 4-aligned: a function
		 * section assembled with a smaller sh_addralign (clang's
		 * assembler leaves 1 without .balign) still moves by
		 * multiples of 4. */
		if (k->machine == EM_AARCH64 && align < 4 && movable_name(kb_karl_name(k, i)))
			align = 4;
		if (!pow2(align) || align > LIMIT)
			return kb_diag_set(d, KB_EINVAL, "karl: section %s alignment %llu is not a power of two",
					   kb_karl_name(k, i), H(align));
		if (addr % align)
			return kb_diag_set(d, KB_EINVAL, "karl: section %s at 0x%llx is not %llu-aligned",
					   kb_karl_name(k, i), H(addr), H(align));
		if (size > UINT64_MAX - addr)
			return kb_diag_set(d, KB_EINVAL, "karl: section %s at 0x%llx size 0x%llx wraps",
					   kb_karl_name(k, i), H(addr), H(size));
		if (type != SHT_NOBITS && !in_file(k, off, size))
			return kb_diag_set(d, KB_EINVAL,
					   "karl: section %s (0x%llx bytes at file offset 0x%llx) runs past the %llu-byte file",
					   kb_karl_name(k, i), H(size), H(off), H(len));
		c->old_addr = addr;
		c->size = size;
		c->align = align;
		c->nobits = type == SHT_NOBITS;
		c->kind = KB_KARL_HEAD;
		if (movable_name(kb_karl_name(k, i))) {
			if (c->nobits)
				return kb_diag_set(d, KB_EINVAL, "karl: movable section %s has no contents",
						   kb_karl_name(k, i));
			c->kind = KB_KARL_MOVE;
			k->order[k->nmove++] = i;
			rlo = addr < rlo ? addr : rlo;
			rhi = addr + size > rhi ? addr + size : rhi;
		}
		lo = addr < lo ? addr : lo;
		hi = addr + size > hi ? addr + size : hi;
	}
	if (nsym == 0)
		return kb_diag_set(d, KB_ENOENT, "karl: no .symtab (link with --emit-relocs and do not strip)");
	if (nsym > 1)
		return kb_diag_set(d, KB_EINVAL, "karl: %u symbol tables", nsym);
	if (k->nmove == 0)
		return kb_diag_set(d, KB_ENOENT,
				   "karl: no movable .text.* section (build with -ffunction-sections, link with --unique=.text.*)");
	{
		const uint8_t *s = shdr(k, k->symtab);
		unsigned int link = (unsigned int)fld(k, s, SH_LINK);

		if (fld(k, s, SH_ENTSIZE) != SYM_SIZE ||
		    !in_file(k, fld(k, s, SH_OFFSET), fld(k, s, SH_SIZE)) ||
		    fld(k, s, SH_SIZE) % SYM_SIZE)
			return kb_diag_set(d, KB_EINVAL, "karl: .symtab entry size or extent is wrong");
		if (link == 0 || link >= k->nsec)
			return kb_diag_set(d, KB_EINVAL, "karl: .symtab has no string table");
	}
	k->link_base = lo;
	k->link_end = hi;
	k->region = rlo;
	k->region_end = rhi;

	/* Pass 2: overlaps, the region, the relocation sections. */
	for (unsigned int i = 1; i < k->nsec; i++) {
		const uint8_t *s = shdr(k, i);
		struct kb_karl_sec *c = &sec[i];

		if (c->kind != KB_KARL_OTHER && c->size != 0) {
			for (unsigned int j = i + 1; j < k->nsec; j++) {
				struct kb_karl_sec *o = &sec[j];

				if (o->kind == KB_KARL_OTHER || o->size == 0)
					continue;
				if (c->old_addr < o->old_addr + o->size &&
				    o->old_addr < c->old_addr + c->size)
					return kb_diag_set(d, KB_EOVERLAP,
							   "karl: sections %s and %s overlap",
							   kb_karl_name(k, i), kb_karl_name(k, j));
			}
		}
		if (c->kind == KB_KARL_HEAD) {
			if (c->old_addr >= rhi)
				c->kind = KB_KARL_TAIL;
			else if (c->old_addr + c->size > rlo)
				return kb_diag_set(d, KB_EINVAL,
						   "karl: section %s at 0x%llx lies inside the shuffled text [0x%llx, 0x%llx)",
						   kb_karl_name(k, i), H(c->old_addr), H(rlo), H(rhi));
		}
		/* A data object after the text: shuffled within its class. */
		if (c->kind == KB_KARL_TAIL && c->size != 0 && data_name(kb_karl_name(k, i))) {
			uint64_t fl = fld(k, s, SH_FLAGS);

			if (fl & SHF_EXECINSTR)
				return kb_diag_set(d, KB_EINVAL, "karl: data section %s is executable",
						   kb_karl_name(k, i));
			c->kind = KB_KARL_DATA;
			c->cls = !(fl & SHF_WRITE) ? KB_KARL_RODATA :
				 c->nobits ? KB_KARL_BSS : KB_KARL_RWDATA;
			k->ndata++;
		}
		if (fld(k, s, SH_TYPE) == SHT_RELA) {
			unsigned int tgt = (unsigned int)fld(k, s, SH_INFO);
			uint64_t off = fld(k, s, SH_OFFSET), size = fld(k, s, SH_SIZE);

			if (tgt == 0 || tgt >= k->nsec)
				return kb_diag_set(d, KB_EINVAL, "karl: relocation section %s applies to section %u (none)",
						   kb_karl_name(k, i), tgt);
			if (sec[tgt].kind == KB_KARL_OTHER && !(fld(k, shdr(k, tgt), SH_FLAGS) & SHF_ALLOC))
				continue;	/* debug info: not loaded */
			if (fld(k, s, SH_ENTSIZE) != RELA_SIZE || size % RELA_SIZE || !in_file(k, off, size))
				return kb_diag_set(d, KB_EINVAL, "karl: relocation section %s: entry size or extent is wrong",
						   kb_karl_name(k, i));
			if (fld(k, s, SH_LINK) != k->symtab)
				return kb_diag_set(d, KB_EINVAL, "karl: relocation section %s does not use .symtab",
						   kb_karl_name(k, i));
			if (sec[tgt].nobits && size)
				return kb_diag_set(d, KB_EINVAL, "karl: relocation section %s applies to NOBITS section %s",
						   kb_karl_name(k, i), kb_karl_name(k, tgt));
			k->nrela += size / RELA_SIZE;
		}
	}
	/* Each data class: one region [lo, hi) holding its objects and no
	 * other loaded section (what lies between them moves with them). */
	for (unsigned int g = 0; g < KB_KARL_NCLASS; g++) {
		k->grp[g].lo = UINT64_MAX;
		k->grp[g].hi = 0;
	}
	for (unsigned int i = 1; i < k->nsec; i++) {
		struct kb_karl_sec *c = &sec[i];
		struct kb_karl_group *g = &k->grp[c->cls];

		if (c->kind != KB_KARL_DATA)
			continue;
		g->lo = c->old_addr < g->lo ? c->old_addr : g->lo;
		g->hi = c->old_addr + c->size > g->hi ? c->old_addr + c->size : g->hi;
		g->n++;
	}
	for (unsigned int g = 0, first = k->nmove; g < KB_KARL_NCLASS; g++) {
		k->grp[g].first = first;
		first += k->grp[g].n;
		if (k->grp[g].n == 0)
			continue;
		for (unsigned int i = 1; i < k->nsec; i++) {
			const struct kb_karl_sec *c = &sec[i];

			if (c->kind == KB_KARL_OTHER || c->size == 0 ||
			    (c->kind == KB_KARL_DATA && c->cls == g))
				continue;
			if (c->old_addr < k->grp[g].hi && k->grp[g].lo < c->old_addr + c->size)
				return kb_diag_set(d, KB_EINVAL,
						   "karl: section %s at 0x%llx lies inside the shuffled %s objects [0x%llx, 0x%llx)",
						   kb_karl_name(k, i), H(c->old_addr), class_name[g],
						   H(k->grp[g].lo), H(k->grp[g].hi));
		}
	}
	/* RISC-V gp-relative accesses (linker relaxation against
	 * __global_pointer$, or hand-written %gprel) carry no relocation a
	 * loader can follow when the data moves. */
	if (k->ndata && k->machine == EM_RISCV && sym_defined(k, "__global_pointer$"))
		return kb_diag_set(d, KB_ENOTSUP,
				   "karl: __global_pointer$ is defined: gp-relative data accesses cannot follow moving data (define no __global_pointer$, or keep the data in place: no -fdata-sections)");
	/* The entry point stays where it was linked (plus the bias): it
	 * must be in the startup code. */
	k->entry = fld(k, f, E_ENTRY);
	{
		bool in_head = false;

		for (unsigned int i = 1; i < k->nsec; i++)
			if (sec[i].kind == KB_KARL_HEAD && k->entry >= sec[i].old_addr &&
			    k->entry - sec[i].old_addr < sec[i].size)
				in_head = true;
		if (!in_head)
			return kb_diag_set(d, KB_EINVAL,
					   "karl: entry point 0x%llx is not in the startup code (.text.kb_fixed, kept in place)",
					   H(k->entry));
	}
	/* Without --emit-relocs nothing says where the code refers to
	 * itself: moving it would break every call. */
	if (k->nrela == 0)
		return kb_diag_set(d, KB_ENOENT,
				   "karl: no relocations for the loaded sections (link with --emit-relocs)");
	return 0;
}

/* ---- layout ---------------------------------------------------------- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int draw(int (*uniform)(void *, uint64_t, uint64_t *), void *ctx,
		uint64_t bound, uint64_t *out, struct kb_diag *d)
{
	int err = uniform(ctx, bound, out);

	if (err < 0)
		return err;
	if (err > 0)
		return kb_diag_set(d, KB_EFAIL, "karl: uniform() failed (%d)", err);
	if (*out >= bound)
		return kb_diag_set(d, KB_ERANGE, "karl: uniform() returned %llu, not below %llu",
				   H(*out), H(bound));
	return 0;
}


/* Fisher-Yates over ord[0..n), which holds the sections in ascending
 * link address (the nokaslr order): each position i from the top draws j
 * in [0, i]. */
static int shuffle(struct kb_karl *k, uint32_t *ord, unsigned int n,
		   int (*uniform)(void *, uint64_t, uint64_t *), void *ctx,
		   struct kb_diag *d)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 &&
		     k->sec[ord[j - 1]].old_addr > k->sec[ord[j]].old_addr; j--) {
			uint32_t t = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	for (unsigned int i = n; uniform && i > 1; i--) {
		uint64_t j;
		uint32_t t;
		int err = draw(uniform, ctx, i, &j, d);

		if (err)
			return err;
		t = ord[i - 1];
		ord[i - 1] = ord[j];
		ord[j] = t;
	}
	return 0;
}

/* Place ord[0..n) from cur (no bias), each after a gap drawn among the
 * multiples of its alignment in [0, max_gap]; returns the end. */
static int place(struct kb_karl *k, const uint32_t *ord, unsigned int n, uint64_t *cur,
		 uint64_t max_gap, uint64_t bias,
		 int (*uniform)(void *, uint64_t, uint64_t *), void *ctx, struct kb_diag *d)
{
	for (unsigned int i = 0; i < n; i++) {
		struct kb_karl_sec *c = &k->sec[ord[i]];
		uint64_t g = 0;
		int err;

		*cur = align_up(*cur, c->align);
		err = draw(uniform, ctx, max_gap / c->align + 1, &g, d);
		if (err)
			return err;
		c->gap = g * c->align;
		*cur += c->gap;
		c->new_addr = *cur + bias;
		*cur += c->size;	/* < LIMIT: sizes and gaps bounded above */
	}
	return 0;
}

/* How far a tail section at link address a moves (without the bias): the
 * text's growth and that of every data region that ends at or below it. */
static uint64_t tail_shift(const struct kb_karl *k, uint64_t a)
{
	uint64_t s = k->tail_delta;

	for (unsigned int c = 0; c < KB_KARL_NCLASS; c++)
		if (k->grp[c].n && k->grp[c].hi <= a)
			s += k->grp[c].grow;
	return s;
}

int kb_karl_layout(struct kb_karl *k, uint64_t max_gap, uint64_t bias,
		   int (*uniform)(void *ctx, uint64_t bound, uint64_t *out),
		   void *ctx, struct kb_diag *d)
{
	uint64_t maxalign = 4096, cur, tail_lo = UINT64_MAX, delta;
	int err;

	k->laid_out = false;
	if (k->link_end > LIMIT || max_gap > LIMIT / (k->nmove + k->ndata + 1u))
		return kb_diag_set(d, KB_ERANGE, "karl: image end 0x%llx or gap %llu too large",
				   H(k->link_end), H(max_gap));
	for (unsigned int i = 1; i < k->nsec; i++) {
		if (k->sec[i].kind == KB_KARL_OTHER)
			continue;
		if (k->sec[i].align > maxalign)
			maxalign = k->sec[i].align;
		if (k->sec[i].kind == KB_KARL_TAIL && k->sec[i].old_addr < tail_lo)
			tail_lo = k->sec[i].old_addr;
	}
	if (bias % maxalign)
		return kb_diag_set(d, KB_EALIGN, "karl: bias 0x%llx is not a multiple of 0x%llx",
				   H(bias), H(maxalign));
	if (bias > LIMIT - k->link_end)
		return kb_diag_set(d, KB_ERANGE, "karl: bias 0x%llx puts the image above 2^62",
				   H(bias));

	/* order[0..nmove): the function sections; then each data class's
	 * objects at order[grp.first..), in section-index order before the
	 * sort. */
	{
		unsigned int n = 0, nd[KB_KARL_NCLASS] = { 0 };

		for (unsigned int i = 1; i < k->nsec; i++) {
			const struct kb_karl_sec *c = &k->sec[i];

			if (c->kind == KB_KARL_MOVE)
				k->order[n++] = i;
			else if (c->kind == KB_KARL_DATA)
				k->order[k->grp[c->cls].first + nd[c->cls]++] = i;
		}
	}
	/* nokaslr: the link-time layout exactly, whatever padding the
	 * linker left between the sections. */
	err = shuffle(k, k->order, k->nmove, uniform, ctx, d);
	if (err)
		return err;
	cur = k->region;
	if (uniform) {
		err = place(k, k->order, k->nmove, &cur, max_gap, bias, uniform, ctx, d);
		if (err)
			return err;
	} else {
		for (unsigned int i = 0; i < k->nmove; i++) {
			k->sec[k->order[i]].gap = 0;
			k->sec[k->order[i]].new_addr = k->sec[k->order[i]].old_addr + bias;
		}
		cur = k->region_end;
	}
	k->tail_delta = 0;
	if (cur > k->region_end)
		k->tail_delta = align_up(cur - k->region_end, maxalign);
	/* The data regions, lowest first: each starts where its link-time
	 * start moved to (tail_delta and the growth of the regions below,
	 * multiples of maxalign: its alignment and its page boundary kept),
	 * its objects shuffled among themselves; what follows moves by its
	 * growth rounded up to maxalign. */
	delta = k->tail_delta;
	{
		unsigned int cls[KB_KARL_NCLASS] = { 0, 1, 2 };

		for (unsigned int a = 1; a < KB_KARL_NCLASS; a++)
			for (unsigned int b = a; b > 0 && k->grp[cls[b - 1]].lo > k->grp[cls[b]].lo; b--) {
				unsigned int t = cls[b];

				cls[b] = cls[b - 1];
				cls[b - 1] = t;
			}
		for (unsigned int a = 0; a < KB_KARL_NCLASS; a++) {
			struct kb_karl_group *g = &k->grp[cls[a]];
			uint32_t *ord = k->order + g->first;

			g->grow = 0;
			if (g->n == 0)
				continue;
			err = shuffle(k, ord, g->n, uniform, ctx, d);
			if (err)
				return err;
			cur = g->lo + delta;
			if (uniform) {
				err = place(k, ord, g->n, &cur, max_gap, bias, uniform, ctx, d);
				if (err)
					return err;
			} else {
				for (unsigned int i = 0; i < g->n; i++) {
					k->sec[ord[i]].gap = 0;
					k->sec[ord[i]].new_addr = k->sec[ord[i]].old_addr + delta + bias;
				}
			}
			if (cur > g->hi + delta)
				g->grow = align_up(cur - (g->hi + delta), maxalign);
			delta += g->grow;
		}
	}
	k->new_base = UINT64_MAX;
	k->new_end = 0;
	for (unsigned int i = 1; i < k->nsec; i++) {
		struct kb_karl_sec *c = &k->sec[i];

		if (c->kind == KB_KARL_HEAD)
			c->new_addr = c->old_addr + bias;
		else if (c->kind == KB_KARL_TAIL)
			c->new_addr = c->old_addr + tail_shift(k, c->old_addr) + bias;
		else if (c->kind != KB_KARL_MOVE && c->kind != KB_KARL_DATA)
			continue;
		if (c->new_addr < k->new_base)
			k->new_base = c->new_addr;
		if (c->new_addr + c->size > k->new_end)
			k->new_end = c->new_addr + c->size;
	}
	if (k->new_end > LIMIT)
		return kb_diag_set(d, KB_ERANGE, "karl: the shuffled image ends above 2^62");
	/* rv32: every address the relocations write is 32 bits wide. */
	if (k->elf32 && k->new_end > (UINT64_C(1) << 32))
		return kb_diag_set(d, KB_ERANGE,
				   "karl: the shuffled image 0x%llx-0x%llx ends above 4 GiB (an ELF32 payload)",
				   H(k->new_base), H(k->new_end));
	k->bias = bias;
	k->max_gap = max_gap;
	k->laid_out = true;
	return 0;
}

uint64_t kb_karl_max_footprint(const struct kb_karl *k, uint64_t max_gap)
{
	uint64_t maxalign = 4096, grow = 0;
	unsigned int rounds = 1;

	if (k->link_end > LIMIT || max_gap > LIMIT / (k->nmove + k->ndata + 1u))
		return UINT64_MAX;
	for (unsigned int c = 0; c < KB_KARL_NCLASS; c++)
		rounds += k->grp[c].n != 0;
	for (unsigned int i = 1; i < k->nsec; i++) {
		const struct kb_karl_sec *c = &k->sec[i];

		if (c->kind == KB_KARL_OTHER)
			continue;
		if (c->align > maxalign)
			maxalign = c->align;
		/* alignment padding before it, then its gap */
		if (c->kind == KB_KARL_MOVE || c->kind == KB_KARL_DATA)
			grow += c->align - 1 + max_gap;
	}
	/* The regions grow by at most `grow` in all; each region's growth
	 * is rounded up to maxalign (the text and each data class).  Every
	 * term < 2^62 + 2^62. */
	return k->link_end - k->link_base + grow + maxalign * rounds;
}

/* log2(x) in Q16 for x >= 1: the integer part, then 16 fraction bits by
 * squaring the mantissa (Q1.31). */
static uint64_t log2_q16(uint64_t x)
{
	uint64_t r = 0, m;
	unsigned int e = 63 - (unsigned int)__builtin_clzll(x);

	r = (uint64_t)e << 16;
	m = e >= 31 ? x >> (e - 31) : x << (31 - e);	/* [2^31, 2^32) */
	for (unsigned int b = 15; b < 16; b--) {
		m = (m * m) >> 31;
		if (m >= (UINT64_C(2) << 31)) {
			m >>= 1;
			r |= UINT64_C(1) << b;
		}
	}
	return r;
}

uint64_t kb_karl_entropy_q16(const struct kb_karl *k, uint64_t max_gap)
{
	uint64_t bits = 0;

	for (uint64_t i = 2; i <= k->nmove; i++)
		bits += log2_q16(i);
	for (unsigned int c = 0; c < KB_KARL_NCLASS; c++)
		for (uint64_t i = 2; i <= k->grp[c].n; i++)
			bits += log2_q16(i);
	for (unsigned int i = 1; i < k->nsec; i++)
		if (k->sec[i].kind == KB_KARL_MOVE || k->sec[i].kind == KB_KARL_DATA)
			bits += log2_q16(max_gap / k->sec[i].align + 1);
	return bits;
}

/* ---- memory lock (PMP on the M-mode boards) ---------------------------- */

#define SHF_WRITE	1
#define SHF_EXECINSTR	4

static unsigned int lock_class(uint64_t flags)
{
	return (flags & SHF_EXECINSTR) ? 0 : (flags & SHF_WRITE) ? 2 : 1;
}

int kb_karl_ranges(const struct kb_karl *k, struct kb_karl_range r[3], unsigned int *n,
		   struct kb_diag *d)
{
	static const uint32_t perm[3] = { KB_KARL_R | KB_KARL_X, KB_KARL_R, KB_KARL_R | KB_KARL_W };
	static const char *const what[3] = { "text", "rodata", "data" };
	uint64_t lo[3] = { UINT64_MAX, UINT64_MAX, UINT64_MAX }, hi[3] = { 0, 0, 0 };

	*n = 0;
	if (!k->laid_out)
		return kb_diag_set(d, KB_EINVAL, "karl: no layout to lock");
	for (unsigned int i = 1; i < k->nsec; i++) {
		const struct kb_karl_sec *c = &k->sec[i];
		uint64_t flags = fld(k, shdr(k, i), SH_FLAGS);
		unsigned int cl = lock_class(flags);

		if (c->kind == KB_KARL_OTHER || c->size == 0)
			continue;
		if ((flags & SHF_WRITE) && (flags & SHF_EXECINSTR))
			return kb_diag_set(d, KB_ENOTSUP,
					   "karl: section %s is writable and executable: it cannot be locked",
					   kb_karl_name(k, i));
		lo[cl] = c->new_addr < lo[cl] ? c->new_addr : lo[cl];
		hi[cl] = c->new_addr + c->size > hi[cl] ? c->new_addr + c->size : hi[cl];
	}
	/* Each class is locked as one range, its hull: the gaps between the
	 * shuffled functions are inside the text's (zeroed by
	 * kb_karl_apply).  A section of another class inside a hull would
	 * take that class's permissions: refused. */
	for (unsigned int i = 1; i < k->nsec; i++) {
		const struct kb_karl_sec *c = &k->sec[i];
		unsigned int cl = lock_class(fld(k, shdr(k, i), SH_FLAGS));

		if (c->kind == KB_KARL_OTHER || c->size == 0)
			continue;
		for (unsigned int o = 0; o < 3; o++)
			if (o != cl && c->new_addr < hi[o] && lo[o] < c->new_addr + c->size)
				return kb_diag_set(d, KB_EOVERLAP,
						   "karl: section %s (%s) lies inside the %s range 0x%llx-0x%llx: it cannot be locked apart",
						   kb_karl_name(k, i), what[cl], what[o], H(lo[o]), H(hi[o]));
	}
	for (unsigned int o = 0; o < 3; o++) {
		if (hi[o] == 0)
			continue;
		r[*n].start = lo[o];
		r[*n].end = hi[o];
		r[*n].perm = perm[o];
		r[*n].what = what[o];
		(*n)++;
	}
	return 0;
}

/* ---- relocations ----------------------------------------------------- */

struct rel {
	uint64_t off;		/* r_offset (link-time) */
	uint32_t type, sym;
	int64_t addend;
};

static void rela_at(const struct kb_karl *k, uint64_t tab, uint64_t i, struct rel *r)
{
	const uint8_t *p = k->file + tab + i * RELA_SIZE;

	if (k->elf32) {		/* Elf32_Rela: r_info = sym << 8 | type */
		uint32_t info = (uint32_t)rd(p + 4, 4);

		r->off = rd(p, 4);
		r->type = info & 0xff;
		r->sym = info >> 8;
		r->addend = (int32_t)(uint32_t)rd(p + 8, 4);
		return;
	}
	{
		uint64_t info = rd(p + 8, 8);

		r->off = rd(p, 8);
		r->type = (uint32_t)info;
		r->sym = (uint32_t)(info >> 32);
		r->addend = (int64_t)rd(p + 16, 8);
	}
}

/* The new address of a symbol: its section moved, so does it. */
static int sym_value(const struct kb_karl *k, uint32_t sym, uint64_t *oldv,
		     uint64_t *newv, const char *rs, uint64_t i, struct kb_diag *d)
{
	const uint8_t *s = shdr(k, k->symtab);
	uint64_t off = fld(k, s, SH_OFFSET), n = fld(k, s, SH_SIZE) / SYM_SIZE;
	const uint8_t *e;
	uint64_t v;
	unsigned int shndx;

	if (sym == 0 || sym >= n)
		return kb_diag_set(d, KB_EINVAL, "karl: %s relocation %llu: symbol %u out of range",
				   rs, H(i), (unsigned int)sym);
	e = k->file + off + (uint64_t)sym * SYM_SIZE;
	shndx = (unsigned int)fld(k, e, ST_SHNDX);
	v = fld(k, e, ST_VALUE);
	*oldv = v;
	if (shndx == SHN_ABS) {
		*newv = v;
		return 0;
	}
	if (shndx == SHN_UNDEF)
		return kb_diag_set(d, KB_EINVAL, "karl: %s relocation %llu: symbol %u is undefined",
				   rs, H(i), (unsigned int)sym);
	if (shndx >= k->nsec || shndx >= SHN_LORESERVE ||
	    k->sec[shndx].kind == KB_KARL_OTHER)
		return kb_diag_set(d, KB_EINVAL,
				   "karl: %s relocation %llu: symbol %u is in no loaded section",
				   rs, H(i), (unsigned int)sym);
	if (v < k->sec[shndx].old_addr || v - k->sec[shndx].old_addr > k->sec[shndx].size)
		return kb_diag_set(d, KB_EINVAL,
				   "karl: %s relocation %llu: symbol %u at 0x%llx is outside its section %s",
				   rs, H(i), (unsigned int)sym, H(v), kb_karl_name(k, shndx));
	*newv = v - k->sec[shndx].old_addr + k->sec[shndx].new_addr;
	return 0;
}

static bool fits_signed(int64_t v, unsigned int bits)
{
	int64_t lim = (int64_t)1 << (bits - 1);

	return v >= -lim && v < lim;
}

/* Immediate encoders: the instruction with its immediate bits replaced. */
static uint32_t enc_u(uint32_t insn, uint32_t hi20)
{
	return (insn & 0xfff) | (hi20 << 12);
}

static uint32_t enc_i(uint32_t insn, uint32_t lo12)
{
	return (insn & 0xfffff) | ((lo12 & 0xfff) << 20);
}

static uint32_t enc_s(uint32_t insn, uint32_t lo12)
{
	return (insn & 0x01fff07f) | (((lo12 >> 5) & 0x7f) << 25) | ((lo12 & 0x1f) << 7);
}

static uint32_t enc_b(uint32_t insn, uint32_t o)
{
	return (insn & 0x01fff07f) | (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) |
	       (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7);
}

static uint32_t enc_j(uint32_t insn, uint32_t o)
{
	return (insn & 0xfff) | (((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) |
	       (((o >> 11) & 1) << 20) | (((o >> 12) & 0xff) << 12);
}

static uint16_t enc_cb(uint16_t insn, uint32_t o)
{
	return (uint16_t)((insn & 0xe383) | (((o >> 8) & 1) << 12) | (((o >> 3) & 3) << 10) |
			  (((o >> 6) & 3) << 5) | (((o >> 1) & 3) << 3) | (((o >> 5) & 1) << 2));
}

static uint16_t enc_cj(uint16_t insn, uint32_t o)
{
	return (uint16_t)((insn & 0xe003) | (((o >> 11) & 1) << 12) | (((o >> 4) & 1) << 11) |
			  (((o >> 8) & 3) << 9) | (((o >> 10) & 1) << 8) | (((o >> 6) & 1) << 7) |
			  (((o >> 7) & 1) << 6) | (((o >> 1) & 7) << 3) | (((o >> 5) & 1) << 2));
}

/* hi20/lo12 of a 32-bit pc-relative or absolute value (lo12 sign-extended,
 * so hi20 rounds). */
static uint32_t hi20(int64_t v)
{
	return (uint32_t)(((uint64_t)v + 0x800) >> 12) & 0xfffff;
}

/* rv64 only: on rv32 (ELF32) lui/auipc + 12 bits compute modulo 2^32 and
 * reach every address (GNU ld's elf32 checks no overflow for these), so an
 * ELF32 payload's value is taken modulo 2^32: its image lies below 2^32
 * (kb_karl_layout), the low 32 bits are exact. */
static bool fits_hi_lo(int64_t v)
{
	/* auipc/lui + 12-bit signed: [-2^31 - 2^11, 2^31 - 2^11). */
	return v >= -(INT64_C(1) << 31) - 0x800 && v < (INT64_C(1) << 31) - 0x800;
}

struct ctx {
	const struct kb_karl *k;
	uint8_t *out;		/* NULL: validate only */
	unsigned int rs;	/* the relocation section */
	unsigned int tgt;	/* its target section */
	uint64_t tab, n;	/* its entries */
};

/* The PCREL_HI20 a PCREL_LO12 at index i refers to: the entry of the same
 * section whose place is the LO12's S + A (the HI20's label).  Searched
 * backwards first (the usual case: just before), then forwards. */
static int find_hi20(const struct ctx *c, uint64_t i, uint64_t label, struct rel *hi,
		     struct kb_diag *d)
{
	const struct kb_karl *k = c->k;

	for (uint64_t j = i; j-- > 0;) {
		rela_at(k, c->tab, j, hi);
		if (hi->off == label && hi->type == R_RISCV_PCREL_HI20)
			return 0;
	}
	for (uint64_t j = i + 1; j < c->n; j++) {
		rela_at(k, c->tab, j, hi);
		if (hi->off == label && hi->type == R_RISCV_PCREL_HI20)
			return 0;
	}
	return kb_diag_set(d, KB_EINVAL,
			   "karl: %s relocation %llu: PCREL_LO12 label 0x%llx has no PCREL_HI20",
			   kb_karl_name(k, c->rs), H(i), H(label));
}

static int one(const struct ctx *c, uint64_t i, struct kb_diag *d)
{
	const struct kb_karl *k = c->k;
	const struct kb_karl_sec *t = &k->sec[c->tgt];
	const char *rs = kb_karl_name(k, c->rs);
	struct rel r;
	uint64_t so, sn, pnew, place, width;
	const uint8_t *src;
	uint8_t *dst;
	int64_t v = 0;
	uint32_t insn = 0;
	int err;

	rela_at(k, c->tab, i, &r);
	switch (r.type) {
	case R_RISCV_NONE:
		return 0;
	case R_RISCV_RELAX:
	case R_RISCV_ALIGN:
		return kb_diag_set(d, KB_ENOTSUP,
				   "karl: %s relocation %llu: R_RISCV_%s: the payload was built for linker relaxation (use -mno-relax, --no-relax)",
				   rs, H(i), r.type == R_RISCV_RELAX ? "RELAX" : "ALIGN");
	case R_RISCV_32: case R_RISCV_PCREL_LO12_I: case R_RISCV_PCREL_LO12_S:
	case R_RISCV_HI20: case R_RISCV_LO12_I: case R_RISCV_LO12_S:
	case R_RISCV_ADD32: case R_RISCV_SUB32: case R_RISCV_BRANCH: case R_RISCV_JAL:
	case R_RISCV_PCREL_HI20:
		width = 4;
		break;
	case R_RISCV_64: case R_RISCV_CALL: case R_RISCV_CALL_PLT:
		width = 8;
		break;
	case R_RISCV_RVC_BRANCH: case R_RISCV_RVC_JUMP:
		width = 2;
		break;
	default:
		return kb_diag_set(d, KB_ENOTSUP, "karl: %s relocation %llu: type %u is not supported",
				   rs, H(i), (unsigned int)r.type);
	}
	if (r.off < t->old_addr || r.off - t->old_addr > t->size ||
	    width > t->size - (r.off - t->old_addr))
		return kb_diag_set(d, KB_EINVAL,
				   "karl: %s relocation %llu at 0x%llx is outside section %s",
				   rs, H(i), H(r.off), kb_karl_name(k, c->tgt));
	place = r.off - t->old_addr;
	pnew = t->new_addr + place;
	src = k->file + fld(k, shdr(k, c->tgt), SH_OFFSET) + place;
	dst = c->out ? c->out + (pnew - k->new_base) : NULL;
	/* Instructions are read from the output (already copied, maybe
	 * already patched by an earlier entry at the same place: ADD/SUB
	 * pairs) when writing, from the file when validating. */
	if (width == 2)
		insn = (uint32_t)rd(dst ? dst : src, 2);
	else
		insn = (uint32_t)rd(dst ? dst : src, 4);

	err = sym_value(k, r.sym, &so, &sn, rs, i, d);
	if (err)
		return err;

	switch (r.type) {
	case R_RISCV_64:
		if (k->elf32)
			return kb_diag_set(d, KB_EINVAL, "karl: %s relocation %llu: R_RISCV_64 in an ELF32 payload",
					   rs, H(i));
		if (dst)
			wr(dst, sn + (uint64_t)r.addend, 8);
		return 0;
	case R_RISCV_32: {
		uint64_t a = sn + (uint64_t)r.addend;

		if (a > UINT32_MAX && !fits_signed((int64_t)a, 32))
			return kb_diag_set(d, KB_ERANGE, "karl: %s relocation %llu: R_RISCV_32 value 0x%llx does not fit",
					   rs, H(i), H(a));
		if (dst)
			wr(dst, a, 4);
		return 0;
	}
	case R_RISCV_ADD32:
	case R_RISCV_SUB32: {
		/* In place: the word holds (something) + S_old + A; it must
		 * hold (something) + S_new + A (SUB: minus).  32-bit
		 * arithmetic wraps, as the linker's does. */
		uint32_t w = (uint32_t)rd(dst ? dst : src, 4);
		uint32_t delta = (uint32_t)(sn - so);

		if (dst)
			wr(dst, r.type == R_RISCV_ADD32 ? w + delta : w - delta, 4);
		return 0;
	}
	case R_RISCV_HI20:
	case R_RISCV_LO12_I:
	case R_RISCV_LO12_S:
		v = (int64_t)(sn + (uint64_t)r.addend);
		if (!k->elf32 && !fits_hi_lo(v))
			return kb_diag_set(d, KB_ERANGE, "karl: %s relocation %llu: absolute address 0x%llx out of lui range",
					   rs, H(i), H(v));
		if (r.type == R_RISCV_HI20) {
			if ((insn & 0x7f) != 0x37)
				goto badop;
			insn = enc_u(insn, hi20(v));
		} else if (r.type == R_RISCV_LO12_I) {
			insn = enc_i(insn, (uint32_t)v);
		} else {
			insn = enc_s(insn, (uint32_t)v);
		}
		break;
	case R_RISCV_PCREL_LO12_I:
	case R_RISCV_PCREL_LO12_S: {
		struct rel hi;
		uint64_t hso, hsn, hp;
		const struct kb_karl_sec *hs;

		err = find_hi20(c, i, so + (uint64_t)r.addend, &hi, d);
		if (err)
			return err;
		err = sym_value(k, hi.sym, &hso, &hsn, rs, i, d);
		if (err)
			return err;
		(void)hso;
		hs = t;	/* same relocation section: same target section */
		hp = hs->new_addr + (hi.off - hs->old_addr);
		v = (int64_t)(hsn + (uint64_t)hi.addend - hp);
		if (!k->elf32 && !fits_hi_lo(v))
			return kb_diag_set(d, KB_ERANGE, "karl: %s relocation %llu: pc-relative offset %lld out of auipc range",
					   rs, H(i), (long long)v);
		insn = r.type == R_RISCV_PCREL_LO12_I ? enc_i(insn, (uint32_t)v) :
						      enc_s(insn, (uint32_t)v);
		break;
	}
	case R_RISCV_PCREL_HI20:
	case R_RISCV_CALL:
	case R_RISCV_CALL_PLT:
		v = (int64_t)(sn + (uint64_t)r.addend - pnew);
		if (!k->elf32 && !fits_hi_lo(v))
			return kb_diag_set(d, KB_ERANGE, "karl: %s relocation %llu: pc-relative offset %lld out of auipc range",
					   rs, H(i), (long long)v);
		if ((insn & 0x7f) != 0x17)
			goto badop;
		if (r.type != R_RISCV_PCREL_HI20) {
			uint32_t jalr = (uint32_t)rd((dst ? dst : src) + 4, 4);

			if ((jalr & 0x707f) != 0x67)
				goto badop;
			if (dst)
				wr(dst + 4, enc_i(jalr, (uint32_t)v), 4);
		}
		insn = enc_u(insn, hi20(v));
		break;
	case R_RISCV_BRANCH:
	case R_RISCV_JAL:
	case R_RISCV_RVC_BRANCH:
	case R_RISCV_RVC_JUMP: {
		static const unsigned int bits[] = { 13, 21, 9, 12 };
		unsigned int b = bits[r.type == R_RISCV_BRANCH ? 0 : r.type == R_RISCV_JAL ? 1 :
				      r.type == R_RISCV_RVC_BRANCH ? 2 : 3];

		v = (int64_t)(sn + (uint64_t)r.addend - pnew);
		if (!fits_signed(v, b) || (v & 1))
			return kb_diag_set(d, KB_ERANGE,
					   "karl: %s relocation %llu: branch offset %lld out of range (%u bits) after the shuffle",
					   rs, H(i), (long long)v, b);
		if (r.type == R_RISCV_BRANCH) {
			if ((insn & 0x7f) != 0x63)
				goto badop;
			insn = enc_b(insn, (uint32_t)v);
		} else if (r.type == R_RISCV_JAL) {
			if ((insn & 0x7f) != 0x6f)
				goto badop;
			insn = enc_j(insn, (uint32_t)v);
		} else if (r.type == R_RISCV_RVC_BRANCH) {
			if ((insn & 3) != 1 || ((insn >> 13) & 7) < 6)
				goto badop;
			insn = enc_cb((uint16_t)insn, (uint32_t)v);
		} else {
			if ((insn & 3) != 1 || (((insn >> 13) & 7) != 5 && ((insn >> 13) & 7) != 1))
				goto badop;
			insn = enc_cj((uint16_t)insn, (uint32_t)v);
		}
		break;
	}
	}
	if (dst)
		wr(dst, insn, width == 2 ? 2 : 4);
	return 0;
badop:
	return kb_diag_set(d, KB_EINVAL,
			   "karl: %s relocation %llu (type %u) at 0x%llx: instruction 0x%x is not what the type patches",
			   rs, H(i), (unsigned int)r.type, H(r.off), (unsigned int)insn);
}

/* ---- AArch64 (ELF for the Arm 64-bit Architecture, "Static relocations")
 *
 * One table row per type: what the value is (X = S + A, X - P, or
 * Page(X) - Page(P)), its signed range in bits (0: not checked, the _NC
 * forms), the low bits that must be zero (the scaled forms: the shift
 * that drops them), where the field sits in the 32-bit instruction (or a
 * data word of `width` bytes), and the one or two instruction shapes the
 * type may patch (mask/match).  Every row is checked, then written. */

#define R_AARCH64_NONE_0		0
#define R_AARCH64_NONE			256
#define R_AARCH64_ABS64			257
#define R_AARCH64_ABS32			258
#define R_AARCH64_ABS16			259
#define R_AARCH64_PREL64		260
#define R_AARCH64_PREL32		261
#define R_AARCH64_PREL16		262
#define R_AARCH64_LD_PREL_LO19		273
#define R_AARCH64_ADR_PREL_LO21		274
#define R_AARCH64_ADR_PREL_PG_HI21	275
#define R_AARCH64_ADR_PREL_PG_HI21_NC	276
#define R_AARCH64_ADD_ABS_LO12_NC	277
#define R_AARCH64_LDST8_ABS_LO12_NC	278
#define R_AARCH64_TSTBR14		279
#define R_AARCH64_CONDBR19		280
#define R_AARCH64_JUMP26		282
#define R_AARCH64_CALL26		283
#define R_AARCH64_LDST16_ABS_LO12_NC	284
#define R_AARCH64_LDST32_ABS_LO12_NC	285
#define R_AARCH64_LDST64_ABS_LO12_NC	286
#define R_AARCH64_LDST128_ABS_LO12_NC	299

enum a64_val {
	A64_ABS,	/* S + A */
	A64_PREL,	/* S + A - P */
	A64_PAGE,	/* Page(S + A) - Page(P), Page(x) = x & ~0xfff */
	A64_LO12,	/* (S + A) & 0xfff */
};

enum a64_field {
	A64_DATA,	/* the whole little-endian word of `width` bytes */
	A64_IMM,	/* bits [lsb, lsb + len) of the instruction */
	A64_ADR,	/* ADR/ADRP: immlo bits 29-30, immhi bits 5-23 */
};

struct a64_type {
	uint16_t type;
	uint8_t val, field;
	uint8_t width;		/* bytes patched */
	uint8_t bits;		/* signed range of the value (0: none; data: see below) */
	uint8_t shift;		/* value >> shift is encoded; its low bits must be 0 */
	uint8_t lsb, len;	/* A64_IMM */
	uint32_t mask, match, mask2, match2;	/* instruction shapes (mask 0: data) */
	const char *name;
};

/* Data words (bits = 8 * width) take the ABI's range [-2^(N-1), 2^N):
 * signed or unsigned. */
static const struct a64_type a64_types[] = {
	{ R_AARCH64_ABS64, A64_ABS, A64_DATA, 8, 0, 0, 0, 0, 0, 0, 0, 0, "ABS64" },
	{ R_AARCH64_ABS32, A64_ABS, A64_DATA, 4, 32, 0, 0, 0, 0, 0, 0, 0, "ABS32" },
	{ R_AARCH64_ABS16, A64_ABS, A64_DATA, 2, 16, 0, 0, 0, 0, 0, 0, 0, "ABS16" },
	{ R_AARCH64_PREL64, A64_PREL, A64_DATA, 8, 0, 0, 0, 0, 0, 0, 0, 0, "PREL64" },
	{ R_AARCH64_PREL32, A64_PREL, A64_DATA, 4, 32, 0, 0, 0, 0, 0, 0, 0, "PREL32" },
	{ R_AARCH64_PREL16, A64_PREL, A64_DATA, 2, 16, 0, 0, 0, 0, 0, 0, 0, "PREL16" },
	/* LDR (literal), PRFM (literal) */
	{ R_AARCH64_LD_PREL_LO19, A64_PREL, A64_IMM, 4, 21, 2, 5, 19,
	  0x3b000000, 0x18000000, 0, 1, "LD_PREL_LO19" },
	{ R_AARCH64_ADR_PREL_LO21, A64_PREL, A64_ADR, 4, 21, 0, 0, 0,
	  0x9f000000, 0x10000000, 0, 1, "ADR_PREL_LO21" },
	{ R_AARCH64_ADR_PREL_PG_HI21, A64_PAGE, A64_ADR, 4, 33, 12, 0, 0,
	  0x9f000000, 0x90000000, 0, 1, "ADR_PREL_PG_HI21" },
	{ R_AARCH64_ADR_PREL_PG_HI21_NC, A64_PAGE, A64_ADR, 4, 0, 12, 0, 0,
	  0x9f000000, 0x90000000, 0, 1, "ADR_PREL_PG_HI21_NC" },
	/* ADD (immediate), 32 or 64 bits, no shift */
	{ R_AARCH64_ADD_ABS_LO12_NC, A64_LO12, A64_IMM, 4, 0, 0, 10, 12,
	  0x7fc00000, 0x11000000, 0, 1, "ADD_ABS_LO12_NC" },
	/* LDR/STR/PRFM (immediate, unsigned offset), any register class */
	{ R_AARCH64_LDST8_ABS_LO12_NC, A64_LO12, A64_IMM, 4, 0, 0, 10, 12,
	  0x3b000000, 0x39000000, 0, 1, "LDST8_ABS_LO12_NC" },
	{ R_AARCH64_LDST16_ABS_LO12_NC, A64_LO12, A64_IMM, 4, 0, 1, 10, 12,
	  0x3b000000, 0x39000000, 0, 1, "LDST16_ABS_LO12_NC" },
	{ R_AARCH64_LDST32_ABS_LO12_NC, A64_LO12, A64_IMM, 4, 0, 2, 10, 12,
	  0x3b000000, 0x39000000, 0, 1, "LDST32_ABS_LO12_NC" },
	{ R_AARCH64_LDST64_ABS_LO12_NC, A64_LO12, A64_IMM, 4, 0, 3, 10, 12,
	  0x3b000000, 0x39000000, 0, 1, "LDST64_ABS_LO12_NC" },
	{ R_AARCH64_LDST128_ABS_LO12_NC, A64_LO12, A64_IMM, 4, 0, 4, 10, 12,
	  0x3b000000, 0x39000000, 0, 1, "LDST128_ABS_LO12_NC" },
	/* TBZ/TBNZ */
	{ R_AARCH64_TSTBR14, A64_PREL, A64_IMM, 4, 16, 2, 5, 14,
	  0x7e000000, 0x36000000, 0, 1, "TSTBR14" },
	/* B.cond; CBZ/CBNZ */
	{ R_AARCH64_CONDBR19, A64_PREL, A64_IMM, 4, 21, 2, 5, 19,
	  0xff000010, 0x54000000, 0x7e000000, 0x34000000, "CONDBR19" },
	/* B, BL (either: tail calls are B with JUMP26, calls BL with CALL26) */
	{ R_AARCH64_JUMP26, A64_PREL, A64_IMM, 4, 28, 2, 0, 26,
	  0x7c000000, 0x14000000, 0, 1, "JUMP26" },
	{ R_AARCH64_CALL26, A64_PREL, A64_IMM, 4, 28, 2, 0, 26,
	  0x7c000000, 0x14000000, 0, 1, "CALL26" },
};

static const struct a64_type *a64_type_of(uint32_t type)
{
	for (unsigned int i = 0; i < sizeof(a64_types) / sizeof(a64_types[0]); i++)
		if (a64_types[i].type == type)
			return &a64_types[i];
	return NULL;
}

static int one_a64(const struct ctx *c, uint64_t i, struct kb_diag *d)
{
	const struct kb_karl *k = c->k;
	const struct kb_karl_sec *t = &k->sec[c->tgt];
	const char *rs = kb_karl_name(k, c->rs);
	const struct a64_type *ty;
	struct rel r;
	uint64_t so, sn, pnew, place, x;
	const uint8_t *src;
	uint8_t *dst;
	int64_t v;
	uint32_t insn, imm;
	int err;

	rela_at(k, c->tab, i, &r);
	if (r.type == R_AARCH64_NONE_0 || r.type == R_AARCH64_NONE)
		return 0;
	ty = a64_type_of(r.type);
	if (!ty)
		return kb_diag_set(d, KB_ENOTSUP,
				   "karl: %s relocation %llu: AArch64 type %u is not supported",
				   rs, H(i), (unsigned int)r.type);
	if (r.off < t->old_addr || r.off - t->old_addr > t->size ||
	    ty->width > t->size - (r.off - t->old_addr))
		return kb_diag_set(d, KB_EINVAL,
				   "karl: %s relocation %llu at 0x%llx is outside section %s",
				   rs, H(i), H(r.off), kb_karl_name(k, c->tgt));
	place = r.off - t->old_addr;
	pnew = t->new_addr + place;
	src = k->file + fld(k, shdr(k, c->tgt), SH_OFFSET) + place;
	dst = c->out ? c->out + (pnew - k->new_base) : NULL;
	err = sym_value(k, r.sym, &so, &sn, rs, i, d);
	if (err)
		return err;
	x = sn + (uint64_t)r.addend;
	switch (ty->val) {
	case A64_ABS:	v = (int64_t)x; break;
	case A64_PREL:	v = (int64_t)(x - pnew); break;
	case A64_PAGE:	v = (int64_t)((x & ~UINT64_C(0xfff)) - (pnew & ~UINT64_C(0xfff))); break;
	default:	v = (int64_t)(x & 0xfff); break;
	}

	if (ty->field == A64_DATA) {
		/* [-2^(N-1), 2^N): fits as a signed or an unsigned N-bit word */
		if (ty->bits && !fits_signed(v, ty->bits) &&
		    !(v >= 0 && (uint64_t)v < (UINT64_C(1) << ty->bits)))
			return kb_diag_set(d, KB_ERANGE,
					   "karl: %s relocation %llu: R_AARCH64_%s value 0x%llx does not fit in %u bits",
					   rs, H(i), ty->name, H(v), ty->bits);
		if (dst)
			wr(dst, (uint64_t)v, ty->width);
		return 0;
	}
	insn = (uint32_t)rd(dst ? dst : src, 4);
	if ((insn & ty->mask) != ty->match && (insn & ty->mask2) != ty->match2)
		return kb_diag_set(d, KB_EINVAL,
				   "karl: %s relocation %llu (R_AARCH64_%s) at 0x%llx: instruction 0x%x is not what the type patches",
				   rs, H(i), ty->name, H(r.off), (unsigned int)insn);
	if (ty->val == A64_LO12 && (x & ((UINT64_C(1) << ty->shift) - 1)))
		return kb_diag_set(d, KB_EALIGN,
				   "karl: %s relocation %llu: R_AARCH64_%s target 0x%llx is not %u-byte aligned",
				   rs, H(i), ty->name, H(x), 1u << ty->shift);
	if (ty->val == A64_PREL && (v & ((INT64_C(1) << ty->shift) - 1)))
		return kb_diag_set(d, KB_EALIGN,
				   "karl: %s relocation %llu: R_AARCH64_%s offset %lld is not a multiple of %u",
				   rs, H(i), ty->name, (long long)v, 1u << ty->shift);
	if (ty->bits && !fits_signed(v, ty->bits))
		return kb_diag_set(d, KB_ERANGE,
				   "karl: %s relocation %llu: R_AARCH64_%s offset %lld out of range (%u bits) after the shuffle",
				   rs, H(i), ty->name, (long long)v, ty->bits);
	imm = (uint32_t)((uint64_t)v >> ty->shift);
	if (ty->field == A64_ADR)
		insn = (insn & ~UINT32_C(0x60ffffe0)) | ((imm & 3) << 29) |
		       (((imm >> 2) & 0x7ffff) << 5);
	else
		insn = (insn & ~(((UINT32_C(1) << ty->len) - 1) << ty->lsb)) |
		       ((imm & ((UINT32_C(1) << ty->len) - 1)) << ty->lsb);
	if (dst)
		wr(dst, insn, 4);
	return 0;
}

static int pass(const struct kb_karl *k, uint8_t *out, struct kb_diag *d)
{
	for (unsigned int i = 1; i < k->nsec; i++) {
		const uint8_t *s = shdr(k, i);
		struct ctx c = { .k = k, .out = out, .rs = i };
		int err;

		if (fld(k, s, SH_TYPE) != SHT_RELA)
			continue;
		c.tgt = (unsigned int)fld(k, s, SH_INFO);
		if (k->sec[c.tgt].kind == KB_KARL_OTHER)
			continue;
		c.tab = fld(k, s, SH_OFFSET);
		c.n = fld(k, s, SH_SIZE) / RELA_SIZE;
		for (uint64_t j = 0; j < c.n; j++) {
			err = k->machine == EM_AARCH64 ? one_a64(&c, j, d) : one(&c, j, d);
			if (err)
				return err;
		}
	}
	return 0;
}

int kb_karl_apply(const struct kb_karl *k, void *out, uint64_t out_len,
		  struct kb_diag *d)
{
	uint8_t *o = out;
	int err;

	if (!k->laid_out)
		return kb_diag_set(d, KB_EINVAL, "karl: no layout chosen");
	if (out_len < k->new_end - k->new_base)
		return kb_diag_set(d, KB_ENOSPC, "karl: image needs %llu bytes, buffer has %llu",
				   H(k->new_end - k->new_base), H(out_len));
	err = pass(k, NULL, d);
	if (err)
		return err;
	memset(o, 0, k->new_end - k->new_base);
	for (unsigned int i = 1; i < k->nsec; i++) {
		const struct kb_karl_sec *c = &k->sec[i];

		if (c->kind == KB_KARL_OTHER || c->nobits || c->size == 0)
			continue;
		memcpy(o + (c->new_addr - k->new_base), k->file + fld(k, shdr(k, i), SH_OFFSET), c->size);
	}
	return pass(k, o, d);
}
