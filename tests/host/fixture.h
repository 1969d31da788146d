/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests: load a dtc-compiled fixture ($KB_FIXTURE_DIR/<name>.dtb).
 * Include after <cmocka.h>. */
#ifndef KB_TEST_FIXTURE_H
#define KB_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/* Read the fixture into buf (cap bytes); fails the test if it is missing,
 * empty or does not fit.  Returns its size. */
static inline size_t kb_test_load_fixture(const char *name, void *buf, size_t cap)
{
	const char *dir = getenv("KB_FIXTURE_DIR");
	char path[512];
	size_t n;
	FILE *f;

	if (dir == NULL)
		fail_msg("KB_FIXTURE_DIR is not set");
	snprintf(path, sizeof(path), "%s/%s.dtb", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	assert_true(n > 0 && n < cap);
	return n;
}

#endif
