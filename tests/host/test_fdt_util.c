// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host unit tests for fdt/fdt_util.c.
 *
 * Fixtures are compiled .dtb files in $KB_FIXTURE_DIR (built from
 * tests/fixtures/<name>.dts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/memmap.h>

#define BLOB_MAX (64 * 1024)

static uint64_t blob_store[BLOB_MAX / 8];
static void *const blob = blob_store;
static struct kb_diag diag;

/* Load $KB_FIXTURE_DIR/<name>.dtb into blob (validated). */
static void load(const char *name)
{
	size_t n;

	memset(blob_store, 0, sizeof(blob_store));
	n = kb_test_load_fixture(name, blob, BLOB_MAX);
	assert_int_equal(fdt_check_full(blob, n), 0);
	memset(&diag, 0, sizeof(diag));
}

static int node(const char *path)
{
	int off = fdt_path_offset(blob, path);

	if (off < 0)
		fail_msg("no node %s in fixture", path);
	return off;
}

static void check_msg(const char *want)
{
	if (strcmp(diag.msg, want) != 0)
		fail_msg("diag \"%s\", want \"%s\"", diag.msg, want);
}

static void check_msg_has(const char *needle)
{
	if (strstr(diag.msg, needle) == NULL)
		fail_msg("diag \"%s\" does not contain \"%s\"", diag.msg, needle);
	assert_true(strncmp(diag.msg, "dtb: ", 5) == 0);
}

/* ---- kb_fdt_node_enabled -------------------------------------------- */

static void test_node_enabled(void **state)
{
	(void)state;
	load("misc");
	assert_true(kb_fdt_node_enabled(blob, node("/st-okay")));
	assert_true(kb_fdt_node_enabled(blob, node("/st-ok")));
	assert_true(kb_fdt_node_enabled(blob, node("/st-absent")));
	assert_true(kb_fdt_node_enabled(blob, 0));
	assert_false(kb_fdt_node_enabled(blob, node("/st-disabled")));
	assert_false(kb_fdt_node_enabled(blob, node("/st-fail")));
	assert_false(kb_fdt_node_enabled(blob, node("/st-unterminated")));
	assert_false(kb_fdt_node_enabled(blob, node("/st-okayx")));
	assert_false(kb_fdt_node_enabled(blob, node("/st-empty")));
	/* not a node offset: cannot tell, so not enabled */
	assert_false(kb_fdt_node_enabled(blob, 4));
	assert_false(kb_fdt_node_enabled(blob, -1));
}

/* ---- kb_fdt_get_cells ----------------------------------------------- */

static void test_get_cells_ok(void **state)
{
	uint32_t c = 99;

	(void)state;
	load("misc");
	assert_int_equal(kb_fdt_get_cells(blob, node("/c-none"), "#address-cells",
					  2, &c, &diag), KB_OK);
	assert_int_equal(c, 2);
	assert_int_equal(kb_fdt_get_cells(blob, node("/c-none"), "#size-cells",
					  1, &c, &diag), KB_OK);
	assert_int_equal(c, 1);
	assert_int_equal(kb_fdt_get_cells(blob, node("/c-one"), "#address-cells",
					  2, &c, &diag), KB_OK);
	assert_int_equal(c, 1);
	assert_int_equal(kb_fdt_get_cells(blob, 0, "#size-cells", 1, &c, &diag),
			 KB_OK);
	assert_int_equal(c, 2);
}

static void test_get_cells_bad(void **state)
{
	static const struct {
		const char *node, *prop, *msg;
	} t[] = {
		{ "/c-zero", "#size-cells",
		  "dtb: /c-zero: #size-cells = 0 is not supported (must be 1 or 2)" },
		{ "/c-three", "#address-cells",
		  "dtb: /c-three: #address-cells = 3 is not supported (must be 1 or 2)" },
		{ "/c-long", "#address-cells",
		  "dtb: /c-long: #address-cells has length 8, expected 4" },
		{ "/c-empty", "#address-cells",
		  "dtb: /c-empty: #address-cells has length 0, expected 4" },
	};
	size_t i;
	uint32_t c;

	(void)state;
	load("misc");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		c = 77;
		assert_int_equal(kb_fdt_get_cells(blob, node(t[i].node), t[i].prop,
						  2, &c, &diag), KB_EINVAL);
		check_msg(t[i].msg);
		assert_int_equal(c, 77);	/* untouched on error */
		assert_int_equal(kb_fdt_get_cells(blob, node(t[i].node), t[i].prop,
						  2, &c, NULL), KB_EINVAL);
	}
	/* a bad node offset is an unreadable property, not a default */
	assert_int_equal(kb_fdt_get_cells(blob, 4, "#address-cells", 2, &c, &diag),
			 KB_EINVAL);
	check_msg_has("cannot read #address-cells: FDT_ERR_BADOFFSET");
}

