// SPDX-License-Identifier: BSD-2-Clause
/*
 * kbimage: pack a kernel (and optionally an initrd and a command line) into
 * a kaslrboot container (<kaslrboot/container.h>, docs/container.md).
 *
 *   kbimage [-t auto|elf|riscv-image|arm64-image|karl] [--initrd FILE]
 *           [--bootargs "STRING"] [--kaslr-align SIZE] [--pad SIZE]
 *           [--sbi FILE [--sbi-footprint SIZE] [--sbi-hart-size SIZE]]
 *           -o OUT KERNEL
 *
 * -t karl: KERNEL is a full riscv64, rv32 (ELF32) or aarch64 ELF built to the KARL contract
 * (docs/karl.md), checked here with the loader's own karl.c (parse, the
 * link-time layout, every relocation applied to a scratch image).
 *
 * Layout: the 256-byte header, then the kernel, the initrd and the bootargs
 * (with their NUL), each starting on an 8-byte boundary; gaps and the
 * padding up to --pad SIZE (decimal or 0x hex, optional K/M/G) are 0xff,
 * as erased flash reads.  The output is a function of the inputs only
 * (no timestamps), so two runs give identical bytes.
 *
 * --kaslr-align SIZE (a power of two from 4K to 1M) records that KERNEL,
 * an arm64 Image that may be placed anywhere (flags bit 3), is relocatable
 * (CONFIG_RELOCATABLE) and may be placed at that granularity with KASLR
 * on, as the kernel's EFI stub does (64K; 128K for 64K-page kernels with
 * VMAP_STACK).  The header then names the type arm64-image; KERNEL must
 * be one (checked with the loader's parser).
 *
 * --sbi FILE adds OpenSBI (fw_dynamic, self-relocating) as the sbi part,
 * for an M-mode loader that starts the kernel behind it (docs/m-mode.md).
 * FILE is fw_dynamic.elf (its PT_LOAD segments are laid out as objcopy -O
 * binary does, byte for byte fw_dynamic.bin, and its footprint, the end
 * of its BSS rounded up to 4 KiB, i.e. OpenSBI's _fw_end, is read from
 * the program headers) or fw_dynamic.bin with --sbi-footprint SIZE.
 * --sbi-hart-size (default 8K: OpenSBI 1.1's stack and scratch per hart)
 * is what it takes per hart on top.  Both are stored in KiB.
 *
 * Before exiting 0 the written file is mapped back and opened with the
 * loader's own kb_container_open(); if that fails the file is removed.
 *
 * Exit status: 0; 1 an input cannot be read, is not what --kaslr-align
 * needs, the content does not fit --pad, or the output cannot be written
 * or does not verify (one line, "kbimage: ..."); 64 bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kaslrboot/container.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/karl.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/sha256.h>

#include "kbimage.h"


#define PART_ALIGN	8
#define INPUT_MAX	(UINT64_C(1) << 32)	/* per input file: 4 GiB */
#define PAD_MAX		(UINT64_C(1) << 34)	/* 16 GiB: more than any boot flash */

static const char *out_path;	/* removed by kb_die() once created */
static bool out_created;

