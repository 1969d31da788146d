// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests: kb_container_open.  Images are built here by a small builder
 * of its own (independent of tools/kbimage.c) into heap buffers of exactly
 * the image's length, so that ASan catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/container.h>
#include <kaslrboot/phys.h>
#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/sha256.h>

#include "../le.h"

/* Header offsets, spelled out again from the table in container.h. */
#define H_VERSION	8
#define H_HDR_SIZE	12
#define H_TYPE		16
#define H_FLAGS		20
#define H_OFF(i)	(24 + 16 * (i))		/* 0 payload, 1 initrd, 2 bootargs */
#define H_SIZE(i)	(32 + 16 * (i))
#define H_HASH(i)	(72 + 32 * (i))
#define H_KASLR_ALIGN	168
#define H_SBI_OFF	172
#define H_SBI_SIZE	180
#define H_SBI_HASH	188
#define H_SBI_FP	220	/* 2 bytes, KiB */
#define H_SBI_HART	222	/* 2 bytes, KiB */
#define H_HDR_HASH	224
#define HDR		256

enum { PAYLOAD, INITRD, BOOTARGS };
static const char *const pname[] = { "payload", "initrd", "bootargs" };

struct img {
	uint8_t *buf;
	size_t len;
};

static struct kb_diag d;
static struct kb_container c;

static void sha(const void *p, size_t n, uint8_t *out)
{
	assert_int_equal(kb_sha256(p, n, out), 0);
}

static void rehash_header(struct img *m)
{
	sha(m->buf, H_HDR_HASH, m->buf + H_HDR_HASH);
}

/* Recompute every present part's hash (offsets/sizes as in the header,
 * assumed in bounds), then the header's. */
static void rehash_all(struct img *m)
{
	for (int i = 0; i < 3; i++) {
		uint64_t off = get64(m->buf + H_OFF(i)), size = get64(m->buf + H_SIZE(i));

		if (size)
			sha(m->buf + off, size, m->buf + H_HASH(i));
	}
	rehash_header(m);
}

static void set_part(struct img *m, int i, uint64_t off, uint64_t size)
{
	put64(m->buf + H_OFF(i), off);
	put64(m->buf + H_SIZE(i), size);
}

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

/*
 * A valid image: header, then the parts in the given order (each 8-byte
 * aligned), then `pad` bytes of 0xff.  initrd/bootargs may be NULL (absent);
 * bootargs is stored with its NUL.
 */
static struct img build_order(uint32_t type, size_t payload_len, size_t initrd_len,
			      const char *bootargs, size_t pad, const int order[3])
{
	const void *src[3];
	size_t len[3] = { payload_len, initrd_len, bootargs ? strlen(bootargs) + 1 : 0 };
	uint8_t *pl = malloc(payload_len ? payload_len : 1);
	uint8_t *ir = malloc(initrd_len ? initrd_len : 1);
	size_t total = HDR, off[3] = { 0, 0, 0 };
	struct img m;

	assert_non_null(pl);
	assert_non_null(ir);
	for (size_t k = 0; k < payload_len; k++)
		pl[k] = (uint8_t)(k * 7 + 1);
	for (size_t k = 0; k < initrd_len; k++)
		ir[k] = (uint8_t)(k * 13 + 5);
	src[0] = pl;
	src[1] = ir;
	src[2] = bootargs;
	for (int k = 0; k < 3; k++) {
		int i = order[k];

		if (len[i] == 0)
			continue;
		total = align8(total);
		off[i] = total;
		total += len[i];
	}
	total += pad;
	m.len = total;
	m.buf = malloc(total);
	assert_non_null(m.buf);
	memset(m.buf, 0, HDR);
	memset(m.buf + HDR, 0xff, total - HDR);
	memcpy(m.buf, "KBIMAGE", 8);
	put32(m.buf + H_VERSION, 1);
	put32(m.buf + H_HDR_SIZE, 256);
	put32(m.buf + H_TYPE, type);
	for (int i = 0; i < 3; i++) {
		if (len[i] == 0)
			continue;
		memcpy(m.buf + off[i], src[i], len[i]);
		set_part(&m, i, off[i], len[i]);
	}
	free(pl);
	free(ir);
	rehash_all(&m);
	return m;
}

static struct img build(uint32_t type, size_t payload_len, size_t initrd_len,
			const char *bootargs, size_t pad)
{
	static const int order[3] = { PAYLOAD, INITRD, BOOTARGS };

	return build_order(type, payload_len, initrd_len, bootargs, pad, order);
}

/* The default image of the failure tests: all three parts. */
static struct img full(void)
{
	return build(KB_PAYLOAD_ELF, 1000, 333, "console=ttyS0 root=/dev/ram0", 64);
}

static void expect_ok(const struct img *m)
{
	memset(&c, 0xa5, sizeof(c));
	strcpy(d.msg, "stale");
	assert_int_equal(kb_container_open(m->buf, m->len, &c, &d), KB_OK);
	assert_string_equal(d.msg, "");
}

