// SPDX-License-Identifier: BSD-2-Clause
/*
 * kbdtmap: the memory map of a device tree linked into the loader, read at
 * build time (CONFIG_DT_MEMMAP_AT_BUILD, docs/device-tree.md).
 *
 *   kbdtmap --dtb-max-size N --mem-cap N --resv-cap N [--name-len N] [--label L] -o OUT.c FILE.dtb
 *
 * Built for the host from the very sources the loader links (fdt/memmap.c,
 * fdt/fdt_util.c, libfdt; the Makefile builds it per board, with the
 * board's CONFIG_PHYS_ADDR_32BIT), it makes the loader's own checks on the
 * tree, in the loader's order: kb_fdt_validate() with CONFIG_DTB_MAX_SIZE,
 * kb_memmap_from_fdt() into tables of the loader's capacities
 * (CONFIG_MAX_MEM_REGIONS, CONFIG_MAX_RESV_REGIONS), "no enabled memory
 * node".  A tree the loader would refuse fails the build with the loader's
 * line:
 *
 *   L: kaslrboot: error: dtb: /memory@20000000: reg length 12 is not a multiple of 8 ...
 *
 * Otherwise OUT.c defines kb_dt_memmap (struct kb_memmap_build,
 * kaslrboot/memmap.h): the memory table (sorted, merged) and the
 * reservations (/memreserve/, /reserved-memory, initrd) exactly as
 * kb_memmap_from_fdt() left them, with the count of ranges cut at 4 GiB;
 * the blob's own entry, which that function adds last, is left out (the
 * loader adds it at its link address, kb_memmap_from_build()).
 *
 * Exit status: 0; 1 the tree is refused; 64 bad arguments or I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/memmap.h>

#define PROG		"kbdtmap"
#define EXIT_DTB	1
#define EXIT_USAGE	64
#define CAP_MAX		4096	/* Kconfig's upper bound for either table */

static const char *label = PROG;
/* File scope: still reachable when die() exits (no LeakSanitizer report). */
static unsigned char *buf;
static struct kb_region *mem, *resv;

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", status == EXIT_DTB ? label : PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* The loader's error line (fatal() in loader/main.c). */
static void __attribute__((noreturn)) refuse(int err, const struct kb_diag *d)
{
	die(EXIT_DTB, "kaslrboot: error: %s", d->msg[0] ? d->msg : kb_strerror(err));
}

static unsigned long number(const char *opt, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v == 0 || v > max)
		die(EXIT_USAGE, "%s: bad value \"%s\" (1..%lu)", opt, s, max);
	return v;
}

/* A C string literal for a region name (a node path from the tree: any
 * byte but NUL). */
static void c_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?')
			fputc(c, f);
		else
			fprintf(f, "\\%03o", c);
	}
	fputc('"', f);
}

/* The board's CONFIG_REGION_NAME_LEN: this tool keeps names at the
 * largest length (tools/tools.mk) and cuts them as the loader would. */
static unsigned long name_len = KB_REGION_NAME_LEN;

static void table(FILE *f, const char *name, const struct kb_region *r, unsigned int n)
{
	char cut[KB_REGION_NAME_LEN];

	/* [n ? n : 1]: an empty table is still an object (never read). */
	fprintf(f, "static const struct kb_region %s[%u] = {\n", name, n ? n : 1);
	for (unsigned int i = 0; i < n; i++) {
		fprintf(f, "\t{ .base = 0x%" PRIxPHYS ", .size = 0x%" PRIxPHYS
			", .kind = %" PRIu32 ", .flags = 0x%" PRIx32 ", .merged = %" PRIu32
			", .name = ", r[i].base, r[i].size, r[i].kind, r[i].flags, r[i].merged);
		kb_region_name_cut(cut, r[i].name, name_len);
		c_string(f, cut);
		fprintf(f, " },\t/* %s */\n", kb_region_kind_name((enum kb_region_kind)r[i].kind));
	}
	fprintf(f, "};\n");
}