/* ---- kb_fdt_read_cells ---------------------------------------------- */

static void test_read_cells(void **state)
{
	static const uint8_t b[] = { 0xff, 0x12, 0x34, 0x56, 0x78,
				     0x9a, 0xbc, 0xde, 0xf0, 0xff };
	uint32_t aligned[2];

	(void)state;
	/* unaligned on purpose */
	assert_int_equal(kb_fdt_read_cells(b + 1, 1), 0x12345678);
	assert_int_equal(kb_fdt_read_cells(b + 1, 2),
			 UINT64_C(0x123456789abcdef0));
	memcpy(aligned, b + 1, 8);
	assert_int_equal(kb_fdt_read_cells(aligned, 2),
			 UINT64_C(0x123456789abcdef0));
	/* unsupported counts read nothing */
	assert_int_equal(kb_fdt_read_cells(b, 0), 0);
	assert_int_equal(kb_fdt_read_cells(b, 3), 0);
}

/* ---- kb_fdt_path ---------------------------------------------------- */

#define LONG_PATH \
	"/a-rather-long-node-name-number-one/another-long-node-name-number-two/leaf@12345678"

static void test_path(void **state)
{
	char buf[128], small[32];
	int leaf;

	(void)state;
	load("misc");
	assert_string_equal(kb_fdt_path(blob, 0, buf, sizeof(buf)), "/");
	assert_string_equal(kb_fdt_path(blob, node("/st-ok"), buf, sizeof(buf)),
			    "/st-ok");
	leaf = node(LONG_PATH);
	assert_ptr_equal(kb_fdt_path(blob, leaf, buf, sizeof(buf)), buf);
	assert_string_equal(buf, LONG_PATH);

	/* exactly fits, and one byte short */
	assert_string_equal(kb_fdt_path(blob, leaf, buf, sizeof(LONG_PATH)),
			    LONG_PATH);
	kb_fdt_path(blob, leaf, buf, sizeof(LONG_PATH) - 1);
	assert_int_equal(strlen(buf), sizeof(LONG_PATH) - 2);
	assert_memory_equal(buf, LONG_PATH, sizeof(LONG_PATH) - 5);
	assert_string_equal(buf + sizeof(LONG_PATH) - 5, "...");

	assert_string_equal(kb_fdt_path(blob, leaf, small, sizeof(small)),
			    "/a-rather-long-node-name-num...");
	assert_string_equal(kb_fdt_path(blob, leaf, small, 4), "...");
	assert_string_equal(kb_fdt_path(blob, leaf, small, 3), "/a");
	assert_string_equal(kb_fdt_path(blob, leaf, small, 1), "");
	assert_string_equal(kb_fdt_path(blob, 0, small, 1), "");
	small[0] = 'z';
	kb_fdt_path(blob, leaf, small, 0);	/* nothing written */
	assert_int_equal(small[0], 'z');
	assert_null(kb_fdt_path(blob, leaf, NULL, 10));

	/* not a node */
	assert_string_equal(kb_fdt_path(blob, 4, buf, sizeof(buf)), "<node 4>");
}

/* ---- kb_fdt_reg_cpu ------------------------------------------------- */

static void check_reg(const char *path, int idx, uint64_t addr, uint64_t size)
{
	uint64_t a = 1, s = 1;
	int r;

	r = kb_fdt_reg_cpu(blob, node(path), idx, &a, &s, &diag);
	if (r)
		fail_msg("%s[%d]: %d %s", path, idx, r, diag.msg);
	assert_int_equal(a, addr);
	assert_int_equal(s, size);
}

static void check_reg_err(const char *path, int idx, int err, const char *msg)
{
	uint64_t a = 1, s = 2;

	assert_int_equal(kb_fdt_reg_cpu(blob, node(path), idx, &a, &s, &diag), err);
	check_msg(msg);
	assert_int_equal(a, 1);		/* untouched on error */
	assert_int_equal(s, 2);
	assert_int_equal(kb_fdt_reg_cpu(blob, node(path), idx, &a, &s, NULL), err);
}

