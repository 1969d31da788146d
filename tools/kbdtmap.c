// SPDX-License-Identifier: BSD-2-Clause
/*
 * kbdtmap: the memory map of a device tree linked into the loader, read at
 * build time (CONFIG_DT_MEMMAP_AT_BUILD, docs/device-tree.md).
 *
 *   kbdtmap --dtb-max-size N --mem-cap N --resv-cap N [--name-len N] [--devices [--rng-compat C]... [--zkr]] [--label L] -o OUT.c FILE.dtb
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
 * With --devices (CONFIG_DT_DEVICES_AT_BUILD) it also runs the
 * driver-independent part of the console and TRNG lookups, with the
 * loader's fdt/fdt_util.c: the node /chosen/stdout-path names
 * (kb_fdt_stdout_node()), that it is enabled, its compatible list, reg[0]
 * translated to a CPU address (kb_fdt_reg_cpu()), reg-shift and
 * reg-io-width; every enabled node compatible with a TRNG given by
 * --rng-compat, with its translated reg; with --zkr, the hart ids 0..31
 * whose riscv,isa lists zkr; /chosen's offset; and writes them as kb_dt_devices
 * (kaslrboot/dt_build.h).  A console the loader could not find fails the
 * build with the loader's line, as does a TRNG node whose reg it could
 * not translate.
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
#include <kaslrboot/dt_build.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>
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

/* A property's bytes as a C string literal (any byte, NULs kept). */
static void c_bytes(FILE *f, const char *p, int len)
{
	fputc('"', f);
	for (int i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?')
			fputc(c, f);
		else
			fprintf(f, "\\%03o", c);
	}
	fputc('"', f);
}

/* An optional u32 property: 0 if absent (its bit in *has clear); one
 * that is not 4 bytes is refused (ns16550's line, "console: bad
 * reg-shift"). */
static uint32_t opt_u32(const void *fdt, int node, const char *prop,
			uint32_t bit, uint32_t *has)
{
	struct kb_diag d;
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, prop, &len);
	if (v == NULL || len < 0)
		return 0;
	if (len != 4) {
		kb_diag_clear(&d);
		kb_diag_set(&d, KB_EINVAL, "console: bad %s", prop);
		refuse(KB_EINVAL, &d);
	}
	*has |= bit;
	return fdt32_to_cpu(*v);
}

/* One device's entry: path, compatible, reg[0] translated. */
static void device(FILE *f, const void *fdt, int node, const char *path,
		   uint64_t addr, uint64_t size, uint32_t shift, uint32_t width,
		   uint32_t has)
{
	const char *compat;
	int clen;

	compat = fdt_getprop(fdt, node, "compatible", &clen);
	fprintf(f, "{ .path = ");
	c_string(f, path);
	fprintf(f, ", .compat = ");
	if (compat == NULL || clen <= 0)
		fprintf(f, "\"\", .compat_len = 0");
	else {
		c_bytes(f, compat, clen);
		fprintf(f, ", .compat_len = %d", clen);
	}
	fprintf(f, ", .addr = 0x%" PRIx64 ", .size = 0x%" PRIx64
		", .reg_shift = %" PRIu32 ", .reg_io_width = %" PRIu32 ", .has = %" PRIu32 " }",
		addr, size, shift, width, has);
}

#define RNG_COMPAT_MAX 8

/* The console and the TRNG nodes (--devices): the loader's lookups
 * (loader/console.c, drivers/rng/), up to the driver's own checks. */
