// SPDX-License-Identifier: BSD-2-Clause
/*
 * kaslrplan: what kaslrboot's placement would be for a device tree, on the
 * host, with the very modules the loader links (kb_fdt_validate and the
 * memory map from fdt/memmap.c, the planner from loader/lib/plan.c, the
 * CTR_DRBG from crypto/drbg.c).
 *
 *   kaslrplan --size N [--align N] [--offset N] [--seed S] [--json]
 *             [--avoid START-END]... [--floor A] [--ceiling A]
 *             [--dtb-addr A] FILE.dtb
 *
 * Numbers are decimal or 0x hex, with an optional binary suffix K, M or G.
 * Ranges and limits follow the printed memory map: --avoid START-END and
 * --ceiling A are end-exclusive (A may be 0x10000000000000000 = no limit).
 * Without --dtb-addr (or with 0) the blob is taken as not being in memory
 * and reserves nothing.  Without --seed the DRBG is seeded from
 * getrandom(); with it, from SHA-256 in counter mode over S, so the same
 * seed gives the same sample placement.
 *
 * Exit status: 0; 1 the blob or its memory map is rejected (the loader's
 * one-line error, after "kaslrplan: "); 2 no slot fits; 64 bad arguments.
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

#include <libfdt.h>

#include <kaslrboot/crypto.h>
#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/memmap.h>
#include <kaslrboot/plan.h>
#include <kaslrboot/sha256.h>

#define PROG		"kaslrplan"
#define EXIT_DTB	1
#define EXIT_NOSLOT	2
#define EXIT_USAGE	64

#define DTB_FILE_MAX	(16u << 20)
/* Kconfig's upper bounds for the loader's tables (fdt/Kconfig). */
#define MAX_MEM		4096
#define MAX_RESV	4096
#define MAX_AVOID	256

typedef unsigned __int128 u128;
#define TWO64		((u128)1 << 64)

static struct kb_region mem_table[MAX_MEM];
static struct kb_region resv_table[MAX_RESV];
static struct kb_span avoid[MAX_AVOID];

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
	fputs("usage: " PROG " --size N [--align N] [--offset N] [--seed S] [--json]\n"
	      "                 [--avoid START-END]... [--floor A] [--ceiling A]\n"
	      "                 [--dtb-addr A] FILE.dtb\n"
	      "numbers: decimal or 0x hex, optional suffix K, M, G (binary);\n"
	      "--align defaults to 2M; END and --ceiling are exclusive\n", f);
}

/* ---- arguments -------------------------------------------------------- */

/* A number, decimal or 0x hex, then an optional K/M/G; at most max. */
static bool parse_num(const char *s, u128 max, u128 *out)
{
	unsigned int base = 10, digit;
	u128 v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (*p == '\0')
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
		v = v * base + digit;
		if (v > max)
			return false;
	}
	if (p == s || (base == 16 && p == s + 2))
		return false;
	if (*p) {
		unsigned int shift;

		switch (*p) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: return false;
		}
		if (p[1] != '\0' || v > (max >> shift))
			return false;
		v <<= shift;
	}
	*out = v;
	return true;
}

static uint64_t num_arg(const char *opt, const char *s)
{
	u128 v;

	if (!parse_num(s, UINT64_MAX, &v))
		die(EXIT_USAGE, "%s: '%s' is not a number below 2^64 (decimal or 0x hex, optional K/M/G)",
		    opt, s);
	return (uint64_t)v;
}

/* --avoid START-END, END exclusive (up to 2^64), END > START. */
static void avoid_arg(const char *s, struct kb_span *span)
{
	char buf[128];
	char *dash;
	u128 a, b;

	if (strlen(s) >= sizeof(buf) || (dash = strchr(strcpy(buf, s), '-')) == NULL)
		die(EXIT_USAGE, "--avoid: '%s' is not START-END", s);
	*dash = '\0';
	if (!parse_num(buf, UINT64_MAX, &a) || !parse_num(dash + 1, TWO64, &b))
		die(EXIT_USAGE, "--avoid: '%s' is not START-END (numbers, END at most 2^64)", s);
	if (b <= a)
		die(EXIT_USAGE, "--avoid: '%s' is empty (END is exclusive and must be above START)", s);
	span->first = (uint64_t)a;
	span->last = (uint64_t)(b - 1);
}

struct opts {
	struct kb_slot_req req;
	bool have_size;
	const char *seed;
	bool json;
	unsigned int navoid;
	uint64_t floor;
	uint64_t ceiling;	/* inclusive */
	uint64_t dtb_addr;
	const char *file;
};

