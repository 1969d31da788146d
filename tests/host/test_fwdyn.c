// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: Payload A's pure parts (loader/lib/fwdyn.c): the harts and
 * the MSWI/CLINT the device tree describes, OpenSBI's window, the check
 * that the kernel entry is outside it, fw_dynamic_info.  Trees are written
 * here with libfdt's sequential-write API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/error.h>
#include <kaslrboot/fwdyn.h>

static char blob[8192];
static struct kb_diag d;

#define OK(x) assert_int_equal((x), 0)

static void prop_u32(const char *name, uint32_t v)
{
	OK(fdt_property_u32(blob, name, v));
}

/* A tree: /cpus with cpus at the given hart ids (device_type "cpu" unless
 * type is given), then `nclint` clint nodes under /soc at 0x2000000 +
 * 0x10000 * i with the given compatible. */
static void *tree(const uint32_t *ids, int n, const char *type, int nclint,
		  const char *compat, int cpus_ac)
{
	char name[32];

	OK(fdt_create(blob, sizeof(blob)));
	OK(fdt_finish_reservemap(blob));
	OK(fdt_begin_node(blob, ""));
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	OK(fdt_begin_node(blob, "cpus"));
	prop_u32("#address-cells", (uint32_t)cpus_ac);
	prop_u32("#size-cells", 0);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "cpu@%x", ids[i]);
		OK(fdt_begin_node(blob, name));
		if (type)
			OK(fdt_property_string(blob, "device_type", type));
		if (cpus_ac == 2)
			OK(fdt_property_u64(blob, "reg", ids[i]));
		else
			prop_u32("reg", ids[i]);
		OK(fdt_end_node(blob));
	}
	/* not a cpu: ignored */
	OK(fdt_begin_node(blob, "cpu-map"));
	OK(fdt_end_node(blob));
	OK(fdt_end_node(blob));
	OK(fdt_begin_node(blob, "soc"));
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	OK(fdt_property(blob, "ranges", "", 0));
	for (int i = 0; i < nclint; i++) {
		uint64_t reg[2] = { cpu_to_fdt64(0x2000000 + 0x10000 * (uint64_t)i),
				    cpu_to_fdt64(0x10000) };

		snprintf(name, sizeof(name), "clint@%x", 0x2000000 + 0x10000 * i);
		OK(fdt_begin_node(blob, name));
		OK(fdt_property(blob, "compatible", compat, (int)strlen(compat) + 1));
		OK(fdt_property(blob, "reg", reg, sizeof(reg)));
		OK(fdt_end_node(blob));
	}
	OK(fdt_end_node(blob));
	OK(fdt_end_node(blob));
	OK(fdt_finish(blob));
	return blob;
}

static void expect_err(int got, int want, const char *msg)
{
	assert_int_equal(got, want);
	if (strstr(d.msg, msg) == NULL)
		fail_msg("diag \"%s\" does not contain \"%s\"", d.msg, msg);
	assert_null(strchr(d.msg, '\n'));
}

static void test_harts(void **state)
{
	static const uint32_t one[] = { 0 }, four[] = { 0, 1, 2, 3 }, gap[] = { 5, 1 };
	static const char sifive[] = "sifive,clint0\0riscv,clint0";
	uint32_t n;
	uint64_t msip;

	(void)state;
	/* QEMU virt: "sifive,clint0", "riscv,clint0" */
	OK(kb_fdt_riscv_harts(tree(four, 4, "cpu", 1, sifive, 1), &n, &msip, &d));
	assert_int_equal(n, 4);
	assert_int_equal(msip, 0x2000000);
	OK(kb_fdt_riscv_harts(tree(one, 1, "cpu", 1, "riscv,aclint-mswi", 1), &n, &msip, &d));
	assert_int_equal(n, 1);
	assert_int_equal(msip, 0x2000000);
	OK(kb_fdt_riscv_harts(tree(one, 1, "cpu", 1, "riscv,clint0", 2), &n, &msip, &d));
	assert_int_equal(msip, 0x2000000);
	/* the highest hart id counts, not the number of cpus */
	OK(kb_fdt_riscv_harts(tree(gap, 2, "cpu", 1, sifive, 1), &n, &msip, &d));
	assert_int_equal(n, 6);
	/* no MSWI: 0, the caller decides */
	OK(kb_fdt_riscv_harts(tree(four, 4, "cpu", 0, sifive, 1), &n, &msip, &d));
	assert_int_equal(n, 4);
	assert_int_equal(msip, 0);
	/* another device is not an MSWI */
	OK(kb_fdt_riscv_harts(tree(four, 4, "cpu", 1, "riscv,aclint-mtimer", 1), &n, &msip, &d));
	assert_int_equal(msip, 0);
	expect_err(kb_fdt_riscv_harts(tree(four, 4, "cpu", 2, sifive, 1), &n, &msip, &d), KB_EINVAL,
		   "dtb: more than one CLINT/ACLINT MSWI node");
	/* nodes without device_type "cpu" are not harts */
	expect_err(kb_fdt_riscv_harts(tree(four, 4, NULL, 1, sifive, 1), &n, &msip, &d), KB_ENOENT,
		   "dtb: no cpu node under /cpus");
	expect_err(kb_fdt_riscv_harts(tree(four, 4, "cpux", 1, sifive, 1), &n, &msip, &d), KB_ENOENT,
		   "dtb: no cpu node under /cpus");
	{
		static const uint32_t big[] = { 0, 1024 }, edge[] = { 1023 };

		expect_err(kb_fdt_riscv_harts(tree(big, 2, "cpu", 1, sifive, 1), &n, &msip, &d), KB_ERANGE,
			   "dtb: hart id 1024 of cpu@400 is above 1023");
		OK(kb_fdt_riscv_harts(tree(edge, 1, "cpu", 1, sifive, 1), &n, &msip, &d));
		assert_int_equal(n, 1024);
	}
	expect_err(kb_fdt_riscv_harts(tree(one, 1, "cpu", 1, sifive, 3), &n, &msip, &d), KB_EINVAL,
		   "dtb: /cpus has #address-cells 3");
	/* no /cpus at all */
	OK(fdt_create_empty_tree(blob, sizeof(blob)));
	expect_err(kb_fdt_riscv_harts(blob, &n, &msip, &d), KB_ENOENT, "dtb: no /cpus node");
	assert_int_equal(n, 0);
}