/* The call fails with KB_EINVAL, d.msg contains `what` and starts with
 * "container: ", and nothing was returned. */
static void expect_fail(const struct img *m, size_t len, const char *what)
{
	static const struct kb_container zero;

	memset(&c, 0xa5, sizeof(c));
	d.msg[0] = '\0';
	assert_int_equal(kb_container_open(m->buf, len, &c, &d), KB_EINVAL);
	if (strstr(d.msg, what) == NULL || strncmp(d.msg, "container: ", 11) != 0)
		fail_msg("diag \"%s\" does not contain \"%s\"", d.msg, what);
	assert_null(strchr(d.msg, '\n'));
	assert_memory_equal(&c, &zero, sizeof(c));
}

static void expect_fail_full(const struct img *m, const char *what)
{
	expect_fail(m, m->len, what);
}

/* ---- good images ---------------------------------------------------- */

static void test_good_payload_only(void **state)
{
	struct img m = build(KB_PAYLOAD_RISCV_IMAGE, 4096, 0, NULL, 0);

	(void)state;
	expect_ok(&m);
	assert_int_equal(c.type, KB_PAYLOAD_RISCV_IMAGE);
	assert_ptr_equal(c.payload, m.buf + HDR);
	assert_int_equal(c.payload_size, 4096);
	assert_int_equal(c.payload[4095], (uint8_t)(4095 * 7 + 1));
	assert_null(c.initrd);
	assert_int_equal(c.initrd_size, 0);
	assert_null(c.bootargs);
	assert_int_equal(c.bootargs_size, 0);
	free(m.buf);
}

static void test_good_all_parts(void **state)
{
	struct img m = full();

	(void)state;
	expect_ok(&m);
	assert_int_equal(c.type, KB_PAYLOAD_ELF);
	assert_ptr_equal(c.payload, m.buf + 256);
	assert_int_equal(c.payload_size, 1000);
	assert_ptr_equal(c.initrd, m.buf + 1256);	/* 256 + 1000, aligned */
	assert_int_equal(c.initrd_size, 333);
	assert_int_equal(c.initrd[0], 5);
	assert_ptr_equal(c.bootargs, (const char *)m.buf + 1592);	/* 1589 -> 1592 */
	assert_int_equal(c.bootargs_size, strlen("console=ttyS0 root=/dev/ram0") + 1);
	assert_string_equal(c.bootargs, "console=ttyS0 root=/dev/ram0");
	free(m.buf);

	/* Only bootargs; only initrd; the one-byte empty string "" */
	m = build(KB_PAYLOAD_AUTO, 10, 0, "quiet", 0);
	expect_ok(&m);
	assert_null(c.initrd);
	assert_string_equal(c.bootargs, "quiet");
	free(m.buf);
	m = build(KB_PAYLOAD_AUTO, 10, 1, NULL, 0);
	expect_ok(&m);
	assert_int_equal(c.initrd_size, 1);
	assert_null(c.bootargs);
	free(m.buf);
	m = build(KB_PAYLOAD_AUTO, 1, 0, "", 0);
	expect_ok(&m);
	assert_int_equal(c.bootargs_size, 1);
	assert_string_equal(c.bootargs, "");
	free(m.buf);
}

static void test_good_any_order_and_types(void **state)
{
	static const int orders[][3] = {
		{ BOOTARGS, INITRD, PAYLOAD }, { INITRD, PAYLOAD, BOOTARGS },
		{ BOOTARGS, PAYLOAD, INITRD },
	};

	(void)state;
	for (unsigned int k = 0; k < 3; k++) {
		struct img m = build_order(KB_PAYLOAD_ARM64_IMAGE, 77, 99, "a=b", 3, orders[k]);

		expect_ok(&m);
		assert_int_equal(c.payload_size, 77);
		assert_int_equal(c.initrd_size, 99);
		assert_string_equal(c.bootargs, "a=b");
		assert_ptr_equal(c.payload, m.buf + get64(m.buf + H_OFF(PAYLOAD)));
		free(m.buf);
	}
	for (uint32_t t = 0; t <= 3; t++) {
		struct img m = build(t, 16, 0, NULL, 0);

		expect_ok(&m);
		assert_int_equal(c.type, t);
		free(m.buf);
	}
}

/* Unaligned buffer; parts touching each other and the end of the buffer;
 * a part right after the header; a padded image opened at a larger size. */
static void test_good_edges(void **state)
{
	struct img m = full(), u;

	(void)state;
	u.len = m.len;
	u.buf = malloc(m.len + 1);
	assert_non_null(u.buf);
	memcpy(u.buf + 1, m.buf, m.len);
	u.buf += 1;
	expect_ok(&u);
	assert_ptr_equal(c.payload, u.buf + HDR);
	free(u.buf - 1);
	free(m.buf);

	/* payload [256, 264), initrd [264, 272), bootargs [272, 280) = end */
	m = build(0, 8, 8, "1234567", 0);
	assert_int_equal(m.len, 280);
	expect_ok(&m);
	assert_ptr_equal(c.bootargs, (const char *)m.buf + 272);
	free(m.buf);
}

