// SPDX-License-Identifier: BSD-2-Clause
/*
 * karlplan: the KARL layout kaslrboot would choose for a riscv64, rv32 or aarch64 payload
 * built to the contract of docs/karl.md, on the host, with the very module
 * the loader will link (loader/lib/karl.c) and the loader's DRBG.
 *
 *   karlplan [--seed S] [--max-gap N] [--bias N] [--nokaslr] [--layout]
 *            [--ld-script FILE] [--image FILE] PAYLOAD.elf
 *
 * Prints one line: "karl: N functions, M data objects shuffled, gaps up to
 * G B: B bits of layout entropy (R relocations)" (--nokaslr: "karl:
 * nokaslr: N functions, M data objects at their link addresses").  --layout
 * adds one line per loaded section (kind: head, move, data, tail; new
 * address, link address, size, name).  --ld-script writes the layout as a
 * GNU ld script (the relinking oracle, tests/build/karl_oracle.sh: every
 * loaded section, in the new address order, at its new address, as an
 * output section of the same name holding the input sections of that
 * name: the contract's tail script names its fixed sections after their
 * input sections, and the oracle's payload has no two moving sections of
 * one name).  --image writes
 * the shuffled and relocated image, [new base, new end), as flat bytes.
 * --seed S seeds the DRBG from SHA-256 in counter mode over S (as
 * kaslrplan does); without it, from getrandom().  --nokaslr: link order,
 * no gaps.  --max-gap defaults to 4096.
 *
 * Exit status: 0; 1 the payload is refused (karl.c's one-line error after
 * "karlplan: "); 64 bad arguments.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <kaslrboot/crypto.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/karl.h>
#include <kaslrboot/sha256.h>

#define PROG		"karlplan"
#define EXIT_BAD	1
#define EXIT_USAGE	64
#define FILE_MAX	(64u << 20)
#define MAX_SEC		65536

static struct kb_karl_sec sec[MAX_SEC];
static uint32_t order[MAX_SEC];

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(FILE *f)
{
	fputs("usage: " PROG " [--seed S] [--max-gap N] [--bias N] [--nokaslr] [--layout]\n"
	      "                [--ld-script FILE] [--image FILE] PAYLOAD.elf\n", f);
}

static uint64_t num(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		die(EXIT_USAGE, "%s: not a number: '%s'", opt, s);
	return v;
}

/* SHA-256 counter mode over the seed (kaslrplan's stream). */
struct seed_stream {
	const char *seed;
	uint32_t counter;
	unsigned char block[32];
	size_t used;
};

static int seed_entropy(void *ctx, unsigned char *buf, size_t len)
{
	struct seed_stream *s = ctx;
	kb_sha256_ctx sha;
	unsigned char ctr[4];

	while (len > 0) {
		if (s->used == sizeof(s->block)) {
			ctr[0] = (unsigned char)(s->counter >> 24);
			ctr[1] = (unsigned char)(s->counter >> 16);
			ctr[2] = (unsigned char)(s->counter >> 8);
			ctr[3] = (unsigned char)s->counter;
			s->counter++;
			if (kb_sha256_start(&sha) ||
			    kb_sha256_update(&sha, ctr, sizeof(ctr)) ||
			    kb_sha256_update(&sha, s->seed, strlen(s->seed))) {
				kb_sha256_free(&sha);
				return -1;
			}
			if (kb_sha256_finish(&sha, s->block))
				return -1;
			s->used = 0;
		}
		*buf++ = s->block[s->used++];
		len--;
	}
	return 0;
}

