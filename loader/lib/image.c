// SPDX-License-Identifier: BSD-2-Clause
/*
 * Linux Image payloads (RISC-V and arm64 "Image" headers), and the format
 * dispatch.  Hostile input: fields are read with memcpy (the buffer may be
 * unaligned) and every size is checked before it is trusted.
 */
#include <stdint.h>
#include <string.h>

#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kaslrboot reads little-endian payloads with memcpy: little-endian hosts only"
#endif

/* Both headers are 64 bytes. */
#define IMAGE_HDR_SIZE	64
#define IMG_TEXT_OFFSET	8
#define IMG_IMAGE_SIZE	16
#define IMG_FLAGS	24

/* Documentation/arch/riscv/boot-image-header.rst */
#define RISCV_MAGIC_OFF		48
#define RISCV_MAGIC		"RISCV\0\0\0"	/* deprecated, 8 bytes */
#define RISCV_MAGIC2_OFF	56
#define RISCV_MAGIC2		"RSC\x05"

/* Documentation/arch/arm64/booting.rst */
#define ARM64_MAGIC_OFF		56
#define ARM64_MAGIC		"ARM\x64"
#define ARM64_FLAG_BE		(UINT64_C(1) << 0)
#define ARM64_FLAG_ANYWHERE	(UINT64_C(1) << 3)

#define IMAGE_FLAG_BE		(UINT64_C(1) << 0)	/* RISC-V: same bit */

#define SZ_2M	(UINT64_C(2) << 20)
#define SZ_4M	(UINT64_C(4) << 20)

#define H(x)	((unsigned long long)(x))

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool is_riscv_image(const uint8_t *b, size_t len)
{
	return len >= IMAGE_HDR_SIZE &&
	       (memcmp(b + RISCV_MAGIC2_OFF, RISCV_MAGIC2, 4) == 0 ||
		memcmp(b + RISCV_MAGIC_OFF, RISCV_MAGIC, 8) == 0);
}

static bool is_arm64_image(const uint8_t *b, size_t len)
{
	return len >= IMAGE_HDR_SIZE && memcmp(b + ARM64_MAGIC_OFF, ARM64_MAGIC, 4) == 0;
}

/* One segment: the whole file at the start, the rest up to image_size
 * zeroed (the kernel's BSS and what it expects to be free). */
static void one_segment(struct kb_payload_info *pi, kb_phys_t len, kb_phys_t image_size)
{
	pi->nseg = 1;
	pi->seg[0].file_off = 0;
	pi->seg[0].filesz = len;
	pi->seg[0].dst_off = 0;
	pi->seg[0].memsz = image_size;
	pi->footprint = image_size;
	pi->entry_off = 0;
}

/*
 * The Image parsers read the 64-byte header at b (hdr_len bytes are
 * readable there) of a file of len bytes: the header is all they need, so
 * the loader can parse a RAM copy of it before the rest is read.
 */
static int riscv_image(const uint8_t *b, size_t hdr_len, uint64_t len, bool rv32,
		       struct kb_payload_info *pi, struct kb_diag *d)
{
	uint64_t image_size;

	memset(pi, 0, sizeof(*pi));
	/* Every fixed-offset read below is inside these 64 bytes. */
	if (hdr_len < IMAGE_HDR_SIZE || len < IMAGE_HDR_SIZE)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: RISC-V Image header truncated (%llu bytes, need %d)",
				   H(len < hdr_len ? len : hdr_len), IMAGE_HDR_SIZE);
	if (!is_riscv_image(b, hdr_len))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: bad RISC-V Image magic (neither \"RSC\\x05\" at 56 nor \"RISCV\" at 48)");
	if (rd64(b + IMG_FLAGS) & IMAGE_FLAG_BE)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: RISC-V Image is big-endian (flags bit 0); only little-endian kernels are supported");
	image_size = rd64(b + IMG_IMAGE_SIZE);
	/* Without image_size the BSS extent is unknown: placing the kernel
	 * would be a guess about memory it will overwrite. */
	if (image_size == 0)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: RISC-V Image has image_size 0 (the footprint is unknown)");
	/* The whole file is copied: it must fit in the footprint, or the
	 * copy would run past the memory the planner checked. */
	if (image_size < len)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: RISC-V Image image_size 0x%llx is smaller than the 0x%llx-byte file",
				   H(image_size), H(len));
	/* 32-bit addresses: refused, never cut (so is the file, smaller) */
	if (!kb_phys_fits(image_size))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: RISC-V Image image_size 0x%llx does not fit in 32 bits (CONFIG_PHYS_ADDR_32BIT)",
				   H(image_size));
	pi->type = KB_PAYLOAD_RISCV_IMAGE;
	pi->machine = KB_EM_RISCV;
	pi->xlen = rv32 ? 32 : 64;
	pi->align = rv32 ? SZ_4M : SZ_2M;
	pi->offset = 0;	/* text_offset is a hint from the start of RAM, not a constraint */
	pi->placement_anywhere = true;
	one_segment(pi, (kb_phys_t)len, (kb_phys_t)image_size);
	return 0;
}

