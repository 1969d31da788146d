// SPDX-License-Identifier: BSD-2-Clause
/*
 * arm64 identity map (CONFIG_ARM64_MMU): the loader runs with the MMU,
 * D-cache and I-cache on from kb_arch_start() to the handoff stub, as
 * U-Boot does, so that copying and hashing the payload run on cached RAM
 * and picolibc's optimized string routines (unaligned accesses, DC ZVA:
 * both fault on Device memory, which is what every access is with the MMU
 * off) can be used.
 *
 * Memory types (MAIR index):
 *   0  Device-nGnRnE, execute-never: everything that is not below; MMIO
 *      (PL011, virtio-mmio, ...) and reserved-memory marked no-map (never
 *      accessed, and Device is never accessed speculatively);
 *   1  Normal write-back read/write-allocate, inner shareable: every
 *      memory node, as Linux maps RAM;
 *   2  Normal non-cacheable, read-only, execute-never: the payload's flash
 *      window (CONFIG_PAYLOAD_ADDR) where it is not RAM.  Not Device,
 *      because picolibc's memcpy reads it with unaligned loads; not
 *      cacheable, because the loader reads each flash byte exactly once
 *      (nothing to gain from caching it) and so leaves no line of the flash
 *      in the caches for the kernel to meet through a mapping of its own
 *      (the MTD driver maps flash as Device, and reprograms it).  Reads of
 *      flash in read-array mode have no side effects, so the speculative
 *      reads Normal memory allows are harmless; read-only, so a stray write
 *      faults instead of sending a command to the flash.
 *
 * Layout: 4 KiB granule, input address size = the physical address size
 * from ID_AA64MMFR0_EL1.PARange (at most 48 bits), identity mapped, blocks
 * as large as possible (1 GiB, 2 MiB, 4 KiB pages at the edges).  The
 * first 512 GiB are all mapped (Device unless said otherwise above); above
 * that, the 512 GiB slots that hold RAM.  The tables are a fixed pool in
 * the loader's .bss (CONFIG_ARM64_MMU_TABLES pages): the handoff wipes them
 * with the rest of the loader.
 *
 * Two stages, because the RAM is known only from the device tree:
 *   kb_mmu_early()  first thing in C, before anything reads the tree: the
 *                   loader's own image and the 2 MiB block(s) the tree may
 *                   occupy are RAM (booting.rst: "the dtb will be mapped
 *                   cacheable using blocks of up to 2 megabytes", so those
 *                   blocks are RAM and carry no special attributes), the
 *                   rest of the first 512 GiB Device; the MMU goes on;
 *   kb_mmu_map()    after step 2 (kb_arch_memory_map()): every memory node
 *                   RAM, the flash window, no-map reservations Device.
 *                   Entries that change are replaced break-before-make
 *                   (invalid, TLB invalidated, then the new entry), and a
 *                   block that must be split is replaced by a complete
 *                   table built aside first.  Nothing the loader is using
 *                   at that moment changes: its own image was RAM already.
 *
 * Part of this runs with the MMU off, where every access is Device memory:
 * it calls nothing outside this file (no C library, not even an implicit
 * memset: loop distribution into library calls is off below), and is
 * compiled -mstrict-align like the rest of the loader.
 * tests/build/arm64_mmu.sh checks the object for undefined symbols.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaslrboot/arch.h>

#include "mmu.h"

#pragma GCC optimize("no-tree-loop-distribute-patterns")

#define PT_ENTRIES	512
#define PAGE_SHIFT	12

/* Descriptor bits (VMSAv8-64, stage 1). */
#define D_VALID		UINT64_C(1)
#define D_TABLE		UINT64_C(3)	/* at levels 0-2 */
#define D_BLOCK		UINT64_C(1)	/* at levels 1-2 */
#define D_PAGE		UINT64_C(3)	/* at level 3 */
#define D_ATTR(i)	((uint64_t)(i) << 2)	/* AttrIndx: MAIR index */
#define D_AP1		(UINT64_C(1) << 6)	/* EL0 access / RES1 at nVHE EL2, EL3 */
#define D_AP2_RO	(UINT64_C(1) << 7)
#define D_SH_INNER	(UINT64_C(3) << 8)
#define D_AF		(UINT64_C(1) << 10)
#define D_PXN		(UINT64_C(1) << 53)	/* two VA ranges (EL1&0, EL2&0) only */
#define D_XN		(UINT64_C(1) << 54)	/* UXN with two ranges, XN with one */
#define D_ADDR		UINT64_C(0x0000fffffffff000)