static void parse_args(int argc, char **argv, struct opts *o)
{
	bool opts_done = false;
	int i;

	memset(o, 0, sizeof(*o));
	o->req.align = UINT64_C(2) << 20;
	o->ceiling = UINT64_MAX;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char name[32];

		if (opts_done || a[0] != '-' || a[1] == '\0') {
			if (o->file)
				die(EXIT_USAGE, "more than one FILE ('%s' and '%s')", o->file, a);
			o->file = a;
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
		if (strcmp(a, "--json") == 0) {
			o->json = true;
			continue;
		}
		/* --name VALUE or --name=VALUE */
		eq = strchr(a, '=');
		if (eq) {
			if ((size_t)(eq - a) >= sizeof(name))
				die(EXIT_USAGE, "unknown option '%s' (try --help)", a);
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = '\0';
			val = eq + 1;
		} else {
			if (strlen(a) >= sizeof(name))
				die(EXIT_USAGE, "unknown option '%s' (try --help)", a);
			strcpy(name, a);
		}
		if (strcmp(name, "--size") && strcmp(name, "--align") &&
		    strcmp(name, "--offset") && strcmp(name, "--seed") &&
		    strcmp(name, "--avoid") && strcmp(name, "--floor") &&
		    strcmp(name, "--ceiling") && strcmp(name, "--dtb-addr"))
			die(EXIT_USAGE, "unknown option '%s' (try --help)", a);
		if (val == NULL) {
			if (i + 1 >= argc)
				die(EXIT_USAGE, "%s needs a value", name);
			val = argv[++i];
		}

		if (strcmp(name, "--size") == 0) {
			o->req.size = num_arg(name, val);
			o->have_size = true;
		} else if (strcmp(name, "--align") == 0) {
			o->req.align = num_arg(name, val);
		} else if (strcmp(name, "--offset") == 0) {
			o->req.offset = num_arg(name, val);
		} else if (strcmp(name, "--seed") == 0) {
			if (val[0] == '\0')
				die(EXIT_USAGE, "--seed: empty seed");
			o->seed = val;
		} else if (strcmp(name, "--avoid") == 0) {
			if (o->navoid == MAX_AVOID)
				die(EXIT_USAGE, "--avoid: more than %d ranges", MAX_AVOID);
			avoid_arg(val, &avoid[o->navoid++]);
		} else if (strcmp(name, "--floor") == 0) {
			o->floor = num_arg(name, val);
		} else if (strcmp(name, "--ceiling") == 0) {
			u128 c;

			if (!parse_num(val, TWO64, &c) || c == 0)
				die(EXIT_USAGE, "--ceiling: '%s' is not a number in 1..2^64", val);
			o->ceiling = (uint64_t)(c - 1);
		} else {
			o->dtb_addr = num_arg(name, val);
		}
	}

	if (o->file == NULL)
		die(EXIT_USAGE, "no FILE.dtb given (try --help)");
	if (!o->have_size)
		die(EXIT_USAGE, "--size is required");
	if (o->floor > o->ceiling)
		die(EXIT_USAGE, "--floor 0x%" PRIx64 " is not below --ceiling 0x%" PRIx64,
		    o->floor, o->ceiling + 1);	/* ceiling < floor: no wrap */
	{
		struct kb_diag d;

		kb_diag_clear(&d);
		if (kb_slot_req_check(&o->req, &d))
			die(EXIT_USAGE, "%s", d.msg[0] ? d.msg : "bad --size/--align");
	}
}

/* ---- input ---------------------------------------------------------- */

/* The whole file in a malloc'd buffer of exactly its size (malloc's
 * alignment is at least 8, as libfdt needs). */
static void *read_file(const char *path, size_t *len)
{
	unsigned char *buf;
	size_t n = 0, got;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		die(EXIT_DTB, "%s: %s", path, strerror(errno));
	/* One byte more than the limit tells "too big" from "exactly". */
	buf = malloc(DTB_FILE_MAX + 1);
	if (buf == NULL)
		die(EXIT_DTB, "out of memory");
	while ((got = fread(buf + n, 1, DTB_FILE_MAX + 1 - n, f)) > 0)
		n += got;
	if (ferror(f))
		die(EXIT_DTB, "%s: read error", path);
	fclose(f);
	if (n > DTB_FILE_MAX)
		die(EXIT_DTB, "%s: larger than %u MiB", path, DTB_FILE_MAX >> 20);
	/* Shrink to the real size so that any read past it is caught. */
	{
		unsigned char *exact = malloc(n ? n : 1);

		if (exact == NULL)
			die(EXIT_DTB, "out of memory");
		memcpy(exact, buf, n);
		free(buf);
		buf = exact;
	}
	*len = n;
	return buf;
}