static void test_null_args(void **state)
{
	struct img m = full();

	(void)state;
	assert_int_equal(kb_container_open(NULL, 4096, &c, &d), KB_EINVAL);
	assert_non_null(strstr(d.msg, "container: no image"));
	assert_int_equal(kb_container_open(m.buf, m.len, NULL, &d), KB_EINVAL);
	/* d may be NULL */
	assert_int_equal(kb_container_open(m.buf, m.len, &c, NULL), KB_OK);
	assert_int_equal(kb_container_open(m.buf, 10, &c, NULL), KB_EINVAL);
	free(m.buf);
}

/* ---- header --------------------------------------------------------- */

static void test_short_buffer(void **state)
{
	struct img m = full();

	(void)state;
	expect_fail(&m, 255, "container: buffer of 255 bytes is too small for a header (256 bytes)");
	expect_fail(&m, 0, "buffer of 0 bytes is too small");
	expect_fail(&m, 1, "buffer of 1 bytes is too small");
	/* the header alone: fits, but the payload does not */
	expect_fail(&m, 256, "container: payload (offset 0x100, size 0x3e8) runs past the end of the 0x100-byte image");
	free(m.buf);
}

static void test_bad_magic(void **state)
{
	struct img m = full();

	(void)state;
	for (int i = 0; i < 8; i++) {
		m.buf[i] ^= 0x20;
		rehash_header(&m);	/* the magic is checked first regardless */
		expect_fail_full(&m, "container: bad magic");
		m.buf[i] ^= 0x20;
	}
	memset(m.buf, 0xff, HDR);	/* erased flash */
	expect_fail_full(&m, "container: bad magic: the flash reads erased (0xff), no container was written there");
	free(m.buf);
}

static void test_version(void **state)
{
	struct img m = full();

	(void)state;
	put32(m.buf + H_VERSION, 3);
	expect_fail_full(&m, "container: unsupported version 3 (expected 1 or 2)");
	rehash_header(&m);
	expect_fail_full(&m, "container: unsupported version 3 (expected 1 or 2)");
	/* version 2 with version 1's header size */
	put32(m.buf + H_VERSION, 2);
	expect_fail_full(&m, "container: header size 256 (expected 512 for version 2)");
	put32(m.buf + H_VERSION, 0);
	expect_fail_full(&m, "container: unsupported version 0 (expected 1 or 2)");
	put32(m.buf + H_VERSION, 0x100);	/* 1 in the wrong byte order */
	expect_fail_full(&m, "container: unsupported version 256");
	free(m.buf);
}

static void test_header_size(void **state)
{
	struct img m = full();

	(void)state;
	put32(m.buf + H_HDR_SIZE, 128);
	rehash_header(&m);
	expect_fail_full(&m, "container: header size 128 (expected 256 for version 1)");
	put32(m.buf + H_HDR_SIZE, 512);
	expect_fail_full(&m, "container: header size 512 (expected 256 for version 1)");
	put32(m.buf + H_HDR_SIZE, 0xffffffff);
	expect_fail_full(&m, "container: header size 4294967295 (expected 256 for version 1)");
	free(m.buf);
}

/* Every header byte after the three pre-hash fields, and every byte of the
 * header hash itself: one flipped bit, hash not fixed, is a mismatch. */
static void test_header_hash(void **state)
{
	struct img m = full();

	(void)state;
	for (int i = 16; i < HDR; i++) {
		for (int bit = 0; bit < 8; bit += 7) {
			m.buf[i] ^= (uint8_t)(1u << bit);
			expect_fail_full(&m, "container: header SHA-256 mismatch");
			m.buf[i] ^= (uint8_t)(1u << bit);
		}
	}
	expect_ok(&m);
	/* a wild part offset is not looked at before the hash matches */
	put64(m.buf + H_OFF(PAYLOAD), UINT64_MAX);
	expect_fail_full(&m, "container: header SHA-256 mismatch");
	free(m.buf);
}

static void test_flags(void **state)
{
	struct img m = full();

	(void)state;
	put32(m.buf + H_FLAGS, 1);
	rehash_header(&m);
	expect_fail_full(&m, "container: unknown flags 0x00000001");
	put32(m.buf + H_FLAGS, 0x80000000);
	rehash_header(&m);
	expect_fail_full(&m, "container: unknown flags 0x80000000");
	free(m.buf);
}

/* The sbi part (OpenSBI), carved from the once-reserved bytes 172..223:
 * appended to m (8-byte aligned), with its footprint fields. */
static void add_sbi(struct img *m, size_t n, uint32_t fp_kib, uint32_t hart_kib)
{
	size_t off = align8(m->len);

	m->buf = realloc(m->buf, off + n);
	assert_non_null(m->buf);
	memset(m->buf + m->len, 0xff, off - m->len);
	for (size_t k = 0; k < n; k++)
		m->buf[off + k] = (uint8_t)(k * 11 + 3);
	m->len = off + n;
	put64(m->buf + H_SBI_OFF, off);
	put64(m->buf + H_SBI_SIZE, n);
	sha(m->buf + off, n, m->buf + H_SBI_HASH);
	m->buf[H_SBI_FP] = (uint8_t)fp_kib;
	m->buf[H_SBI_FP + 1] = (uint8_t)(fp_kib >> 8);
	m->buf[H_SBI_HART] = (uint8_t)hart_kib;
	m->buf[H_SBI_HART + 1] = (uint8_t)(hart_kib >> 8);
	rehash_header(m);
}