void kb_die(int status, const char *fmt, ...)
{
	va_list ap;

	if (out_created)
		unlink(out_path);
	fputs("kbimage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(FILE *f)
{
	fputs("usage: kbimage [-t auto|elf|riscv-image|arm64-image|karl] [--initrd FILE]\n"
	      "               [--bootargs \"STRING\"] [--kaslr-align SIZE] [--pad SIZE]\n"
	      "               [--sbi FILE [--sbi-footprint SIZE] [--sbi-hart-size SIZE]]\n"
	      "               [--image-version N] -o OUT KERNEL\n"
	      "SIZE: decimal or 0x hex, optional suffix K, M, G (binary);\n"
	      "-t defaults to auto (the loader detects the format);\n"
	      "--kaslr-align 64K: KERNEL is a relocatable arm64 Image (CONFIG_RELOCATABLE)\n"
	      "  that may be placed at 64 KiB granularity with KASLR on (implies -t arm64-image)\n"
	      "--sbi FILE: OpenSBI fw_dynamic.elf (or .bin with --sbi-footprint) for an M-mode\n"
	      "  loader; --sbi-hart-size: its memory per hart (default 8K, OpenSBI 1.1)\n"
	      "       kbimage slots show|write FLASH --slot-a OFF --slot-b OFF --slot-size SIZE\n"
	      "               [--slot a|b CONTAINER] [--force]   (docs/flash.md, two slots)\n"
	      "       kbimage seed FLASH --offset OFF   (a first carried seed, docs/entropy.md)\n"
	      "--image-version N: write format version 2 (512-byte header) carrying image\n"
	      "  version N (0 .. 2^64-1); of two valid slots the loader boots the higher\n", f);
}

/* ---- arguments -------------------------------------------------------- */

/* A number, decimal or 0x hex, then an optional K/M/G; below 2^64. */
bool kb_parse_num(const char *s, uint64_t *out)
{
	unsigned int base = 10, digit, shift = 0;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!((*p >= '0' && *p <= '9') ||
	      (base == 16 && ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))))
		return false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			digit = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			digit = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - digit) / base)
			return false;
		v = v * base + digit;
	}
	if (*p) {
		switch (*p) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: return false;
		}
		if (p[1] != '\0' || v > (UINT64_MAX >> shift))
			return false;
	}
	*out = v << shift;
	return true;
}

struct opts {
	uint32_t type;
	const char *initrd;
	const char *bootargs;	/* NULL: none */
	uint64_t pad;		/* 0: no padding */
	uint64_t kaslr_align;	/* 0: none (the format's own rule) */
	const char *sbi;	/* NULL: none */
	uint64_t sbi_footprint;	/* 0: from the ELF */
	uint64_t sbi_hart_size;	/* 0: the default */
	bool have_image_version;	/* format version 2 */
	uint64_t image_version;
	const char *out;
	const char *kernel;
};

/* -t karl: sections the packers contract check accepts (the loader has
 * its own, smaller bound: CONFIG_KARL_MAX_SECTIONS). */
#define KB_KARL_PACK_MAX_SEC 65536

static const struct {
	const char *name;
	uint32_t type;
} types[] = {
	{ "auto", KB_PAYLOAD_AUTO },
	{ "elf", KB_PAYLOAD_ELF },
	{ "riscv-image", KB_PAYLOAD_RISCV_IMAGE },
	{ "arm64-image", KB_PAYLOAD_ARM64_IMAGE },
	{ "karl", KB_PAYLOAD_KARL },
};