static int arm64_image(const uint8_t *b, size_t hdr_len, uint64_t len,
		       struct kb_payload_info *pi, struct kb_diag *d)
{
	uint64_t text_offset, image_size, flags;

	memset(pi, 0, sizeof(*pi));
	/* Every fixed-offset read below is inside these 64 bytes. */
	if (hdr_len < IMAGE_HDR_SIZE || len < IMAGE_HDR_SIZE)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: arm64 Image header truncated (%llu bytes, need %d)",
				   H(len < hdr_len ? len : hdr_len), IMAGE_HDR_SIZE);
	if (!is_arm64_image(b, hdr_len))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: bad arm64 Image magic (no \"ARM\\x64\" at 56)");
	flags = rd64(b + IMG_FLAGS);
	text_offset = rd64(b + IMG_TEXT_OFFSET);
	image_size = rd64(b + IMG_IMAGE_SIZE);
	/* Before 3.17 image_size was 0 and text_offset had no defined
	 * endianness: the footprint is unknown. */
	if (image_size == 0)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: arm64 Image has image_size 0 (a pre-3.17 kernel); not supported");
	if (flags & ARM64_FLAG_BE)
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: arm64 Image is big-endian (flags bit 0); only little-endian kernels are supported");
	/* The whole file is copied: it must fit in the footprint. */
	if (image_size < len)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: arm64 Image image_size 0x%llx is smaller than the 0x%llx-byte file",
				   H(image_size), H(len));
	/* The image lies at [base + text_offset, + image_size): that end
	 * must be an address for any base (aligned bases start at 0); with
	 * 32-bit addresses image_size first must fit (then the subtraction
	 * cannot wrap). */
	if (!kb_phys_fits(image_size) || text_offset > KB_PHYS_MAX - image_size)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: arm64 Image text_offset 0x%llx + image_size 0x%llx wraps past " KB_PHYS_TOP,
				   H(text_offset), H(image_size));
	/* The entry is the first instruction: it must be aligned. */
	if (text_offset % 4)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: arm64 Image text_offset 0x%llx is not 4-byte aligned",
				   H(text_offset));
	pi->type = KB_PAYLOAD_ARM64_IMAGE;
	pi->machine = KB_EM_AARCH64;
	pi->xlen = 64;
	pi->align = KB_ARM64_IMAGE_ALIGN;
	pi->offset = (kb_phys_t)text_offset;
	pi->placement_anywhere = (flags & ARM64_FLAG_ANYWHERE) != 0;
	one_segment(pi, (kb_phys_t)len, (kb_phys_t)image_size);
	return 0;
}

int kb_riscv_image_parse(const void *buf, size_t len, bool rv32,
			 struct kb_payload_info *pi, struct kb_diag *d)
{
	return riscv_image(buf, len, len, rv32, pi, d);
}

int kb_arm64_image_parse(const void *buf, size_t len,
			 struct kb_payload_info *pi, struct kb_diag *d)
{
	return arm64_image(buf, len, len, pi, d);
}

static const char *machine_name(uint16_t m)
{
	return m == KB_EM_RISCV ? "RISC-V" : m == KB_EM_AARCH64 ? "AArch64" :
	       m == KB_EM_ARM ? "Arm" : "unknown";
}