static void test_sbi(void **state)
{
	struct img m = full();
	uint64_t off;

	(void)state;
	expect_ok(&m);
	assert_null(c.sbi);
	assert_int_equal(c.sbi_size, 0);
	assert_int_equal(c.sbi_footprint, 0);
	/* present: pointer, size and both footprint fields in bytes */
	add_sbi(&m, 5000, 280, 8);
	expect_ok(&m);
	off = get64(m.buf + H_SBI_OFF);
	assert_ptr_equal(c.sbi, m.buf + off);
	assert_int_equal(c.sbi_size, 5000);
	assert_int_equal(c.sbi_footprint, 280 * 1024);
	assert_int_equal(c.sbi_hart_size, 8 * 1024);
	/* the largest footprint the field holds: 65535 KiB, bytes 220 and 221 */
	m.buf[H_SBI_FP] = 0xff;
	m.buf[H_SBI_FP + 1] = 0xff;
	rehash_header(&m);
	expect_ok(&m);
	assert_int_equal(c.sbi_footprint, UINT64_C(65535) * 1024);
	/* a footprint below its own size: 4 KiB < 5000 bytes */
	m.buf[H_SBI_FP] = 4;
	m.buf[H_SBI_FP + 1] = 0;
	rehash_header(&m);
	expect_fail_full(&m, "container: sbi footprint 4 KiB is smaller than its own 0x1388 bytes");
	m.buf[H_SBI_FP] = 5;	/* 5120 >= 5000 */
	rehash_header(&m);
	expect_ok(&m);
	/* no per-hart size */
	m.buf[H_SBI_HART] = 0;
	rehash_header(&m);
	expect_fail_full(&m, "container: sbi per-hart size is 0");
	m.buf[H_SBI_HART + 1] = 1;	/* 256 KiB: the high byte counts */
	rehash_header(&m);
	expect_ok(&m);
	assert_int_equal(c.sbi_hart_size, 256 * 1024);
	/* its digest */
	m.buf[off + 4999] ^= 0x10;
	expect_fail_full(&m, "container: sbi SHA-256 mismatch");
	m.buf[off + 4999] ^= 0x10;
	m.buf[H_SBI_HASH + 31] ^= 1;
	rehash_header(&m);
	expect_fail_full(&m, "container: sbi SHA-256 mismatch");
	m.buf[H_SBI_HASH + 31] ^= 1;
	rehash_header(&m);
	expect_ok(&m);
	/* bounds and overlaps like every part */
	put64(m.buf + H_SBI_SIZE, 5001);
	rehash_header(&m);
	expect_fail_full(&m, "container: sbi (offset 0x");
	put64(m.buf + H_SBI_SIZE, 5000);
	put64(m.buf + H_SBI_OFF, get64(m.buf + H_OFF(PAYLOAD)));
	rehash_header(&m);
	expect_fail_full(&m, "container: sbi (offset 0x100, size 0x1388) overlaps payload");
	free(m.buf);

	/* absent: footprint fields, offset and digest all zero */
	m = full();
	for (int i = H_SBI_FP; i < H_HDR_HASH; i++) {
		m.buf[i] = 0x01;
		rehash_header(&m);
		expect_fail_full(&m, "container: sbi is absent but its footprint fields are not zero");
		m.buf[i] = 0;
	}
	m.buf[H_SBI_OFF] = 0x08;
	rehash_header(&m);
	expect_fail_full(&m, "container: sbi is absent (size 0) but has offset 0x8");
	m.buf[H_SBI_OFF] = 0;
	m.buf[H_SBI_HASH + 5] = 1;
	rehash_header(&m);
	expect_fail_full(&m, "container: sbi is absent but its SHA-256 is not zero");
	m.buf[H_SBI_HASH + 5] = 0;
	rehash_header(&m);
	expect_ok(&m);
	free(m.buf);
}

/* The KASLR alignment (offset 168): 0, or for an arm64 Image (type 3) a
 * power of two from 4 KiB up to, not including, the format's 2 MiB. */
static void set_kaslr_align(struct img *m, uint32_t type, uint32_t align)
{
	put32(m->buf + H_TYPE, type);
	put32(m->buf + H_KASLR_ALIGN, align);
	rehash_header(m);
}