#define MAIR_IDX_DEVICE	0
#define MAIR_IDX_WB	1
#define MAIR_IDX_NC	2
#define MAIR_VALUE	((UINT64_C(0x00) << (8 * MAIR_IDX_DEVICE)) |	/* Device-nGnRnE */ \
			 (UINT64_C(0xff) << (8 * MAIR_IDX_WB)) |	/* Normal WB RWA */ \
			 (UINT64_C(0x44) << (8 * MAIR_IDX_NC)))		/* Normal NC */

/* TCR fields common to every format: T0SZ, walks inner/outer write-back
 * write-allocate, inner shareable, 4 KiB granule. */
#define TCR_T0SZ(bits)	((uint64_t)(64 - (bits)))
#define TCR_IRGN0_WBWA	(UINT64_C(1) << 8)
#define TCR_ORGN0_WBWA	(UINT64_C(1) << 10)
#define TCR_SH0_INNER	(UINT64_C(3) << 12)
#define TCR_TG0_4K	(UINT64_C(0) << 14)
/* TCR_EL1 and TCR_EL2 with E2H: no walks through TTBR1 (given a valid
 * size all the same), IPS at bit 32. */
#define TCR_T1SZ(bits)	((uint64_t)(64 - (bits)) << 16)
#define TCR_EPD1	(UINT64_C(1) << 23)
#define TCR_TG1_4K	(UINT64_C(2) << 30)
#define TCR_IPS(ps)	((uint64_t)(ps) << 32)
/* TCR_EL2 (E2H 0) and TCR_EL3: RES1 bits 31 and 23, PS at bit 16. */
#define TCR_ELx_RES1	((UINT64_C(1) << 31) | (UINT64_C(1) << 23))
#define TCR_PS(ps)	((uint64_t)(ps) << 16)

#define SCTLR_M		(UINT64_C(1) << 0)
#define SCTLR_A		(UINT64_C(1) << 1)
#define SCTLR_C		(UINT64_C(1) << 2)
#define SCTLR_I		(UINT64_C(1) << 12)
#define SCTLR_WXN	(UINT64_C(1) << 19)

#define HCR_E2H		(UINT64_C(1) << 34)

static uint64_t tables[CONFIG_ARM64_MMU_TABLES][PT_ENTRIES]
	__attribute__((aligned(4096)));

static struct {
	unsigned int el;
	bool vhe;		/* EL2 with HCR_EL2.E2H: the EL2&0 regime */
	bool two_ranges;	/* EL1&0 or EL2&0: PXN/UXN, AP[1] is EL0 */
	bool live;		/* MMU on: change entries break-before-make */
	unsigned int pa_bits, ps;
	int start_level;	/* 0 (more than 39 bits) or 1 */
	unsigned int used;
	uint64_t *root;
} mmu;