static void test_reg_cpu_translate(void **state)
{
	(void)state;
	load("ranges");
	check_reg("/direct@30000000", 0, 0x30000000, 0x1000);
	check_reg("/soc/serial@100", 0, 0x10000100, 0x100);
	check_reg("/soc/hi@20000000", 0, UINT64_C(0x400000000), 0x1000);
	check_reg("/soc/hi@20000000", 1, UINT64_C(0x400001000), 0x1000);
	/* two levels: bridge 0x40 -> soc 0x800040 -> CPU 0x10800040 */
	check_reg("/soc/bridge@800000/dev@40", 0, 0x10800040, 0x10);
	/* empty ranges and absent ranges are identity */
	check_reg("/soc/ibus/dev@3000", 0, 0x10003000, 0x10);
	check_reg("/soc/nobus/dev@4000", 0, 0x10004000, 0x10);
	check_reg("/topbus/dev@0", 0, UINT64_C(0xfffffffffffff000), 0x100);

	load("stdout_alias");
	check_reg("/soc/serial@100", 0, 0x10000100, 0x100);
}

static void test_reg_cpu_errors(void **state)
{
	uint64_t a, s;

	(void)state;
	load("ranges");
	check_reg_err("/soc/hi@20000000", 2, KB_ENOENT,
		      "dtb: /soc/hi@20000000: no reg entry 2 (it has 2)");
	check_reg_err("/soc/hi@20000000", -1, KB_ENOENT,
		      "dtb: /soc/hi@20000000: no reg entry -1 (it has 2)");
	check_reg_err("/soc/noreg", 0, KB_ENOENT, "dtb: /soc/noreg: no reg property");
	check_reg_err("/soc/outside@2000000", 0, KB_ERANGE,
		      "dtb: /soc/outside@2000000: reg entry 0 0x2000000+0x1000 is outside the ranges of its bus");
	check_reg_err("/soc/straddle@ffff00", 0, KB_ERANGE,
		      "dtb: /soc/straddle@ffff00: reg entry 0 0xffff00+0x200 is outside the ranges of its bus");
	check_reg_err("/soc/badreg@0", 0, KB_EINVAL,
		      "dtb: /soc/badreg@0: reg length 12 is not a multiple of 8 (#address-cells=1, #size-cells=1)");
	check_reg_err("/soc/badbus/dev@0", 0, KB_EINVAL,
		      "dtb: /soc/badbus: ranges length 16 is not a multiple of 12");
	check_reg_err("/soc/cells3bus/dev@0", 0, KB_EINVAL,
		      "dtb: /soc/cells3bus: #address-cells = 3 is not supported (must be 1 or 2)");
	check_reg_err("/topbus/dev@1000", 0, KB_ERANGE,
		      "dtb: /topbus: ranges entry 0 maps 0x1000 past 2^64");

	/* the root has no parent bus */
	assert_int_equal(kb_fdt_reg_cpu(blob, 0, 0, &a, &s, &diag), KB_EINVAL);
	check_msg_has("dtb: /: no parent to read reg with");

	load("mem_wrap");
	check_reg_err("/memory@fffffffffffff000", 0, KB_ERANGE,
		      "dtb: /memory@fffffffffffff000: reg entry 0 0xfffffffffffff000+0x2000 wraps past 2^64");
	load("bad_root_size_cells0");
	check_reg_err("/memory@80000000", 0, KB_EINVAL,
		      "dtb: /: #size-cells = 0 is not supported (must be 1 or 2)");
}

/* ---- kb_fdt_stdout_node --------------------------------------------- */

/* The walk carries every node's ancestors exactly as libfdt finds them;
 * a compatible scan visits what fdt_node_offset_by_compatible() visits,
 * and translates like kb_fdt_reg_cpu(); nesting past the chain is an
 * error, not a lost level. */
