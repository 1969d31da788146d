// SPDX-License-Identifier: BSD-2-Clause
/*
 * Devices read at build time (loader/lib/dt_build.c,
 * CONFIG_DT_DEVICES_AT_BUILD): a driver's compatible is matched against
 * every string of the node's list, whole strings only, never past
 * compat_len; the TRNG table is searched in tree order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <kaslrboot/dt_build.h>

#define DEV(s) { .path = "/soc/x", .compat = s, .compat_len = sizeof(s) }

static void test_compatible_list(void **state)
{
	const struct kb_dt_dev_build d = DEV("vendor,uart-v2\0nordic,nrf-uart");

	(void)state;
	assert_true(kb_dt_dev_compatible(&d, "vendor,uart-v2"));
	assert_true(kb_dt_dev_compatible(&d, "nordic,nrf-uart"));
	/* whole strings: no prefix, no suffix, no other string */
	assert_false(kb_dt_dev_compatible(&d, "nordic,nrf"));
	assert_false(kb_dt_dev_compatible(&d, "vendor,uart-v2x"));
	assert_false(kb_dt_dev_compatible(&d, "ns16550a"));
	assert_false(kb_dt_dev_compatible(&d, ""));
	assert_false(kb_dt_dev_compatible(NULL, "ns16550a"));
	assert_false(kb_dt_dev_compatible(&d, NULL));
}

static void test_compatible_bounds(void **state)
{
	/* compat_len cuts the list: the second string is not part of it */
	const struct kb_dt_dev_build d = { .compat = "ns16550a\0nordic,nrf-uart",
					   .compat_len = 9 };
	/* no NUL within compat_len */
	const struct kb_dt_dev_build u = { .compat = "ns16550axyz", .compat_len = 8 };
	const struct kb_dt_dev_build e = { .compat = NULL, .compat_len = 0 };

	(void)state;
	assert_true(kb_dt_dev_compatible(&d, "ns16550a"));
	assert_false(kb_dt_dev_compatible(&d, "nordic,nrf-uart"));
	assert_true(kb_dt_dev_compatible(&u, "ns16550a"));
	assert_false(kb_dt_dev_compatible(&u, "ns16550axyz"));
	assert_false(kb_dt_dev_compatible(&e, "ns16550a"));
}

static void test_rng_find(void **state)
{
	static const struct kb_dt_dev_build rng[] = {
		{ .path = "/a", .compat = "virtio,mmio", .compat_len = 12 },
		{ .path = "/b", .compat = "nordic,nrf-rng", .compat_len = 15 },
		{ .path = "/c", .compat = "nordic,nrf-rng", .compat_len = 15 },
	};
	const struct kb_dt_devices_build b = { .rng = rng, .nrng = 3 };
	const struct kb_dt_devices_build none = { .rng = rng, .nrng = 0 };

	(void)state;
	assert_ptr_equal(kb_dt_rng_find(&b, "nordic,nrf-rng"), &rng[1]);
	assert_ptr_equal(kb_dt_rng_find(&b, "virtio,mmio"), &rng[0]);
	assert_null(kb_dt_rng_find(&b, "zkr"));
	assert_null(kb_dt_rng_find(&none, "nordic,nrf-rng"));
	assert_null(kb_dt_rng_find(NULL, "nordic,nrf-rng"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compatible_list),
		cmocka_unit_test(test_compatible_bounds),
		cmocka_unit_test(test_rng_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