static void test_kaslr_align(void **state)
{
	static const uint32_t good[] = { 0x1000, 0x4000, 0x10000, 0x20000, 0x100000 };
	struct img m = full();
	char want[160];

	(void)state;
	/* 0: the format's own rule, for every type */
	for (uint32_t t = 0; t <= 3; t++) {
		set_kaslr_align(&m, t, 0);
		expect_ok(&m);
		assert_int_equal(c.kaslr_align, 0);
	}
	for (unsigned int k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
		set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, good[k]);
		expect_ok(&m);
		assert_int_equal(c.type, KB_PAYLOAD_ARM64_IMAGE);
		assert_int_equal(c.kaslr_align, good[k]);
	}
	/* only for an arm64 Image named as such: not auto-detected, not
	 * another format */
	for (uint32_t t = 0; t <= 2; t++) {
		set_kaslr_align(&m, t, 0x10000);
		snprintf(want, sizeof(want),
			 "container: KASLR alignment 0x10000 is set for payload type %u; it applies to arm64 Images (type 3) only",
			 (unsigned int)t);
		expect_fail_full(&m, want);
	}
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 0x18000);
	expect_fail_full(&m, "container: KASLR alignment 0x18000 is not a power of two");
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 0xffffffff);
	expect_fail_full(&m, "container: KASLR alignment 0xffffffff is not a power of two");
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 0x10001);
	expect_fail_full(&m, "container: KASLR alignment 0x10001 is not a power of two");
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 0x800);
	expect_fail_full(&m, "container: KASLR alignment 0x800 is below 4 KiB (a page)");
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 1);
	expect_fail_full(&m, "container: KASLR alignment 0x1 is below 4 KiB (a page)");
	/* the format's own 2 MiB would be a second encoding of 0; more is
	 * not a relaxation at all */
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 0x200000);
	expect_fail_full(&m, "container: KASLR alignment 0x200000 is not below the arm64 Image's own 2 MiB (write 0 for that)");
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 0x80000000);
	expect_fail_full(&m, "container: KASLR alignment 0x80000000 is not below the arm64 Image's own 2 MiB");
	/* a byte of the field flipped without fixing the header hash */
	set_kaslr_align(&m, KB_PAYLOAD_ARM64_IMAGE, 0x10000);
	m.buf[H_KASLR_ALIGN + 2] ^= 0x02;	/* 0x10000 -> 0x30000 */
	expect_fail_full(&m, "container: header SHA-256 mismatch");
	free(m.buf);
}

static void test_type(void **state)
{
	struct img m = full();

	(void)state;
	put32(m.buf + H_TYPE, 5);
	rehash_header(&m);
	expect_fail_full(&m, "container: unknown payload type 5");
	put32(m.buf + H_TYPE, 0xffffffff);
	rehash_header(&m);
	expect_fail_full(&m, "container: unknown payload type 4294967295");
	free(m.buf);
}

static void test_no_payload(void **state)
{
	struct img m = full();

	(void)state;
	put64(m.buf + H_SIZE(PAYLOAD), 0);
	rehash_header(&m);
	expect_fail_full(&m, "container: no payload (size 0)");
	set_part(&m, PAYLOAD, 0, 0);
	rehash_header(&m);
	expect_fail_full(&m, "container: no payload (size 0)");
	free(m.buf);
}

/* ---- bounds --------------------------------------------------------- */

static void expect_past_end(struct img *m, int i, uint64_t off, uint64_t size)
{
	char want[160];

	set_part(m, i, off, size);
	rehash_header(m);
	snprintf(want, sizeof(want),
		 "container: %s (offset 0x%llx, size 0x%llx) runs past the end of the 0x%zx-byte image",
		 pname[i], (unsigned long long)off, (unsigned long long)size, m->len);
	/* 32-bit offsets (test_container_phys32): a field past 2^32 - 1 is
	 * refused before it is stored, by name. */
	if (!kb_phys_fits(off) || !kb_phys_fits(size))
		snprintf(want, sizeof(want),
			 "container: %s (offset 0x%llx, size 0x%llx) does not fit in 32 bits (CONFIG_PHYS_ADDR_32BIT)",
			 pname[i], (unsigned long long)off, (unsigned long long)size);
	expect_fail_full(m, want);
}

static void test_past_end(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		struct img m = full();
		uint64_t len = m.len, size = get64(m.buf + H_SIZE(i)), off = get64(m.buf + H_OFF(i));

		expect_past_end(&m, i, off, len - off + 1);	/* one byte too many */
		expect_past_end(&m, i, len - size + 1, size);	/* one byte too far */
		expect_past_end(&m, i, len, 1);			/* starts at the end */
		expect_past_end(&m, i, len + 1, 1);		/* starts past it */
		expect_past_end(&m, i, 256, UINT64_MAX);	/* off + size wraps */
		expect_past_end(&m, i, 256, UINT64_MAX - 255);	/* off + size == 2^64 == 0 */
		expect_past_end(&m, i, UINT64_MAX, 1);		/* off + size == 0 */
		expect_past_end(&m, i, UINT64_MAX, 2);		/* off + size == 1 */
		expect_past_end(&m, i, UINT64_MAX - 7, 264);	/* off + size == 256 */
		expect_past_end(&m, i, 1ull << 63, 1ull << 63);	/* == 2^64 */
		expect_past_end(&m, i, 0x100000000ull + 256, 16); /* > 4 GiB (32-bit truncation) */
		expect_past_end(&m, i, 256, 0x100000000ull);	/* a size of 4 GiB */
		/* sums that wrap at 32 bits (32-bit offsets): refused, not
		 * wrapped */
		expect_past_end(&m, i, 256, UINT32_MAX);	/* off + size == 2^32 + 255 */
		expect_past_end(&m, i, UINT32_MAX, 1);		/* off + size == 2^32 */
		expect_past_end(&m, i, UINT32_MAX - 7, 264);	/* off + size == 2^32 + 256 */
		/* back in bounds: fine again */
		set_part(&m, i, off, size);
		rehash_header(&m);
		expect_ok(&m);
		free(m.buf);
	}
}

