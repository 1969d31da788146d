// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests for fdt/memmap.c (and loader/lib/diag.c, error.c).
 *
 * Fixtures are compiled .dtb files in $KB_FIXTURE_DIR (built from
 * tests/fixtures/<name>.dts).  Malformed blobs that dtc cannot express are
 * made here by mutating a valid blob in a buffer this file owns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/memmap.h>

#define BLOB_MAX	(64 * 1024)
#define NMEM		16
#define NRESV		16
#define DTB_ADDR	UINT64_C(0x9fe00000)

#if KB_PHYS_BITS < 64
/* Built a second time with 32-bit addresses (test_memmap_phys32,
 * tests/tests.mk): the cases about 2^64 and memory above 4 GiB are left
 * out of the list below there; test_from_fdt_4g* cover that width. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Woverflow"
#endif

/* 8-byte aligned, with room to misalign a copy. */
static uint64_t blob_store[BLOB_MAX / 8 + 2];
static void *const blob = blob_store;

static struct kb_region mem[NMEM], resv[NRESV];
static struct kb_memmap map;
static struct kb_diag diag;

/* Load $KB_FIXTURE_DIR/<name>.dtb into blob; returns its size. */
static size_t load(const char *name)
{
	return kb_test_load_fixture(name, blob, BLOB_MAX);
}

static int setup(void **state)
{
	(void)state;
	memset(blob_store, 0, sizeof(blob_store));
	memset(mem, 0xa5, sizeof(mem));
	memset(resv, 0xa5, sizeof(resv));
	memset(&diag, 0, sizeof(diag));
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	return 0;
}

/* Load, validate and parse a fixture; returns kb_memmap_from_fdt()'s result. */
static int parse(const char *name)
{
	size_t n = load(name);
	int r;

	r = kb_fdt_validate(blob, n, &diag);
	if (r)
		fail_msg("%s: validate: %d %s", name, r, diag.msg);
	kb_diag_clear(&diag);
	return kb_memmap_from_fdt(&map, blob, DTB_ADDR, &diag);
}

static void check_region(const struct kb_region *r, uint64_t base,
			 uint64_t size, uint32_t kind, uint32_t flags,
			 const char *name)
{
	assert_int_equal(r->base, base);
	assert_int_equal(r->size, size);
	assert_int_equal(r->kind, kind);
	assert_int_equal(r->flags, flags);
	assert_string_equal(r->name, name);
}

static void check_msg(const char *needle)
{
	if (strstr(diag.msg, needle) == NULL)
		fail_msg("diag \"%s\" does not contain \"%s\"", diag.msg, needle);
	assert_true(strncmp(diag.msg, "dtb: ", 5) == 0 ||
		    strncmp(diag.msg, "memmap: ", 8) == 0);
	assert_null(strchr(diag.msg, '\n'));
}

/* ---- kb_fdt_validate ------------------------------------------------ */

static void test_validate_all_fixtures(void **state)
{
	static const char *const names[] = {
		"mem_cells2", "mem_cells1", "resv", "overlap", "bad_reg_len",
		"bad_root_size_cells0", "mem_noreg", "initrd_badlen",
		"stdout_alias", "ranges", "misc",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = load(names[i]);

		assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_OK);
		/* A larger buffer than the blob is fine. */
		assert_int_equal(kb_fdt_validate(blob, BLOB_MAX, &diag), KB_OK);
	}
}

static void test_validate_null(void **state)
{
	(void)state;
	assert_int_equal(kb_fdt_validate(NULL, 4096, &diag), KB_EFDT);
	check_msg("dtb: no blob");
	/* d may be NULL */
	assert_int_equal(kb_fdt_validate(NULL, 4096, NULL), KB_EFDT);
}

static void test_validate_too_small(void **state)
{
	(void)state;
	load("mem_cells2");
	assert_int_equal(kb_fdt_validate(blob, 39, &diag), KB_ERANGE);
	check_msg("dtb: buffer of 39 bytes is too small for a header (40 bytes)");
	assert_int_equal(kb_fdt_validate(blob, 0, &diag), KB_ERANGE);
	check_msg("buffer of 0 bytes");
}

static void test_validate_bad_magic(void **state)
{
	size_t n;

	(void)state;
	n = load("mem_cells2");
	fdt_set_magic(blob, 0x12345678);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: bad magic 0x12345678 (expected 0xd00dfeed)");
}

static void test_validate_bad_version(void **state)
{
	size_t n;

	(void)state;
	n = load("mem_cells2");
	fdt_set_last_comp_version(blob, 18);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: unsupported version 17 (last compatible 18)");

	n = load("mem_cells2");
	fdt_set_version(blob, 1);
	fdt_set_last_comp_version(blob, 1);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: version 1 predates version 16 and is not accepted");

	/* v15 would reach fdt_check_full's NULL-name path (fuzzer find) */
	n = load("mem_cells2");
	fdt_set_version(blob, 15);
	fdt_set_last_comp_version(blob, 2);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: version 15 predates version 16 and is not accepted");
}

static void test_validate_misaligned(void **state)
{
	char *mis = (char *)blob + 4;
	size_t n;

	(void)state;
	n = load("mem_cells2");
	memmove(mis, blob, n);
	assert_int_equal(kb_fdt_validate(mis, n, &diag), KB_EALIGN);
	check_msg("is not 8-byte aligned");
	assert_true(strncmp(diag.msg, "dtb: blob at ", 13) == 0);
}

static void test_validate_misaligned_blocks(void **state)
{
	size_t n;

	(void)state;
	n = load("mem_cells2");
	fdt_set_off_mem_rsvmap(blob, fdt_off_mem_rsvmap(blob) + 4);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EALIGN);
	check_msg("dtb: memory reservation block at offset 0x2c is not 8-byte aligned");

	n = load("mem_cells2");
	fdt_set_off_dt_struct(blob, fdt_off_dt_struct(blob) + 2);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EALIGN);
	check_msg("dtb: structure block at offset 0x3a is not 4-byte aligned");
}

static void test_validate_totalsize_beyond_buffer(void **state)
{
	char want[96];
	size_t n;

	(void)state;
	/* buffer one byte shorter than the blob */
	n = load("mem_cells2");
	assert_int_equal(kb_fdt_validate(blob, n - 1, &diag), KB_ERANGE);
	snprintf(want, sizeof(want),
		 "dtb: totalsize %zu exceeds the buffer size %zu", n, n - 1);
	check_msg(want);

	/* header claiming more than the buffer holds */
	fdt_set_totalsize(blob, 0x7fff0000);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_ERANGE);
	snprintf(want, sizeof(want),
		 "dtb: totalsize %u exceeds the buffer size %zu", 0x7fff0000u, n);
	check_msg(want);
}

static void test_validate_truncated_blocks(void **state)
{
	size_t n;

	(void)state;
	/* totalsize cut so that the strings block ends outside the blob */
	n = load("mem_cells2");
	fdt_set_totalsize(blob, fdt_off_dt_strings(blob) + fdt_size_dt_strings(blob) - 8);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: structure check failed: FDT_ERR_TRUNCATED");

	/* structure block claimed larger than the blob */
	n = load("mem_cells2");
	fdt_set_size_dt_struct(blob, (uint32_t)n);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: structure check failed: FDT_ERR_TRUNCATED");
}