static const char *type_name(uint32_t t)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	return "?";
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	bool opts_done = false, have_type = false;
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char name[32];

		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (o->kernel)
				kb_die(KB_EXIT_USAGE, "more than one KERNEL ('%s' and '%s')", o->kernel, a);
			o->kernel = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			opts_done = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		/* --name VALUE or --name=VALUE; -t VALUE, -o VALUE */
		eq = a[1] == '-' ? strchr(a, '=') : NULL;
		if (eq) {
			if ((size_t)(eq - a) >= sizeof(name))
				kb_die(KB_EXIT_USAGE, "unknown option '%s' (try --help)", a);
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = '\0';
			val = eq + 1;
		} else {
			if (strlen(a) >= sizeof(name))
				kb_die(KB_EXIT_USAGE, "unknown option '%s' (try --help)", a);
			strcpy(name, a);
		}
		if (strcmp(name, "--type") == 0)
			strcpy(name, "-t");
		else if (strcmp(name, "--output") == 0)
			strcpy(name, "-o");
		if (strcmp(name, "-t") && strcmp(name, "-o") && strcmp(name, "--initrd") &&
		    strcmp(name, "--bootargs") && strcmp(name, "--pad") &&
		    strcmp(name, "--kaslr-align") && strcmp(name, "--sbi") &&
		    strcmp(name, "--sbi-footprint") && strcmp(name, "--sbi-hart-size") &&
		    strcmp(name, "--image-version"))
			kb_die(KB_EXIT_USAGE, "unknown option '%s' (try --help)", a);
		if (val == NULL) {
			if (i + 1 >= argc)
				kb_die(KB_EXIT_USAGE, "%s needs a value", a);
			val = argv[++i];
		}

		if (strcmp(name, "-t") == 0) {
			size_t k;

			if (have_type)
				kb_die(KB_EXIT_USAGE, "-t given twice");
			for (k = 0; k < sizeof(types) / sizeof(types[0]); k++)
				if (strcmp(val, types[k].name) == 0)
					break;
			if (k == sizeof(types) / sizeof(types[0]))
				kb_die(KB_EXIT_USAGE, "-t: unknown type '%s' (auto, elf, riscv-image, arm64-image, karl)", val);
			o->type = types[k].type;
			have_type = true;
		} else if (strcmp(name, "-o") == 0) {
			if (o->out)
				kb_die(KB_EXIT_USAGE, "-o given twice");
			if (val[0] == '\0')
				kb_die(KB_EXIT_USAGE, "-o: empty file name");
			o->out = val;
		} else if (strcmp(name, "--initrd") == 0) {
			if (o->initrd)
				kb_die(KB_EXIT_USAGE, "--initrd given twice");
			if (val[0] == '\0')
				kb_die(KB_EXIT_USAGE, "--initrd: empty file name");
			o->initrd = val;
		} else if (strcmp(name, "--bootargs") == 0) {
			if (o->bootargs)
				kb_die(KB_EXIT_USAGE, "--bootargs given twice");
			o->bootargs = val;
		} else if (strcmp(name, "--kaslr-align") == 0) {
			if (o->kaslr_align)
				kb_die(KB_EXIT_USAGE, "--kaslr-align given twice");
			/* The container's rule (docs/container.md, row 9):
			 * 2M, the format's own, is written as no option. */
			if (!kb_parse_num(val, &o->kaslr_align) ||
			    (o->kaslr_align & (o->kaslr_align - 1)) != 0 ||
			    o->kaslr_align < KB_CONTAINER_KASLR_ALIGN_MIN ||
			    o->kaslr_align >= KB_ARM64_IMAGE_ALIGN)
				kb_die(KB_EXIT_USAGE, "--kaslr-align: '%s' is not a power of two from 4K to 1M (2M, the arm64 Image's own, is the default: leave the option out)",
				    val);
		} else if (strcmp(name, "--sbi") == 0) {
			if (o->sbi)
				kb_die(KB_EXIT_USAGE, "--sbi given twice");
			if (val[0] == '\0')
				kb_die(KB_EXIT_USAGE, "--sbi: empty file name");
			o->sbi = val;
		} else if (strcmp(name, "--sbi-footprint") == 0 ||
			   strcmp(name, "--sbi-hart-size") == 0) {
			uint64_t *v = name[6] == 'f' ? &o->sbi_footprint : &o->sbi_hart_size;

			if (*v)
				kb_die(KB_EXIT_USAGE, "%s given twice", name);
			/* Stored in KiB, 16 bits: 1K to 65535K. */
			if (!kb_parse_num(val, v) || *v == 0 || *v % 1024 || *v > (UINT64_C(65535) << 10))
				kb_die(KB_EXIT_USAGE, "%s: '%s' is not a whole number of KiB from 1K to 65535K",
				    name, val);
		} else if (strcmp(name, "--image-version") == 0) {
			if (o->have_image_version)
				kb_die(KB_EXIT_USAGE, "--image-version given twice");
			/* decimal or 0x hex (a leading 0 is not octal); no
			 * K/M/G suffix: a version is not a size */
			if (!kb_parse_num(val, &o->image_version) || strpbrk(val, "KkMmGg"))
				kb_die(KB_EXIT_USAGE, "--image-version: '%s' is not a number from 0 to 2^64-1 (decimal or 0x hex)",
				    val);
			o->have_image_version = true;
		} else {
			if (!kb_parse_num(val, &o->pad) || o->pad == 0 || o->pad > PAD_MAX)
				kb_die(KB_EXIT_USAGE, "--pad: '%s' is not a size from 1 to 16G (decimal or 0x hex, optional K/M/G)",
				    val);
		}
	}
	if (o->kaslr_align) {
		/* The header must name the format the alignment is for. */
		if (have_type && o->type != KB_PAYLOAD_ARM64_IMAGE)
			kb_die(KB_EXIT_USAGE, "--kaslr-align applies to arm64 Images only, named as such (-t arm64-image, not -t %s)",
			    type_name(o->type));
		o->type = KB_PAYLOAD_ARM64_IMAGE;
	}
	if ((o->sbi_footprint || o->sbi_hart_size) && o->sbi == NULL)
		kb_die(KB_EXIT_USAGE, "--sbi-footprint and --sbi-hart-size describe --sbi FILE: give it");
	if (o->kernel == NULL)
		kb_die(KB_EXIT_USAGE, "no KERNEL given (try --help)");
	if (o->out == NULL)
		kb_die(KB_EXIT_USAGE, "no output file given (-o OUT)");
}

