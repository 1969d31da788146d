// SPDX-License-Identifier: BSD-2-Clause
/*
 * kaslrboot boot flow.  Read top to bottom, this is what happens on every
 * boot; each step logs one line prefixed "kaslrboot:".
 *
 *   0. validate the device tree, find the console
 *   1. seed the CTR_DRBG from a health-tested TRNG
 *   2. build the memory map: memory nodes and every reservation
 *   3. choose a window for the kernel uniformly (or the fixed one: nokaslr)
 *   4. copy and relocate the kernel                         (load issue)
 *   5. write kaslr-seed / rng-seed into /chosen             (load issue)
 *   6. wipe secrets, trash start-up code, hand off          (load issue)
 *
 * Until the later steps exist the loader plans for a preview footprint
 * (CONFIG_PLAN_PREVIEW_SIZE), wipes its secrets and powers off.
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
#include <kaslrboot/crypto.h>
#include <kaslrboot/error.h>
#include <kaslrboot/bootargs.h>
#include <kaslrboot/memmap.h>
#include <kaslrboot/plan.h>
#include <kaslrboot/rng.h>
#include <kaslrboot/spans.h>

#ifndef KB_VERSION
#define KB_VERSION "unknown"
#endif

static struct kb_region mem_table[CONFIG_MAX_MEM_REGIONS];
static struct kb_region resv_table[CONFIG_MAX_RESV_REGIONS];
static struct kb_memmap memmap;
static struct kb_span free_table[CONFIG_PLAN_MAX_FREE_SPANS];
static struct kb_freemap freemap;

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
		kb_log("bootargs: \"%s\"", args);
	else if (fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", &len))
		kb_log("bootargs: (not a terminated string, ignored)");
	else
		kb_log("bootargs: (none)");
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

/* Size in the largest binary unit that divides it, for the log. */
static const char *size_str(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u < 4 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", v, unit[u]);
	return buf;
}

/* 3. Free memory and the window.  Until payloads exist (the load step) the
 * footprint is CONFIG_PLAN_PREVIEW_SIZE/ALIGN; with KASLR off (nokaslr, or
 * no healthy entropy under the insecure policy) the lowest valid slot. */
static void step_placement(const struct kb_boot_info *bi, const void *fdt)
{
	struct kb_span avoid[CONFIG_PLAN_MAX_AVOID + 1];
	struct kb_slot_req req = {
		.size = CONFIG_PLAN_PREVIEW_SIZE, .align = CONFIG_PLAN_PREVIEW_ALIGN,
	};
	struct kb_plan plan;
	struct kb_diag d;
	unsigned int navoid = 0;
	const char *args;
	char sz[24], al[24];
	int err, len;
	uint64_t grow_end;

	kb_diag_clear(&d);
	err = kb_parse_spans(CONFIG_PLAN_EXTRA_AVOID, avoid, CONFIG_PLAN_MAX_AVOID,
			     &navoid, &d);
	if (err)
		fatal(err, &d);
	/* The DTB is reserved already; its growth room must stay free too.
	 * The blob lies in memory (checked in step 2), so this cannot wrap
	 * unless memory reaches the top of the address space: clamp. */
	grow_end = bi->dtb + fdt_totalsize(fdt);
	grow_end = CONFIG_DTB_GROWTH > UINT64_MAX - grow_end ? UINT64_MAX :
		   grow_end + CONFIG_DTB_GROWTH - 1;
	avoid[navoid].first = bi->dtb;
	avoid[navoid].last = grow_end;
	navoid++;

	kb_freemap_init(&freemap, free_table, CONFIG_PLAN_MAX_FREE_SPANS);
	err = kb_freemap_build(&freemap, &memmap, avoid, navoid,
			       (uint64_t)CONFIG_PLAN_FLOOR, (uint64_t)CONFIG_PLAN_CEILING, &d);
	if (!err)
		err = kb_slot_req_check(&req, &d);
	if (err)
		fatal(err, &d);
	kb_log("free memory: %u range(s) after reservations%s", freemap.n,
	       navoid > 1 ? " and CONFIG_PLAN_EXTRA_AVOID" : "");
	if (IS_ENABLED(CONFIG_LOG_MEMORY_MAP))
		kb_freemap_print(&freemap, "kaslrboot:   ", kb_printf);

	args = bootargs(fdt, &len);
	if (kaslr_enabled && args && kb_bootargs_has_flag(args, (size_t)len, "nokaslr")) {
		kaslr_enabled = false;
		kaslr_off_reason = "nokaslr";
		kb_log("KASLR: disabled by \"nokaslr\" on the command line");
	}

	size_str(req.size, sz, sizeof(sz));
	size_str(req.align, al, sizeof(al));
	if (kaslr_enabled) {
		err = kb_plan_random(&freemap, &req, drbg_uniform, &d, &plan, &d);
		if (err)
			fatal(err, &d);
		unsigned int c = kb_log2_centi(plan.count);

		kb_log("plan: %s image, %s-aligned: base 0x%" PRIx64 ", slot %" PRIu64
		       " of %" PRIu64 ", %u.%02u bits of entropy",
		       sz, al, plan.start, plan.index, plan.count, c / 100, c % 100);
	} else {
		err = kb_plan_fixed(&freemap, &req, 0, &plan, &d);
		if (err)
			fatal(err, &d);
		kb_log("plan: %s image, %s-aligned: fixed base 0x%" PRIx64
		       " (lowest of %" PRIu64 " slots; KASLR off)",
		       sz, al, plan.start, plan.count);
	}
}

void kb_main(const struct kb_boot_info *bi)
{
	const void *fdt;

	fdt = step_device_tree(bi);
	step_entropy(bi, fdt);
	step_memory_map(bi, fdt);
	step_placement(bi, fdt);

	/* Until placement and handoff exist: wipe what we would wipe before
	 * handoff, then power off. */
	kb_entropy_finish();
	kb_drbg_wipe();
	if (kaslr_enabled)
		kb_log("KASLR: on; no payload support yet: powering off");
	else
		kb_log("KASLR: OFF (%s); no payload support yet: powering off",
		       kaslr_off_reason);
	kb_arch_poweroff();
}