/* The first property of the root node, writable. */
static struct fdt_property *first_root_prop(void)
{
	int off = fdt_first_property_offset(blob, 0);

	assert_true(off >= 0);
	return (struct fdt_property *)((char *)blob + fdt_off_dt_struct(blob) + off);
}

static void test_validate_nameoff_outside_strings(void **state)
{
	struct fdt_property *p;
	size_t n;

	(void)state;
	n = load("mem_cells2");
	p = first_root_prop();
	p->nameoff = cpu_to_fdt32(fdt_size_dt_strings(blob) + 100);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: structure check failed: FDT_ERR_BADOFFSET");
}

static void test_validate_prop_len_past_struct(void **state)
{
	struct fdt_property *p;
	size_t n;

	(void)state;
	n = load("mem_cells2");
	p = first_root_prop();
	p->len = cpu_to_fdt32(fdt_size_dt_struct(blob));
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: structure check failed: FDT_ERR_BADSTRUCTURE");

	n = load("mem_cells2");
	p = first_root_prop();
	p->len = cpu_to_fdt32(0xfffffff0u);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: structure check failed: FDT_ERR_BADSTRUCTURE");
}

static void test_validate_bad_tag(void **state)
{
	fdt32_t *tag;
	size_t n;

	(void)state;
	n = load("mem_cells2");
	/* first tag of the structure block: FDT_BEGIN_NODE of the root */
	tag = (fdt32_t *)((char *)blob + fdt_off_dt_struct(blob));
	assert_int_equal(fdt32_to_cpu(*tag), FDT_BEGIN_NODE);
	*tag = cpu_to_fdt32(0x42);
	assert_int_equal(kb_fdt_validate(blob, n, &diag), KB_EFDT);
	check_msg("dtb: structure check failed: FDT_ERR_BADSTRUCTURE");
}

/* ---- kb_memmap_from_fdt: valid trees -------------------------------- */

static void check_dtb(const struct kb_region *r)
{
	check_region(r, DTB_ADDR, fdt_totalsize(blob), KB_REGION_DTB, 0, "dtb");
}

static void test_from_fdt_cells2(void **state)
{
	(void)state;
	assert_int_equal(parse("mem_cells2"), KB_OK);
	/* sorted by address, whatever the tree's order */
	assert_int_equal(map.nmem, 5);
	check_region(&mem[0], 0x80000000, 0x20000000, KB_REGION_MEMORY, 0,
		     "/memory@80000000");
	check_region(&mem[1], 0xd0000000, 0x1000, KB_REGION_MEMORY, 0,
		     "/memory@d0000000");
	check_region(&mem[2], 0xe0000000, 0x300, KB_REGION_MEMORY, 0,
		     "/memory@e0000000");
	check_region(&mem[3], UINT64_C(0x100000000), 0x40000000,
		     KB_REGION_MEMORY, 0, "/memory@100000000");
	check_region(&mem[4], UINT64_C(0x200000000), UINT64_C(0x100000000),
		     KB_REGION_MEMORY, 0, "/memory@100000000");
	assert_int_equal(map.nresv, 1);
	check_dtb(&resv[0]);
}

static void test_from_fdt_cells1(void **state)
{
	(void)state;
	assert_int_equal(parse("mem_cells1"), KB_OK);
	assert_int_equal(map.nmem, 2);
	check_region(&mem[0], 0x40000000, 0x08000000, KB_REGION_MEMORY, 0,
		     "/memory@40000000");
	check_region(&mem[1], 0x50000000, 0x01000000, KB_REGION_MEMORY, 0,
		     "/memory@40000000");
	assert_int_equal(map.nresv, 4);
	check_region(&resv[0], 0x40000000, 0x10000, KB_REGION_MEMRESERVE, 0,
		     "/memreserve/ 0");
	check_region(&resv[1], 0x40100000, 0x20000, KB_REGION_RESERVED_MEMORY,
		     KB_REGION_NOMAP, "/reserved-memory/fw@40100000");
	check_region(&resv[2], 0x48000000, 0x100000, KB_REGION_INITRD, 0,
		     "/chosen");
	check_dtb(&resv[3]);
}

static void test_from_fdt_resv(void **state)
{
	(void)state;
	assert_int_equal(parse("resv"), KB_OK);
	assert_int_equal(map.nmem, 1);
	check_region(&mem[0], 0x80000000, 0x80000000, KB_REGION_MEMORY, 0,
		     "/memory@80000000");
	assert_int_equal(map.nresv, 7);
	check_region(&resv[0], 0x80000000, 0x40000, KB_REGION_MEMRESERVE, 0,
		     "/memreserve/ 0");
	check_region(&resv[1], UINT64_C(0x1ffff0000), 0x10000,
		     KB_REGION_MEMRESERVE, 0, "/memreserve/ 1");
	check_region(&resv[2], 0x80000000, 0x40000, KB_REGION_RESERVED_MEMORY,
		     KB_REGION_NOMAP, "/reserved-memory/mmode_resv0@80000000");
	check_region(&resv[3], 0x81000000, 0x100000, KB_REGION_RESERVED_MEMORY,
		     0, "/reserved-memory/shmem@81000000");
	check_region(&resv[4], 0x82000000, 0x2000, KB_REGION_RESERVED_MEMORY,
		     0, "/reserved-memory/shmem@81000000");
	/* linux,cma (dynamic), disabled@83000000 and the zero-size
	 * empty@84000000 add nothing */
	check_region(&resv[5], 0x88000000, 0x200000, KB_REGION_INITRD, 0,
		     "/chosen");
	check_dtb(&resv[6]);
}

static void test_from_fdt_overlap(void **state)
{
	(void)state;
	assert_int_equal(parse("overlap"), KB_OK);
	/* overlapping and touching memory nodes are one range, named after
	 * the lowest, counting the two merged into it */
	assert_int_equal(map.nmem, 1);
	check_region(&mem[0], 0x80000000, 0x18100000, KB_REGION_MEMORY, 0,
		     "/memory@80000000");
	assert_int_equal(mem[0].merged, 2);
	assert_int_equal(map.nresv, 6);
	check_region(&resv[0], 0x80000000, 0x2000, KB_REGION_MEMRESERVE, 0,
		     "/memreserve/ 0");
	check_region(&resv[1], 0x80001000, 0x2000, KB_REGION_RESERVED_MEMORY,
		     0, "/reserved-memory/a@80001000");
	check_region(&resv[2], 0x80002000, 0x2000, KB_REGION_RESERVED_MEMORY,
		     KB_REGION_NOMAP, "/reserved-memory/b@80002000");
	check_region(&resv[3], 0x80004000, 0x1000, KB_REGION_RESERVED_MEMORY,
		     0, "/reserved-memory/c@80004000");
	check_region(&resv[4], 0x80001000, 0x800, KB_REGION_INITRD, 0,
		     "/chosen");
	check_dtb(&resv[5]);
}

static void test_from_fdt_initrd_empty(void **state)
{
	(void)state;
	assert_int_equal(parse("initrd_empty"), KB_OK);
	assert_int_equal(map.nmem, 1);
	assert_int_equal(map.nresv, 1);
	check_dtb(&resv[0]);
}

