// SPDX-License-Identifier: BSD-2-Clause
/*
 * kaslrboot boot flow.  Read top to bottom, this is what happens on every
 * boot; each step logs one line prefixed "kaslrboot:".
 *
 *   0. validate the device tree, find the console
 *   1. seed the CTR_DRBG from a health-tested TRNG
 *   2. build the memory map: memory nodes and every reservation
 *   3. choose a window for the kernel uniformly (or the fixed one: nokaslr)
 *      (2b. open the payload container from flash, verify every hash)
 *   4. copy and relocate the kernel (and copy the initrd)
 *   5. write kaslr-seed / rng-seed (and bootargs, initrd) into /chosen
 *   6. wipe secrets, trash the loader, hand off
 * Every failure prints one "kaslrboot: error: ..." line and stops; nothing
 * that was not fully validated is ever jumped to.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include <libfdt.h>

#include <kaslrboot/arch.h>
#include <kaslrboot/console.h>
#include <kaslrboot/container.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/crypto.h>
#include <kaslrboot/error.h>
#include <kaslrboot/bootargs.h>
#include <kaslrboot/memmap.h>
#include <kaslrboot/plan.h>
#include <kaslrboot/rng.h>
#include <kaslrboot/spans.h>

#define KB_STR2(x) #x
#define KB_STR(x) KB_STR2(x)

#ifndef KB_VERSION
#define KB_VERSION "unknown"
#endif

static struct kb_region mem_table[CONFIG_MAX_MEM_REGIONS];
static struct kb_region resv_table[CONFIG_MAX_RESV_REGIONS];
static struct kb_memmap memmap;
static struct kb_span free_table[CONFIG_PLAN_MAX_FREE_SPANS];
static struct kb_freemap freemap;
static uint64_t kb_bench_copy;

/* Stop for good.  Nothing has been handed control, nothing will be. */
static void __attribute__((noreturn)) fatal(int err, const struct kb_diag *d)
{
	kb_error("%s", (d && d->msg[0]) ? d->msg : kb_strerror(err));
	kb_log("halted: nothing was booted");
	if (IS_ENABLED(CONFIG_POWEROFF_ON_HALT))
		kb_arch_poweroff();
	kb_arch_halt();
}

/* /chosen/bootargs, or NULL if absent or not a terminated string. */
static const char *bootargs(const void *fdt, int *lenp)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = NULL;
	int len = -1;

	if (chosen >= 0)
		args = fdt_getprop(fdt, chosen, "bootargs", &len);
	/* Check NULL and the length's sign before using it as a size, and
	 * never use a property that is not a terminated string. */
	if (args == NULL || len <= 0 || args[len - 1] != '\0')
		return NULL;
	*lenp = len;
	return args;
}