static void test_walk(void **state)
{
	static uint64_t big[(BLOB_MAX + 8192) / 8];
	const char *marked[] = { "/topbus/dev@1000", "/soc/bridge@800000/dev@40",
				 "/soc/serial@100", "/direct@30000000", "/soc/ibus/dev@3000" };
	struct kb_fdt_walk w;
	int node, depth, n = 0, want, parent, translated = 0;

	(void)state;
	load("ranges");
	depth = 0;
	for (node = 0; node >= 0 && depth >= 0; node = fdt_next_node(blob, node, &depth)) {
		assert_int_equal(kb_fdt_walk_to(blob, node, &w, &diag), KB_OK);
		assert_int_equal(w.node, node);
		assert_int_equal(w.depth, fdt_node_depth(blob, node));
		assert_int_equal(w.chain[w.depth], node);
		for (int i = w.depth; i > 0; i--) {
			parent = fdt_parent_offset(blob, w.chain[i]);
			assert_int_equal(w.chain[i - 1], parent);
		}
		n++;
	}
	assert_true(n > 20);
	/* not a node's offset */
	assert_int_equal(kb_fdt_walk_to(blob, fdt_path_offset(blob, "/soc") + 4, &w, &diag), KB_EINVAL);

	/* a compatible scan */
	assert_int_equal(fdt_open_into(blob, big, fdt_totalsize(blob) + 4096), 0);
	for (size_t i = 0; i < sizeof(marked) / sizeof(marked[0]); i++)
		assert_int_equal(fdt_setprop_string(big, fdt_path_offset(big, marked[i]),
						    "compatible", "kb,walk"), 0);
	w.node = -1;
	want = fdt_node_offset_by_compatible(big, -1, "kb,walk");
	n = 0;
	while (kb_fdt_next_compatible(big, &w, "kb,walk", &diag) == KB_OK) {
		uint64_t a1 = 1, s1 = 1, a2 = 2, s2 = 2;
		int r1, r2;

		assert_int_equal(w.node, want);
		r1 = kb_fdt_reg_cpu(big, w.node, 0, &a1, &s1, &diag);
		r2 = kb_fdt_reg_cpu_walk(big, &w, 0, &a2, &s2, &diag);
		assert_int_equal(r1, r2);
		if (r1 == 0) {
			assert_int_equal(a1, a2);
			assert_int_equal(s1, s2);
			translated++;
		}
		want = fdt_node_offset_by_compatible(big, want, "kb,walk");
		n++;
	}
	assert_int_equal(n, 5);
	assert_int_equal(translated, 4);	/* /topbus/dev@1000 lies outside its bus: both refuse it */
	assert_int_equal(want, -FDT_ERR_NOTFOUND);
	assert_int_equal(kb_fdt_next_compatible(big, &w, "kb,walk", &diag), KB_ENOENT);

	/* 17 levels of nesting: one more than the chain holds */
	assert_int_equal(fdt_create_empty_tree(big, sizeof(big)), 0);
	node = 0;
	for (int i = 0; i < KB_FDT_MAX_DEPTH; i++) {
		node = fdt_add_subnode(big, node, "n");
		assert_true(node >= 0);
	}
	assert_int_equal(kb_fdt_walk_to(big, node, &w, &diag), KB_ERANGE);
	assert_non_null(strstr(diag.msg, "nested 16 deep (at most 15)"));
	assert_int_equal(kb_fdt_walk_to(big, fdt_parent_offset(big, node), &w, &diag), KB_OK);
	assert_int_equal(w.depth, KB_FDT_MAX_DEPTH - 1);
	/* kb_fdt_path() finds the ancestors with the same walk: the deepest
	 * node it names is 15 levels down, the one below is "<node N>" */
	{
		char p[64], want[64] = "";

		for (int i = 0; i < KB_FDT_MAX_DEPTH - 1; i++)
			strcat(want, "/n");
		assert_string_equal(kb_fdt_path(big, fdt_parent_offset(big, node), p, sizeof(p)), want);
		snprintf(want, sizeof(want), "<node %d>", node);
		assert_string_equal(kb_fdt_path(big, node, p, sizeof(p)), want);
	}
}

/* The used bytes of a tree: unchanged by free space added behind it. */
static void test_used_size(void **state)
{
	static uint64_t big[(BLOB_MAX + 8192) / 8];
	uint32_t used;

	(void)state;
	load("resv");
	used = kb_fdt_used_size(blob);
	/* dtc packs its output: every byte is used */
	assert_int_equal(used, fdt_totalsize(blob));
	assert_int_equal(used, fdt_off_dt_strings(blob) + fdt_size_dt_strings(blob));
	/* the same tree with 8 KiB of free space */
	assert_int_equal(fdt_open_into(blob, big, (int)used + 8192), 0);
	assert_int_equal(fdt_totalsize(big), used + 8192);
	assert_int_equal(kb_fdt_used_size(big), used);
	/* a property added: it grows, still short of totalsize */
	assert_int_equal(fdt_setprop_string(big, 0, "serial-number", "0123456789"), 0);
	assert_true(kb_fdt_used_size(big) > used);
	assert_true(kb_fdt_used_size(big) < used + 8192);
	/* blocks past totalsize (a header lying): totalsize, never more */
	fdt_set_size_dt_strings(big, 0xffffff00);
	assert_int_equal(kb_fdt_used_size(big), fdt_totalsize(big));
	/* version 16 records no structure size */
	fdt_set_size_dt_strings(big, 0x10);
	fdt_set_version(big, 16);
	assert_int_equal(kb_fdt_used_size(big), fdt_totalsize(big));
}