static void test_from_fdt_appends(void **state)
{
	(void)state;
	/* regions added before the scan are kept, the scan appends */
	assert_int_equal(kb_memmap_add_resv(&map, 0x80200000, 0x20000,
					    KB_REGION_LOADER, 0, "kaslrboot",
					    &diag), KB_OK);
	assert_int_equal(parse("mem_cells2"), KB_OK);
	assert_int_equal(map.nresv, 2);
	check_region(&resv[0], 0x80200000, 0x20000, KB_REGION_LOADER, 0,
		     "kaslrboot");
	check_dtb(&resv[1]);
}

/* ---- kb_memmap_from_fdt: malformed trees ---------------------------- */

struct bad_case {
	const char *fixture;
	int err;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ "bad_reg_len", KB_EINVAL,
	  "dtb: /memory@80000000: reg length 12 is not a multiple of 16 (#address-cells=2, #size-cells=2)" },
	{ "bad_resv_reg_len", KB_EINVAL,
	  "dtb: /reserved-memory/fw@80000000: reg length 16 is not a multiple of 12 (#address-cells=2, #size-cells=1)" },
	{ "bad_root_size_cells0", KB_EINVAL,
	  "dtb: /: #size-cells = 0 is not supported (must be 1 or 2)" },
	{ "bad_root_addr_cells3", KB_EINVAL,
	  "dtb: /: #address-cells = 3 is not supported (must be 1 or 2)" },
	{ "bad_resv_size_cells0", KB_EINVAL,
	  "dtb: /reserved-memory: #size-cells = 0 is not supported (must be 1 or 2)" },
	{ "bad_resv_addr_cells3", KB_EINVAL,
	  "dtb: /reserved-memory: #address-cells = 3 is not supported (must be 1 or 2)" },
	{ "bad_cells_len", KB_EINVAL,
	  "dtb: /: #address-cells has length 8, expected 4" },
	{ "mem_noreg", KB_EINVAL,
	  "dtb: /memory@80000000: memory node has no reg" },
	{ "mem_wrap", KB_ERANGE,
	  "dtb: /memory@fffffffffffff000: reg entry 0 0xfffffffffffff000+0x2000 wraps past 2^64" },
	{ "memreserve_wrap", KB_ERANGE,
	  "dtb: /memreserve/ 0 0xfffffffffffff000+0x2000 wraps past 2^64" },
	{ "initrd_backwards", KB_EINVAL,
	  "dtb: /chosen: linux,initrd-end 0x88000000 is below linux,initrd-start 0x88200000" },
	{ "initrd_badlen", KB_EINVAL,
	  "dtb: /chosen: linux,initrd-start has length 3, expected 4 or 8" },
	{ "initrd_half", KB_EINVAL,
	  "dtb: /chosen: linux,initrd-start without linux,initrd-end" },
};

static void test_from_fdt_malformed(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		setup(state);
		assert_int_equal(parse(bad_cases[i].fixture), bad_cases[i].err);
		if (strcmp(diag.msg, bad_cases[i].msg) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"",
				 bad_cases[i].fixture, diag.msg,
				 bad_cases[i].msg);
		/* and without a diag */
		assert_int_equal(kb_memmap_from_fdt(&map, blob, DTB_ADDR, NULL),
				 bad_cases[i].err);
	}
}

static void test_from_fdt_dtb_wraps(void **state)
{
	(void)state;
	load("mem_cells2");
	assert_int_equal(kb_memmap_from_fdt(&map, blob, UINT64_MAX - 100, &diag),
			 KB_ERANGE);
	check_msg("dtb: blob at 0xffffffffffffff9b");
	check_msg("wraps past 2^64");
}

static void test_from_fdt_bad_header(void **state)
{
	(void)state;
	load("mem_cells2");
	fdt_set_magic(blob, 0);
	assert_int_equal(kb_memmap_from_fdt(&map, blob, DTB_ADDR, &diag), KB_EFDT);
	check_msg("dtb: bad header: FDT_ERR_BADMAGIC");
	assert_int_equal(kb_memmap_from_fdt(&map, NULL, DTB_ADDR, &diag), KB_EINVAL);
	assert_int_equal(kb_memmap_from_fdt(NULL, blob, DTB_ADDR, &diag), KB_EINVAL);
}

static void test_from_fdt_mem_table_full(void **state)
{
	(void)state;
	kb_memmap_init(&map, mem, 1, resv, NRESV);
	assert_int_equal(parse("mem_cells2"), KB_ENOSPC);
	check_msg("memmap: memory table full (1 entries), cannot add /memory@100000000 0x100000000+0x40000000");
	assert_int_equal(map.nmem, 1);
	check_region(&mem[0], 0x80000000, 0x20000000, KB_REGION_MEMORY, 0,
		     "/memory@80000000");
	/* nothing written past the capacity */
	assert_int_equal(mem[1].base, UINT64_C(0xa5a5a5a5a5a5a5a5));
}

static void test_from_fdt_resv_table_full(void **state)
{
	(void)state;
	kb_memmap_init(&map, mem, NMEM, resv, 1);
	assert_int_equal(parse("resv"), KB_ENOSPC);
	check_msg("memmap: reservation table full (1 entries), cannot add /memreserve/ 1 0x1ffff0000+0x10000");
	assert_int_equal(map.nresv, 1);
	assert_int_equal(resv[1].base, UINT64_C(0xa5a5a5a5a5a5a5a5));

	/* room for everything but the blob itself */
	setup(state);
	kb_memmap_init(&map, mem, NMEM, resv, 6);
	assert_int_equal(parse("resv"), KB_ENOSPC);
	check_msg("cannot add dtb 0x9fe00000+");
}

/* ---- kb_memmap_add_* ------------------------------------------------ */

static void test_add_size_zero(void **state)
{
	(void)state;
	assert_int_equal(kb_memmap_add_mem(&map, 0x1000, 0, "m", &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_MAX, 0,
					    KB_REGION_OTHER, 0, "r", &diag), KB_OK);
	assert_int_equal(map.nmem, 0);
	assert_int_equal(map.nresv, 0);
	/* a zero-size add never needs room */
	kb_memmap_init(&map, NULL, 0, NULL, 0);
	assert_int_equal(kb_memmap_add_mem(&map, 0x1000, 0, "m", &diag), KB_OK);
}

static void test_add_wrap(void **state)
{
	(void)state;
	/* one byte past 2^64 is refused */
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_C(0xfffffffffffff000),
					    0x1001, KB_REGION_OTHER, 0, "top",
					    &diag), KB_ERANGE);
	check_msg("memmap: top 0xfffffffffffff000+0x1001 wraps past 2^64");
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_MAX, UINT64_MAX,
					    KB_REGION_OTHER, 0, "max", &diag),
			 KB_ERANGE);
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_MAX, 2,
					    KB_REGION_OTHER, 0, "max", &diag),
			 KB_ERANGE);
	assert_int_equal(kb_memmap_add_mem(&map, 2, UINT64_MAX, "m", &diag),
			 KB_ERANGE);
	check_msg("memmap: m 0x2+0xffffffffffffffff wraps past 2^64");
	assert_int_equal(map.nresv, 0);
	assert_int_equal(map.nmem, 0);

	/* ending exactly at the last byte is fine */
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_C(0xfffffffffffff000),
					    0xfff, KB_REGION_OTHER, 0, "top",
					    &diag), KB_OK);
	assert_int_equal(kb_memmap_add_mem(&map, 0, UINT64_MAX, "all", &diag),
			 KB_OK);
	check_region(&resv[0], UINT64_C(0xfffffffffffff000), 0xfff,
		     KB_REGION_OTHER, 0, "top");
	check_region(&mem[0], 0, UINT64_MAX, KB_REGION_MEMORY, 0, "all");
}