static void test_absent_part_offset(void **state)
{
	(void)state;
	for (int i = INITRD; i <= BOOTARGS; i++) {
		struct img m = build(KB_PAYLOAD_ELF, 100, 0, NULL, 64);
		char want[100];

		set_part(&m, i, 256, 0);
		rehash_header(&m);
		snprintf(want, sizeof(want),
			 "container: %s is absent (size 0) but has offset 0x100", pname[i]);
		expect_fail_full(&m, want);
		free(m.buf);
	}
}

static void test_overlap_header(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		struct img m = full();
		uint64_t size = get64(m.buf + H_SIZE(i));
		char want[120];

		for (uint64_t off = 0; off < 256; off += 255) {
			set_part(&m, i, off, size);
			rehash_header(&m);
			snprintf(want, sizeof(want),
				 "container: %s (offset 0x%llx, size 0x%llx) overlaps the header",
				 pname[i], (unsigned long long)off, (unsigned long long)size);
			expect_fail_full(&m, want);
		}
		free(m.buf);
	}
}

static void test_overlap_parts(void **state)
{
	struct img m = full();	/* payload 0x100+0x3e8, initrd 0x4e8+0x14d, bootargs 0x638+0x1d */

	(void)state;
	/* initrd starting on the payload's last byte */
	set_part(&m, INITRD, 0x4e7, 0x14d);
	rehash_header(&m);
	expect_fail_full(&m, "container: initrd (offset 0x4e7, size 0x14d) overlaps payload (offset 0x100, size 0x3e8)");
	/* initrd identical to the payload */
	set_part(&m, INITRD, 0x100, 0x3e8);
	rehash_header(&m);
	expect_fail_full(&m, "container: initrd (offset 0x100, size 0x3e8) overlaps payload (offset 0x100, size 0x3e8)");
	/* initrd containing the payload */
	set_part(&m, INITRD, 0x100, 0x500);
	rehash_header(&m);
	expect_fail_full(&m, "container: initrd (offset 0x100, size 0x500) overlaps payload");
	set_part(&m, INITRD, 0x4e8, 0x14d);
	/* bootargs inside the initrd */
	set_part(&m, BOOTARGS, 0x500, 0x1d);
	rehash_header(&m);
	expect_fail_full(&m, "container: bootargs (offset 0x500, size 0x1d) overlaps initrd (offset 0x4e8, size 0x14d)");
	/* bootargs ending on the payload's first byte */
	set_part(&m, BOOTARGS, 0x100 - 0x1d + 1 + 0x100, 0x1d);
	set_part(&m, PAYLOAD, 0x200, 0x2e8);
	rehash_header(&m);
	expect_fail_full(&m, "container: bootargs (offset 0x1e4, size 0x1d) overlaps payload (offset 0x200, size 0x2e8)");
	/* payload after the initrd, overlapping its tail */
	set_part(&m, BOOTARGS, 0x638, 0x1d);
	set_part(&m, PAYLOAD, 0x600, 0x38);
	rehash_header(&m);
	expect_fail_full(&m, "container: initrd (offset 0x4e8, size 0x14d) overlaps payload (offset 0x600, size 0x38)");
	free(m.buf);
}

/* Every pair of the four parts (the sbi part's fields are not next to
 * the others'): each part is checked against the parts before it, so
 * the later part of a pair is named first.  An absent part between them
 * does not hide an overlap. */
static const uint32_t part_off_field[4] = { H_OFF(0), H_OFF(1), H_OFF(2), H_SBI_OFF };
static const char *const pname4[4] = { "payload", "initrd", "bootargs", "sbi" };

static void test_overlap_every_pair(void **state)
{
	(void)state;
	for (int i = 0; i < 4; i++) {
		for (int j = i + 1; j < 4; j++) {
			struct img m = full();
			uint64_t ioff, isize, joff, jsize;
			char want[200];

			add_sbi(&m, 40, 1, 1);
			expect_ok(&m);
			ioff = get64(m.buf + part_off_field[i]);
			isize = get64(m.buf + part_off_field[i] + 8);
			jsize = get64(m.buf + part_off_field[j] + 8);
			/* part j's first byte on part i's last */
			joff = ioff + isize - 1;
			put64(m.buf + part_off_field[j], joff);
			rehash_header(&m);
			snprintf(want, sizeof(want),
				 "container: %s (offset 0x%llx, size 0x%llx) overlaps %s (offset 0x%llx, size 0x%llx)",
				 pname4[j], (unsigned long long)joff, (unsigned long long)jsize,
				 pname4[i], (unsigned long long)ioff, (unsigned long long)isize);
			assert_true(joff + jsize <= m.len);
			expect_fail_full(&m, want);
			free(m.buf);
		}
	}
}