uint32_t kb_payload_detect(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	if (b == NULL)
		return KB_PAYLOAD_AUTO;
	if (len >= 4 && memcmp(b, "\177ELF", 4) == 0)
		return KB_PAYLOAD_ELF;
	if (is_arm64_image(b, len))
		return KB_PAYLOAD_ARM64_IMAGE;
	if (is_riscv_image(b, len))
		return KB_PAYLOAD_RISCV_IMAGE;
	return KB_PAYLOAD_AUTO;
}

int kb_payload_check_builtin(uint32_t type, struct kb_diag *d)
{
	const char *name, *opt;

	switch (type) {
	case KB_PAYLOAD_ELF:
		if (KB_PAYLOAD_HAS_ELF)
			return 0;
		name = "ELF PIE", opt = "ELF";
		break;
	case KB_PAYLOAD_RISCV_IMAGE:
		if (KB_PAYLOAD_HAS_RISCV_IMAGE)
			return 0;
		name = "Linux RISC-V Image", opt = "RISCV_IMAGE";
		break;
	case KB_PAYLOAD_ARM64_IMAGE:
		if (KB_PAYLOAD_HAS_ARM64_IMAGE)
			return 0;
		name = "Linux arm64 Image", opt = "ARM64_IMAGE";
		break;
	default:
		return 0;
	}
	return kb_diag_set(d, KB_ENOTSUP,
			   "payload: %s support is not built into this loader (CONFIG_PAYLOAD_%s)",
			   name, opt);
}

/* Machine and min_align checks shared by both entry points; *type is
 * resolved from the bytes when it is KB_PAYLOAD_AUTO. */
static int common_checks(const void *buf, size_t len, uint64_t file_len,
			 uint32_t *type, uint16_t machine, unsigned int xlen,
			 uint64_t *min_align, struct kb_diag *d)
{
	/* (A loader carries one machine's code: KB_PAYLOAD_FOR_*.) */
	int err = kb_payload_check_loader(machine, xlen, d);

	if (err)
		return err;
	if (*min_align == 0)
		*min_align = 1;
	if (*min_align & (*min_align - 1))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: minimum alignment 0x%llx is not a power of two",
				   H(*min_align));
#if KB_PHYS_BITS < 64
	/* 32-bit addresses: an alignment past 2^31 is refused, never cut
	 * (an ELF64 is refused by kb_elf_parse, an Image's sizes below). */
	if (!kb_phys_fits(*min_align))
		return kb_diag_set(d, KB_EINVAL,
				   "payload: minimum alignment 0x%llx does not fit in 32 bits (CONFIG_PHYS_ADDR_32BIT)",
				   H(*min_align));
#endif
	if (*type == KB_PAYLOAD_AUTO) {
		*type = kb_payload_detect(buf, len);
		if (*type == KB_PAYLOAD_AUTO)	/* the line: */
			return kb_payload_image_check(*type, machine, file_len, d);
	}
	return 0;
}

int kb_payload_image_check(uint32_t type, uint16_t machine, uint64_t file_len,
			   struct kb_diag *d)
{
	uint16_t want;

	if (type == KB_PAYLOAD_AUTO)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: unrecognized format (%llu bytes; not ELF, RISC-V Image or arm64 Image)",
				   H(file_len));
	if (type == KB_PAYLOAD_ELF)
		return kb_diag_set(d, KB_EINVAL,
				   "payload: an ELF payload is parsed from the whole file, not its header");
	if (type == KB_PAYLOAD_RISCV_IMAGE)
		want = KB_EM_RISCV;
	else if (type == KB_PAYLOAD_ARM64_IMAGE)
		want = KB_EM_AARCH64;
	else
		return kb_diag_set(d, KB_EINVAL, "payload: unknown payload type %u", (unsigned int)type);
	/* An Image for the other architecture would be jumped into. */
	if (want != machine)
		return kb_diag_set(d, KB_EINVAL, "payload: %s Image, but this loader boots %s",
				   machine_name(want), machine_name(machine));
	return kb_payload_check_builtin(type, d);
}

int kb_payload_parse_header(const void *hdr, size_t hdr_len, uint64_t file_len,
			    uint32_t type, uint16_t machine, unsigned int xlen,
			    uint64_t min_align, struct kb_payload_info *pi,
			    struct kb_diag *d)
{
	int err;