/* A range may end exactly at 2^64, i.e. include the last byte 2^64 - 1
 * (before: refused, since base + size is not representable). */
static void test_add_ends_at_2_64(void **state)
{
	(void)state;
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_C(0xfffffffffffff000),
					    0x1000, KB_REGION_OTHER, 0, "top",
					    &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_MAX, 1,
					    KB_REGION_STACK, 0, "last", &diag),
			 KB_OK);
	assert_int_equal(kb_memmap_add_mem(&map, 1, UINT64_MAX, "m", &diag),
			 KB_OK);
	check_region(&resv[0], UINT64_C(0xfffffffffffff000), 0x1000,
		     KB_REGION_OTHER, 0, "top");
	check_region(&resv[1], UINT64_MAX, 1, KB_REGION_STACK, 0, "last");
	check_region(&mem[0], 1, UINT64_MAX, KB_REGION_MEMORY, 0, "m");

	/* covers works on the inclusive last byte */
	assert_true(kb_memmap_covers(&map, UINT64_MAX, 1));
	assert_true(kb_memmap_covers(&map, UINT64_MAX, 0));
	assert_true(kb_memmap_covers(&map, 1, UINT64_MAX));		/* all of it */
	assert_true(kb_memmap_covers(&map, UINT64_C(0xfffffffffffff000), 0x1000));
	assert_false(kb_memmap_covers(&map, 0, 1));
	assert_false(kb_memmap_covers(&map, 0, UINT64_MAX));		/* from 0 */
	assert_true(kb_memmap_covers(&map, 1, 0));
	assert_false(kb_memmap_covers(&map, 0, 0));
}

static void test_add_full(void **state)
{
	(void)state;
	kb_memmap_init(&map, mem, 1, resv, 1);
	assert_int_equal(kb_memmap_add_mem(&map, 0x1000, 0x1000, "a", &diag), KB_OK);
	assert_int_equal(kb_memmap_add_mem(&map, 0x3000, 0x1000, "b", &diag),
			 KB_ENOSPC);
	check_msg("memmap: memory table full (1 entries), cannot add b 0x3000+0x1000");
	assert_int_equal(kb_memmap_add_resv(&map, 0x1000, 0x10, KB_REGION_STACK,
					    0, "s", &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, 0x2000, 0x10, KB_REGION_STACK,
					    0, "t", &diag), KB_ENOSPC);
	check_msg("memmap: reservation table full (1 entries), cannot add t 0x2000+0x10");
	assert_int_equal(map.nmem, 1);
	assert_int_equal(map.nresv, 1);

	/* NULL tables have no room whatever capacity is claimed */
	kb_memmap_init(&map, NULL, 8, NULL, 8);
	assert_int_equal(map.mem_cap, 0);
	assert_int_equal(kb_memmap_add_mem(&map, 0x1000, 0x1000, "a", &diag),
			 KB_ENOSPC);
}

/* Memory ranges that touch or overlap are one range, whatever the order
 * they arrive in; a merge never needs a table entry. */
static void add(uint64_t base, uint64_t size, const char *name)
{
	assert_int_equal(kb_memmap_add_mem(&map, base, size, name, &diag), KB_OK);
}

static void test_add_merges(void **state)
{
	(void)state;
	add(0x3000, 0x1000, "c");
	add(0x1000, 0x1000, "a");
	assert_int_equal(map.nmem, 2);
	check_region(&mem[0], 0x1000, 0x1000, KB_REGION_MEMORY, 0, "a");	/* sorted */
	check_region(&mem[1], 0x3000, 0x1000, KB_REGION_MEMORY, 0, "c");
	/* a bridge touching both ends: one range, named after the lowest */
	add(0x2000, 0x1000, "b");
	assert_int_equal(map.nmem, 1);
	check_region(&mem[0], 0x1000, 0x3000, KB_REGION_MEMORY, 0, "a");
	assert_int_equal(mem[0].merged, 2);
	/* inside: nothing changes but the count */
	add(0x1800, 0x100, "inside");
	check_region(&mem[0], 0x1000, 0x3000, KB_REGION_MEMORY, 0, "a");
	assert_int_equal(mem[0].merged, 3);
	/* overlapping the bottom: the new lowest piece names it */
	add(0x800, 0x1000, "low");
	check_region(&mem[0], 0x800, 0x3800, KB_REGION_MEMORY, 0, "low");
	assert_int_equal(mem[0].merged, 4);
	/* a gap of one byte keeps ranges apart */
	add(0x4001, 0x10, "apart");
	assert_int_equal(map.nmem, 2);
	/* ... until that byte arrives: three pieces become one */
	add(0x4000, 1, "byte");
	assert_int_equal(map.nmem, 1);
	check_region(&mem[0], 0x800, 0x3811, KB_REGION_MEMORY, 0, "low");
	assert_int_equal(mem[0].merged, 6);

	/* a full table still takes a range that merges */
	kb_memmap_init(&map, mem, 1, resv, 1);
	add(0x1000, 0x1000, "a");
	add(0x2000, 0x1000, "b");
	assert_int_equal(map.nmem, 1);
	assert_int_equal(kb_memmap_add_mem(&map, 0x4000, 0x10, "c", &diag), KB_ENOSPC);
	check_region(&mem[0], 0x1000, 0x2000, KB_REGION_MEMORY, 0, "a");

	/* merging up to the top of the space, and the one size that cannot
	 * be written: all 2^64 bytes */
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	add(UINT64_MAX - 0xfff, 0x1000, "top");
	add(0x1000, UINT64_MAX - 0x1fff, "below");
	check_region(&mem[0], 0x1000, UINT64_MAX - 0xfff, KB_REGION_MEMORY, 0, "below");
	assert_int_equal(kb_memmap_add_mem(&map, 0, 0x1000, "zero", &diag), KB_ERANGE);
	check_msg("memmap: merged memory would cover all 2^64 bytes, which a size cannot express");
	check_region(&mem[0], 0x1000, UINT64_MAX - 0xfff, KB_REGION_MEMORY, 0, "below");
	assert_int_equal(map.nmem, 1);
}

/* THE write rule: inside memory (merged ranges count as one), outside
 * every reservation but the caller's own kinds. */
/* The whole one-line diag, whatever its prefix (the caller's `what`). */
static void check_exact(const char *want)
{
	if (strcmp(diag.msg, want) != 0)
		fail_msg("diag \"%s\", want \"%s\"", diag.msg, want);
}