int main(int argc, char **argv)
{
	unsigned long max_size = 0, mem_cap = 0, resv_cap = 0;
	const char *out = NULL, *file = NULL;
	struct kb_memmap m;
	struct kb_diag d;
	size_t len, cap;
	FILE *f;
	int err;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (i + 1 < argc && !strcmp(a, "--dtb-max-size"))
			max_size = number(a, argv[++i], 16ul << 20);
		else if (i + 1 < argc && !strcmp(a, "--mem-cap"))
			mem_cap = number(a, argv[++i], CAP_MAX);
		else if (i + 1 < argc && !strcmp(a, "--resv-cap"))
			resv_cap = number(a, argv[++i], CAP_MAX);
		else if (i + 1 < argc && !strcmp(a, "--name-len"))
			name_len = number(a, argv[++i], KB_REGION_NAME_LEN);
		else if (i + 1 < argc && !strcmp(a, "--label"))
			label = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "-o"))
			out = argv[++i];
		else if (a[0] != '-' && file == NULL)
			file = a;
		else
			die(EXIT_USAGE, "usage: " PROG " --dtb-max-size N --mem-cap N --resv-cap N [--name-len N] [--label L] -o OUT.c FILE.dtb");
	}
	if (!max_size || !mem_cap || !resv_cap || !out || !file)
		die(EXIT_USAGE, "usage: " PROG " --dtb-max-size N --mem-cap N --resv-cap N [--name-len N] [--label L] -o OUT.c FILE.dtb");

	if (name_len < 16)
		die(EXIT_USAGE, "--name-len: %lu, below CONFIG_REGION_NAME_LEN's least (16)", name_len);

	/* The loader knows CONFIG_DTB_MAX_SIZE readable bytes at the blob
	 * (the linked tree is followed by more of its image): the same
	 * buffer here, zero-filled past the file, 8-byte aligned (malloc). */
	f = fopen(file, "rb");
	if (f == NULL)
		die(EXIT_USAGE, "%s: %s", file, strerror(errno));
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	cap = len > max_size ? len : max_size;
	buf = calloc(1, cap);
	if (buf == NULL || fread(buf, 1, len, f) != len)
		die(EXIT_USAGE, "%s: cannot read", file);
	fclose(f);

	/* The loader's checks, its order, its lines (loader/main.c,
	 * step_device_tree() and step_memory_map()). */
	kb_diag_clear(&d);
	err = kb_fdt_validate(buf, max_size, &d);
	if (err)
		refuse(err, &d);
	mem = calloc(mem_cap, sizeof(*mem));
	resv = calloc(resv_cap, sizeof(*resv));
	if (mem == NULL || resv == NULL)
		die(EXIT_USAGE, "out of memory");
	kb_memmap_init(&m, mem, (unsigned int)mem_cap, resv, (unsigned int)resv_cap);
	/* The blob at 0: its entry, added last, is dropped below; the
	 * loader adds it at its real address. */
	err = kb_memmap_from_fdt(&m, buf, 0, &d);
	if (err)
		refuse(err, &d);
	if (m.nresv == 0 || m.resv[m.nresv - 1].kind != KB_REGION_DTB)
		die(EXIT_USAGE, "internal: the blob's entry is not last");
	m.nresv--;
	if (m.nmem == 0) {
		kb_diag_set(&d, KB_ENOENT, "dtb: no enabled memory node");
		refuse(KB_ENOENT, &d);
	}

	f = fopen(out, "w");
	if (f == NULL)
		die(EXIT_USAGE, "%s: %s", out, strerror(errno));
	fprintf(f, "/* Generated by tools/kbdtmap from %s: the memory map of the tree\n"
		 " * linked into the loader, read at build time (CONFIG_DT_MEMMAP_AT_BUILD).\n"
		 " * Do not edit. */\n", label);
	fprintf(f, "#include <kaslrboot/memmap.h>\n\n");
	fprintf(f, "_Static_assert(KB_PHYS_BITS == %d, \"kbdtmap was built for %d-bit addresses (CONFIG_PHYS_ADDR_32BIT)\");\n",
		KB_PHYS_BITS, KB_PHYS_BITS);
	fprintf(f, "_Static_assert(%u <= CONFIG_MAX_MEM_REGIONS && %u + 1 <= CONFIG_MAX_RESV_REGIONS,\n"
		 "\t       \"kbdtmap ran with other table capacities than CONFIG_MAX_MEM_REGIONS, CONFIG_MAX_RESV_REGIONS\");\n\n",
		m.nmem, m.nresv);
	table(f, "mem", m.mem, m.nmem);
	table(f, "resv", m.resv, m.nresv);
	fprintf(f, "\nconst struct kb_memmap_build kb_dt_memmap = {\n"
		 "\t.mem = mem, .resv = resv, .nmem = %u, .nresv = %u, .nclipped = %u,\n};\n",
		m.nmem, m.nresv, kb_memmap_clipped(&m));
	if (fclose(f) != 0)
		die(EXIT_USAGE, "%s: write failed", out);
	free(mem);
	free(resv);
	free(buf);
	return 0;
}