static void test_window(void **state)
{
	uint64_t fw, w;

	(void)state;
	/* Debian's OpenSBI 1.1: 280 KiB + 8 KiB per hart, as it reports
	 * ("Firmware Size : 288 KB" with 1 hart, 344 KB with 8, 536 KB and a
	 * 1 MiB region with 32) */
	OK(kb_sbi_window(115328, 280 << 10, 8 << 10, 1, &fw, &w, &d));
	assert_int_equal(fw, 288 << 10);
	assert_int_equal(w, 512 << 10);
	OK(kb_sbi_window(115328, 280 << 10, 8 << 10, 8, &fw, &w, &d));
	assert_int_equal(fw, 344 << 10);
	assert_int_equal(w, 512 << 10);
	OK(kb_sbi_window(115328, 280 << 10, 8 << 10, 29, &fw, &w, &d));
	assert_int_equal(fw, 512 << 10);	/* exactly 512 KiB: still fits */
	assert_int_equal(w, 512 << 10);
	OK(kb_sbi_window(115328, 280 << 10, 8 << 10, 30, &fw, &w, &d));
	assert_int_equal(w, 1024 << 10);
	OK(kb_sbi_window(115328, 280 << 10, 8 << 10, 32, &fw, &w, &d));
	assert_int_equal(fw, 536 << 10);
	assert_int_equal(w, 1024 << 10);
	/* small firmware: still the 512 KiB minimum */
	OK(kb_sbi_window(100, 4 << 10, 1 << 10, 1, &fw, &w, &d));
	assert_int_equal(w, KB_SBI_MIN_ALIGN);
	/* the largest the container can say, 1024 harts */
	OK(kb_sbi_window(100, UINT64_C(65535) << 10, UINT64_C(65535) << 10, KB_SBI_MAX_HARTS, &fw, &w, &d));
	assert_int_equal(fw, (UINT64_C(65535) << 10) * 1025);
	assert_int_equal(w, UINT64_C(1) << 37);	/* 64 GiB + 64 MiB: 128 GiB */
	expect_err(kb_sbi_window(5000, 4 << 10, 8 << 10, 1, &fw, &w, &d), KB_EINVAL, "cannot hold its 0x1388 bytes");
	assert_int_equal(w, 0);
	expect_err(kb_sbi_window(100, 0, 8 << 10, 1, &fw, &w, &d), KB_EINVAL, "sbi: footprint");
	expect_err(kb_sbi_window(100, 4 << 10, 0, 1, &fw, &w, &d), KB_EINVAL, "sbi: footprint");
	expect_err(kb_sbi_window(100, 4 << 10, 8 << 10, 0, &fw, &w, &d), KB_EINVAL, "sbi: 0 harts");
	expect_err(kb_sbi_window(100, 4 << 10, 8 << 10, KB_SBI_MAX_HARTS + 1, &fw, &w, &d), KB_EINVAL,
		   "sbi: 1025 harts");
}

static void test_next(void **state)
{
	(void)state;
	OK(kb_sbi_check_next(0x80000000, 0x80000, 0x80200000, &d));
	OK(kb_sbi_check_next(0x80000000, 0x80000, 0x80080000, &d));	/* just past */
	OK(kb_sbi_check_next(0x80080000, 0x80000, 0x8007fffe, &d));	/* just below */
	expect_err(kb_sbi_check_next(0x80000000, 0x80000, 0x80000000, &d), KB_EINVAL,
		   "sbi: the kernel entry 0x80000000 lies inside OpenSBI's protected region 0x80000000-0x80080000: OpenSBI would hang");
	expect_err(kb_sbi_check_next(0x80000000, 0x80000, 0x8007fffe, &d), KB_EINVAL,
		   "lies inside OpenSBI's protected region");
	/* near the top of the address space: no wrap */
	expect_err(kb_sbi_check_next(UINT64_MAX - 0x7ffff, 0x80000, UINT64_MAX, &d), KB_EINVAL,
		   "lies inside");
	OK(kb_sbi_check_next(UINT64_MAX - 0x7ffff, 0x80000, 0x1000, &d));
}

static void test_info(void **state)
{
	struct kb_fw_dynamic_info info;

	(void)state;
	memset(&info, 0xa5, sizeof(info));
	kb_fw_dynamic_info_fill(&info, 0x81200000, 3, KB_FW_DYNAMIC_OPT_NO_PRINTS);
	/* OpenSBI's layout: six XLEN words, in this order */
	assert_int_equal(sizeof(info), 6 * sizeof(unsigned long));
	assert_int_equal(((unsigned long *)&info)[0], 0x4942534f);
	assert_int_equal(((unsigned long *)&info)[1], 2);
	assert_int_equal(((unsigned long *)&info)[2], 0x81200000);
	assert_int_equal(((unsigned long *)&info)[3], 1);
	assert_int_equal(((unsigned long *)&info)[4], 1);
	assert_int_equal(((unsigned long *)&info)[5], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_harts),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