static void test_check_write(void **state)
{
	uint32_t own = KB_KIND(KB_REGION_LOADER) | KB_KIND(KB_REGION_STACK);

	(void)state;
	add(0x80000000, 0x10000000, "/memory@80000000");
	add(0x90000000, 0x10000000, "/memory@90000000");	/* adjacent node */
	assert_int_equal(kb_memmap_add_resv(&map, 0x80200000, 0x10000, KB_REGION_LOADER,
					    0, "kaslrboot", &diag), 0);
	assert_int_equal(kb_memmap_add_resv(&map, 0x80210000, 0x4000, KB_REGION_STACK,
					    0, "kaslrboot stack", &diag), 0);
	assert_int_equal(kb_memmap_add_resv(&map, 0x82200000, 0x1000, KB_REGION_DTB,
					    0, "dtb", &diag), 0);
	assert_int_equal(kb_memmap_add_resv(&map, 0x82201100, 0x100, KB_REGION_RESERVED_MEMORY,
					    KB_REGION_NOMAP, "/reserved-memory/fw@82201100", &diag), 0);

	/* across the two nodes: one stretch of RAM */
	assert_int_equal(kb_memmap_check_write(&map, 0x8f000000, 0x2000000, 0, "kernel", &diag), 0);
	/* outside memory, partly or wholly */
	assert_int_equal(kb_memmap_check_write(&map, 0x9ffff000, 0x2000, 0, "kernel", &diag), KB_ERANGE);
	check_exact("kernel: 0x9ffff000-0xa0000fff is outside memory");
	assert_int_equal(kb_memmap_check_write(&map, 0x1000, 1, 0, "x", &diag), KB_ERANGE);
	/* empty or wrapping */
	assert_int_equal(kb_memmap_check_write(&map, 0x90000000, 0, 0, "x", &diag), KB_ERANGE);
	check_exact("x: 0x90000000+0x0 is empty or wraps past 2^64");
	assert_int_equal(kb_memmap_check_write(&map, UINT64_MAX, 2, 0, "x", &diag), KB_ERANGE);
	/* the loader's own memory: only with its kinds in `own`, and only
	 * as long as nothing foreign overlaps */
	assert_int_equal(kb_memmap_check_write(&map, 0x80200000, 0x14000, 0, "wipe", &diag),
			 KB_EOVERLAP);
	check_exact("wipe: 0x80200000-0x80213fff overlaps loader kaslrboot");
	assert_int_equal(kb_memmap_check_write(&map, 0x80200000, 0x14000, own, "wipe", &diag), 0);
	assert_int_equal(kb_memmap_check_write(&map, 0x80200000, 0x14001, own, "wipe", &diag), 0);
	assert_int_equal(kb_memmap_check_write(&map, 0x801fffff, 0x14001, KB_KIND(KB_REGION_LOADER),
					       "wipe", &diag), KB_EOVERLAP);
	check_exact("wipe: 0x801fffff-0x80213fff overlaps stack kaslrboot stack");
	/* growing the tree in place: its own blob yes, a reservation right
	 * behind it no (by a single byte at either edge) */
	assert_int_equal(kb_memmap_check_write(&map, 0x82200000, 0x1100, KB_KIND(KB_REGION_DTB),
					       "dtb: room to grow in place", &diag), 0);
	assert_int_equal(kb_memmap_check_write(&map, 0x82200000, 0x1101, KB_KIND(KB_REGION_DTB),
					       "dtb: room to grow in place", &diag), KB_EOVERLAP);
	check_exact("dtb: room to grow in place: 0x82200000-0x82201100 overlaps reserved-memory /reserved-memory/fw@82201100");
	assert_int_equal(kb_memmap_check_write(&map, 0x82201200, 0x10, 0, "x", &diag), 0);
	assert_int_equal(kb_memmap_check_write(&map, 0x822011ff, 0x10, 0, "x", &diag), KB_EOVERLAP);

	/* claims: checked, then reserved, so a second claim cannot overlap */
	assert_int_equal(kb_memmap_claim(&map, 0x88000000, 0x100000, KB_REGION_PAYLOAD,
					 "kernel", &diag), 0);
	assert_int_equal(map.resv[map.nresv - 1].kind, KB_REGION_PAYLOAD);
	assert_int_equal(kb_memmap_claim(&map, 0x880ff000, 0x1000, KB_REGION_INITRD,
					 "initrd", &diag), KB_EOVERLAP);
	check_exact("initrd: 0x880ff000-0x880fffff overlaps payload kernel");
	assert_int_equal(kb_memmap_claim(&map, 0x88100000, 0x1000, KB_REGION_INITRD,
					 "initrd", &diag), 0);
	assert_int_equal(kb_memmap_claim(&map, 0xa0000000, 0x1000, KB_REGION_DTB,
					 "dtb (moved)", &diag), KB_ERANGE);
	/* a full table: the claim fails, nothing unrecorded is written */
	kb_memmap_init(&map, mem, NMEM, resv, 0);
	add(0x80000000, 0x10000000, "m");
	assert_int_equal(kb_memmap_claim(&map, 0x80000000, 0x1000, KB_REGION_PAYLOAD,
					 "kernel", &diag), KB_ENOSPC);
}

static void test_add_bad_args(void **state)
{
	(void)state;
	assert_int_equal(kb_memmap_add_resv(&map, 0x1000, 0x10,
					    (enum kb_region_kind)99, 0, "k",
					    &diag), KB_EINVAL);
	check_msg("memmap: k: bad kind 99");
	assert_int_equal(kb_memmap_add_resv(&map, 0x1000, 0x10, KB_REGION_OTHER,
					    0x80, "f", &diag), KB_EINVAL);
	check_msg("flags 0x80");
	assert_int_equal(kb_memmap_add_mem(NULL, 0x1000, 0x10, "m", &diag),
			 KB_EINVAL);
	assert_int_equal(kb_memmap_add_resv(NULL, 0x1000, 0x10, KB_REGION_OTHER,
					    0, "m", &diag), KB_EINVAL);
	assert_int_equal(map.nresv, 0);
}

static void test_add_names(void **state)
{
	static const char long_name[] =
		"/soc/a-very-long-bus-name@10000000/reserved-region@10001000";

	(void)state;
	assert_int_equal(kb_memmap_add_mem(&map, 0x1000, 0x1000, NULL, &diag), KB_OK);
	assert_string_equal(mem[0].name, "");
	assert_int_equal(kb_memmap_add_resv(&map, 0x1000, 0x1000,
					    KB_REGION_OTHER, KB_REGION_NOMAP,
					    long_name, &diag), KB_OK);
	/* a long path keeps its end, from a '/': the node's own name */
	assert_string_equal(resv[0].name, ".../reserved-region@10001000");
	assert_int_equal(resv[0].flags, KB_REGION_NOMAP);
	assert_int_equal(resv[0].kind, KB_REGION_OTHER);
	/* no '/' in reach: the last KB_REGION_NAME_LEN - 4 characters */
	{
		char name[KB_REGION_NAME_LEN + 8];

		for (unsigned int i = 0; i < sizeof(name) - 1; i++)
			name[i] = (char)('a' + i % 26);
		name[sizeof(name) - 1] = '\0';
		assert_int_equal(kb_memmap_add_resv(&map, 0x3000, 0x1000, KB_REGION_OTHER,
						    0, name, &diag), KB_OK);
		assert_int_equal(strlen(resv[1].name), KB_REGION_NAME_LEN - 1);
		assert_memory_equal(resv[1].name, "...", 3);
		assert_string_equal(resv[1].name + 3,
				    name + sizeof(name) - 1 - (KB_REGION_NAME_LEN - 4));
		/* exactly KB_REGION_NAME_LEN - 1 characters: kept whole */
		name[KB_REGION_NAME_LEN - 1] = '\0';
		assert_int_equal(kb_memmap_add_resv(&map, 0x5000, 0x1000, KB_REGION_OTHER,
						    0, name, &diag), KB_OK);
		assert_string_equal(resv[2].name, name);
	}
}