static void log_bootargs(const void *fdt)
{
	int len;
	const char *args = bootargs(fdt, &len);

	if (args)
		kb_log("bootargs in the dtb: \"%s\"", args);
	else if (fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", &len))
		kb_log("bootargs in the dtb: (not a terminated string, ignored)");
	else
		kb_log("bootargs in the dtb: (none)");
}

/* 0. The blob is untrusted input: nothing reads a property before
 * fdt_check_full() has walked every tag within its bounds. */
static const void *step_device_tree(const struct kb_boot_info *bi)
{
	const void *fdt = (const void *)bi->dtb;
	struct kb_diag d;
	char path[64];
	int err;

	kb_diag_clear(&d);
	if (bi->dtb == 0)
		fatal(KB_ENOENT, &(struct kb_diag){ "dtb: no device tree (a1 = 0)" });
	/* The real extent of the blob is unknown until its header is trusted;
	 * CONFIG_DTB_MAX_SIZE bounds it, and step_memory_map() then checks
	 * that all of it lies in RAM. */
	err = kb_fdt_validate(fdt, CONFIG_DTB_MAX_SIZE, &d);
	if (err)
		fatal(err, &d);
	kb_arch_fdt_init(fdt);

	err = kb_console_init(fdt, path, sizeof(path), &d);
	kb_log("version %s, board %s, entered in %s on hart %lu at 0x%lx",
	       KB_VERSION, CONFIG_BOARD, bi->entry_mode, bi->hartid,
	       (unsigned long)bi->load_base);
	if (err) {
		/* Not fatal: the firmware console (if any) keeps working. */
		kb_log("console: %s; staying on the firmware console", d.msg);
	} else {
		const struct kb_console *con = kb_console_get();

		kb_log("console: %s at 0x%" PRIx64 " (%s)", con->driver,
		       con->phys, path);
	}
	kb_log("dtb: 0x%lx, %u bytes, structure checked",
	       (unsigned long)bi->dtb, (unsigned int)fdt_totalsize(fdt));
	log_bootargs(fdt);
	return fdt;
}

/* 2. Memory and every reservation, including kaslrboot itself. */
static void step_memory_map(const struct kb_boot_info *bi, const void *fdt)
{
	uintptr_t img = (uintptr_t)__image_start;
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	kb_memmap_init(&memmap, mem_table, CONFIG_MAX_MEM_REGIONS, resv_table,
		       CONFIG_MAX_RESV_REGIONS);
	err = kb_memmap_from_fdt(&memmap, fdt, bi->dtb, &d);
	if (!err)
		err = kb_memmap_add_resv(&memmap, img,
					 (uintptr_t)__stack_bottom - img,
					 KB_REGION_LOADER, 0, "kaslrboot", &d);
	if (!err)
		err = kb_memmap_add_resv(&memmap, (uintptr_t)__stack_bottom,
					 (uintptr_t)__stack_top - (uintptr_t)__stack_bottom,
					 KB_REGION_STACK, 0, "kaslrboot stack", &d);
	if (err)
		fatal(err, &d);
	if (memmap.nmem == 0)
		fatal(KB_ENOENT, &(struct kb_diag){ "dtb: no enabled memory node" });
	/* Whatever we were given must lie in RAM the tree describes, or the
	 * tree and reality disagree and nothing placed from it is safe. */
	if (!kb_memmap_covers(&memmap, bi->dtb, fdt_totalsize(fdt)))
		fatal(KB_ERANGE, &(struct kb_diag){ "dtb: the blob lies outside every memory node" });
	if (!kb_memmap_covers(&memmap, img, (uintptr_t)__image_end - img))
		fatal(KB_ERANGE, &(struct kb_diag){ "dtb: kaslrboot itself lies outside every memory node" });

	kb_log("memory map: %u memory range(s), %u reservation(s)",
	       memmap.nmem, memmap.nresv);
	if (IS_ENABLED(CONFIG_LOG_MEMORY_MAP))
		kb_memmap_print(&memmap, "kaslrboot:   ", kb_printf);
}

/*
 * Entropy failures go through one policy (Kconfig): fail closed (default),
 * or, on INSECURE bring-up builds, carry on without KASLR.
 */
static bool kaslr_enabled = true;
static const char *kaslr_off_reason = "";

static void entropy_failure(int err, const struct kb_diag *d)
{
	if (IS_ENABLED(CONFIG_ENTROPY_FAIL_CLOSED))
		fatal(err, d);
	kb_error("%s", d->msg[0] ? d->msg : kb_strerror(err));
	kb_log("WARNING: INSECURE build (CONFIG_ENTROPY_FAIL_NO_KASLR): booting WITHOUT KASLR: fixed address, no kaslr-seed");
	kaslr_enabled = false;
	kaslr_off_reason = "no healthy entropy";
	kb_entropy_finish();
	kb_drbg_wipe();
}

/* Personalization: device-unique, not secret.  SP 800-90A 8.7.1. */
static size_t personalization(const struct kb_boot_info *bi, const void *fdt,
			      unsigned char *out)
{
	struct { char tag[12]; uint64_t hartid; unsigned char dtb_hash[32]; } p = {
		.tag = "kaslrboot-1", .hartid = bi->hartid,
	};

	/* The DTB hash covers /serial-number and every MAC address or
	 * board-unique property the tree carries. */
	mbedtls_sha256_ret(fdt, fdt_totalsize(fdt), p.dtb_hash, 0);
	memcpy(out, &p, sizeof(p));
	return sizeof(p);
}

/* 1. Entropy: known-answer self-test of the DRBG, then a health-tested TRNG
 * seeds it. */
static void step_entropy(const struct kb_boot_info *bi, const void *fdt)
{
	unsigned char pers[64];
	struct kb_diag d;
	size_t plen, elen;
	int err, serial_len = -1;

	kb_diag_clear(&d);
	if (kb_crypto_selftest() != 0)
		fatal(KB_EFAIL, &(struct kb_diag){ "crypto: CTR_DRBG known-answer self-test failed" });

	err = kb_entropy_init(fdt, bi, &d);
	if (err)
		return entropy_failure(err, &d);

	plen = personalization(bi, fdt, pers);
	fdt_getprop(fdt, 0, "serial-number", &serial_len);
	elen = kb_entropy_len_for_256_bits();
	err = kb_drbg_seed(kb_entropy_read, NULL, elen, pers, plen, &d);
	mbedtls_platform_zeroize(pers, sizeof(pers));
	if (err) {
		/* The callback's reason (a failed health test) beats mbedTLS's. */
		const struct kb_diag *why = kb_entropy_last_error();

		return entropy_failure(err, why->msg[0] ? why : &d);
	}
	kb_log("entropy: %s AES-256 CTR_DRBG (known-answer self-test passed) seeded from %u + %u bytes of TRNG output (256 bits of min-entropy + nonce), personalization: hart %lu, DTB SHA-256%s",
	       kb_crypto_version(), (unsigned int)elen, (unsigned int)(elen + 1) / 2,
	       bi->hartid, serial_len > 0 ? " (with serial-number)" : "");
}

static int drbg_uniform(void *ctx, uint64_t bound, uint64_t *out)
{
	return kb_drbg_uniform(bound, out, ctx);
}


/* What is being booted, and where everything goes. */
static struct kb_container ctr;
static struct kb_payload_info payload;
static struct kb_plan kplan;		/* the kernel's window */
static uint64_t initrd_start;		/* in RAM, once copied */
static struct kb_span avoid[CONFIG_PLAN_MAX_AVOID + 3];
static unsigned int navoid;

static const char *type_name(uint32_t t)
{
	switch (t) {
	case KB_PAYLOAD_ELF: return "ELF PIE";
	case KB_PAYLOAD_RISCV_IMAGE: return "RISC-V Image";
	case KB_PAYLOAD_ARM64_IMAGE: return "arm64 Image";
	default: return "?";
	}
}

/* 2b. The container in flash: every hash checked before a byte is used. */
static void step_payload(void)
{
	const void *flash = (const void *)(uintptr_t)CONFIG_PAYLOAD_ADDR;
	struct kb_diag d;
	char fp[24];
	int err;

	kb_diag_clear(&d);
	err = kb_container_open(flash, CONFIG_PAYLOAD_MAX_SIZE, &ctr, &d);
	if (err)
		fatal(err, &d);
	err = kb_payload_parse(ctr.payload, ctr.payload_size, ctr.type,
			       KB_ARCH_MACHINE, CONFIG_PAYLOAD_MIN_ALIGN, &payload, &d);
	if (err)
		fatal(err, &d);
	kb_log("payload: %s, %" PRIu64 " bytes at 0x%lx, footprint %s, SHA-256 verified%s",
	       type_name(payload.type), ctr.payload_size,
	       (unsigned long)(uintptr_t)ctr.payload,
	       kb_size_str(payload.footprint, fp, sizeof(fp)),
	       ctr.initrd ? ", with initrd" : "");
	if (ctr.bootargs)
		kb_log("bootargs from the container: \"%s\"", ctr.bootargs);
}

/* The command line the kernel will see: the container's, else the DTB's. */
static const char *effective_bootargs(const void *fdt, size_t *len)
{
	int l;
	const char *a;

	if (ctr.bootargs) {
		*len = ctr.bootargs_size;
		return ctr.bootargs;
	}
	a = bootargs(fdt, &l);
	*len = a ? (size_t)l : 0;
	return a;
}

static void add_avoid(uint64_t first, uint64_t last)
{
	avoid[navoid].first = first;
	avoid[navoid].last = last;
	navoid++;
}

/* Choose a window: random with KASLR, else the lowest valid one. */
static void choose(const struct kb_slot_req *req, struct kb_plan *p,
		   const char *what, bool random)
{
	struct kb_diag d;
	char sz[24], al[24];
	int err;

	kb_diag_clear(&d);
	kb_size_str(req->size, sz, sizeof(sz));
	kb_size_str(req->align, al, sizeof(al));
	if (random) {
		err = kb_plan_random(&freemap, req, drbg_uniform, &d, p, &d);
		if (err)
			fatal(err, &d);
		unsigned int c = kb_log2_centi(p->count);

		kb_log("plan: %s %s, %s-aligned: base 0x%" PRIx64 ", slot %" PRIu64
		       " of %" PRIu64 ", %u.%02u bits of entropy",
		       what, sz, al, p->start, p->index, p->count, c / 100, c % 100);
	} else {
		err = kb_plan_fixed(&freemap, req, 0, p, &d);
		if (err)
			fatal(err, &d);
		kb_log("plan: %s %s, %s-aligned: fixed base 0x%" PRIx64
		       " (lowest of %" PRIu64 " slots; KASLR off)",
		       what, sz, al, p->start, p->count);
	}
}

static void build_freemap(uint64_t floor, uint64_t ceiling)
{
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	/* Never outside the board's own limits. */
	uint64_t board_floor = CONFIG_PLAN_FLOOR, board_ceiling = CONFIG_PLAN_CEILING;

	if (floor < board_floor)
		floor = board_floor;
	if (ceiling > board_ceiling)
		ceiling = board_ceiling;
	kb_freemap_init(&freemap, free_table, CONFIG_PLAN_MAX_FREE_SPANS);
	err = kb_freemap_build(&freemap, &memmap, avoid, navoid, floor, ceiling, &d);
	if (err)
		fatal(err, &d);
}

/* 3. Free memory and the windows for the kernel (and the initrd). */
static void step_placement(const struct kb_boot_info *bi, const void *fdt)
{
	struct kb_slot_req req = {
		.size = payload.footprint, .align = payload.align, .offset = payload.offset,
	};
	struct kb_diag d;
	const char *args;
	size_t len;
	int err;
	uint64_t grow_end;

	kb_diag_clear(&d);
	err = kb_parse_spans(CONFIG_PLAN_EXTRA_AVOID, avoid, CONFIG_PLAN_MAX_AVOID,
			     &navoid, &d);
	if (err)
		fatal(err, &d);
	/* The DTB is reserved already; the room it grows into (step 5) must
	 * stay free too, and must be RAM the tree describes. */
	grow_end = bi->dtb + fdt_totalsize(fdt);
	if (CONFIG_DTB_GROWTH > UINT64_MAX - grow_end ||
	    !kb_memmap_covers(&memmap, bi->dtb, fdt_totalsize(fdt) + CONFIG_DTB_GROWTH))
		fatal(KB_ERANGE, &(struct kb_diag){ "dtb: no room after the blob to grow it in place" });
	add_avoid(bi->dtb, grow_end + CONFIG_DTB_GROWTH - 1);
	/* The container's own bytes, should the flash window be RAM. */
	add_avoid(CONFIG_PAYLOAD_ADDR, CONFIG_PAYLOAD_ADDR + CONFIG_PAYLOAD_MAX_SIZE - 1);

	build_freemap(0, UINT64_MAX);
	kb_log("free memory: %u range(s) after reservations", freemap.n);
	if (IS_ENABLED(CONFIG_LOG_MEMORY_MAP))
		kb_freemap_print(&freemap, "kaslrboot:   ", kb_printf);

	args = effective_bootargs(fdt, &len);
	if (kaslr_enabled && args && kb_bootargs_has_param(args, len, "nokaslr")) {
		kaslr_enabled = false;
		kaslr_off_reason = "nokaslr";
		kb_log("KASLR: disabled by \"nokaslr\" on the command line");
	}

	err = kb_slot_req_check(&req, &d);
	if (err)
		fatal(err, &d);
	/* arm64 Image flags bit 3 clear: the kernel must sit as close to the
	 * start of DRAM as the rules allow, which rules out physical KASLR
	 * (the kernel still randomizes its virtual address from kaslr-seed). */
	if (kaslr_enabled && !payload.placement_anywhere)
		kb_log("plan: this Image asks to be placed near the start of DRAM (flags bit 3 clear): no physical randomization");
	choose(&req, &kplan, "kernel", kaslr_enabled && payload.placement_anywhere);

	if (ctr.initrd) {
		struct kb_slot_req ireq = {
			.size = ctr.initrd_size, .align = CONFIG_INITRD_ALIGN,
		};
		struct kb_plan ip;
		uint64_t floor = 0, ceiling = UINT64_MAX;

		/* arm64 booting.rst: the initrd must lie in a 1 GiB-aligned
		 * window of at most 32 GiB that covers the kernel. */
		if (payload.type == KB_PAYLOAD_ARM64_IMAGE) {
			floor = kplan.start & ~((1ull << 30) - 1);
			ceiling = (1ull << 35) - 1 > UINT64_MAX - floor ? UINT64_MAX :
				  floor + (1ull << 35) - 1;
		}
		/* The initrd goes anywhere free but the kernel's window. */
		add_avoid(kplan.start, kplan.start + payload.footprint - 1);
		build_freemap(floor, ceiling);
		choose(&ireq, &ip, "initrd", kaslr_enabled);
		initrd_start = ip.start;
	}
}

/* Defence in depth before the first byte is written: the destination must
 * lie in one memory range and touch no reservation (the loader, its stack,
 * the DTB, firmware, /memreserve/, reserved-memory, ...), whatever the
 * planner said (U-Boot CVE-2018-18439/18440: an image overwrote the
 * loader). */
static void check_destination(uint64_t start, uint64_t size, const char *what)
{
	if (size == 0 || size - 1 > UINT64_MAX - start ||
	    !kb_memmap_covers(&memmap, start, size))
		fatal(KB_ERANGE, &(struct kb_diag){ "load: destination outside memory" });
	for (unsigned int i = 0; i < memmap.nresv; i++) {
		const struct kb_region *r = &memmap.resv[i];

		/* Overlap of [start, start+size) and [r->base, r->base+size):
		 * both last bytes are representable (checked when added). */
		if (start <= r->base + (r->size - 1) && r->base <= start + (size - 1)) {
			struct kb_diag d;

			kb_diag_set(&d, KB_EOVERLAP, "load: %s destination overlaps %s %s",
				    what, kb_region_kind_name(r->kind), r->name);
			fatal(KB_EOVERLAP, &d);
		}
	}
	if (start <= (uint64_t)CONFIG_PAYLOAD_ADDR + (CONFIG_PAYLOAD_MAX_SIZE - 1) &&
	    (uint64_t)CONFIG_PAYLOAD_ADDR <= start + (size - 1))
		fatal(KB_EOVERLAP, &(struct kb_diag){ "load: destination overlaps the container" });
}

/* 4. Copy, relocate, make it fetchable. */
static void step_load(void)
{
	void *dst = (void *)(uintptr_t)kplan.base;
	uint64_t t0, t1, t2 = 0, t3 = 0;
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	check_destination(kplan.base, payload.offset + payload.footprint, "kernel");
	if (IS_ENABLED(CONFIG_BENCH)) {
		/* Reference: a plain byte loop over the same bytes (the real
		 * copy below overwrites them). */
		volatile uint8_t *q = (volatile uint8_t *)dst + payload.offset;
		const uint8_t *src = ctr.payload;
		uint64_t n = payload.seg[0].filesz;

		t2 = kb_arch_instret();
		for (uint64_t i = 0; i < n; i++)
			q[i] = src[payload.seg[0].file_off + i];
		t3 = kb_arch_instret();
	}
	t0 = kb_arch_instret();
	kb_payload_copy(&payload, ctr.payload, (uint8_t *)dst + payload.offset);
	t1 = kb_arch_instret();
	err = kb_reloc_apply(&payload, (uint8_t *)dst + payload.offset, kplan.start, &d);
	if (err)
		fatal(err, &d);
	kb_arch_sync_icache(kplan.base, payload.offset + payload.footprint);
	kb_log("load: kernel copied to 0x%" PRIx64 " and relocated, entry 0x%" PRIx64,
	       kplan.start, kplan.start + payload.entry_off);
	if (IS_ENABLED(CONFIG_BENCH)) {
		uint64_t bytes = 0;

		for (unsigned int i = 0; i < payload.nseg; i++)
			bytes += payload.seg[i].memsz;
		kb_log("bench: copy of %" PRIu64 " bytes (incl. BSS) took %" PRIu64
		       " instructions; plain byte loop over %" PRIu64 " bytes took %" PRIu64,
		       bytes, t1 - t0, payload.seg[0].filesz, t3 - t2);
		kb_bench_copy = (t1 - t0) + (t3 - t2);
	}

	if (ctr.initrd) {
		check_destination(initrd_start, ctr.initrd_size, "initrd");
		memcpy((void *)(uintptr_t)initrd_start, ctr.initrd, ctr.initrd_size);
		kb_log("load: initrd copied to 0x%" PRIx64 "-0x%" PRIx64,
		       initrd_start, initrd_start + ctr.initrd_size);
	}
}

/* 5. /chosen: fresh seeds, the container's bootargs, the initrd. */
static void step_chosen(const struct kb_boot_info *bi, void *fdt)
{
	uint8_t seed[CONFIG_RNG_SEED_SIZE];
	uint64_t kseed = 0;
	struct kb_diag d;
	int chosen, err;

	kb_diag_clear(&d);
	/* Grow in place into the room step 3 kept free. */
	err = fdt_open_into(fdt, fdt, fdt_totalsize(fdt) + CONFIG_DTB_GROWTH);
	if (err)
		goto fdt_fail;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0) {
		err = chosen;
		goto fdt_fail;
	}
	if (kaslr_enabled) {
		/* Independent of the placement draw; 0 means "no seed". */
		do {
			err = kb_drbg_random(&kseed, sizeof(kseed), &d);
			if (err)
				fatal(err, &d);
		} while (kseed == 0);
		err = fdt_setprop(fdt, chosen, "kaslr-seed", &kseed, sizeof(kseed));
		mbedtls_platform_zeroize(&kseed, sizeof(kseed));
	} else {
		/* A stale seed (QEMU's, a vendor DTB's) must not survive. */
		err = fdt_delprop(fdt, chosen, "kaslr-seed");
		if (err == -FDT_ERR_NOTFOUND)
			err = 0;
	}
	if (err)
		goto fdt_fail;
	if (kb_drbg_ready()) {
		err = kb_drbg_random(seed, sizeof(seed), &d);
		if (err)
			fatal(err, &d);
		err = fdt_setprop(fdt, chosen, "rng-seed", seed, sizeof(seed));
		mbedtls_platform_zeroize(seed, sizeof(seed));
	} else {
		err = fdt_delprop(fdt, chosen, "rng-seed");
		if (err == -FDT_ERR_NOTFOUND)
			err = 0;
	}
	if (err)
		goto fdt_fail;
	if (ctr.bootargs) {
		err = fdt_setprop_string(fdt, chosen, "bootargs", ctr.bootargs);
		if (err)
			goto fdt_fail;
	}
	if (ctr.initrd) {
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", initrd_start);
		if (!err)
			err = fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					      initrd_start + ctr.initrd_size);
		if (err)
			goto fdt_fail;
	}
	err = fdt_pack(fdt);
	if (err)
		goto fdt_fail;
	/* Still within the boot protocol's limit (arm64: 2 MiB). */
	if (fdt_totalsize(fdt) > CONFIG_DTB_MAX_SIZE)
		fatal(KB_ERANGE, &(struct kb_diag){ "chosen: the device tree grew past CONFIG_DTB_MAX_SIZE" });
	kb_log("chosen: %s, rng-seed %s%s%s",
	       kaslr_enabled ? "kaslr-seed written" : "no kaslr-seed (KASLR off)",
	       kb_drbg_ready() ? "written (" KB_STR(CONFIG_RNG_SEED_SIZE) " bytes)" : "removed (no entropy)",
	       ctr.bootargs ? ", bootargs from the container" : "",
	       ctr.initrd ? ", initrd" : "");
	(void)bi;
	return;