static int os_entropy(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t n;

	(void)ctx;
	while (len > 0) {
		n = getrandom(buf, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int drbg_uniform(void *ctx, uint64_t bound, uint64_t *out)
{
	return kb_drbg_uniform(bound, out, ctx);
}

static const char *kind_name(unsigned int kind)
{
	return kind == KB_KARL_HEAD ? "head" : kind == KB_KARL_MOVE ? "move" :
	       kind == KB_KARL_DATA ? "data" : "tail";
}

static const struct kb_karl *sort_k;

static int by_new_addr(const void *a, const void *b)
{
	uint64_t x = sort_k->sec[*(const uint32_t *)a].new_addr;
	uint64_t y = sort_k->sec[*(const uint32_t *)b].new_addr;

	return x < y ? -1 : x > y;
}

static void write_script(const struct kb_karl *k, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	fprintf(f, "/* karlplan: the KARL layout as a GNU ld script (relinking oracle) */\n"
		"OUTPUT_ARCH(%s)\nENTRY(_start)\nSECTIONS {\n",
		k->machine == 183 ? "aarch64" : "riscv");
	{
		static uint32_t idx[MAX_SEC];
		unsigned int n = 0;

		for (unsigned int i = 1; i < k->nsec; i++)
			if (k->sec[i].kind != KB_KARL_OTHER)
				idx[n++] = i;
		sort_k = k;
		qsort(idx, n, sizeof(idx[0]), by_new_addr);
		for (unsigned int j = 0; j < n; j++)
			fprintf(f, "  %s 0x%" PRIx64 " : { KEEP(*(%s)) }\n", kb_karl_name(k, idx[j]),
				k->sec[idx[j]].new_addr, kb_karl_name(k, idx[j]));
	}
	fprintf(f, "  /DISCARD/ : { *(.comment) *(.riscv.attributes) *(.note.*) *(.eh_frame) }\n}\n");
	if (fclose(f))
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	const char *seed = NULL, *script = NULL, *image = NULL, *path = NULL;
	uint64_t max_gap = 4096, bias = 0, q;
	bool nokaslr = false, layout = false;
	static const char pers[] = "kaslrboot karl";
	struct seed_stream ss;
	struct kb_diag d = { "" };
	struct kb_karl k;
	unsigned char *buf, *out;
	size_t len;
	FILE *f;
	int err;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--nokaslr") == 0) {
			nokaslr = true;
		} else if (strcmp(a, "--layout") == 0) {
			layout = true;
		} else if (strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (a[0] == '-' && a[1] == '-') {
			if (i + 1 >= argc)
				die(EXIT_USAGE, "%s needs a value", a);
			if (strcmp(a, "--seed") == 0)
				seed = argv[++i];
			else if (strcmp(a, "--max-gap") == 0)
				max_gap = num(a, argv[++i]);
			else if (strcmp(a, "--bias") == 0)
				bias = num(a, argv[++i]);
			else if (strcmp(a, "--ld-script") == 0)
				script = argv[++i];
			else if (strcmp(a, "--image") == 0)
				image = argv[++i];
			else
				die(EXIT_USAGE, "unknown option %s", a);
		} else if (!path) {
			path = a;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		usage(stderr);
		return EXIT_USAGE;
	}
	f = fopen(path, "rb");
	if (!f)
		die(EXIT_USAGE, "%s: %s", path, strerror(errno));
	buf = malloc(FILE_MAX);
	if (!buf)
		die(EXIT_USAGE, "out of memory");
	len = fread(buf, 1, FILE_MAX, f);
	if (ferror(f) || !feof(f))
		die(EXIT_USAGE, "%s: read error or larger than %u bytes", path, FILE_MAX);
	fclose(f);

	err = kb_karl_parse(&k, buf, len, sec, order, MAX_SEC, &d);
	if (err)
		die(EXIT_BAD, "%s", d.msg[0] ? d.msg : kb_strerror(err));
	if (nokaslr) {
		err = kb_karl_layout(&k, max_gap, bias, NULL, NULL, &d);
	} else {
		memset(&ss, 0, sizeof(ss));
		ss.seed = seed;
		ss.used = sizeof(ss.block);
		if (seed)
			err = kb_drbg_seed(seed_entropy, &ss, 32, pers, sizeof(pers) - 1, &d);
		else
			err = kb_drbg_seed(os_entropy, NULL, 32, pers, sizeof(pers) - 1, &d);
		if (!err)
			err = kb_karl_layout(&k, max_gap, bias, drbg_uniform, &d, &d);
		kb_drbg_wipe();
	}
	if (err)
		die(EXIT_BAD, "%s", d.msg[0] ? d.msg : kb_strerror(err));
	out = malloc(k.new_end - k.new_base);
	if (!out)
		die(EXIT_USAGE, "out of memory");
	err = kb_karl_apply(&k, out, k.new_end - k.new_base, &d);
	if (err)
		die(EXIT_BAD, "%s", d.msg[0] ? d.msg : kb_strerror(err));

	q = kb_karl_entropy_q16(&k, max_gap);
	if (nokaslr)
		printf("karl: nokaslr: %u functions, %u data objects at their link addresses (%" PRIu64
		       " relocations)\n", k.nmove, k.ndata, k.nrela);
	else
		printf("karl: %u functions, %u data objects shuffled, gaps up to %" PRIu64 " B: %" PRIu64
		       ".%02" PRIu64 " bits of layout entropy (%" PRIu64 " relocations)\n",
		       k.nmove, k.ndata, max_gap, q >> 16, ((q & 0xffff) * 100) >> 16, k.nrela);
	if (layout)
		for (unsigned int i = 1; i < k.nsec; i++)
			if (k.sec[i].kind != KB_KARL_OTHER)
				printf("%s 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " %s\n",
				       kind_name(k.sec[i].kind), k.sec[i].new_addr,
				       k.sec[i].old_addr, k.sec[i].size, kb_karl_name(&k, i));
	if (script)
		write_script(&k, script);
	if (image) {
		f = fopen(image, "wb");
		if (!f || fwrite(out, 1, k.new_end - k.new_base, f) != k.new_end - k.new_base ||
		    fclose(f))
			die(EXIT_USAGE, "%s: %s", image, strerror(errno));
	}
	free(out);
	free(buf);
	return 0;
}
