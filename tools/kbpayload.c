// SPDX-License-Identifier: BSD-2-Clause
/*
 * kbpayload: what the loader would make of a payload, with the loader's own
 * parsers and relocation engine (loader/lib/elf.c, image.c, reloc.c).
 *
 *   kbpayload [--machine riscv|aarch64] [--xlen 32|64] [--base ADDR]
 *             [-o OUT] FILE
 *
 * Prints the layout (format, class, alignment, footprint, entry, segments
 * with their permissions, relocation tables, PT_GNU_RELRO) as the loader computes it for a `machine` loader of
 * `xlen` bits (default riscv, 64).  With -o it also writes the loaded image
 * (footprint bytes: segments copied, gaps and BSS zeroed) relocated for a
 * run address of --base (default 0) to OUT: a firmware engineer can check
 * a payload before flashing it, and the tests compare the result with
 * readelf's view of the same file.
 *
 * Exit status: 0; 1 the file cannot be read, or the loader would refuse it
 * (one line, "kbpayload: FILE: <the loader's diagnostic>"); 64 bad
 * arguments.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/payload.h>

#define FILE_MAX	(UINT64_C(256) << 20)

static void usage(const char *why)
{
	fprintf(stderr, "kbpayload: %s\n"
		"usage: kbpayload [--machine riscv|aarch64] [--xlen 32|64] [--base ADDR] [-o OUT] FILE\n",
		why);
	exit(64);
}

static const char *fmt_name(uint32_t t)
{
	return t == KB_PAYLOAD_ELF ? "elf" : t == KB_PAYLOAD_RISCV_IMAGE ? "riscv-image" :
	       t == KB_PAYLOAD_ARM64_IMAGE ? "arm64-image" : "?";
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	uint16_t machine = KB_EM_RISCV;
	unsigned int xlen = 64;
	uint64_t base = 0;
	struct kb_payload_info pi;
	struct kb_diag d;
	uint8_t *buf, *img;
	size_t len;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (a[0] != '-') {
			if (in)
				usage("more than one FILE");
			in = a;
			continue;
		}
		if (v == NULL)
			usage("an option without its value");
		i++;
		if (strcmp(a, "--machine") == 0 && strcmp(v, "riscv") == 0)
			machine = KB_EM_RISCV;
		else if (strcmp(a, "--machine") == 0 && strcmp(v, "aarch64") == 0)
			machine = KB_EM_AARCH64;
		else if (strcmp(a, "--xlen") == 0 && (strcmp(v, "32") == 0 || strcmp(v, "64") == 0))
			xlen = (unsigned int)atoi(v);
		else if (strcmp(a, "--base") == 0 && (base = strtoull(v, &end, 0), *v && !*end))
			;
		else if (strcmp(a, "-o") == 0)
			out = v;
		else
			usage("unknown option or bad value");
	}
	if (in == NULL)
		usage("no FILE");

	f = fopen(in, "rb");
	if (f == NULL) {
		fprintf(stderr, "kbpayload: %s: cannot read it\n", in);
		return 1;
	}
	buf = malloc(FILE_MAX);
	len = buf ? fread(buf, 1, FILE_MAX, f) : 0;
	if (buf == NULL || ferror(f) || !feof(f)) {
		fprintf(stderr, "kbpayload: %s: unreadable or larger than %" PRIu64 " bytes\n",
			in, FILE_MAX);
		return 1;
	}
	fclose(f);

	if (kb_payload_parse(buf, len, KB_PAYLOAD_AUTO, machine, xlen, 0, &pi, &d) != KB_OK) {
		fprintf(stderr, "kbpayload: %s: %s\n", in, d.msg);
		free(buf);
		return 1;
	}
	printf("format %s, %u-bit, link base 0x%" PRIx64 ", align 0x%" PRIx64
	       ", footprint 0x%" PRIx64 ", entry +0x%" PRIx64 "\n",
	       fmt_name(pi.type), (unsigned int)pi.xlen, pi.link_base, pi.align,
	       pi.footprint, pi.entry_off);
	for (unsigned int i = 0; i < pi.nseg; i++)
		printf("segment %u: file 0x%" PRIx64 " + 0x%" PRIx64 " at +0x%" PRIx64
		       ", memsz 0x%" PRIx64 ", %c%c%c\n", i, pi.seg[i].file_off, pi.seg[i].filesz,
		       pi.seg[i].dst_off, pi.seg[i].memsz, pi.seg[i].flags & 4 ? 'r' : '-',
		       pi.seg[i].flags & 2 ? 'w' : '-', pi.seg[i].flags & 1 ? 'x' : '-');
	printf("relocations: RELA +0x%" PRIx64 " (0x%" PRIx64 " bytes), RELR +0x%" PRIx64
	       " (0x%" PRIx64 " bytes)\n", pi.rela_off, pi.rela_size, pi.relr_off, pi.relr_size);
	printf("relro: +0x%" PRIx64 " (0x%" PRIx64 " bytes)\n", pi.relro_off, pi.relro_size);
	if (out == NULL) {
		free(buf);
		return 0;
	}

	img = pi.footprint <= FILE_MAX ? malloc((size_t)pi.footprint) : NULL;
	if (img == NULL) {
		fprintf(stderr, "kbpayload: %s: footprint 0x%" PRIx64 " too large here\n", in,
			pi.footprint);
		return 1;
	}
	/* RAM on a board is not zero: the copy must zero BSS and gaps. */
	memset(img, 0xa5, (size_t)pi.footprint);
	kb_payload_copy(&pi, buf, img);
	free(buf);
	if (kb_reloc_apply(&pi, img, base, &d) != KB_OK) {
		fprintf(stderr, "kbpayload: %s: %s\n", in, d.msg);
		free(img);
		return 1;
	}
	f = fopen(out, "wb");
	if (f == NULL || fwrite(img, 1, (size_t)pi.footprint, f) != pi.footprint ||
	    fclose(f) != 0) {
		fprintf(stderr, "kbpayload: %s: cannot write it\n", out);
		free(img);
		return 1;
	}
	printf("loaded at 0x%" PRIx64 ", relocated, written to %s\n", base, out);
	free(img);
	return 0;
}