/* System registers of the current exception level (1, 2 or 3). */
#define READ_ELx(reg, v) do {						\
	if (mmu.el == 1)						\
		__asm__ volatile("mrs %0, " #reg "_el1" : "=r"(v));	\
	else if (mmu.el == 2)						\
		__asm__ volatile("mrs %0, " #reg "_el2" : "=r"(v));	\
	else								\
		__asm__ volatile("mrs %0, " #reg "_el3" : "=r"(v));	\
} while (0)
#define WRITE_ELx(reg, v) do {						\
	if (mmu.el == 1)						\
		__asm__ volatile("msr " #reg "_el1, %0" : : "r"(v) : "memory"); \
	else if (mmu.el == 2)						\
		__asm__ volatile("msr " #reg "_el2, %0" : : "r"(v) : "memory"); \
	else								\
		__asm__ volatile("msr " #reg "_el3, %0" : : "r"(v) : "memory"); \
} while (0)

/* Every TLB entry of the current regime, this CPU (the only one running). */
static void tlb_flush_all(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
	if (mmu.el == 1)
		__asm__ volatile("tlbi vmalle1" ::: "memory");
	else if (mmu.el == 2)
		__asm__ volatile("tlbi alle2" ::: "memory");
	else
		__asm__ volatile("tlbi alle3" ::: "memory");
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");
}

static uint64_t attrs(enum kb_mmu_type type)
{
	uint64_t xn = mmu.two_ranges ? (D_PXN | D_XN) : D_XN;
	/* Privileged read/write: AP[2:1] = 00 with two ranges, 01 where AP[1]
	 * is RES1 (EL2 without E2H, EL3). */
	uint64_t rw = mmu.two_ranges ? 0 : D_AP1;

	switch (type) {
	case KB_MMU_RAM:
		return D_ATTR(MAIR_IDX_WB) | D_SH_INNER | D_AF | rw;
	case KB_MMU_FLASH:
		return D_ATTR(MAIR_IDX_NC) | D_SH_INNER | D_AF | rw | D_AP2_RO | xn;
	case KB_MMU_DEVICE:
	default:
		return D_ATTR(MAIR_IDX_DEVICE) | D_AF | rw | xn;
	}
}

static unsigned int level_shift(int level)
{
	return (unsigned int)(39 - 9 * level);	/* 39, 30, 21, 12 */
}

static bool is_table(uint64_t desc, int level)
{
	return level < 3 && (desc & 3) == D_TABLE;
}

/* A zeroed page from the pool (.bss, zeroed by entry.S, never reused). */
static uint64_t *new_table(void)
{
	if (mmu.used >= CONFIG_ARM64_MMU_TABLES)
		return NULL;
	return tables[mmu.used++];
}

/* Fill a level-1 table covering [base, base + 512 GiB) with Device
 * blocks, up to the physical address size. */
static void fill_device(uint64_t *t, uint64_t base)
{
	uint64_t a = attrs(KB_MMU_DEVICE) | D_BLOCK;

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t pa = base + ((uint64_t)i << 30);

		if (pa >> mmu.pa_bits)
			break;
		t[i] = pa | a;
	}
}

/* The entries of table t (level `level`) that map a block desc of the
 * level above, in pieces one level finer. */
static void split_block(uint64_t *t, int level, uint64_t desc)
{
	uint64_t base = desc & D_ADDR, a = desc & ~(D_ADDR | 3);
	uint64_t type = level == 3 ? D_PAGE : D_BLOCK;

	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + ((uint64_t)i << level_shift(level))) | a | type;
}

/* Store a descriptor.  With the MMU on and a valid entry there, break
 * before make: invalidate the entry, make sure no TLB holds it, then write
 * the new one (ARM ARM, "Using break-before-make when updating translation
 * table entries"); the walker reads the tables through the D-cache (TCR:
 * inner write-back), so stores need no cache maintenance, only a DSB. */
static void set_desc(uint64_t *p, uint64_t v, bool live)
{
	volatile uint64_t *d = p;

	if (live && (*d & D_VALID)) {
		*d = 0;
		tlb_flush_all();
	}
	*d = v;
	if (live)
		__asm__ volatile("dsb ishst\n\tisb" ::: "memory");
}

static int map_level(uint64_t *t, int level, uint64_t start, uint64_t end,
		     uint64_t a, bool live)
{
	unsigned int shift = level_shift(level);
	uint64_t size = UINT64_C(1) << shift;

	if (live) {
		/* Break every whole block or page of this table that changes
		 * at once, then one TLB invalidation for all of them (a RAM
		 * range turns hundreds of Device pages next to the loader
		 * into RAM); the loop below then finds them invalid. */
		bool broke = false;

		for (uint64_t s = start; s < end; ) {
			uint64_t blk = s & ~(size - 1), next = blk + size;
			uint64_t stop = end < next ? end : next;
			volatile uint64_t *p = &t[(s >> shift) & (PT_ENTRIES - 1)];
			uint64_t old = *p;

			if (s == blk && stop == next && level >= 1 && (old & D_VALID) &&
			    !is_table(old, level) &&
			    old != (blk | a | (level == 3 ? D_PAGE : D_BLOCK))) {
				*p = 0;
				broke = true;
			}
			s = stop;
		}
		if (broke)
			tlb_flush_all();
	}

	while (start < end) {
		uint64_t blk = start & ~(size - 1), next = blk + size;
		uint64_t stop = end < next ? end : next;
		uint64_t *p = &t[(start >> shift) & (PT_ENTRIES - 1)];
		uint64_t old = *p, *sub;
		int err;

		if (start == blk && stop == next && level >= 1 && !is_table(old, level)) {
			uint64_t want = blk | a | (level == 3 ? D_PAGE : D_BLOCK);

			if (old != want)
				set_desc(p, want, live);
		} else if (is_table(old, level)) {
			err = map_level((uint64_t *)(uintptr_t)(old & D_ADDR), level + 1,
					start, stop, a, live);
			if (err)
				return err;
		} else {
			/* A finer table, complete before it is linked in: a
			 * copy of the block it replaces (a new 512 GiB slot:
			 * Device), then the range. */
			sub = new_table();
			if (sub == NULL)
				return KB_MMU_ENOSPC;
			if (old & D_VALID)
				split_block(sub, level + 1, old);
			else if (level == 0)
				fill_device(sub, blk);
			err = map_level(sub, level + 1, start, stop, a, false);
			if (err)
				return err;
			set_desc(p, (uint64_t)(uintptr_t)sub | D_TABLE, live);
		}
		start = stop;
	}
	return 0;
}

static int map(uint64_t base, uint64_t size, enum kb_mmu_type type)
{
	uint64_t start = base & ~((UINT64_C(1) << PAGE_SHIFT) - 1), end;

	if (size == 0)
		return 0;
	if (base + size - 1 < base || (base + size - 1) >> mmu.pa_bits)
		return KB_MMU_ERANGE;
	end = (base + size + (UINT64_C(1) << PAGE_SHIFT) - 1) &
		~((UINT64_C(1) << PAGE_SHIFT) - 1);
	return map_level(mmu.root, mmu.start_level, start, end, attrs(type), mmu.live);
}

int kb_mmu_map(uint64_t base, uint64_t size, enum kb_mmu_type type)
{
	return map(base, size, type);
}

void kb_mmu_info(struct kb_mmu_info *info)
{
	uint64_t sctlr = 0;

	if (mmu.el)
		READ_ELx(sctlr, sctlr);
	info->m = (sctlr & SCTLR_M) != 0;
	info->c = (sctlr & SCTLR_C) != 0;
	info->i = (sctlr & SCTLR_I) != 0;
	info->on = mmu.live;
	info->el = mmu.el;
	info->vhe = mmu.vhe;
	info->pa_bits = mmu.pa_bits;
	info->tables_used = mmu.used;
	info->tables_max = CONFIG_ARM64_MMU_TABLES;
}

extern char kb_arm64_vectors[];

/* Clean and invalidate [start, end) to the point of coherency by VA. */
static void dcache_civac(uintptr_t start, uintptr_t end)
{
	uint64_t ctr;
	uintptr_t line;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	line = (uintptr_t)4 << ((ctr >> 16) & 0xf);
	for (uintptr_t a = start & ~(line - 1); a < end; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb sy" ::: "memory");
}

void kb_mmu_early(uintptr_t dtb)
{
	static const unsigned int pa_bits[] = { 32, 36, 40, 42, 44, 48 };
	uintptr_t img = (uintptr_t)__image_start, img_end = (uintptr_t)__image_end;
	uint64_t v, tcr, sctlr, mmfr0;
	int err = 0;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(v));
	mmu.el = (unsigned int)((v >> 2) & 3);
	if (mmu.el == 0)
		return;		/* cannot happen: started at EL1 or above */
	if (mmu.el == 2) {
		__asm__ volatile("mrs %0, hcr_el2" : "=r"(v));
		mmu.vhe = (v & HCR_E2H) != 0;
	}
	mmu.two_ranges = mmu.el == 1 || mmu.vhe;

	/* ID_AA64MMFR0_EL1.PARange; 52 bits needs FEAT_LPA2 descriptors:
	 * map (and let the walker output) 48. */
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	mmu.ps = (unsigned int)(mmfr0 & 0xf);
	if (mmu.ps > 5)
		mmu.ps = 5;
	mmu.pa_bits = pa_bits[mmu.ps];
	/* With a 4 KiB granule, T0SZ 16..24 walks from level 0, 25..33 from
	 * level 1. */
	mmu.start_level = mmu.pa_bits > 39 ? 0 : 1;

	mmu.root = new_table();
	if (mmu.start_level == 1)
		fill_device(mmu.root, 0);
	/* The first 512 GiB, where SoCs put their MMIO: Device to begin with. */
	if (mmu.start_level == 0)
		err = map(0, UINT64_C(1) << 30, KB_MMU_DEVICE);
	if (!err)
		err = map(img, img_end - img, KB_MMU_RAM);
	if (!err && dtb) {
		/* booting.rst: the tree is at most 2 MiB and "will be mapped
		 * cacheable using blocks of up to 2 megabytes"; as Linux does,
		 * the blocks from the one holding its first byte to the one
		 * holding its last (totalsize from a header that looks like
		 * one, bounded by CONFIG_DTB_MAX_SIZE; just the first block
		 * otherwise: the tree is rejected in step 0 anyway). */
		uint64_t blk = UINT64_C(0x200000), lo = dtb & ~(blk - 1), hi;
		uint32_t total = 1;

		if ((dtb & 7) == 0 &&
		    __builtin_bswap32(*(volatile uint32_t *)dtb) == 0xd00dfeed) {
			total = __builtin_bswap32(*(volatile uint32_t *)(dtb + 4));
			if (total > CONFIG_DTB_MAX_SIZE)
				total = CONFIG_DTB_MAX_SIZE;
			if (total == 0)
				total = 1;
		}
		hi = (dtb + total + blk - 1) & ~(blk - 1);
		err = map(lo, hi - lo, KB_MMU_RAM);
	}
	if (err) {
		/* Cannot happen: the first map needs at most 8 of the pool's
		 * tables (Kconfig: at least 8) and the loader lies below the
		 * address size.  Carry on with the MMU off; the memory-map
		 * step reports it (kb_mmu_info().on) once there is a
		 * console. */
		return;
	}

	/*
	 * Everything this CPU wrote so far (relocations, .bss, the stack,
	 * the tables) went to memory with the MMU off.  entry.S cleaned and
	 * invalidated the loader's footprint before writing it, so no line of
	 * the previous stage can be written back over it; now drop whatever
	 * speculative instruction fetches may have brought in since, so that
	 * the first cacheable reads (and table walks) see memory.
	 */
	dcache_civac(img, img_end);
	__asm__ volatile("ic iallu\n\tdsb sy\n\tisb" ::: "memory");

	WRITE_ELx(mair, MAIR_VALUE);
	tcr = TCR_T0SZ(mmu.pa_bits) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
		TCR_SH0_INNER | TCR_TG0_4K;
	if (mmu.two_ranges)
		tcr |= TCR_T1SZ(mmu.pa_bits) | TCR_EPD1 | TCR_TG1_4K | TCR_IPS(mmu.ps);
	else
		tcr |= TCR_ELx_RES1 | TCR_PS(mmu.ps);
	WRITE_ELx(tcr, tcr);
	WRITE_ELx(ttbr0, (uint64_t)(uintptr_t)mmu.root);
	WRITE_ELx(vbar, (uint64_t)(uintptr_t)kb_arm64_vectors);
	__asm__ volatile("isb" ::: "memory");
	tlb_flush_all();	/* nothing the previous stage left in the TLBs */

	READ_ELx(sctlr, sctlr);
	/* Alignment checking off (Normal memory allows unaligned accesses),
	 * no write-implies-execute-never (the loader's own pages are RW and
	 * executable). */
	sctlr &= ~(SCTLR_A | SCTLR_WXN);
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	WRITE_ELx(sctlr, sctlr);
	__asm__ volatile("isb" ::: "memory");
	mmu.live = true;
}