/* ---- files ------------------------------------------------------------ */

uint8_t *kb_read_file(const char *what, const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		kb_die(KB_EXIT_FAIL, "%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st) != 0)
		kb_die(KB_EXIT_FAIL, "%s %s: %s", what, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		kb_die(KB_EXIT_FAIL, "%s %s: not a regular file", what, path);
	if (st.st_size == 0)
		kb_die(KB_EXIT_FAIL, "%s %s: empty file", what, path);
	if ((uint64_t)st.st_size > INPUT_MAX)
		kb_die(KB_EXIT_FAIL, "%s %s: %jd bytes is more than 4 GiB", what, path,
		    (intmax_t)st.st_size);
	*len = (size_t)st.st_size;
	buf = malloc(*len);
	if (buf == NULL)
		kb_die(KB_EXIT_FAIL, "%s %s: out of memory", what, path);
	while (got < *len) {
		ssize_t r = read(fd, buf + got, *len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			kb_die(KB_EXIT_FAIL, "%s %s: %s", what, path, strerror(errno));
		if (r == 0)
			kb_die(KB_EXIT_FAIL, "%s %s: file shrank while being read", what, path);
		got += (size_t)r;
	}
	close(fd);
	return buf;
}

static void write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t r = write(fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			kb_die(KB_EXIT_FAIL, "%s: %s", out_path, strerror(errno));
		b += r;
		n -= (size_t)r;
	}
}

/* n bytes of 0xff (erased flash). */
static void write_fill(int fd, uint64_t n)
{
	static uint8_t ff[65536];

	if (ff[0] != 0xff)
		memset(ff, 0xff, sizeof(ff));
	while (n) {
		size_t k = n < sizeof(ff) ? (size_t)n : sizeof(ff);

		write_all(fd, ff, k);
		n -= k;
	}
}

/* ---- OpenSBI ------------------------------------------------------------ */

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/*
 * fw_dynamic.elf (ELF64, RISC-V) into what objcopy -O binary makes of it:
 * the PT_LOAD segments' file bytes at p_vaddr - lowest p_vaddr, gaps
 * zero; *footprint = the highest p_vaddr + p_memsz (the end of BSS) above
 * the lowest, rounded up to 4 KiB (OpenSBI's _fw_end is page-aligned).
 */
static uint8_t *sbi_from_elf(const char *path, const uint8_t *f, size_t len,
			     size_t *out_len, uint64_t *footprint)
{
	uint64_t phoff, lo = UINT64_MAX, fend = 0, mend = 0;
	unsigned int phnum, phentsize, i;
	uint8_t *bin;

	if (len < 64 || f[4] != 2 || f[5] != 1 || le(f + 18, 2) != KB_EM_RISCV)
		kb_die(KB_EXIT_FAIL, "sbi %s: not a little-endian ELF64 for RISC-V (for a raw .bin give --sbi-footprint)",
		    path);
	phoff = le(f + 32, 8);
	phentsize = (unsigned int)le(f + 54, 2);
	phnum = (unsigned int)le(f + 56, 2);
	if (phentsize != 56 || phoff > len || (uint64_t)phnum * 56 > len - phoff)
		kb_die(KB_EXIT_FAIL, "sbi %s: program headers outside the file", path);
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < phnum; i++) {
			const uint8_t *ph = f + phoff + 56 * i;
			uint64_t off = le(ph + 8, 8), va = le(ph + 16, 8);
			uint64_t fsz = le(ph + 32, 8), msz = le(ph + 40, 8);

			if (le(ph, 4) != 1 /* PT_LOAD */ || msz == 0)
				continue;
			if (pass == 0) {
				if (fsz > msz || off > len || fsz > len - off ||
				    va > UINT64_MAX - msz)
					kb_die(KB_EXIT_FAIL, "sbi %s: a PT_LOAD segment lies outside the file or wraps", path);
				lo = va < lo ? va : lo;
				mend = va + msz > mend ? va + msz : mend;
				if (fsz && va + fsz > fend)
					fend = va + fsz;
				continue;
			}
			memcpy(bin + (va - lo), f + off, (size_t)fsz);
		}
		if (pass == 0) {
			if (lo == UINT64_MAX || fend <= lo)
				kb_die(KB_EXIT_FAIL, "sbi %s: no loadable bytes", path);
			if (mend - lo > (UINT64_C(65535) << 10))
				kb_die(KB_EXIT_FAIL, "sbi %s: its memory (0x%" PRIx64 " bytes) is more than 64 MiB",
				    path, mend - lo);
			*out_len = (size_t)(fend - lo);
			bin = calloc(1, *out_len);
			if (bin == NULL)
				kb_die(KB_EXIT_FAIL, "sbi %s: out of memory", path);
		}
	}
	*footprint = (mend - lo + 4095) & ~(uint64_t)4095;
	/* kaslrboot places OpenSBI at an address of its choosing, so it must
	 * relocate itself there: FW_PIC=y builds carry their R_RISCV_RELATIVE
	 * relocations behind PT_DYNAMIC (DT_RELA, DT_RELASZ) and apply them
	 * at start-up.  Without them OpenSBI runs only at its link address. */
	{
		bool rela = false, relasz = false;

		for (i = 0; i < phnum; i++) {
			const uint8_t *ph = f + phoff + 56 * i;
			uint64_t off = le(ph + 8, 8), fsz = le(ph + 32, 8);

			if (le(ph, 4) != 2 /* PT_DYNAMIC */)
				continue;
			if (off > len || fsz > len - off)
				kb_die(KB_EXIT_FAIL, "sbi %s: PT_DYNAMIC lies outside the file", path);
			for (uint64_t d = 0; d + 16 <= fsz; d += 16) {
				uint64_t tag = le(f + off + d, 8), val = le(f + off + d + 8, 8);

				if (tag == 0)
					break;
				rela |= tag == 7;			/* DT_RELA */
				relasz |= tag == 8 && val != 0;		/* DT_RELASZ */
			}
		}
		if (!rela || !relasz)
			kb_die(KB_EXIT_FAIL, "sbi %s: no dynamic relocations (PT_DYNAMIC with DT_RELA and DT_RELASZ): not a self-relocating OpenSBI; build it with FW_PIC=y, or it runs only at its link address",
			    path);
	}
	return bin;
}

