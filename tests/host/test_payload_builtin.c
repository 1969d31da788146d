// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: payload formats left out of the build (Kconfig
 * CONFIG_PAYLOAD_*; here built without ELF and arm64 Image support, see
 * payload_builtin.mk).  A container in a format not built in is refused
 * with one line naming the format and the option; the format still built
 * in parses as before; an Image for the other machine keeps its own error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

#include "../le.h"

#if KB_PAYLOAD_HAS_ELF || KB_PAYLOAD_HAS_ARM64_IMAGE || !KB_PAYLOAD_HAS_RISCV_IMAGE
#error "built with -DKB_PAYLOAD_HAS_ELF=0 -DKB_PAYLOAD_HAS_ARM64_IMAGE=0 (payload_builtin.mk)"
#endif

static uint8_t b[4096];
static struct kb_payload_info pi;
static struct kb_diag d;

static void riscv_image(void)
{
	memset(b, 0, sizeof(b));
	put64(b + 16, 0x10000);		/* image_size */
	memcpy(b + 56, "RSC\x05", 4);
}

static void arm64_image(void)
{
	memset(b, 0, sizeof(b));
	put64(b + 8, 0);		/* text_offset */
	put64(b + 16, 0x10000);		/* image_size */
	put64(b + 24, 0x8);		/* flags: anywhere */
	memcpy(b + 56, "ARM\x64", 4);
}

static void elf(void)
{
	memset(b, 0, sizeof(b));
	memcpy(b, "\177ELF\2\1\1", 7);
}

static void test_builtin_check(void **state)
{
	(void)state;
	assert_int_equal(kb_payload_check_builtin(KB_PAYLOAD_RISCV_IMAGE, &d), 0);
	assert_int_equal(kb_payload_check_builtin(KB_PAYLOAD_AUTO, &d), 0);
	assert_int_equal(kb_payload_check_builtin(KB_PAYLOAD_ELF, &d), KB_ENOTSUP);
	assert_string_equal(d.msg, "payload: ELF PIE support is not built into this loader (CONFIG_PAYLOAD_ELF)");
	assert_int_equal(kb_payload_check_builtin(KB_PAYLOAD_ARM64_IMAGE, &d), KB_ENOTSUP);
	assert_string_equal(d.msg, "payload: Linux arm64 Image support is not built into this loader (CONFIG_PAYLOAD_ARM64_IMAGE)");
}

static void test_elf_refused(void **state)
{
	(void)state;
	elf();
	kb_diag_clear(&d);
	assert_int_equal(kb_payload_parse(b, sizeof(b), KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d),
			 KB_ENOTSUP);
	assert_string_equal(d.msg, "payload: ELF PIE support is not built into this loader (CONFIG_PAYLOAD_ELF)");
	assert_int_equal(pi.footprint, 0);
	/* the container's type field says ELF: the same */
	assert_int_equal(kb_payload_parse(b, sizeof(b), KB_PAYLOAD_ELF, KB_EM_AARCH64, 64, 0, &pi, &d),
			 KB_ENOTSUP);
	assert_string_equal(d.msg, "payload: ELF PIE support is not built into this loader (CONFIG_PAYLOAD_ELF)");
}

static void test_arm64_refused(void **state)
{
	(void)state;
	arm64_image();
	kb_diag_clear(&d);
	assert_int_equal(kb_payload_parse(b, sizeof(b), KB_PAYLOAD_AUTO, KB_EM_AARCH64, 64, 0, &pi, &d),
			 KB_ENOTSUP);
	assert_string_equal(d.msg, "payload: Linux arm64 Image support is not built into this loader (CONFIG_PAYLOAD_ARM64_IMAGE)");
	assert_int_equal(kb_payload_parse_header(b, 64, sizeof(b), KB_PAYLOAD_ARM64_IMAGE,
						 KB_EM_AARCH64, 64, 0, &pi, &d), KB_ENOTSUP);
	assert_string_equal(d.msg, "payload: Linux arm64 Image support is not built into this loader (CONFIG_PAYLOAD_ARM64_IMAGE)");
	assert_int_equal(pi.footprint, 0);
	/* on the other machine the machine is what is wrong, as before:
	 * building the format in would not help */
	assert_int_equal(kb_payload_parse(b, sizeof(b), KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d),
			 KB_EINVAL);
	assert_string_equal(d.msg, "payload: AArch64 Image, but this loader boots RISC-V");
}

static void test_riscv_image_still_parses(void **state)
{
	(void)state;
	riscv_image();
	assert_int_equal(kb_payload_parse(b, sizeof(b), KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0x1000, &pi, &d), 0);
	assert_int_equal(pi.type, KB_PAYLOAD_RISCV_IMAGE);
	assert_int_equal(pi.footprint, 0x10000);
	assert_int_equal(pi.align, 0x200000);
	/* an Image has no tables: relocation is a no-op without ELF support */
	assert_int_equal(kb_reloc_apply(&pi, b, 0x80200000, &d), 0);
}

static void test_reloc_tables_refused(void **state)
{
	(void)state;
	riscv_image();
	assert_int_equal(kb_payload_parse(b, sizeof(b), KB_PAYLOAD_AUTO, KB_EM_RISCV, 64, 0, &pi, &d), 0);
	pi.rela_off = 0x100;
	pi.rela_size = 24;
	assert_int_equal(kb_reloc_apply(&pi, b, 0x80200000, &d), KB_ENOTSUP);
	assert_string_equal(d.msg, "payload: relocation tables, but ELF PIE support is not built into this loader (CONFIG_PAYLOAD_ELF)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_check),
		cmocka_unit_test(test_elf_refused),
		cmocka_unit_test(test_arm64_refused),
		cmocka_unit_test(test_riscv_image_still_parses),
		cmocka_unit_test(test_reloc_tables_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