static void devices(FILE *f, const void *fdt, const char *const *rng_compat,
		    unsigned int nrng_compat, int zkr)
{
	char path[256], cpath[256];
	struct kb_diag d;
	uint64_t addr, size, caddr, csize;
	uint32_t shift, width, has = 0, zkr_harts = 0;
	unsigned int n = 0;
	int node, err;

	kb_diag_clear(&d);
	node = kb_fdt_stdout_node(fdt, NULL, &d);
	if (node < 0)
		refuse(node, &d);
	kb_fdt_path(fdt, node, cpath, sizeof(cpath));
	if (!kb_fdt_node_enabled(fdt, node)) {
		kb_diag_set(&d, KB_ENODEV, "console: %s is disabled", cpath);
		refuse(KB_ENODEV, &d);
	}
	err = kb_fdt_reg_cpu(fdt, node, 0, &caddr, &csize, &d);
	if (err)
		refuse(err, &d);
	shift = opt_u32(fdt, node, "reg-shift", KB_DT_HAS_REG_SHIFT, &has);
	width = opt_u32(fdt, node, "reg-io-width", KB_DT_HAS_REG_IO_WIDTH, &has);
	/* Zkr (drivers/rng/zkr.c): the boot hart is known at boot only;
	 * every hart id an MCU has is recorded. */
	for (unsigned int h = 0; zkr && h < KB_DT_ZKR_HARTS; h++)
		if (kb_fdt_hart_has_isa_ext(fdt, h, "zkr"))
			zkr_harts |= 1u << h;

	fprintf(f, "\n#include <kaslrboot/dt_build.h>\n\n");
	fprintf(f, "static const struct kb_dt_dev_build rng[] = {\n");
	for (unsigned int c = 0; c < nrng_compat; c++) {
		struct kb_fdt_walk w = { .node = -1 };

		while ((err = kb_fdt_next_compatible(fdt, &w, rng_compat[c], &d)) == KB_OK) {
			if (!kb_fdt_node_enabled(fdt, w.node))
				continue;
			kb_fdt_path(fdt, w.node, path, sizeof(path));
			err = kb_fdt_reg_cpu_walk(fdt, &w, 0, &addr, &size, &d);
			if (err)
				refuse(err, &d);
			fprintf(f, "\t");
			device(f, fdt, w.node, path, addr, size, 0, 0, 0);
			fprintf(f, ",\n");
			n++;
		}
		if (err != KB_ENOENT)
			refuse(err, &d);
	}
	if (n == 0)
		fprintf(f, "\t{ .path = \"\" },\t/* none (never read) */\n");
	fprintf(f, "};\n\nconst struct kb_dt_devices_build kb_dt_devices = {\n\t.console = ");
	device(f, fdt, node, cpath, caddr, csize, shift, width, has);
	int chosen = fdt_path_offset(fdt, "/chosen"), blen = -1;
	const char *bargs = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &blen) : NULL;
	bool seed = chosen >= 0 && (fdt_getprop(fdt, chosen, "kaslr-seed", NULL) ||
				    fdt_getprop(fdt, chosen, "rng-seed", NULL));

	fprintf(f, ",\n\t.rng = rng, .nrng = %u,\n\t.chosen = %d,\n\t.zkr_harts = 0x%" PRIx32 ",\n",
		n, chosen, zkr_harts);
	fprintf(f, "\t.bootargs_off = %ld, .bootargs_len = %d, .chosen_seed = %d,\n};\n",
		bargs ? (long)(bargs - (const char *)fdt) : -1L, bargs ? blen : -1, seed);
}

int main(int argc, char **argv)
{
	unsigned long max_size = 0, mem_cap = 0, resv_cap = 0;
	const char *out = NULL, *file = NULL;
	const char *rng_compat[RNG_COMPAT_MAX];
	unsigned int nrng_compat = 0;
	int want_devices = 0, zkr = 0;
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
		else if (!strcmp(a, "--devices"))
			want_devices = 1;
		else if (!strcmp(a, "--zkr"))
			zkr = 1;
		else if (i + 1 < argc && !strcmp(a, "--rng-compat") && nrng_compat < RNG_COMPAT_MAX)
			rng_compat[nrng_compat++] = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "-o"))
			out = argv[++i];
		else if (a[0] != '-' && file == NULL)
			file = a;
		else
			die(EXIT_USAGE, "usage: " PROG " --dtb-max-size N --mem-cap N --resv-cap N [--name-len N] [--devices [--rng-compat C]... [--zkr]] [--label L] -o OUT.c FILE.dtb");
	}
	if (!max_size || !mem_cap || !resv_cap || !out || !file)
		die(EXIT_USAGE, "usage: " PROG " --dtb-max-size N --mem-cap N --resv-cap N [--name-len N] [--devices [--rng-compat C]... [--zkr]] [--label L] -o OUT.c FILE.dtb");

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
	if (want_devices)
		devices(f, buf, rng_compat, nrng_compat, zkr);
	if (fclose(f) != 0)
		die(EXIT_USAGE, "%s: write failed", out);
	free(mem);
	free(resv);
	free(buf);
	return 0;
}