static void test_stdout_ok(void **state)
{
	const char *opts = NULL;

	(void)state;
	load("stdout_alias");
	assert_int_equal(kb_fdt_stdout_node(blob, &opts, &diag),
			 node("/soc/serial@100"));
	assert_string_equal(opts, "115200n8");

	load("stdout_path");
	opts = NULL;
	assert_int_equal(kb_fdt_stdout_node(blob, &opts, &diag),
			 node("/soc/serial@100"));
	assert_string_equal(opts, "");
	/* opts may be NULL */
	assert_int_equal(kb_fdt_stdout_node(blob, NULL, &diag),
			 node("/soc/serial@100"));

	load("stdout_linux");
	assert_int_equal(kb_fdt_stdout_node(blob, &opts, &diag),
			 node("/uart@20000000"));
	assert_string_equal(opts, "9600");
}

static void test_stdout_errors(void **state)
{
	static const struct {
		const char *fixture;
		int err;
		const char *msg;
	} t[] = {
		{ "stdout_noalias", KB_ENOENT,
		  "dtb: /chosen: stdout-path alias 'serial3' is not in /aliases" },
		{ "stdout_nonode", KB_ENOENT,
		  "dtb: /chosen: stdout-path '/soc/uart@0' does not name a node: FDT_ERR_NOTFOUND" },
		{ "stdout_unterminated", KB_EINVAL,
		  "dtb: /chosen: stdout-path is not a NUL-terminated string" },
		{ "stdout_none", KB_ENOENT,
		  "dtb: /chosen: no stdout-path or linux,stdout-path" },
		{ "mem_cells2", KB_ENOENT,
		  "dtb: no /chosen node: FDT_ERR_NOTFOUND" },
	};
	const char *opts;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		load(t[i].fixture);
		opts = NULL;
		assert_int_equal(kb_fdt_stdout_node(blob, &opts, &diag), t[i].err);
		check_msg(t[i].msg);
		assert_non_null(opts);
		assert_string_equal(opts, "");
		assert_int_equal(kb_fdt_stdout_node(blob, NULL, NULL), t[i].err);
	}
}

/* kb_fdt_hart_has_isa_ext(): whole names only, in either property, for
 * the hart asked about only. */
static void test_hart_isa_ext(void **state)
{
	(void)state;
	load("cpus_isa");
	assert_true(kb_fdt_hart_has_isa_ext(blob, 0, "zknh"));
	assert_true(kb_fdt_hart_has_isa_ext(blob, 0, "zbb"));
	assert_false(kb_fdt_hart_has_isa_ext(blob, 0, "zkr"));
	assert_false(kb_fdt_hart_has_isa_ext(blob, 0, "zkn"));
	/* "zknhx" and "zkn" are not "zknh"; the base ISA is not searched */
	assert_false(kb_fdt_hart_has_isa_ext(blob, 1, "zknh"));
	assert_true(kb_fdt_hart_has_isa_ext(blob, 1, "zkr"));
	assert_true(kb_fdt_hart_has_isa_ext(blob, 1, "zkn"));
	assert_false(kb_fdt_hart_has_isa_ext(blob, 1, "rv64imac"));
	/* riscv,isa-extensions */
	assert_true(kb_fdt_hart_has_isa_ext(blob, 2, "zknh"));
	assert_false(kb_fdt_hart_has_isa_ext(blob, 2, "zkr"));
	/* either property counts */
	assert_true(kb_fdt_hart_has_isa_ext(blob, 3, "zknh"));
	assert_true(kb_fdt_hart_has_isa_ext(blob, 3, "zkr"));
	/* no such hart; a tree without /cpus */
	assert_false(kb_fdt_hart_has_isa_ext(blob, 4, "zknh"));
	load("misc");
	assert_false(kb_fdt_hart_has_isa_ext(blob, 0, "zknh"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_enabled),
		cmocka_unit_test(test_get_cells_ok),
		cmocka_unit_test(test_get_cells_bad),
		cmocka_unit_test(test_read_cells),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_reg_cpu_translate),
		cmocka_unit_test(test_reg_cpu_errors),
		cmocka_unit_test(test_stdout_ok),
		cmocka_unit_test(test_stdout_errors),
		cmocka_unit_test(test_used_size),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_hart_isa_ext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