/* ---- the container ---------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void sha256(const void *p, size_t n, uint8_t *out)
{
	if (kb_sha256(p, n, out) != 0)
		kb_die(KB_EXIT_FAIL, "SHA-256 failed");
}

struct part {
	const char *name;
	const uint8_t *data;	/* NULL: absent */
	size_t size;
	uint64_t off;
};

int main(int argc, char **argv)
{
	struct opts o;
	struct part part[4];
	uint8_t hdr[KB_CONTAINER_HDR_MAX];
	uint64_t end, total, pos;
	uint32_t hdr_size;
	struct kb_container c;
	struct kb_diag d;
	struct stat st;
	void *map;
	int fd, i, r;

	if (argc > 1 && strcmp(argv[1], "slots") == 0)
		return kb_slots_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "seed") == 0)
		return kb_seed_main(argc - 1, argv + 1);
	parse_args(argc, argv, &o);
	out_path = o.out;
	hdr_size = o.have_image_version ? KB_CONTAINER_HDR2_SIZE : KB_CONTAINER_HDR_SIZE;
	end = hdr_size;

	memset(part, 0, sizeof(part));
	part[0].name = "payload";
	part[1].name = "initrd";
	part[2].name = "bootargs";
	part[3].name = "sbi";
	part[0].data = kb_read_file("kernel", o.kernel, &part[0].size);
	if (o.kaslr_align) {
		/* The packer vouches for CONFIG_RELOCATABLE, which no header
		 * says; what the header does say is checked here. */
		struct kb_payload_info pi;

		if (kb_arm64_image_parse(part[0].data, part[0].size, &pi, &d) != KB_OK)
			kb_die(KB_EXIT_FAIL, "kernel %s: --kaslr-align needs an arm64 Image: %s",
			    o.kernel, d.msg);
		if (!pi.placement_anywhere)
			kb_die(KB_EXIT_FAIL, "kernel %s: --kaslr-align: the arm64 Image's flags bit 3 is clear (it is placed near the start of DRAM, never randomized)",
			    o.kernel);
	}
	if (o.type == KB_PAYLOAD_KARL) {
		/* The loader's own KARL parser checks the contract
		 * (docs/karl.md): a payload it would refuse at boot is
		 * refused here, with the same line. */
		static struct kb_karl_sec ksec[KB_KARL_PACK_MAX_SEC];
		static uint32_t korder[KB_KARL_PACK_MAX_SEC];
		struct kb_karl k;
		uint8_t *img = NULL;
		int err;

		/* Parse, the link-time layout, and every relocation
		 * validated and applied into a scratch image (RELAX/ALIGN,
		 * unknown types, fields out of range: refused). */
		err = kb_karl_parse(&k, part[0].data, part[0].size, ksec, korder,
				    KB_KARL_PACK_MAX_SEC, &d);
		if (!err)
			err = kb_karl_layout(&k, 0, 0, NULL, NULL, &d);
		if (!err) {
			img = malloc(k.new_end - k.new_base);
			if (img == NULL)
				kb_die(KB_EXIT_FAIL, "kernel %s: -t karl: out of memory", o.kernel);
			err = kb_karl_apply(&k, img, k.new_end - k.new_base, &d);
			free(img);
		}
		if (err)
			kb_die(KB_EXIT_FAIL, "kernel %s: -t karl: %s", o.kernel, d.msg);
	}
	if (o.initrd)
		part[1].data = kb_read_file("initrd", o.initrd, &part[1].size);
	if (o.bootargs) {
		part[2].data = (const uint8_t *)o.bootargs;
		part[2].size = strlen(o.bootargs) + 1;	/* with the NUL */
	}

	if (o.sbi) {
		uint8_t *raw = kb_read_file("sbi", o.sbi, &part[3].size);

		if (raw[0] == 0x7f && part[3].size >= 4 && memcmp(raw, "\177ELF", 4) == 0) {
			uint64_t fp;

			part[3].data = sbi_from_elf(o.sbi, raw, part[3].size, &part[3].size, &fp);
			free(raw);
			if (o.sbi_footprint == 0)
				o.sbi_footprint = fp;
			else if (o.sbi_footprint < fp)
				kb_die(KB_EXIT_FAIL, "sbi %s: --sbi-footprint %" PRIu64 " KiB is below the ELF's own %" PRIu64 " KiB",
				    o.sbi, o.sbi_footprint >> 10, fp >> 10);
		} else {
			part[3].data = raw;
			if (o.sbi_footprint == 0)
				kb_die(KB_EXIT_FAIL, "sbi %s: a raw binary says nothing of its BSS and stacks: give --sbi-footprint (OpenSBI's _fw_end - _fw_start), or pass fw_dynamic.elf",
				    o.sbi);
		}
		if (o.sbi_footprint < part[3].size)
			kb_die(KB_EXIT_FAIL, "sbi %s: --sbi-footprint %" PRIu64 " KiB is below its %zu bytes",
			    o.sbi, o.sbi_footprint >> 10, part[3].size);
		if (o.sbi_hart_size == 0)
			o.sbi_hart_size = 8192;
	}

	/* Layout: each part 8-byte aligned after the header, in this order.
	 * Sizes are at most 4 GiB each, so nothing here can wrap. */
	for (i = 0; i < 4; i++) {
		if (part[i].data == NULL)
			continue;
		part[i].off = (end + PART_ALIGN - 1) & ~(uint64_t)(PART_ALIGN - 1);
		end = part[i].off + part[i].size;
	}
	total = end;
	if (o.pad) {
		if (end > o.pad)
			kb_die(KB_EXIT_FAIL, "the content (%" PRIu64 " bytes) does not fit in --pad %" PRIu64 " bytes",
			    end, o.pad);
		total = o.pad;
	}

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, KB_CONTAINER_MAGIC, sizeof(KB_CONTAINER_MAGIC));
	put32(hdr + 8, o.have_image_version ? KB_CONTAINER_VERSION_2 : KB_CONTAINER_VERSION);
	put32(hdr + 12, hdr_size);
	put32(hdr + 16, o.type);
	put32(hdr + 20, 0);
	put32(hdr + 168, (uint32_t)o.kaslr_align);
	for (i = 0; i < 4; i++) {
		/* the sbi part's fields were carved from the reserved bytes */
		unsigned int f = i < 3 ? 24 + 16 * i : 172, hf = i < 3 ? 72 + 32 * i : 188;

		if (part[i].data == NULL)
			continue;	/* offset, size and digest stay zero */
		put64(hdr + f, part[i].off);
		put64(hdr + f + 8, part[i].size);
		sha256(part[i].data, part[i].size, hdr + hf);
	}
	if (o.sbi) {
		hdr[220] = (uint8_t)(o.sbi_footprint >> 10);
		hdr[221] = (uint8_t)(o.sbi_footprint >> 18);
		hdr[222] = (uint8_t)(o.sbi_hart_size >> 10);
		hdr[223] = (uint8_t)(o.sbi_hart_size >> 18);
	}
	if (o.have_image_version)
		put64(hdr + 224, o.image_version);	/* 232..479 stay zero */
	sha256(hdr, hdr_size - 32, hdr + hdr_size - 32);

	fd = open(o.out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		kb_die(KB_EXIT_FAIL, "%s: %s", o.out, strerror(errno));
	out_created = true;
	write_all(fd, hdr, hdr_size);
	pos = hdr_size;
	for (i = 0; i < 4; i++) {
		if (part[i].data == NULL)
			continue;
		write_fill(fd, part[i].off - pos);
		write_all(fd, part[i].data, part[i].size);
		pos = part[i].off + part[i].size;
	}
	write_fill(fd, total - pos);
	if (close(fd) != 0)
		kb_die(KB_EXIT_FAIL, "%s: %s", o.out, strerror(errno));

	/* Verify what is on disk, with the loader's own parser. */
	fd = open(o.out, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0)
		kb_die(KB_EXIT_FAIL, "%s: %s", o.out, strerror(errno));
	if ((uint64_t)st.st_size != total)
		kb_die(KB_EXIT_FAIL, "%s: wrote %jd bytes, expected %" PRIu64, o.out,
		    (intmax_t)st.st_size, total);
	map = mmap(NULL, (size_t)total, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		kb_die(KB_EXIT_FAIL, "%s: mmap: %s", o.out, strerror(errno));
	close(fd);
	r = kb_container_open(map, (size_t)total, &c, &d);
	if (r != KB_OK)
		kb_die(KB_EXIT_FAIL, "%s: does not verify: %s", o.out, d.msg);
	if (c.type != o.type || c.kaslr_align != o.kaslr_align ||
	    c.image_version != o.image_version ||
	    c.payload != (const uint8_t *)map + part[0].off || c.payload_size != part[0].size ||
	    c.initrd_size != part[1].size ||
	    (part[1].data && c.initrd != (const uint8_t *)map + part[1].off) ||
	    c.bootargs_size != part[2].size ||
	    (part[2].data && (c.bootargs != (const char *)map + part[2].off ||
			      strcmp(c.bootargs, o.bootargs) != 0)) ||
	    c.sbi_size != part[3].size || c.sbi_footprint != o.sbi_footprint ||
	    c.sbi_hart_size != o.sbi_hart_size ||
	    (part[3].data && c.sbi != (const uint8_t *)map + part[3].off))
		kb_die(KB_EXIT_FAIL, "%s: verifies but does not read back as written", o.out);
	munmap(map, (size_t)total);

	printf("%s: %" PRIu64 " bytes (%" PRIu64 " of content), type %s, payload %zu bytes",
	       o.out, total, end, type_name(o.type), part[0].size);
	if (part[1].data)
		printf(", initrd %zu bytes", part[1].size);
	if (part[2].data)
		printf(", bootargs \"%s\"", o.bootargs);
	if (o.kaslr_align)
		printf(", KASLR alignment %" PRIu64 " KiB", o.kaslr_align >> 10);
	if (o.have_image_version)
		printf(", image version %" PRIu64, o.image_version);
	if (part[3].data)
		printf(", sbi %zu bytes (footprint %" PRIu64 " KiB + %" PRIu64 " KiB per hart)",
		       part[3].size, o.sbi_footprint >> 10, o.sbi_hart_size >> 10);
	putchar('\n');
	free((void *)part[0].data);
	free((void *)part[1].data);
	free((void *)part[3].data);
	return 0;
}