/* ---- DRBG seeding ----------------------------------------------------- */

/* SHA-256 counter mode over the seed: block k = SHA-256(BE32(k) || S),
 * consumed as one stream across the entropy and nonce requests. */
struct seed_stream {
	const char *seed;
	uint32_t counter;
	unsigned char block[32];
	size_t used;		/* bytes of block already handed out */
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
			/* kb_sha256_finish() wipes the context, on failure
			 * too; a failed start or update leaves it to us. */
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

/* ---- output ------------------------------------------------------------ */

static int pr(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Decimal of a value up to 2^128 - 1. */
static const char *u128_dec(u128 v, char buf[48])
{
	char *p = buf + 47;

	*p = '\0';
	do {
		*--p = (char)('0' + (unsigned int)(v % 10));
		v /= 10;
	} while (v);
	return p;
}

/* "32 MiB": the largest binary unit dividing the size exactly. */

/* A JSON string: quotes, backslashes and every byte outside printable
 * ASCII escaped, so the output is valid whatever the blob's names hold. */
static void json_str(const char *s, size_t max)
{
	size_t i;

	putchar('"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_region(const struct kb_region *r, bool resv)
{
	char b1[48], b2[48];

	printf("{\"base\": %s, \"end\": %s, \"size\": %" PRIu64,
	       u128_dec(r->base, b1), u128_dec((u128)r->base + r->size, b2), r->size);
	if (resv) {
		printf(", \"kind\": ");
		json_str(kb_region_kind_name((enum kb_region_kind)r->kind), 32);
		printf(", \"flags\": [%s]", (r->flags & KB_REGION_NOMAP) ? "\"no-map\"" : "");
	}
	printf(", \"name\": ");
	json_str(r->name, sizeof(r->name));
	putchar('}');
}

static void print_json(const struct opts *o, const struct kb_memmap *m,
		       const struct kb_freemap *f, uint64_t count,
		       const struct kb_plan *p)
{
	char b1[48], b2[48], b3[48];
	unsigned int i, c = kb_log2_centi(count);

	printf("{\n  \"file\": ");
	json_str(o->file, SIZE_MAX);
	printf(",\n  \"request\": {\"size\": %" PRIu64 ", \"align\": %" PRIu64
	       ", \"offset\": %" PRIu64 ", \"floor\": %" PRIu64 ", \"ceiling\": %s},\n",
	       o->req.size, o->req.align, o->req.offset, o->floor,
	       u128_dec((u128)o->ceiling + 1, b1));
	printf("  \"memory\": [");
	for (i = 0; i < m->nmem; i++) {
		printf("%s\n    ", i ? "," : "");
		json_region(&m->mem[i], false);
	}
	printf("%s],\n  \"reservations\": [", m->nmem ? "\n  " : "");
	for (i = 0; i < m->nresv; i++) {
		printf("%s\n    ", i ? "," : "");
		json_region(&m->resv[i], true);
	}
	printf("%s],\n  \"avoid\": [", m->nresv ? "\n  " : "");
	for (i = 0; i < o->navoid; i++)
		printf("%s{\"base\": %s, \"end\": %s}", i ? ", " : "",
		       u128_dec(avoid[i].first, b1), u128_dec((u128)avoid[i].last + 1, b2));
	printf("],\n  \"free\": [");
	for (i = 0; i < f->n; i++) {
		const struct kb_span *s = &f->span[i];

		printf("%s\n    {\"base\": %s, \"end\": %s, \"size\": %s}", i ? "," : "",
		       u128_dec(s->first, b1), u128_dec((u128)s->last + 1, b2),
		       u128_dec((u128)s->last - s->first + 1, b3));
	}
	printf("%s],\n", f->n ? "\n  " : "");
	printf("  \"slots\": %" PRIu64 ",\n  \"entropy_bits\": %u.%02u,\n", count, c / 100, c % 100);
	printf("  \"sample\": {\"base\": %" PRIu64 ", \"start\": %" PRIu64
	       ", \"index\": %" PRIu64 "},\n", p->base, p->start, p->index);
	printf("  \"seeded\": \"%s\"\n}\n", o->seed ? "seed" : "getrandom");
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct opts o;
	struct kb_memmap m;
	struct kb_freemap f;
	struct kb_span *spans;
	struct kb_diag d;
	struct kb_plan p;
	struct seed_stream ss;
	static const char pers[] = "kaslrplan-1";
	uint64_t count = 0;
	unsigned int cap, c;
	size_t len;
	void *fdt;
	char b1[32], b2[32], b3[32];
	int err;

	parse_args(argc, argv, &o);
	kb_diag_clear(&d);

	/* The loader's checks and messages, in the loader's order. */
	fdt = read_file(o.file, &len);
	err = kb_fdt_validate(fdt, len, &d);
	if (err)
		die(EXIT_DTB, "%s", d.msg[0] ? d.msg : kb_strerror(err));

	kb_memmap_init(&m, mem_table, MAX_MEM, resv_table, MAX_RESV);
	err = kb_memmap_from_fdt(&m, fdt, o.dtb_addr, &d);
	if (err)
		die(EXIT_DTB, "%s", d.msg[0] ? d.msg : kb_strerror(err));
	/* kb_memmap_from_fdt() always appends the blob itself, last; at
	 * address 0 it is not in memory at all, so it reserves nothing. */
	if (o.dtb_addr == 0 && m.nresv > 0 &&
	    m.resv[m.nresv - 1].kind == KB_REGION_DTB && m.resv[m.nresv - 1].base == 0)
		m.nresv--;
	if (m.nmem == 0)
		die(EXIT_DTB, "dtb: no enabled memory node");
	if (o.dtb_addr != 0 && !kb_memmap_covers(&m, o.dtb_addr, fdt_totalsize(fdt)))
		die(EXIT_DTB, "dtb: the blob lies outside every memory node");

	/* Each reservation or avoided range splits at most one span in two. */
	cap = m.nmem + m.nresv + o.navoid + 1;
	spans = calloc(cap, sizeof(*spans));
	if (spans == NULL)
		die(EXIT_DTB, "out of memory");
	kb_freemap_init(&f, spans, cap);
	err = kb_freemap_build(&f, &m, avoid, o.navoid, o.floor, o.ceiling, &d);
	if (err)
		die(EXIT_DTB, "%s", d.msg[0] ? d.msg : kb_strerror(err));
	err = kb_slots_count(&f, &o.req, &count, &d);
	if (err)
		die(EXIT_DTB, "%s", d.msg[0] ? d.msg : kb_strerror(err));

	/* The loader's DRBG, seeded from the OS or from --seed. */
	memset(&ss, 0, sizeof(ss));
	ss.seed = o.seed;
	ss.used = sizeof(ss.block);
	if (o.seed)
		err = kb_drbg_seed(seed_entropy, &ss, 32, pers, sizeof(pers) - 1, &d);
	else
		err = kb_drbg_seed(os_entropy, NULL, 32, pers, sizeof(pers) - 1, &d);
	if (err)
		die(EXIT_DTB, "%s", d.msg[0] ? d.msg : kb_strerror(err));
	memset(&p, 0, sizeof(p));
	err = kb_plan_random(&f, &o.req, drbg_uniform, &d, &p, &d);
	kb_drbg_wipe();

	if (o.json) {
		if (err == 0)
			print_json(&o, &m, &f, count, &p);
	} else {
		printf("request: %s image, %s-aligned base, offset %s\n",
		       kb_size_str(o.req.size, b1, sizeof(b1)), kb_size_str(o.req.align, b2, sizeof(b2)),
		       kb_size_str(o.req.offset, b3, sizeof(b3)));
		printf("memory map: %u memory range(s), %u reservation(s)\n", m.nmem, m.nresv);
		kb_memmap_print(&m, "  ", pr);
		printf("free map: %u span(s)\n", f.n);
		kb_freemap_print(&f, "  ", pr);
		c = kb_log2_centi(count);
		printf("slots: %" PRIu64 "\n", count);
		printf("entropy: %u.%02u bits\n", c / 100, c % 100);
		if (err == 0) {
			printf("sample placement: base 0x%016" PRIx64 " (slot %" PRIu64 " of %" PRIu64 ")",
			       p.base, p.index, p.count);
			if (o.req.offset)
				printf(", image at 0x%016" PRIx64, p.start);
			putchar('\n');
		}
	}
	fflush(stdout);
	if (err)
		die((err == KB_ENOSPC && count == 0) ? EXIT_NOSLOT : EXIT_DTB, "%s",
		    d.msg[0] ? d.msg : kb_strerror(err));
	free(spans);
	free(fdt);
	return 0;
}