static void test_overlap_absent_between(void **state)
{
	struct img m = build(KB_PAYLOAD_ELF, 1000, 0, "console=ttyS0", 64);
	uint64_t poff = get64(m.buf + H_OFF(PAYLOAD));

	(void)state;
	expect_ok(&m);
	/* initrd absent; bootargs on the payload's first bytes */
	set_part(&m, BOOTARGS, poff, 14);
	rehash_header(&m);
	expect_fail_full(&m, "container: bootargs (offset 0x100, size 0xe) overlaps payload (offset 0x100, size 0x3e8)");
	free(m.buf);
}

/* ---- bootargs ------------------------------------------------------- */

static void test_bootargs_nul(void **state)
{
	struct img m = full();
	uint64_t off = get64(m.buf + H_OFF(BOOTARGS)), size = get64(m.buf + H_SIZE(BOOTARGS));

	(void)state;
	/* last byte not NUL (hashes fixed: only the string is wrong) */
	m.buf[off + size - 1] = 'x';
	rehash_all(&m);
	expect_fail_full(&m, "container: bootargs are not NUL-terminated");
	/* size one short of the NUL */
	m.buf[off + size - 1] = '\0';
	set_part(&m, BOOTARGS, off, size - 1);
	rehash_all(&m);
	expect_fail_full(&m, "container: bootargs are not NUL-terminated");
	set_part(&m, BOOTARGS, off, size);
	/* embedded NUL */
	m.buf[off + 7] = '\0';
	rehash_all(&m);
	expect_fail_full(&m, "container: bootargs contain a NUL at byte 7 of 29");
	m.buf[off + 7] = 'S';
	m.buf[off] = '\0';
	rehash_all(&m);
	expect_fail_full(&m, "container: bootargs contain a NUL at byte 0 of 29");
	m.buf[off] = 'c';
	/* two NULs at the end */
	m.buf[off + size - 2] = '\0';
	rehash_all(&m);
	expect_fail_full(&m, "container: bootargs contain a NUL at byte 27 of 29");
	m.buf[off + size - 2] = '0';
	rehash_all(&m);
	expect_ok(&m);
	free(m.buf);
}

/* ---- part hashes ---------------------------------------------------- */

static void test_part_hash(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		struct img m = full();
		uint64_t off = get64(m.buf + H_OFF(i)), size = get64(m.buf + H_SIZE(i));
		uint64_t at[] = { 0, size / 2, size - 2 };	/* not the bootargs' NUL */
		char want[60];

		snprintf(want, sizeof(want), "container: %s SHA-256 mismatch", pname[i]);
		for (unsigned int k = 0; k < 3; k++) {
			m.buf[off + at[k]] ^= 0x04;
			expect_fail_full(&m, want);
			m.buf[off + at[k]] ^= 0x04;
		}
		/* the digest in the header wrong (header hash fixed) */
		m.buf[H_HASH(i) + 31] ^= 1;
		rehash_header(&m);
		expect_fail_full(&m, want);
		m.buf[H_HASH(i) + 31] ^= 1;
		rehash_header(&m);
		/* the part one byte shorter (hash of the old length) */
		if (i != BOOTARGS) {
			set_part(&m, i, off, size - 1);
			rehash_header(&m);
			expect_fail_full(&m, want);
			set_part(&m, i, off, size);
			rehash_header(&m);
		}
		expect_ok(&m);
		/* bytes outside every part are not covered: padding may change */
		m.buf[m.len - 1] = 0;
		expect_ok(&m);
		free(m.buf);
	}
}

static void test_absent_part_hash(void **state)
{
	(void)state;
	for (int i = INITRD; i <= BOOTARGS; i++) {
		struct img m = build(KB_PAYLOAD_ELF, 100, 0, NULL, 0);
		char want[80];

		snprintf(want, sizeof(want), "container: %s is absent but its SHA-256 is not zero", pname[i]);
		m.buf[H_HASH(i) + 31] = 1;
		rehash_header(&m);
		expect_fail_full(&m, want);
		/* the hash of the empty string is not "absent" either */
		sha("", 0, m.buf + H_HASH(i));
		rehash_header(&m);
		expect_fail_full(&m, want);
		free(m.buf);
	}
}

/* ---- format version 2 (512-byte header, image version) ---------------- */

#define HDR2		512
#define H2_IMAGE_VERSION 224
#define H2_RESERVED	232
#define H2_HDR_HASH	480

static void rehash_v2(struct img *m)
{
	sha(m->buf, H2_HDR_HASH, m->buf + H2_HDR_HASH);
}