/* ---- printing ------------------------------------------------------- */

static char out[4096];
static size_t out_len;

static int capture(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(out) - out_len);
	out_len += (size_t)n;
	return n;
}

static void test_print(void **state)
{
	(void)state;
	out_len = 0;
	out[0] = '\0';
	assert_int_equal(kb_memmap_add_mem(&map, 0x80000000, 0x20000000,
					   "/memory@80000000", &diag), KB_OK);
	assert_int_equal(kb_memmap_add_mem(&map, UINT64_C(0x100000000),
					   UINT64_C(0x300000000), "high", &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, 0x80000000, 0x40000,
					    KB_REGION_RESERVED_MEMORY,
					    KB_REGION_NOMAP,
					    "/reserved-memory/mmode_resv0@80000000",
					    &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, 0x88000000, 0x1234,
					    KB_REGION_INITRD, 0, "/chosen",
					    &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, 0x9fe00000, 0x1800,
					    KB_REGION_DTB, 0, "dtb", &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, 0, UINT64_C(1) << 62,
					    KB_REGION_OTHER, 0, "", &diag), KB_OK);
	kb_memmap_print(&map, "kb: ", capture);
	assert_string_equal(out,
		"kb: mem   0x0000000080000000-0x00000000a0000000  512 MiB  /memory@80000000\n"
		"kb: mem   0x0000000100000000-0x0000000400000000  12 GiB  high\n"
		"kb: resv  0x0000000080000000-0x0000000080040000  256 KiB  reserved-memory no-map /reserved-memory/mmode_resv0@80000000\n"
		"kb: resv  0x0000000088000000-0x0000000088001234  4660 B  initrd /chosen\n"
		"kb: resv  0x000000009fe00000-0x000000009fe01800  6 KiB  dtb dtb\n"
		"kb: resv  0x0000000000000000-0x4000000000000000  4 EiB  other \n");

	/* a range ending at 2^64 prints its end as 2^64; a hand-made one
	 * that would wrap is clamped there */
	out_len = 0;
	out[0] = '\0';
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	assert_int_equal(kb_memmap_add_mem(&map, UINT64_C(0xffffffff00000000),
					   UINT64_C(0x100000000), "top", &diag), KB_OK);
	assert_int_equal(kb_memmap_add_resv(&map, UINT64_MAX, 1, KB_REGION_OTHER,
					    0, "last", &diag), KB_OK);
	resv[1] = resv[0];
	resv[1].base = UINT64_MAX - 1;
	resv[1].size = 0x10;
	map.nresv = 2;
	kb_memmap_print(&map, "", capture);
	assert_string_equal(out,
		"mem   0xffffffff00000000-0x10000000000000000  4 GiB  top\n"
		"resv  0xffffffffffffffff-0x10000000000000000  1 B  other last\n"
		"resv  0xfffffffffffffffe-0x10000000000000000  16 B  other last\n");

	/* NULL prefix, empty map, NULL callback */
	out_len = 0;
	out[0] = '\0';
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	kb_memmap_print(&map, NULL, capture);
	assert_string_equal(out, "");
	kb_memmap_print(&map, NULL, NULL);
	kb_memmap_print(NULL, "", capture);
}

static void test_print_from_fdt(void **state)
{
	char want[1024];

	(void)state;
	out_len = 0;
	out[0] = '\0';
	assert_int_equal(parse("mem_cells1"), KB_OK);
	kb_memmap_print(&map, "", capture);
	snprintf(want, sizeof(want),
		 "mem   0x0000000040000000-0x0000000048000000  128 MiB  /memory@40000000\n"
		 "mem   0x0000000050000000-0x0000000051000000  16 MiB  /memory@40000000\n"
		 "resv  0x0000000040000000-0x0000000040010000  64 KiB  memreserve /memreserve/ 0\n"
		 "resv  0x0000000040100000-0x0000000040120000  128 KiB  reserved-memory no-map /reserved-memory/fw@40100000\n"
		 "resv  0x0000000048000000-0x0000000048100000  1 MiB  initrd /chosen\n"
		 "resv  0x000000009fe00000-0x%016" PRIx64 "  %u B  dtb dtb\n",
		 DTB_ADDR + fdt_totalsize(blob), fdt_totalsize(blob));
	assert_string_equal(out, want);
}

static void test_covers(void **state)
{
	(void)state;
	assert_int_equal(kb_memmap_add_mem(&map, 0x80000000, 0x1000, "a", &diag), 0);
	/* adjacent: one stretch of RAM, so coverage spans a and b */
	assert_int_equal(kb_memmap_add_mem(&map, 0x80001000, 0x1000, "b", &diag), 0);
	assert_int_equal(map.nmem, 1);
	assert_int_equal(kb_memmap_add_mem(&map, UINT64_MAX - 0xfff, 0xfff, "top", &diag), 0);

	assert_true(kb_memmap_covers(&map, 0x80000000, 0x1000));
	assert_true(kb_memmap_covers(&map, 0x80000fff, 1));
	assert_true(kb_memmap_covers(&map, 0x80000800, 0));
	assert_true(kb_memmap_covers(&map, 0x80000800, 0x1000));	/* straddles a and b */
	assert_false(kb_memmap_covers(&map, 0x80001800, 0x1000));	/* runs past b */
	assert_false(kb_memmap_covers(&map, 0x7fffffff, 2));		/* starts below */
	assert_false(kb_memmap_covers(&map, 0x80002000, 0));		/* end of b, empty */
	assert_false(kb_memmap_covers(&map, 0x80001000, UINT64_MAX));	/* wraps */
	assert_true(kb_memmap_covers(&map, UINT64_MAX - 0xfff, 0xfff));	/* top of 2^64 */
	assert_false(kb_memmap_covers(&map, UINT64_MAX - 0xfff, 0x1000));
	assert_false(kb_memmap_covers(&map, 0, 1));
	assert_false(kb_memmap_covers(&map, UINT64_MAX, 1));
	assert_false(kb_memmap_covers(&map, UINT64_MAX, 0));
	assert_false(kb_memmap_covers(&map, UINT64_MAX, 2));		/* wraps */

	/* a range ending at 2^64 covers up to its last byte */
	assert_int_equal(kb_memmap_add_mem(&map, UINT64_C(0xffffffffff000000),
					   0x1000000, "end", &diag), 0);
	assert_true(kb_memmap_covers(&map, UINT64_MAX, 1));
	assert_true(kb_memmap_covers(&map, UINT64_MAX, 0));
	assert_true(kb_memmap_covers(&map, UINT64_C(0xffffffffff000000), 0x1000000));
	assert_true(kb_memmap_covers(&map, UINT64_C(0xffffffffff800000), 0x800000));
	assert_false(kb_memmap_covers(&map, UINT64_C(0xfffffffffeffffff), 2));
	assert_false(kb_memmap_covers(&map, UINT64_C(0xffffffffff800000), 0x800001));

	/* hand-made regions that wrap or are empty cover nothing */
	kb_memmap_init(&map, mem, NMEM, resv, NRESV);
	mem[0].base = UINT64_MAX - 0xf;
	mem[0].size = 0x20;
	mem[1].base = 0x1000;
	mem[1].size = 0;
	map.nmem = 2;
	assert_false(kb_memmap_covers(&map, UINT64_MAX - 0xf, 1));
	assert_false(kb_memmap_covers(&map, 0x1000, 0));
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(kb_region_kind_name(KB_REGION_MEMORY), "memory");
	assert_string_equal(kb_region_kind_name(KB_REGION_MEMRESERVE), "memreserve");
	assert_string_equal(kb_region_kind_name(KB_REGION_RESERVED_MEMORY),
			    "reserved-memory");
	assert_string_equal(kb_region_kind_name(KB_REGION_INITRD), "initrd");
	assert_string_equal(kb_region_kind_name(KB_REGION_DTB), "dtb");
	assert_string_equal(kb_region_kind_name(KB_REGION_LOADER), "loader");
	assert_string_equal(kb_region_kind_name(KB_REGION_STACK), "stack");
	assert_string_equal(kb_region_kind_name(KB_REGION_OTHER), "other");
	assert_string_equal(kb_region_kind_name((enum kb_region_kind)42), "unknown");
}