	memset(pi, 0, sizeof(*pi));
	err = common_checks(hdr, hdr_len, file_len, &type, machine, xlen, &min_align, d);
	if (!err)
		err = kb_payload_image_check(type, machine, file_len, d);
	if (err)
		return err;
	/* The constant tests let the compiler drop a parser not built in. */
	if (KB_PAYLOAD_HAS_RISCV_IMAGE && type == KB_PAYLOAD_RISCV_IMAGE)
		err = riscv_image(hdr, hdr_len, file_len, xlen == 32, pi, d);
	else if (KB_PAYLOAD_HAS_ARM64_IMAGE && type == KB_PAYLOAD_ARM64_IMAGE)
		err = arm64_image(hdr, hdr_len, file_len, pi, d);
	else
		err = kb_diag_set(d, KB_EINVAL, "payload: unknown payload type %u", (unsigned int)type);
	if (err)
		return err;
	if (pi->align < min_align)
		pi->align = (kb_phys_t)min_align;	/* fits: common_checks */
	return 0;
}

int kb_payload_parse(const void *buf, size_t len, uint32_t type,
		     uint16_t machine, unsigned int xlen, uint64_t min_align,
		     struct kb_payload_info *pi, struct kb_diag *d)
{
	int err;

	memset(pi, 0, sizeof(*pi));
	err = common_checks(buf, len, len, &type, machine, xlen, &min_align, d);
	if (err)
		return err;
	if (type == KB_PAYLOAD_ELF) {
		err = kb_payload_check_builtin(type, d);
		if (err || !KB_PAYLOAD_HAS_ELF)
			return err;
		return kb_elf_parse(buf, len, machine, xlen, min_align, pi, d);
	}
	return kb_payload_parse_header(buf, len, len, type, machine, xlen, min_align,
				       pi, d);
}

uint64_t kb_payload_base_align(const struct kb_payload_info *pi,
			       uint32_t container_align, uint64_t cfg_default,
			       uint64_t min_align, bool kaslr)
{
	uint64_t a;

	if (pi == NULL)
		return 0;
	/* Only a randomized arm64 Image: with KASLR off (or flags bit 3
	 * clear, which rules out randomizing) the kernel sits where the
	 * boot protocol says, 2 MiB-aligned; the EFI stub keeps 2 MiB under
	 * nokaslr because a relocated kernel's text addresses would then
	 * differ from vmlinux's (efi_get_kimg_min_align()). */
	if (!kaslr || !KB_PAYLOAD_HAS_ARM64_IMAGE || pi->type != KB_PAYLOAD_ARM64_IMAGE ||
	    !pi->placement_anywhere)
		return pi->align;
	a = container_align != 0 ? container_align : cfg_default;
	/* Nonsense falls back to the format's rule, never below it. */
	if (a < 4096 || (a & (a - 1)) != 0 || a > pi->align)
		return pi->align;
	if (a < min_align)
		a = min_align;
	return a;
}

uint64_t kb_payload_ceiling(const struct kb_payload_info *pi)
{
	/* A 32-bit payload cannot address a byte at or above 4 GiB. */
	return pi != NULL && pi->xlen == 32 ? UINT32_MAX : UINT64_MAX;
}

void kb_payload_initrd_window(const struct kb_payload_info *pi, uint64_t start,
			      uint64_t *floor, uint64_t *ceiling)
{
	const uint64_t gib = UINT64_C(1) << 30, span = UINT64_C(32) << 30;

	*floor = 0;
	*ceiling = kb_payload_ceiling(pi);
	if (pi == NULL || !KB_PAYLOAD_HAS_ARM64_IMAGE || pi->type != KB_PAYLOAD_ARM64_IMAGE)
		return;
	/* arm64 booting.rst: the initrd lies within a 1 GiB-aligned window
	 * of at most 32 GiB that covers the kernel: the one starting at
	 * the 1 GiB boundary below the kernel's start.  Its last byte is
	 * floor + 32 GiB - 1, unless that passes 2^64 - 1. */
	*floor = start & ~(gib - 1);
	*ceiling = span - 1 > UINT64_MAX - *floor ? UINT64_MAX : *floor + (span - 1);
}