/* full(), made version 2: 256 more header bytes, every part moved up by
 * them, the image version set, the header rehashed. */
static struct img full_v2(uint64_t image_version)
{
	struct img v1 = full(), m;

	m.len = v1.len + (HDR2 - HDR);
	m.buf = malloc(m.len);
	assert_non_null(m.buf);
	memcpy(m.buf, v1.buf, HDR);
	memset(m.buf + HDR, 0, HDR2 - HDR);
	memcpy(m.buf + HDR2, v1.buf + HDR, v1.len - HDR);
	free(v1.buf);
	put32(m.buf + H_VERSION, 2);
	put32(m.buf + H_HDR_SIZE, HDR2);
	for (int i = 0; i < 3; i++)
		if (get64(m.buf + H_SIZE(i)))
			put64(m.buf + H_OFF(i), get64(m.buf + H_OFF(i)) + (HDR2 - HDR));
	memset(m.buf + H_HDR_HASH, 0, HDR2 - H_HDR_HASH);
	put64(m.buf + H2_IMAGE_VERSION, image_version);
	rehash_v2(&m);
	return m;
}

static void test_v2(void **state)
{
	struct img m = full_v2(0x0123456789abcdefULL);
	struct kb_container_hdr hh;
	uint32_t size = 7;

	(void)state;
	expect_ok(&m);
	assert_int_equal(c.version, 2);
	assert_true(c.image_version == 0x0123456789abcdefULL);
	assert_ptr_equal(c.payload, m.buf + HDR2);
	assert_int_equal(kb_container_hdr_size(m.buf, 16, &size, &d), 0);
	assert_int_equal(size, HDR2);
	/* the header copy the caller holds must hold the whole header */
	assert_int_equal(kb_container_header(m.buf, HDR2 - 1, m.len, &hh, &d), KB_EINVAL);
	assert_string_equal(d.msg, "container: buffer of 511 bytes is too small for a version 2 header (512 bytes)");
	assert_int_equal(kb_container_header(m.buf, HDR2, m.len, &hh, &d), 0);
	assert_int_equal(hh.hdr_size, HDR2);
	assert_true(hh.image_version == 0x0123456789abcdefULL);
	/* an image too short for the bigger header */
	expect_fail(&m, 300, "container: buffer of 300 bytes is too small for a version 2 header (512 bytes)");
	/* the image version is covered by the header digest */
	m.buf[H2_IMAGE_VERSION] ^= 1;
	expect_fail_full(&m, "container: header SHA-256 mismatch");
	m.buf[H2_IMAGE_VERSION] ^= 1;
	/* version 1's digest position means nothing in version 2 */
	m.buf[H_HDR_HASH + 40] ^= 0x80;
	rehash_v2(&m);
	expect_fail_full(&m, "container: reserved header bytes are not zero");
	m.buf[H_HDR_HASH + 40] ^= 0x80;
	m.buf[H2_HDR_HASH - 1] = 1;	/* the last reserved byte */
	rehash_v2(&m);
	expect_fail_full(&m, "container: reserved header bytes are not zero");
	m.buf[H2_HDR_HASH - 1] = 0;
	/* a part inside the 512-byte header */
	put64(m.buf + H_OFF(BOOTARGS), HDR + 8);
	rehash_v2(&m);
	expect_fail_full(&m, "container: bootargs (offset 0x108");
	expect_fail_full(&m, "overlaps the header");
	free(m.buf);
}

static void test_hdr_size(void **state)
{
	struct img m = full();
	uint32_t size = 7;

	(void)state;
	assert_int_equal(kb_container_hdr_size(m.buf, 16, &size, &d), 0);
	assert_int_equal(size, HDR);
	assert_int_equal(kb_container_hdr_size(m.buf, 15, &size, &d), KB_EINVAL);
	assert_string_equal(d.msg, "container: 15 bytes are too few for the header's first 16");
	assert_int_equal(size, 0);
	memset(m.buf, 0xff, 16);
	assert_int_equal(kb_container_hdr_size(m.buf, 16, &size, &d), KB_EINVAL);
	assert_string_equal(d.msg, "container: bad magic: the flash reads erased (0xff), no container was written there");
	free(m.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_payload_only),
		cmocka_unit_test(test_good_all_parts),
		cmocka_unit_test(test_good_any_order_and_types),
		cmocka_unit_test(test_good_edges),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_header_size),
		cmocka_unit_test(test_header_hash),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_sbi),
		cmocka_unit_test(test_type),
		cmocka_unit_test(test_kaslr_align),
		cmocka_unit_test(test_no_payload),
		cmocka_unit_test(test_past_end),
		cmocka_unit_test(test_absent_part_offset),
		cmocka_unit_test(test_overlap_header),
		cmocka_unit_test(test_overlap_parts),
		cmocka_unit_test(test_overlap_every_pair),
		cmocka_unit_test(test_overlap_absent_between),
		cmocka_unit_test(test_bootargs_nul),
		cmocka_unit_test(test_part_hash),
		cmocka_unit_test(test_absent_part_hash),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_hdr_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