fdt_fail:
	kb_diag_set(&d, KB_EFDT, "chosen: cannot update the device tree: %s",
		    fdt_strerror(err));
	fatal(KB_EFDT, &d);
}

/* 6. Wipe secrets and hand off; the stub trashes the rest of the loader. */
static void __attribute__((noreturn)) step_handoff(const struct kb_boot_info *bi)
{
	uintptr_t entry = (uintptr_t)(kplan.start + payload.entry_off);

	if (kaslr_enabled)
		kb_log("KASLR: on");
	else
		kb_log("KASLR: OFF (%s)", kaslr_off_reason);
	if (IS_ENABLED(CONFIG_BENCH))
		kb_log("bench: %" PRIu64 " instructions from entry to handoff, %" PRIu64
		       " of them copying", kb_arch_instret() - kb_instret_at_entry, kb_bench_copy);
	kb_log("handoff: jumping to 0x%lx (hart %lu, dtb 0x%lx); the loader wipes itself but %u bytes",
	       (unsigned long)entry, bi->hartid, (unsigned long)bi->dtb,
	       (unsigned int)(__handoff_end - __handoff_start));
	kb_entropy_finish();
	kb_drbg_wipe();
	kb_arch_handoff(entry, bi->hartid, bi->dtb);
}

void kb_main(const struct kb_boot_info *bi)
{
	void *fdt;

	fdt = (void *)step_device_tree(bi);	/* 0 */
	step_entropy(bi, fdt);			/* 1 */
	step_memory_map(bi, fdt);		/* 2 */
	step_payload();				/* 2b */
	step_placement(bi, fdt);		/* 3 */
	step_load();				/* 4 */
	step_chosen(bi, fdt);			/* 5 */
	step_handoff(bi);			/* 6 */
}