/* ---- diag.c / error.c ----------------------------------------------- */

static void test_diag(void **state)
{
	char big[400];

	(void)state;
	assert_int_equal(kb_diag_set(NULL, KB_EIO, "x %d", 1), KB_EIO);
	assert_int_equal(kb_diag_set(&diag, KB_EINVAL, "dtb: %s %d", "a", 7),
			 KB_EINVAL);
	assert_string_equal(diag.msg, "dtb: a 7");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(kb_diag_set(&diag, KB_OK, "%s", big), KB_OK);
	assert_int_equal(strlen(diag.msg), KB_DIAG_LEN - 1);
	kb_diag_clear(&diag);
	assert_string_equal(diag.msg, "");
	kb_diag_clear(NULL);
}

static void test_strerror(void **state)
{
	static const struct { int err; const char *s; } t[] = {
		{ KB_OK, "success" },
		{ KB_EFAIL, "failure" },
		{ KB_EINVAL, "malformed input" },
		{ KB_ENOSPC, "table full" },
		{ KB_ENOENT, "not found" },
		{ KB_ERANGE, "address or size out of range" },
		{ KB_EFDT, "invalid device tree blob" },
		{ KB_ENODEV, "no usable device" },
		{ KB_EIO, "device I/O error" },
		{ KB_EHEALTH, "entropy health test failed" },
		{ KB_ENOTSUP, "not supported" },
		{ KB_EOVERLAP, "overlapping regions" },
		{ KB_EALIGN, "misaligned address" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(kb_strerror(t[i].err), t[i].s);
	assert_string_equal(kb_strerror(-13), "unknown error");
	assert_string_equal(kb_strerror(1), "unknown error");
}

/* Ranges around 4 GiB: kept whole with 64-bit addresses; with 32-bit ones
 * cut at 4 GiB or left out, and counted. */
/* ---- kb_memmap_from_build (CONFIG_DT_MEMMAP_AT_BUILD) ----------------- */

/* What tools/kbdtmap does at build time and the loader at boot: the map
 * of a fixture without the blob's own entry, as tables, then
 * kb_memmap_from_build() into a fresh map with the blob at DTB_ADDR: the
 * same map, entry for entry, as kb_memmap_from_fdt() gave. */
static void same_map_from_build(const char *name)
{
	static struct kb_region mem2[NMEM], resv2[NRESV];
	struct kb_memmap m2;
	struct kb_memmap_build b;
	unsigned int i;

	setup(NULL);
	assert_int_equal(parse(name), KB_OK);
	assert_true(map.nresv >= 1);
	assert_int_equal(resv[map.nresv - 1].kind, KB_REGION_DTB);
	b.mem = mem;
	b.resv = resv;
	b.nmem = map.nmem;
	b.nresv = map.nresv - 1;
	b.nclipped = kb_memmap_clipped(&map);
	memset(mem2, 0x5a, sizeof(mem2));
	memset(resv2, 0x5a, sizeof(resv2));
	kb_memmap_init(&m2, mem2, NMEM, resv2, NRESV);
	assert_int_equal(kb_memmap_from_build(&m2, &b, DTB_ADDR, fdt_totalsize(blob), &diag), KB_OK);
	assert_int_equal(m2.nmem, map.nmem);
	assert_int_equal(m2.nresv, map.nresv);
	assert_int_equal(kb_memmap_clipped(&m2), kb_memmap_clipped(&map));
	for (i = 0; i < map.nmem; i++) {
		check_region(&mem2[i], mem[i].base, mem[i].size, mem[i].kind, mem[i].flags, mem[i].name);
		assert_int_equal(mem2[i].merged, mem[i].merged);
	}
	for (i = 0; i < map.nresv; i++)
		check_region(&resv2[i], resv[i].base, resv[i].size, resv[i].kind, resv[i].flags, resv[i].name);
}

static void test_from_build_same_map(void **state)
{
	(void)state;
	same_map_from_build("resv");
	same_map_from_build("overlap");
	same_map_from_build("mem_cells1");
	same_map_from_build("mem_cells2");
	same_map_from_build("mem_4g");	/* cut at 4 GiB with 32-bit addresses */
}

static void test_from_build_errors(void **state)
{
	static const struct kb_region r[3] = {
		{ .base = 0x1000, .size = 0x1000, .kind = KB_REGION_MEMORY, .name = "/m" },
		{ .base = 0x3000, .size = 0x1000, .kind = KB_REGION_MEMORY, .name = "/n" },
		{ .base = 0x5000, .size = 0x1000, .kind = KB_REGION_MEMORY, .name = "/o" },
	};
	struct kb_memmap_build b = { .mem = r, .resv = r, .nmem = 3, .nresv = 0 };
	static struct kb_region m2[2], r2[2];
	struct kb_memmap m;

	(void)state;
	assert_int_equal(kb_memmap_from_build(NULL, &b, 0, 64, &diag), KB_EINVAL);
	check_msg("memmap: no map, no tables");
	assert_int_equal(kb_memmap_from_build(&map, NULL, 0, 64, &diag), KB_EINVAL);
	/* a map that already holds something */
	assert_int_equal(kb_memmap_add_mem(&map, 0x1000, 0x10, "x", &diag), KB_OK);
	assert_int_equal(kb_memmap_from_build(&map, &b, 0, 64, &diag), KB_EINVAL);
	check_msg("a map not empty");
	/* tables built for larger capacities: refused, never cut */
	kb_memmap_init(&m, m2, 2, r2, 2);
	assert_int_equal(kb_memmap_from_build(&m, &b, 0, 64, &diag), KB_ENOSPC);
	check_msg("memmap: the build-time tables (3 memory, 0 reservations) exceed the tables (2, 2)");
	assert_int_equal(m.nmem, 0);
	b.nmem = 2;
	b.nresv = 3;
	assert_int_equal(kb_memmap_from_build(&m, &b, 0, 64, &diag), KB_ENOSPC);
	/* the blob's range wraps: the same line as kb_memmap_from_fdt() */
	b.nresv = 0;
	assert_int_equal(kb_memmap_from_build(&m, &b, KB_PHYS_MAX - 7, 64, &diag), KB_ERANGE);
	check_msg("wraps past " KB_PHYS_TOP);
	/* the table is full for the blob's own entry */
	kb_memmap_init(&m, m2, 2, r2, 0);
	b.nresv = 0;
	assert_int_equal(kb_memmap_from_build(&m, &b, 0x100, 64, &diag), KB_ENOSPC);
	check_msg("memmap: reservation table full");
	/* and the good case: the blob last */
	kb_memmap_init(&m, m2, 2, r2, 2);
	assert_int_equal(kb_memmap_from_build(&m, &b, 0x100, 64, &diag), KB_OK);
	assert_int_equal(m.nmem, 2);
	assert_int_equal(m.nresv, 1);
	check_region(&r2[0], 0x100, 64, KB_REGION_DTB, 0, "dtb");
	check_region(&m2[1], 0x3000, 0x1000, KB_REGION_MEMORY, 0, "/n");
}

static void test_from_fdt_4g(void **state)
{
	(void)state;
	assert_int_equal(parse("mem_4g"), KB_OK);
#if KB_PHYS_BITS < 64
	assert_int_equal(map.nmem, 2);
	check_region(&map.mem[0], 0x80000000, 0x20000000, KB_REGION_MEMORY, 0, "/memory@80000000");
	/* [0xf0000000, 0x110000000) cut at 4 GiB */
	check_region(&map.mem[1], 0xf0000000, 0x10000000, KB_REGION_MEMORY, 0, "/memory@80000000");
	/* /memreserve/ 0 (above), 8 GiB memory, initrd (above) left out;
	 * the straddling memory and reserved-memory cut: 5 */
	assert_int_equal(kb_memmap_clipped(&map), 5);
	assert_int_equal(map.nresv, 3);
	check_region(&map.resv[0], 0x81000000, 0x1000, KB_REGION_MEMRESERVE, 0, "/memreserve/ 1");
	check_region(&map.resv[1], 0xffff0000, 0x10000, KB_REGION_RESERVED_MEMORY, 0,
		     "/reserved-memory/straddle@ffff0000");
	check_region(&map.resv[2], DTB_ADDR, fdt_totalsize(blob), KB_REGION_DTB, 0, "dtb");
	/* the top byte is memory, and writable */
	assert_true(kb_memmap_covers(&map, 0xffffffff, 1));
	assert_int_equal(kb_memmap_check_write(&map, 0xfffe0000, 0x10000, 0, "x", &diag), KB_OK);
	assert_int_equal(kb_memmap_check_write(&map, 0xfffe0000, 0x10001, 0, "x", &diag), KB_EOVERLAP);
#else
	assert_int_equal(map.nmem, 3);
	check_region(&map.mem[1], 0xf0000000, 0x20000000, KB_REGION_MEMORY, 0, "/memory@80000000");
	check_region(&map.mem[2], 0x200000000, 0x100000000, KB_REGION_MEMORY, 0, "/memory@80000000");
	assert_int_equal(kb_memmap_clipped(&map), 0);
	assert_int_equal(map.nresv, 5);
	check_region(&map.resv[2], 0xffff0000, 0x20000, KB_REGION_RESERVED_MEMORY, 0,
		     "/reserved-memory/straddle@ffff0000");
	check_region(&map.resv[3], 0x110000000, 0x1000, KB_REGION_INITRD, 0, "/chosen");
#endif
}

/* Memory [0, 8 GiB) and a reservation of exactly [0, 4 GiB). */
static void test_from_fdt_4g_all(void **state)
{
	(void)state;
#if KB_PHYS_BITS < 64
	/* The reservation is refused, naming it; the memory before it was
	 * cut to [0, 4 GiB - 1). */
	assert_int_equal(parse("mem_4g_all"), KB_ERANGE);
	check_msg("dtb: /memreserve/ 0: reservation covers all of the 4 GiB a 32-bit loader can address");
	assert_int_equal(map.nmem, 1);
	check_region(&map.mem[0], 0, 0xffffffff, KB_REGION_MEMORY, 0, "/memory@0");
	assert_int_equal(kb_memmap_clipped(&map), 1);
#else
	assert_int_equal(parse("mem_4g_all"), KB_OK);
	check_region(&map.mem[0], 0, 0x200000000, KB_REGION_MEMORY, 0, "/memory@0");
	check_region(&map.resv[0], 0, 0x100000000, KB_REGION_MEMRESERVE, 0, "/memreserve/ 0");
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_validate_all_fixtures, setup),
		cmocka_unit_test_setup(test_validate_null, setup),
		cmocka_unit_test_setup(test_validate_too_small, setup),
		cmocka_unit_test_setup(test_validate_bad_magic, setup),
		cmocka_unit_test_setup(test_validate_bad_version, setup),
		cmocka_unit_test_setup(test_validate_misaligned, setup),
		cmocka_unit_test_setup(test_validate_misaligned_blocks, setup),
		cmocka_unit_test_setup(test_validate_totalsize_beyond_buffer, setup),
		cmocka_unit_test_setup(test_validate_truncated_blocks, setup),
		cmocka_unit_test_setup(test_validate_nameoff_outside_strings, setup),
		cmocka_unit_test_setup(test_validate_prop_len_past_struct, setup),
		cmocka_unit_test_setup(test_validate_bad_tag, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_from_fdt_cells2, setup),
#endif
		cmocka_unit_test_setup(test_from_fdt_cells1, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_from_fdt_resv, setup),
#endif
		cmocka_unit_test_setup(test_from_fdt_overlap, setup),
		cmocka_unit_test_setup(test_from_fdt_initrd_empty, setup),
		cmocka_unit_test_setup(test_from_fdt_appends, setup),
		cmocka_unit_test_setup(test_from_fdt_malformed, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_from_fdt_dtb_wraps, setup),
#endif
		cmocka_unit_test_setup(test_from_fdt_bad_header, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_from_fdt_mem_table_full, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_from_fdt_resv_table_full, setup),
#endif
		cmocka_unit_test_setup(test_add_size_zero, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_add_wrap, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_add_ends_at_2_64, setup),
#endif
		cmocka_unit_test_setup(test_add_full, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_add_merges, setup),
#endif
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_check_write, setup),
#endif
		cmocka_unit_test_setup(test_add_bad_args, setup),
		cmocka_unit_test_setup(test_add_names, setup),
#if KB_PHYS_BITS == 64
		cmocka_unit_test_setup(test_print, setup),
#endif
		cmocka_unit_test_setup(test_print_from_fdt, setup),
		cmocka_unit_test_setup(test_covers, setup),
		cmocka_unit_test_setup(test_kind_names, setup),
		cmocka_unit_test_setup(test_diag, setup),
		cmocka_unit_test_setup(test_strerror, setup),
		cmocka_unit_test_setup(test_from_build_same_map, setup),
		cmocka_unit_test_setup(test_from_build_errors, setup),
		cmocka_unit_test_setup(test_from_fdt_4g, setup),
		cmocka_unit_test_setup(test_from_fdt_4g_all, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
