// SPDX-License-Identifier: BSD-2-Clause
/*
 * kaslrboot boot flow.  Read top to bottom, this is what happens on every
 * boot; each step logs one line prefixed "kaslrboot:" (kb_info: compiled
 * out with CONFIG_LOG_QUIET; errors and the final lines use kb_log).
 *
 *   0. validate the device tree, find the console
 *   1. seed the CTR_DRBG from a health-tested TRNG
 *   2. build the memory map: memory nodes (adjacent ones merged) and every
 *      reservation, the loader itself included
 *   3. read the container header and the bootargs from flash into RAM,
 *      check them there; decide KASLR on or off (nokaslr)
 *   4. find room for the device tree to grow: behind the blob if that is
 *      free, else a window of its own; with an sbi part (M-mode, Payload
 *      A), place OpenSBI in a window of its own, read and verify it
 *   5. place the payload (uniformly, or the fixed window: nokaslr), read it
 *      from flash once into RAM, verify and relocate it; the same for the
 *      initrd
 *   6. write kaslr-seed / rng-seed (and bootargs, initrd) into /chosen
 *   7. wipe secrets, trash the loader, hand off (Payload A: to OpenSBI,
 *      every hart, with fw_dynamic_info naming the kernel)
 *
 * Every byte the loader writes goes through one rule,
 * kb_memmap_check_write(): inside memory, outside every reservation but
 * the loader's own; whatever it places is claimed as a reservation first
 * (kb_memmap_claim), so later placements and writes cannot overlap it.
 * Every failure prints one "kaslrboot: error: ..." line, wipes the DRBG and
 * the TRNG state and stops; nothing that was not fully validated is ever
 * jumped to.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mbedtls/platform_util.h>

#include <libfdt.h>

#include <kaslrboot/arch.h>
#ifdef CONFIG_HANDOFF_BOOTINFO
#include <kaslrboot/bootinfo.h>
#endif
#include <kaslrboot/console.h>
#include <kaslrboot/container.h>
#include <kaslrboot/payload.h>
#include <kaslrboot/crypto.h>
#include <kaslrboot/error.h>
#include <kaslrboot/dt_build.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/bootargs.h>
#include <kaslrboot/load.h>
#ifdef CONFIG_KARL
#include <kaslrboot/karl.h>
#endif
#include <kaslrboot/memmap.h>
#include <kaslrboot/plan.h>
#ifdef CONFIG_SBI_PAYLOAD
#include <kaslrboot/fwdyn.h>
#endif
#ifdef CONFIG_RISCV_PMP_LOCK
#include <kaslrboot/pmp.h>
#endif
#ifdef CONFIG_RISCV_M_MODE
#include <kaslrboot/riscv.h>	/* release mailbox, PMP apply, locked handoff */
#endif
#ifdef CONFIG_ARCH_ARM_M
#include <kaslrboot/arm_m.h>	/* the payload's vector table */
#endif
#include <kaslrboot/rng.h>
#include <kaslrboot/sha256.h>
#ifdef CONFIG_PAYLOAD_SLOTS
#include <kaslrboot/slot.h>
#endif
#ifdef CONFIG_SEED_CARRY
#include <kaslrboot/flash.h>
#include <kaslrboot/seedfile.h>
#endif
#include <kaslrboot/spans.h>

/* A container that gives no KASLR alignment gets this (arm64 boards;
 * nothing else boots arm64 Images). */
#ifndef CONFIG_ARM64_IMAGE_KASLR_ALIGN
#define CONFIG_ARM64_IMAGE_KASLR_ALIGN 0
#endif
_Static_assert((CONFIG_ARM64_IMAGE_KASLR_ALIGN & (CONFIG_ARM64_IMAGE_KASLR_ALIGN - 1)) == 0,
	       "CONFIG_ARM64_IMAGE_KASLR_ALIGN must be a power of two");

/* A moved device tree and the ELF staging copy start on a page (on a
 * Cortex-M, with no pages and 16 KiB of SRAM, on 8 bytes: arch.h). */
#ifndef KB_ARCH_PAGE
#define KB_ARCH_PAGE		4096
#endif
#define KB_DTB_MOVE_ALIGN	KB_ARCH_PAGE
#define KB_STAGING_ALIGN	KB_ARCH_PAGE

#define KB_STR2(x) #x
#define KB_STR(x) KB_STR2(x)

#ifndef KB_VERSION
#define KB_VERSION "unknown"
#endif

/* [a, a + an) and [b, b + bn) share no byte (build-time address checks;
 * 64-bit sums of Kconfig values, which cannot wrap). */
#define KB_DISJOINT(a, an, b, bn) ((a) + 0ULL >= (b) + 0ULL + (bn) || (b) + 0ULL >= (a) + 0ULL + (an))

static struct kb_region mem_table[CONFIG_MAX_MEM_REGIONS];
static struct kb_region resv_table[CONFIG_MAX_RESV_REGIONS];
static struct kb_memmap memmap;
static struct kb_span free_table[CONFIG_PLAN_MAX_FREE_SPANS];
static struct kb_freemap freemap;
static struct kb_span avoid[CONFIG_PLAN_MAX_AVOID];	/* CONFIG_PLAN_EXTRA_AVOID */
static unsigned int navoid;
static uint64_t kb_bench_load;
/* CONFIG_BENCH: retired instructions at the end of each step. */
static uint64_t bench_mark[8];
#define STEP_DONE(n)	do { if (IS_ENABLED(CONFIG_BENCH)) bench_mark[n] = kb_arch_instret(); } while (0)

/* Stop for good (see <kaslrboot/arch.h>): the DRBG state and the TRNG's
 * samples are wiped and the TRNG device reset first, as before a handoff. */
void kb_stop(void)
{
	kb_entropy_finish();
	kb_drbg_wipe();
	kb_log("halted: nothing was booted");
	if (IS_ENABLED(CONFIG_POWEROFF_ON_HALT))
		kb_arch_poweroff();
	kb_arch_halt();
}

/* A fatal error: its one line, then stop.  Nothing has been handed
 * control, nothing will be. */
static void __attribute__((noreturn)) fatal(int err, const struct kb_diag *d)
{
	kb_error("%s", (d && d->msg[0]) ? d->msg : kb_strerror(err));
	kb_stop();
}
/* fatal() with a fixed line, through kb_diag_set(): no 160-byte struct
 * template per line in .rodata, and the text is stored compressed with
 * CONFIG_LOG_COMPRESS. */
#define fatal_msg(err, msg)						\
	do {								\
		struct kb_diag fatal_d_;				\
									\
		/* Printed whole: a longer line would be cut. */	\
		_Static_assert(sizeof(msg) <= KB_DIAG_LEN,		\
			       "fatal_msg: longer than a kb_diag record"); \
		fatal(kb_diag_set(&fatal_d_, (err), msg), &fatal_d_);	\
	} while (0)

/* A 64-bit address or size from the input, for the planner and the
 * memory map (kb_phys_t): with 32-bit addresses (CONFIG_PHYS_ADDR_32BIT)
 * one that does not fit is refused, naming it, never cut. */
static kb_phys_t phys(uint64_t v, const char *what)
{
#if KB_PHYS_BITS < 64
	if (!kb_phys_fits(v)) {
		struct kb_diag d;

		fatal(kb_diag_set(&d, KB_ERANGE,
				  "%s 0x%" PRIx64 " does not fit in 32 bits: this loader handles memory below 4 GiB only (CONFIG_PHYS_ADDR_32BIT)",
				  what, v), &d);
	}
#else
	(void)what;
#endif
	return (kb_phys_t)v;
}

/*
 * /chosen's offset in the tree as handed over (or the lookup's error),
 * found once in step 0: every fdt_path_offset() walks all the nodes before
 * it, and QEMU puts /chosen last (0.14 M instructions a lookup on arm64).
 * It stays valid in step 6: fdt_open_into() copies the structure block as
 * it is, and properties written into /chosen do not move the node itself.
 */
static int chosen_node = -FDT_ERR_NOTFOUND;

/* A bootargs property's value, or NULL if absent or not a terminated
 * string.  Check NULL and the length's sign before using it as a size,
 * and never use a property that is not a terminated string. */
static const char *bootargs_string(const char *args, int len, int *lenp)
{
	if (args == NULL || len <= 0 || args[len - 1] != '\0')
		return NULL;
	*lenp = len;
	return args;
}

/* /chosen/bootargs, or NULL if absent or not a terminated string. */
static __attribute__((unused)) const char *bootargs(const void *fdt, int chosen, int *lenp)
{
	const char *args = NULL;
	int len = -1;

	if (chosen >= 0)
		args = fdt_getprop(fdt, chosen, "bootargs", &len);
	return bootargs_string(args, len, lenp);
}

/* The same for the tree as handed over: with CONFIG_DT_DEVICES_AT_BUILD
 * it is the linked one (step 1 refuses any other), whose property
 * kbdtmap found at build time; the same checks on its bytes. */
static const char *tree_bootargs(const void *fdt, int *lenp)
{
#ifdef CONFIG_DT_DEVICES_AT_BUILD
	if (kb_dt_devices.bootargs_off < 0)
		return NULL;
	return bootargs_string((const char *)fdt + kb_dt_devices.bootargs_off,
			       kb_dt_devices.bootargs_len, lenp);
#else
	return bootargs(fdt, chosen_node, lenp);
#endif
}

static void log_bootargs(const void *fdt)
{
	int len;
	const char *args = tree_bootargs(fdt, &len);

	if (args)
		kb_log("bootargs in the dtb: \"%s\"", args);
	else if (fdt_getprop(fdt, chosen_node, "bootargs", &len))
		kb_log("bootargs in the dtb: (not a terminated string: ignored, and removed before handoff)");
	else
		kb_log("bootargs in the dtb: (none)");
}

#ifdef CONFIG_DT_MEMMAP_AT_BUILD
#define KB_DT_CHECKED_WHEN " at build time, memory map read there (CONFIG_DT_MEMMAP_AT_BUILD)"
/* The linked tree's memory map, from tools/kbdtmap (gen/kb_dt_memmap.c). */
extern const struct kb_memmap_build kb_dt_memmap;
#else
#define KB_DT_CHECKED_WHEN ""
#endif

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
		fatal_msg(KB_ENOENT, "dtb: no device tree (a1 = 0)");
#ifdef CONFIG_DT_MEMMAP_AT_BUILD
	/* The linked tree passed these checks at build time (tools/kbdtmap:
	 * kb_fdt_validate() with CONFIG_DTB_MAX_SIZE), and it is part of
	 * the loader's image; any other tree would need them, and its
	 * memory map would not be read: refused. */
	if (bi->dtb != (uintptr_t)kb_builtin_dtb())
		fatal_msg(KB_EINVAL, "dtb: not the tree linked into the loader, whose memory map was read at build time (CONFIG_DT_MEMMAP_AT_BUILD)");
#else
	/* The real extent of the blob is unknown until its header is trusted;
	 * CONFIG_DTB_MAX_SIZE bounds it, and step_memory_map() then checks
	 * that all of it lies in RAM. */
	err = kb_fdt_validate(fdt, CONFIG_DTB_MAX_SIZE, &d);
	if (err)
		fatal(err, &d);
#endif
	kb_arch_fdt_init(fdt);
#ifdef CONFIG_DT_DEVICES_AT_BUILD
	/* The linked tree's /chosen, found at build time (tools/kbdtmap). */
	chosen_node = kb_dt_devices.chosen;
#else
	chosen_node = fdt_path_offset(fdt, "/chosen");
#endif

	err = kb_console_init(fdt, path, sizeof(path), &d);
	kb_info("version %s, board %s, entered in %s on hart %lu at 0x%lx",
	       KB_VERSION, CONFIG_BOARD, bi->entry_mode, bi->hartid,
	       (unsigned long)bi->load_base);
	if (err) {
		/* Not fatal: the firmware console (if any) keeps working. */
		kb_info("console: %s; staying on the firmware console", d.msg);
	} else {
		const struct kb_console *con = kb_console_get();

		kb_info("console: %s at 0x%" PRIx64 " (%s)", con->driver,
		       con->phys, path);
	}
	kb_info("dtb: 0x%lx, %u bytes%s%s, structure checked" KB_DT_CHECKED_WHEN,
	       (unsigned long)bi->dtb, (unsigned int)fdt_totalsize(fdt),
	       bi->dtb_from ? ", " : "", bi->dtb_from ? bi->dtb_from : "");
	if (!IS_ENABLED(CONFIG_LOG_QUIET))
		log_bootargs(fdt);
	return fdt;
}

/* 2. Memory and every reservation, including kaslrboot itself and the
 * flash window; the board's ranges to avoid. */
static void step_memory_map(const struct kb_boot_info *bi, const void *fdt)
{
	uintptr_t img = (uintptr_t)__image_start;
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	kb_memmap_init(&memmap, mem_table, CONFIG_MAX_MEM_REGIONS, resv_table,
		       CONFIG_MAX_RESV_REGIONS);
#ifdef CONFIG_DT_MEMMAP_AT_BUILD
	err = kb_memmap_from_build(&memmap, &kb_dt_memmap, bi->dtb, fdt_totalsize(fdt), &d);
#else
	err = kb_memmap_from_fdt(&memmap, fdt, bi->dtb, &d);
#endif
	if (kb_memmap_clipped(&memmap))
		kb_log("dtb: %u memory or reserved range(s) reach above 4 GiB: cut at 4 GiB or left out (this loader handles memory below 4 GiB only: CONFIG_PHYS_ADDR_32BIT)",
		       kb_memmap_clipped(&memmap));
	if (!err)
		err = kb_memmap_add_resv(&memmap, img,
					 (uintptr_t)__stack_bottom - img,
					 KB_REGION_LOADER, 0, "kaslrboot", &d);
	if (!err)
		err = kb_memmap_add_resv(&memmap, (uintptr_t)__stack_bottom,
					 (uintptr_t)__stack_top - (uintptr_t)__stack_bottom,
					 KB_REGION_STACK, 0, "kaslrboot stack", &d);
	/* The container's window: never written, whether flash or RAM. */
	if (!err)
		err = kb_memmap_add_resv(&memmap, CONFIG_PAYLOAD_ADDR, CONFIG_PAYLOAD_MAX_SIZE,
					 KB_REGION_OTHER, 0, "payload container window", &d);
	/* Ranges no placement may use (CONFIG_PLAN_EXTRA_AVOID): the
	 * planner avoids them; the loader and the tree may lie there. */
	if (!err && CONFIG_PLAN_EXTRA_AVOID[0] != '\0')
		err = kb_parse_spans(CONFIG_PLAN_EXTRA_AVOID, avoid, CONFIG_PLAN_MAX_AVOID,
				     &navoid, &d);
	if (err)
		fatal(err, &d);
	if (memmap.nmem == 0)
		fatal_msg(KB_ENOENT, "dtb: no enabled memory node");
	/* Whatever we were given must lie in RAM the tree describes, or the
	 * tree and reality disagree and nothing placed from it is safe. */
	/* (A tree linked into a loader that runs from flash is part of
	 * the verified image, not of RAM: step 4 moves it.) */
	if (bi->dtb != (uintptr_t)kb_builtin_dtb() &&
	    !kb_memmap_covers(&memmap, bi->dtb, fdt_totalsize(fdt)))
		fatal_msg(KB_ERANGE, "dtb: the blob lies outside every memory node");
	if (!kb_memmap_covers(&memmap, img, (uintptr_t)__image_end - img))
		fatal_msg(KB_ERANGE, "dtb: kaslrboot itself lies outside every memory node");
	/* The handoff wipes the loader's whole image and stack: the one
	 * write rule must allow it before anything else happens.  A tree
	 * linked into the loader (CONFIG_BUILTIN_DTB) lies in that memory;
	 * step 4 then always moves it (no room behind it is free). */
	err = kb_memmap_check_write(&memmap, img, (uintptr_t)__image_end - img,
				    KB_KIND(KB_REGION_LOADER) | KB_KIND(KB_REGION_STACK) |
				    (bi->dtb == (uintptr_t)kb_builtin_dtb() ? KB_KIND(KB_REGION_DTB) : 0),
				    "wipe: kaslrboot's own memory", &d);
	if (err)
		fatal(err, &d);

	kb_info("memory map: %u memory range(s), %u reservation(s)",
	       memmap.nmem, memmap.nresv);
	if (IS_ENABLED(CONFIG_LOG_MEMORY_MAP))
		kb_memmap_print(&memmap, "kaslrboot:   ", kb_printf);
	/* Now the RAM is known (arm64: mapped write-back cacheable before
	 * the payload is copied and hashed). */
	err = kb_arch_memory_map(&memmap, &d);
	if (err)
		fatal(err, &d);
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
	 * board-unique property the tree carries: every used byte, not the
	 * free space up to totalsize (QEMU pads its arm64 tree to 1 MiB). */
	kb_sha256(fdt, kb_fdt_used_size(fdt), p.dtb_hash);
	memcpy(out, &p, sizeof(p));
	return sizeof(p);
}

#ifdef CONFIG_SEED_CARRY
/* The seed the previous boot left in flash (docs/entropy.md, "A seed
 * carried across boots"): read once into RAM, checked, used once and
 * wiped in step 1; its generation numbers the next one. */
static uint8_t carried_seed[KB_SEEDFILE_SEED_LEN];
static bool carried_ok, seed_only;
static uint64_t carried_gen;
static size_t carried_used;

/* The flash windows and the seed sector: none shares a byte with another. */
_Static_assert(KB_DISJOINT(CONFIG_SEED_SECTOR_ADDR, CONFIG_SEED_SECTOR_SIZE,
			   CONFIG_PAYLOAD_ADDR, CONFIG_PAYLOAD_MAX_SIZE),
	       "CONFIG_SEED_SECTOR_ADDR: the seed sector overlaps the container window");
#ifdef CONFIG_PAYLOAD_SLOTS
_Static_assert(KB_DISJOINT(CONFIG_SEED_SECTOR_ADDR, CONFIG_SEED_SECTOR_SIZE,
			   CONFIG_PAYLOAD_B_ADDR, CONFIG_PAYLOAD_MAX_SIZE),
	       "CONFIG_SEED_SECTOR_ADDR: the seed sector overlaps slot B's window");
#endif
_Static_assert(CONFIG_SEED_SECTOR_SIZE >= KB_SEEDFILE_SIZE && CONFIG_SEED_SECTOR_ADDR % 4 == 0,
	       "CONFIG_SEED_SECTOR_*: too small for a record, or misaligned");

static void seed_read(void)
{
	uint8_t rec[KB_SEEDFILE_SIZE];
	struct kb_diag d;

	kb_diag_clear(&d);
	memcpy(rec, (const void *)(uintptr_t)CONFIG_SEED_SECTOR_ADDR, sizeof(rec));
	carried_ok = kb_seedfile_parse(rec, sizeof(rec), carried_seed, &carried_gen, &d) == 0;
	mbedtls_platform_zeroize(rec, sizeof(rec));
	if (!carried_ok)
		kb_log("%s: not used; this boot writes a new one", d.msg);
}

/* The DRBG's entropy input when there is no TRNG (SEED_ONLY_INSECURE):
 * the carried seed, each byte once. */
static int carried_read(void *ctx, unsigned char *buf, size_t len)
{
	(void)ctx;
	if (len > sizeof(carried_seed) - carried_used)
		return KB_ENOSPC;
	memcpy(buf, carried_seed + carried_used, len);
	carried_used += len;
	return 0;
}
#endif

/* 1. Entropy: known-answer self-test of the DRBG, then a health-tested TRNG
 * seeds it. */
static void step_entropy(const struct kb_boot_info *bi, const void *fdt)
{
	unsigned char pers[64 + 64];
	const char *sha256_impl;
	struct kb_diag d;
	size_t plen, elen;
	int err, serial_len = -1;

	kb_diag_clear(&d);
	err = kb_crypto_cpu_check(fdt, bi->hartid, &sha256_impl, &d);
	if (err)
		fatal(err, &d);
	kb_log("crypto: SHA-256: %s", sha256_impl);
	if (kb_crypto_selftest() != 0)
		fatal_msg(KB_EFAIL, "crypto: CTR_DRBG or SHA-256 known-answer self-test failed");

	err = kb_entropy_init(fdt, bi, &d);
#ifdef CONFIG_SEED_CARRY
	seed_read();
	if (err == KB_ENODEV && IS_ENABLED(CONFIG_SEED_ONLY_INSECURE) && carried_ok) {
		/* No TRNG: the carried seed is the entropy input (full
		 * entropy: it is DRBG output), personalization as usual. */
		kb_error("%s", d.msg);
		kb_log("WARNING: INSECURE build (CONFIG_SEED_ONLY_INSECURE): no TRNG: the DRBG is seeded from the carried seed ALONE (generation %" PRIu64 "); whoever read this flash can predict this boot",
		       carried_gen);
		seed_only = true;
		plen = personalization(bi, fdt, pers);
		err = kb_drbg_seed(carried_read, NULL, 32, pers, plen, &d);
		mbedtls_platform_zeroize(pers, sizeof(pers));
		mbedtls_platform_zeroize(carried_seed, sizeof(carried_seed));
		if (err)
			fatal(err, &d);
		kb_log("entropy: %s AES-256 CTR_DRBG seeded from: the carried seed only (%u bytes), no TRNG",
		       kb_crypto_version(), (unsigned int)carried_used);
		return;
	}
#endif
	if (err)
		return entropy_failure(err, &d);

	plen = personalization(bi, fdt, pers);
#ifdef CONFIG_SEED_CARRY
	/* Additional input: never instead of the TRNG's entropy. */
	if (carried_ok) {
		memcpy(pers + plen, carried_seed, sizeof(carried_seed));
		plen += sizeof(carried_seed);
	}
	mbedtls_platform_zeroize(carried_seed, sizeof(carried_seed));
#endif
	/* Only the progress line below names it (the DTB hash covers it). */
	if (!IS_ENABLED(CONFIG_LOG_QUIET))
		fdt_getprop(fdt, 0, "serial-number", &serial_len);
	elen = kb_entropy_len_for_256_bits();
	err = kb_drbg_seed(kb_entropy_read, NULL, elen, pers, plen, &d);
	mbedtls_platform_zeroize(pers, sizeof(pers));
	if (err) {
		/* The callback's reason (a failed health test) beats mbedTLS's. */
		const struct kb_diag *why = kb_entropy_last_error();

		return entropy_failure(err, why->msg[0] ? why : &d);
	}
	kb_info("entropy: %s AES-256 CTR_DRBG (known-answer self-test passed, SHA-256 too) seeded from %u + %u bytes of TRNG output (256 bits of min-entropy + nonce), personalization: hart %lu, DTB SHA-256%s",
	       kb_crypto_version(), (unsigned int)elen, (unsigned int)(elen + 1) / 2,
	       bi->hartid, serial_len > 0 ? " (with serial-number)" : "");
#ifdef CONFIG_SEED_CARRY
	if (carried_ok)
		kb_log("entropy: seeded from: the TRNG + the carried seed (generation %" PRIu64 ", additional input)",
		       carried_gen);
	else
		kb_log("entropy: seeded from: the TRNG only (no valid carried seed)");
#endif
}

static int drbg_uniform(void *ctx, uint64_t bound, uint64_t *out)
{
	return kb_drbg_uniform(bound, out, ctx);
}


/* What is being booted, and where everything goes. */
static struct kb_container_hdr ctr;	/* the header, checked, in RAM */
static char ctr_bootargs[CONFIG_BOOTARGS_MAX_SIZE];	/* verified, in RAM */
static struct kb_payload_info payload;
static struct kb_plan kplan;		/* the kernel's window */
static kb_phys_t kernel_start;		/* kplan.start, once loaded */
static kb_phys_t initrd_start;		/* in RAM, once loaded */
static kb_phys_t dtb_addr;		/* where the tree is handed over */
#ifndef CONFIG_HANDOFF_BOOTINFO
static kb_phys_t dtb_room;		/* bytes it may grow into there */
#endif
#ifdef CONFIG_SBI_PAYLOAD
static uint64_t sbi_base, sbi_window;	/* OpenSBI's window (0: none) */
static uint32_t sbi_nharts;		/* hart ids 0..sbi_nharts-1 */
static uint64_t sbi_msip;		/* MSWI/CLINT base: wakes them */
#endif

static bool have_part(unsigned int part)
{
	return ctr.part[part].size != 0;
}

/* The flash window is memory-mapped: a read is a copy into RAM.  Only
 * loader/lib/load.c calls this, once per byte; ctx is the window's base. */
static int flash_read(void *ctx, kb_phys_t off, void *dst, size_t len)
{
	memcpy(dst, (const uint8_t *)ctx + off, len);
	return 0;
}

static const struct kb_flash flash_a = {
	.read = flash_read, .ctx = (void *)(uintptr_t)CONFIG_PAYLOAD_ADDR,
	.size = CONFIG_PAYLOAD_MAX_SIZE,
};
/* Where the container is read from: slot A's flash, or (two slots) the
 * verified staging copy of the slot chosen. */
static const struct kb_flash *cflash = &flash_a;
static uintptr_t ctr_addr = CONFIG_PAYLOAD_ADDR;	/* its window, for the log */

#ifdef CONFIG_PAYLOAD_SLOTS
static int claim_staging(kb_phys_t size, const char *name, kb_phys_t *addr,
			 struct kb_diag *d);

/* Two windows of PAYLOAD_MAX_SIZE bytes that do not share a byte. */
_Static_assert(KB_DISJOINT(CONFIG_PAYLOAD_B_ADDR, CONFIG_PAYLOAD_MAX_SIZE,
			   CONFIG_PAYLOAD_ADDR, CONFIG_PAYLOAD_MAX_SIZE),
	       "CONFIG_PAYLOAD_B_ADDR: slot B's window overlaps slot A's");

static const struct kb_flash flash_b = {
	.read = flash_read, .ctx = (void *)(uintptr_t)CONFIG_PAYLOAD_B_ADDR,
	.size = CONFIG_PAYLOAD_MAX_SIZE,
};
static struct kb_slot slots[KB_SLOTS] = {
	{ .name = "a", .flash = &flash_a }, { .name = "b", .flash = &flash_b },
};
static struct kb_slot_stage slot_stage;
static const struct kb_slot *slot_booted;

/* 3 (two slots, docs/flash.md).  Both headers read (each byte once); the
 * valid slot with the higher image version staged whole in RAM and
 * verified there, else the other; the rest of the boot reads the
 * container from that copy.  Nothing is placed before the choice. */
static void step_slots(void)
{
	kb_phys_t need = 0, size, stage = 0;
	struct kb_diag d;
	unsigned int i, c = 0;
	int err;

	kb_diag_clear(&d);
	for (i = 0; i < KB_SLOTS; i++) {
		if (kb_slot_read_header(&slots[i]) == 0) {
			size = kb_slot_stage_size(&slots[i].hdr);
			if (size > need)
				need = size;
			kb_info("slot %s: image version %" PRIu64 ", header valid",
				slots[i].name, slots[i].hdr.image_version);
		}
	}
	/* One staging copy, as large as the larger slot needs, claimed
	 * before any placement. */
	if (need > 0) {
		err = claim_staging(need, "slot staging copy", &stage, &d);
		if (err)
			fatal(err, &d);
	}
	err = kb_slot_choose(slots, KB_SLOTS, need ? (uint8_t *)(uintptr_t)stage : NULL,
			     need, &slot_stage, &c, &d);
	for (i = 0; i < KB_SLOTS; i++) {
		const struct kb_slot *s = &slots[i];

		if (s->state == KB_SLOT_BAD_HEADER || s->state == KB_SLOT_BAD_PART)
			kb_log("slot %s: not booted: %s", s->name, s->why.msg);
	}
	if (err)
		fatal(err, &d);
	slot_booted = &slots[c];
	ctr = slot_booted->hdr;
	cflash = &slot_stage.flash;
	ctr_addr = (uintptr_t)slot_booted->flash->ctx;
	for (i = 0; i < KB_SLOTS; i++)
		if (slots[i].state == KB_SLOT_NOT_TRIED)
			kb_log("slot %s: not booted: image version %" PRIu64 " is not above slot %s's %" PRIu64,
			       slots[i].name, slots[i].hdr.image_version, slot_booted->name,
			       ctr.image_version);
	kb_log("slot %s: booting image version %" PRIu64 ", every part verified in a staging copy at 0x%" PRIxPHYS,
	       slot_booted->name, ctr.image_version, stage);
}
#else
static void step_slots(void)
{
}
#endif

static const char *type_name(uint32_t t)
{
	switch (t) {
	case KB_PAYLOAD_ELF: return "ELF PIE";
	case KB_PAYLOAD_RISCV_IMAGE: return "RISC-V Image";
	case KB_PAYLOAD_ARM64_IMAGE: return "arm64 Image";
	case KB_PAYLOAD_KARL: return "KARL ELF";
	default: return "?";
	}
}

/* The command line the kernel will see: the container's, else the DTB's. */
static const char *effective_bootargs(const void *fdt, size_t *len)
{
	int l;
	const char *a;

	if (have_part(KB_PART_BOOTARGS)) {
		*len = ctr.part[KB_PART_BOOTARGS].size;
		return ctr_bootargs;
	}
	a = tree_bootargs(fdt, &l);
	*len = a ? (size_t)l : 0;
	return a;
}

/* 3. The container header and the bootargs, copied from flash into RAM
 * and checked there; then KASLR on or off. */
static void step_container(const void *fdt)
{
	struct kb_diag d;
	const char *args;
	size_t len;
	int err;

	kb_diag_clear(&d);
	/* Two slots: step_slots() chose one and checked its header. */
	err = IS_ENABLED(CONFIG_PAYLOAD_SLOTS) ? 0 : kb_load_header(cflash, &ctr, &d);
	if (!err)
		err = kb_load_bootargs(cflash, &ctr, ctr_bootargs, sizeof(ctr_bootargs), &d);
	if (err)
		fatal(err, &d);
	kb_info("container: header at 0x%lx checked in RAM: payload %" PRIuPHYS " bytes%s%s%s",
	       (unsigned long)ctr_addr, ctr.part[KB_PART_PAYLOAD].size,
	       have_part(KB_PART_INITRD) ? ", initrd" : "",
	       have_part(KB_PART_BOOTARGS) ? ", bootargs" : "",
	       have_part(KB_PART_SBI) ? ", sbi (OpenSBI)" : "");
	/* OpenSBI hands the tree's /chosen to a kernel: a boot-info block
	 * is no place for a kernel's seeds.  (Cortex-M: the next check.) */
	if (have_part(KB_PART_SBI) && IS_ENABLED(CONFIG_HANDOFF_BOOTINFO) &&
	    IS_ENABLED(CONFIG_RISCV_M_MODE))
		fatal_msg(KB_ENOTSUP, "container: an sbi part (OpenSBI) boots a kernel, which reads /chosen, not a boot-info block (CONFIG_HANDOFF_BOOTINFO): choose CONFIG_HANDOFF_DTB");
	/* Only an M-mode loader can start firmware that runs in M-mode. */
	if (have_part(KB_PART_SBI) && !IS_ENABLED(CONFIG_SBI_PAYLOAD))
		fatal_msg(KB_ENOTSUP, "container: it carries OpenSBI (an sbi part), but this loader cannot start it (only an M-mode loader with CONFIG_SBI_PAYLOAD can)");
	if (ctr.type == KB_PAYLOAD_KARL && !IS_ENABLED(CONFIG_KARL))
		fatal_msg(KB_ENOTSUP, "container: a KARL payload (type 4, kbimage -t karl), but this loader was built without CONFIG_KARL");
	if (ctr.version == KB_CONTAINER_VERSION_2)
		kb_info("container: format version 2, image version %" PRIu64, ctr.image_version);
	if (have_part(KB_PART_BOOTARGS))
		kb_info("bootargs from the container: \"%s\"", ctr_bootargs);

	args = effective_bootargs(fdt, &len);
	if (kaslr_enabled && args && kb_bootargs_has_param(args, len, "nokaslr")) {
		kaslr_enabled = false;
		kaslr_off_reason = "nokaslr";
		kb_info("KASLR: disabled by \"nokaslr\" on the command line");
	}
}

/* The free map for the next choice: memory minus every reservation and
 * claim so far and CONFIG_PLAN_EXTRA_AVOID, within the board's limits and
 * [floor, ceiling]. */
/* A 64-bit upper limit in kb_phys_t: 32-bit addresses have no memory
 * above 4 GiB in the map anyway. */
static kb_phys_t ceiling_phys(uint64_t v)
{
	return kb_phys_fits(v) ? (kb_phys_t)v : KB_PHYS_MAX;
}

static void build_freemap(kb_phys_t floor, kb_phys_t ceiling)
{
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	/* Never outside the board's own limits (a floor that does not fit
	 * is refused, naming it; constants, folded). */
	kb_phys_t board_floor = phys(CONFIG_PLAN_FLOOR, "plan: floor"),
		  board_ceiling = ceiling_phys(CONFIG_PLAN_CEILING);

	if (floor < board_floor)
		floor = board_floor;
	if (ceiling > board_ceiling)
		ceiling = board_ceiling;
	kb_freemap_init(&freemap, free_table, CONFIG_PLAN_MAX_FREE_SPANS);
	err = kb_freemap_build(&freemap, &memmap, avoid, navoid, floor, ceiling, &d);
	if (err)
		fatal(err, &d);
}

/* Choose a window: random with KASLR, else the lowest valid one. */
static void choose(const struct kb_slot_req *req, struct kb_plan *p,
		   const char *what, bool random)
{
	struct kb_diag d;
	char sz[24], al[24];
	int err;

	kb_diag_clear(&d);
	/* Only for the progress lines: a quiet build computes none of it. */
	if (!IS_ENABLED(CONFIG_LOG_QUIET)) {
		kb_size_str(req->size, sz, sizeof(sz));
		kb_size_str(req->align, al, sizeof(al));
	}
	if (random) {
		err = kb_plan_random(&freemap, req, drbg_uniform, &d, p, &d);
		if (err)
			fatal(err, &d);
		unsigned int c = IS_ENABLED(CONFIG_LOG_QUIET) ? 0 : kb_log2_centi(p->count);

		kb_info("plan: %s %s, %s-aligned: base 0x%" PRIxPHYS ", slot %" PRIu64
		       " of %" PRIu64 ", %u.%02u bits of entropy",
		       what, sz, al, p->start, p->index, p->count, c / 100, c % 100);
	} else {
		err = kb_plan_fixed(&freemap, req, 0, p, &d);
		if (err)
			fatal(err, &d);
		kb_info("plan: %s %s, %s-aligned: fixed base 0x%" PRIxPHYS
		       " (lowest of %" PRIu64 " slots; KASLR off)",
		       what, sz, al, p->start, p->count);
	}
}

/* Claim [base, base + size) for `name` under the one write rule. */
static void claim(kb_phys_t base, kb_phys_t size, enum kb_region_kind kind,
		  const char *name)
{
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	err = kb_memmap_claim(&memmap, base, size, kind, name, &d);
	if (err)
		fatal(err, &d);
}

#ifdef CONFIG_HANDOFF_BOOTINFO
static uintptr_t bootinfo_addr;		/* r0 at handoff: the block */
static size_t bootinfo_room;		/* the bytes claimed for it */

/* 4 (the boot-info handoff, docs/cortex-m.md).  The tree is handed over
 * as it is; the block gets a window of its own at the top of free memory,
 * claimed like a moved tree: never in a reservation, never under the
 * payload (placed after this), outside the loader's SRAM (wiped). */
static void step_dtb_room(const struct kb_boot_info *bi, const void *fdt)
{
	struct kb_slot_req req;
	struct kb_plan p;
	struct kb_diag d;
	const char *args;
	size_t len;
	int err;

	kb_diag_clear(&d);
	dtb_addr = bi->dtb;
	/* The tree is not rewritten: a seed in a linked one would be the
	 * payload's on every boot.  One a boot ROM left in RAM (QEMU's
	 * rng-seed) is erased where it lies, its bytes turned into NOP tags
	 * (fdt_nop_property: the tree keeps its size and offsets), under the
	 * one write rule. */
#ifdef CONFIG_DT_DEVICES_AT_BUILD
	if (kb_dt_devices.chosen_seed) {	/* the linked tree, read at build time */
#else
	if (chosen_node >= 0 && (fdt_getprop(fdt, chosen_node, "kaslr-seed", NULL) ||
				 fdt_getprop(fdt, chosen_node, "rng-seed", NULL))) {
#endif
		/* Cortex-M: no boot ROM passes a tree, it is always the
		 * linked one (and the erasure's code stays out). */
		if (IS_ENABLED(CONFIG_ARCH_ARM_M) || bi->dtb == (uintptr_t)kb_builtin_dtb())
			fatal_msg(KB_EINVAL, "dtb: /chosen has a kaslr-seed or rng-seed, which the boot-info handoff would pass on unchanged, the same every boot: remove it or choose CONFIG_HANDOFF_DTB");
		err = kb_memmap_check_write(&memmap, bi->dtb, fdt_totalsize(fdt), KB_KIND(KB_REGION_DTB),
					    "dtb: erasing /chosen's seeds in place", &d);
		if (err)
			fatal(err, &d);
		fdt_nop_property((void *)(uintptr_t)bi->dtb, chosen_node, "kaslr-seed");
		fdt_nop_property((void *)(uintptr_t)bi->dtb, chosen_node, "rng-seed");
		kb_info("dtb: /chosen's kaslr-seed and rng-seed erased in place (the boot-info block has fresh ones)");
	}
#if defined(CONFIG_RISCV_M_MODE) && defined(CONFIG_BUILTIN_DTB)
	/* A linked tree lies in the RAM copy, which the handoff wipes: the
	 * payload gets the copy's source in flash (entry.S copied the image
	 * from CONFIG_FLASH_BASE to CONFIG_RISCV_COPY_TO_RAM). */
	if (bi->dtb == (uintptr_t)kb_builtin_dtb())
		dtb_addr = bi->dtb - CONFIG_RISCV_COPY_TO_RAM + CONFIG_FLASH_BASE;
#endif
	if (have_part(KB_PART_INITRD))
		fatal_msg(KB_ENOTSUP, "container: it carries an initrd, which the boot-info block has no field for (CONFIG_HANDOFF_BOOTINFO)");
	args = effective_bootargs(fdt, &len);
	bootinfo_room = kb_bootinfo_size(CONFIG_RNG_SEED_SIZE, args ? strlen(args) : 0);
	req = (struct kb_slot_req){ .size = bootinfo_room, .align = KB_BOOTINFO_ALIGN };
	build_freemap(0, ceiling_phys(UINTPTR_MAX));	/* written through a pointer */
	err = kb_plan_highest(&freemap, &req, &p, &d);
	if (err)
		fatal(err, &d);
	claim(p.start, bootinfo_room, KB_REGION_DTB, "boot-info block");
	bootinfo_addr = p.start;
	kb_info("plan: boot-info block at the top of free memory: 0x%" PRIxPHYS ", %u bytes",
		p.start, (unsigned int)bootinfo_room);
}
#else
/* 4. Room for /chosen: behind the blob when that is free memory, else a
 * window of its own (then the tree is copied there in step 6). */
static void step_dtb_room(const struct kb_boot_info *bi, const void *fdt)
{
	uint32_t total = fdt_totalsize(fdt);
	struct kb_slot_req req;
	struct kb_plan p;
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	/* total <= CONFIG_DTB_MAX_SIZE and the growth is Kconfig-bounded:
	 * the sum is far from wrapping. */
	dtb_room = (uint64_t)total + CONFIG_DTB_GROWTH;
	err = kb_memmap_check_write(&memmap, bi->dtb, dtb_room, KB_KIND(KB_REGION_DTB),
				    "dtb: room to grow in place", &d);
	if (!err) {
		dtb_addr = bi->dtb;
		/* The blob is reserved already; now the room behind it. */
		claim(bi->dtb + total, CONFIG_DTB_GROWTH, KB_REGION_DTB, "dtb growth");
		return;
	}
	kb_info("%s: the tree moves to a window of its own", d.msg);
	req = (struct kb_slot_req){ .size = dtb_room, .align = KB_DTB_MOVE_ALIGN };
	build_freemap(0, KB_PHYS_MAX);
	if (IS_ENABLED(CONFIG_DTB_MOVE_TOP)) {
		/* A few KiB of SRAM: a tree dropped at random would split
		 * the free memory the payload is placed in (Kconfig). */
		err = kb_plan_highest(&freemap, &req, &p, &d);
		if (err)
			fatal(err, &d);
		kb_info("plan: dtb at the top of free memory: 0x%" PRIxPHYS " (DTB_MOVE_TOP)", p.start);
	} else {
		choose(&req, &p, "dtb", kaslr_enabled);
	}
	claim(p.start, dtb_room, KB_REGION_DTB, "dtb (moved)");
	dtb_addr = p.start;
}
#endif

#ifdef CONFIG_SBI_PAYLOAD
/* 4b. Payload A: OpenSBI (fw_dynamic) in a naturally aligned window of
 * its own, chosen like the kernel's and claimed before the kernel, the
 * initrd (and the tree, claimed in step 4) can be placed: none of them
 * can land in the region OpenSBI protects.  Read from flash once into
 * its window and verified there; it relocates itself at run time. */
static void step_sbi(const void *fdt)
{
	const struct kb_container_part *sp = &ctr.part[KB_PART_SBI];
	uint64_t fw_size;
	struct kb_slot_req req;
	struct kb_plan p;
	struct kb_diag d;
	int err;

	if (!have_part(KB_PART_SBI))
		return;
	kb_diag_clear(&d);
	err = kb_fdt_riscv_harts(fdt, &sbi_nharts, &sbi_msip, &d);
	if (!err && sbi_nharts > 1 && sbi_msip == 0)
		err = kb_diag_set(&d, KB_ENOENT,
				  "dtb: %" PRIu32 " harts but no CLINT/ACLINT MSWI node (riscv,clint0, sifive,clint0, riscv,aclint-mswi) to release them into OpenSBI",
				  sbi_nharts);
	if (!err)
		err = kb_sbi_window(sp->size, ctr.sbi_footprint, ctr.sbi_hart_size, sbi_nharts,
				    &fw_size, &sbi_window, &d);
	if (err)
		fatal(err, &d);
	req = (struct kb_slot_req){ .size = phys(sbi_window, "opensbi: window"),
				    .align = phys(sbi_window, "opensbi: window") };
	build_freemap(0, KB_PHYS_MAX);
	choose(&req, &p, "opensbi", kaslr_enabled);
	claim(p.start, req.size, KB_REGION_PAYLOAD, "opensbi");
	err = kb_load_part(cflash, &ctr, KB_PART_SBI, NULL, 0, (void *)(uintptr_t)p.start, &d);
	if (err)
		fatal(err, &d);
	sbi_base = p.start;
	kb_arch_sync_icache(sbi_base, sp->size);
	kb_info("load: opensbi at 0x%" PRIx64 ", %" PRIuPHYS " bytes, read from flash once, SHA-256 verified in RAM; it uses 0x%" PRIx64
	       " bytes (%" PRIuPHYS " KiB + %" PRIu32 " harts x %" PRIuPHYS " KiB) of its 0x%" PRIx64 "-byte window",
	       sbi_base, sp->size, fw_size, ctr.sbi_footprint >> 10, sbi_nharts,
	       ctr.sbi_hart_size >> 10, sbi_window);
}
#else
static void step_sbi(const void *fdt)
{
	(void)fdt;
}
#endif

/* A staging copy (the ELF file, a slot's container): as high as it fits,
 * out of the way of the usual low fixed (nokaslr) placements; not
 * randomized: it only holds bytes until they are copied out.  Claimed,
 * so that no later placement lands on it. */
static int claim_staging(kb_phys_t size, const char *name, kb_phys_t *addr,
			 struct kb_diag *d)
{
	struct kb_slot_req req = { .size = size, .align = KB_STAGING_ALIGN };
	struct kb_plan p;
	int err;

	/* The loader reads it through a pointer (rv32: below 4 GiB). */
	build_freemap(0, ceiling_phys(UINTPTR_MAX));
	err = kb_plan_highest(&freemap, &req, &p, d);
	if (!err)
		err = kb_memmap_claim(&memmap, p.start, req.size, KB_REGION_PAYLOAD, name, d);
	if (!err)
		*addr = p.start;
	return err;
}

/* Where kb_load_payload() puts the staging copy and the kernel. */
static int place(void *ctx, enum kb_load_what what,
		 const struct kb_payload_info *pi, kb_phys_t size,
		 kb_phys_t *addr, struct kb_diag *d)
{
	struct kb_slot_req req;
	int err;

	(void)ctx;
	if (what == KB_LOAD_STAGING) {
		/* As high as it fits, out of the way of the usual low
		 * fixed (nokaslr) placements; not randomized: it only
		 * holds a copy of the file until the kernel is copied out. */
		err = claim_staging(size, "payload staging copy", addr, d);
		if (err)
			return err;
		kb_info("load: staging the %" PRIuPHYS "-byte ELF file at 0x%" PRIxPHYS
		       " to verify and parse it in RAM", size, *addr);
		return KB_OK;
	}

	/* A Linux RISC-V Image runs in S-mode: an M-mode first stage can only
	 * start it behind OpenSBI (Payload A).  (Without RISC-V Image support
	 * the load refused it already.) */
	if (IS_ENABLED(CONFIG_RISCV_M_MODE) && KB_PAYLOAD_HAS_RISCV_IMAGE &&
	    pi->type == KB_PAYLOAD_RISCV_IMAGE && !have_part(KB_PART_SBI))
		return kb_diag_set(d, KB_ENOTSUP,
				   "payload: a Linux RISC-V Image runs in S-mode: this M-mode loader needs OpenSBI in the container to start it (kbimage --sbi)");

	/* The base's alignment: the format's, or for a relocatable arm64
	 * Image with KASLR on the container's (else the Kconfig default)
	 * KASLR alignment; the plan line below says which. */
	req = (struct kb_slot_req){
		.size = pi->footprint, .offset = pi->offset,
		.align = phys(kb_payload_base_align(pi, ctr.kaslr_align,
						    CONFIG_ARM64_IMAGE_KASLR_ALIGN,
						    CONFIG_PAYLOAD_MIN_ALIGN, kaslr_enabled),
			      "payload: alignment"),
	};
	err = kb_slot_req_check(&req, d);
	if (err)
		return err;
	/* A 32-bit payload must lie below 4 GiB (kb_load_payload checks). */
	build_freemap(0, ceiling_phys(kb_payload_ceiling(pi)));
	kb_info("free memory: %u range(s) after reservations", freemap.n);
	if (IS_ENABLED(CONFIG_LOG_MEMORY_MAP))
		kb_freemap_print(&freemap, "kaslrboot:   ", kb_printf);
	/* arm64 Image flags bit 3 clear: the kernel must sit as close to the
	 * start of DRAM as the rules allow, which rules out physical KASLR
	 * (the kernel still randomizes its virtual address from kaslr-seed). */
	if (kaslr_enabled && !pi->placement_anywhere)
		kb_info("plan: this Image asks to be placed near the start of DRAM (flags bit 3 clear): no physical randomization");
	if (!kaslr_enabled && ctr.kaslr_align != 0)
		kb_info("plan: KASLR off: the container's KASLR alignment (%" PRIu32
		       " KiB) does not apply; the fixed base keeps the format's alignment",
		       ctr.kaslr_align >> 10);
	choose(&req, &kplan, "kernel", kaslr_enabled && pi->placement_anywhere);
	/* What the planner checked and the copy writes: the image itself,
	 * not the text_offset bytes below it (arm64 booting.rst leaves
	 * those to the kernel, reserved or not). */
	err = kb_memmap_claim(&memmap, kplan.start, size, KB_REGION_PAYLOAD, "kernel", d);
	if (err)
		return err;
	*addr = kplan.start;
	return KB_OK;
}

#ifdef CONFIG_KARL
static struct kb_karl_sec karl_sec[CONFIG_KARL_MAX_SECTIONS];
static uint32_t karl_order[CONFIG_KARL_MAX_SECTIONS];

/*
 * 5 (KARL, docs/karl.md).  The full ELF is staged in RAM (read from flash
 * once, SHA-256 verified there) and parsed by karl.c; its window is
 * chosen by the same planner and claimed under the same rule as every
 * other, sized by a bound known before the layout is drawn (the link-time
 * span + every function's largest gap and alignment padding + the tail's
 * alignment); the window's offset from the link base is the bias.  The
 * layout (the DRBG's unbiased draw; nokaslr: none: the link-time layout, at the link address when that is free)
 * is applied straight into the window: every relocation validated before
 * a byte is written, the image zeroed around the sections (BSS).
 */
static void load_karl(void)
{
	const struct kb_container_part *pp = &ctr.part[KB_PART_PAYLOAD];
	kb_phys_t stage;
	uint64_t maxalign = 4096, bound, bias = 0, entry, span, q, t0, t1, t2;
	struct kb_slot_req req;
	struct kb_karl k;
	struct kb_diag d;
	unsigned int e = 0;
	int err;

	kb_diag_clear(&d);
	err = place(NULL, KB_LOAD_STAGING, NULL, pp->size, &stage, &d);
	if (!err)
		err = kb_load_part(cflash, &ctr, KB_PART_PAYLOAD, NULL, 0,
				   (void *)(uintptr_t)stage, &d);
	if (!err)
		err = kb_karl_parse(&k, (const void *)(uintptr_t)stage, (size_t)pp->size,
				    karl_sec, karl_order, CONFIG_KARL_MAX_SECTIONS, &d);
	if (!err && k.machine != KB_ARCH_MACHINE)
		err = kb_diag_set(&d, KB_ENOTSUP,
				  "karl: the payload is for machine %u (%s), this loader boots machine %u",
				  (unsigned int)k.machine, k.machine == KB_EM_AARCH64 ? "AArch64" : "RISC-V",
				  (unsigned int)KB_ARCH_MACHINE);
	if (!err && (k.elf32 ? 32u : 64u) != KB_ARCH_XLEN)
		err = kb_diag_set(&d, KB_ENOTSUP, "karl: the payload is ELF%u, this loader boots %u-bit payloads",
				  k.elf32 ? 32u : 64u, (unsigned int)KB_ARCH_XLEN);
	if (err)
		fatal(err, &d);
	entry = k.entry;	/* e_entry, of the payload's class */
	for (unsigned int i = 1; i < k.nsec; i++) {
		const struct kb_karl_sec *s = &k.sec[i];

		if (s->kind == KB_KARL_OTHER)
			continue;
		if (s->align > maxalign)
			maxalign = s->align;
		if (!s->nobits && entry >= s->old_addr && entry - s->old_addr < s->size)
			e = i;
	}
	if (e == 0)
		fatal_msg(KB_EINVAL, "karl: the entry point lies in no loaded section");
	span = k.link_end - k.link_base;
	if (span > (UINT64_C(1) << 40))
		fatal_msg(KB_ERANGE, "karl: the payload spans more than 1 TiB");
	if (k.link_base % maxalign)
		fatal_msg(KB_EALIGN, "karl: the link base is not a multiple of the largest section alignment (and of 4 KiB)");
	/* The most any layout can take (karl.c: the link span, each moving
	 * section's alignment padding and gap, the largest alignment). */
	bound = kb_karl_max_footprint(&k, CONFIG_KARL_MAX_GAP);
	if (bound == UINT64_MAX)
		fatal_msg(KB_ERANGE, "karl: the payload and its gaps do not fit in the address space");

	/* The same planner and claim as every window; never below the link
	 * base (the bias is an unsigned offset). */
	req = (struct kb_slot_req){ .size = phys(bound, "karl: footprint"),
				    .align = phys(maxalign, "karl: alignment") };
	err = kb_slot_req_check(&req, &d);
	if (err)
		fatal(err, &d);
	build_freemap(phys(k.link_base, "karl: link base"), ceiling_phys(UINTPTR_MAX));
	kb_info("free memory: %u range(s) after reservations, from the link base 0x%" PRIx64,
		freemap.n, k.link_base);
	/* nokaslr: the lowest slot from the link base, which is the link
	 * address itself when that is free. */
	choose(&req, &kplan, "kernel (KARL bound)", kaslr_enabled);
	bias = kplan.start - k.link_base;
	claim(kplan.start, req.size, KB_REGION_PAYLOAD, "kernel (KARL)");
	t0 = kb_arch_instret();
	err = kb_karl_layout(&k, CONFIG_KARL_MAX_GAP, bias,
			     kaslr_enabled ? drbg_uniform : NULL, &d, &d);
	t1 = kb_arch_instret();
	if (!err && (k.new_base != kplan.start || k.new_end - k.new_base > bound))
		err = kb_diag_set(&d, KB_EINVAL, "karl: the layout left its window");
	if (!err)
		err = kb_karl_apply(&k, (void *)(uintptr_t)kplan.start, bound, &d);
	t2 = kb_arch_instret();
	if (err)
		fatal(err, &d);
	/* The cost of KARL itself (CONFIG_BENCH, scripts/bench.sh): the
	 * layout (the draws), and the apply (validation pass over every
	 * relocation, the image zeroed and copied, the writing pass). */
	if (IS_ENABLED(CONFIG_BENCH) && k.nrela)
		kb_log("bench: karl: layout of %u sections took %" PRIu64 " instructions; apply of %" PRIu64
		       " relocations (validate all, zero and copy %" PRIu64 " bytes, write all) took %" PRIu64
		       " instructions: %" PRIu64 ".%02" PRIu64 " per relocation",
		       k.nmove + k.ndata, t1 - t0, k.nrela, k.new_end - k.new_base, t2 - t1,
		       (t2 - t1) / k.nrela, ((t2 - t1) % k.nrela) * 100 / k.nrela);
	kernel_start = kplan.start;
	memset(&payload, 0, sizeof(payload));
	payload.type = KB_PAYLOAD_KARL;
	payload.machine = KB_ARCH_MACHINE;
	payload.xlen = k.elf32 ? 32 : 64;
	payload.footprint = k.new_end - k.new_base;
#ifdef CONFIG_RISCV_PMP_LOCK
	/* The M-mode boards lock the payload with PMP (step 7a) from its
	 * segments: here the ranges of the layout just produced, text R+X
	 * over the startup code, the shuffled functions and the zeroed gaps
	 * between them (zeros: an illegal instruction), rodata R, data R+W. */
	{
		struct kb_karl_range r[3];
		unsigned int nr;

		_Static_assert(KB_KARL_R == KB_PF_R && KB_KARL_W == KB_PF_W && KB_KARL_X == KB_PF_X,
			       "karl.h's permissions are ELF p_flags, as struct kb_segment keeps them");
		_Static_assert(sizeof(r) / sizeof(r[0]) <= KB_MAX_SEGMENTS,
			       "KARL's three lock ranges need CONFIG_PAYLOAD_MAX_SEGMENTS >= 3");
		err = kb_karl_ranges(&k, r, &nr, &d);
		if (err)
			fatal(err, &d);
		for (unsigned int i = 0; i < nr; i++) {
			payload.seg[i].dst_off = r[i].start - kernel_start;
			payload.seg[i].memsz = r[i].end - r[i].start;
			payload.seg[i].flags = r[i].perm;
		}
		payload.nseg = nr;
	}
#endif
	payload.entry_off = k.sec[e].new_addr + (entry - k.sec[e].old_addr) - kernel_start;
	kb_arch_sync_icache(kernel_start, payload.footprint);
	q = kb_karl_entropy_q16(&k, CONFIG_KARL_MAX_GAP);
	if (kaslr_enabled)
		kb_log("karl: %u functions, %u data objects shuffled, gaps up to %u B: %" PRIu64
		       ".%02" PRIu64 " bits of layout entropy (%" PRIu64 " relocations)",
		       k.nmove, k.ndata, (unsigned int)CONFIG_KARL_MAX_GAP, q >> 16,
		       ((q & 0xffff) * 100) >> 16, k.nrela);
	else
		kb_log("karl: nokaslr: %u functions, %u data objects at their link addresses (%" PRIu64
		       " relocations)", k.nmove, k.ndata, k.nrela);
	kb_info("load: KARL payload at 0x%" PRIxPHYS "-0x%" PRIx64 " (bias 0x%" PRIx64
		"), %" PRIuPHYS " bytes read from flash once, SHA-256 verified in RAM, every relocation re-applied, entry 0x%" PRIxPHYS,
		kernel_start, k.new_end, bias, pp->size, kernel_start + payload.entry_off);
}
#endif

/* 5. The payload placed, read from flash once, verified, relocated; then
 * the initrd. */
static void step_load(void)
{
	uint64_t t0, t1;
	struct kb_diag d;
	char fp[24];
	int err;

	kb_diag_clear(&d);
#ifdef CONFIG_KARL
	if (ctr.type == KB_PAYLOAD_KARL) {
		load_karl();
		goto initrd;
	}
#endif
	t0 = kb_arch_instret();
	err = kb_load_payload(cflash, &ctr, KB_ARCH_MACHINE, KB_ARCH_XLEN,
			      CONFIG_PAYLOAD_MIN_ALIGN, place, NULL, &payload,
			      &kernel_start, &d);
	t1 = kb_arch_instret();
	if (err)
		fatal(err, &d);
	kb_info("payload: %s, %" PRIuPHYS " bytes, footprint %s, read from flash once, SHA-256 verified in RAM",
	       type_name(payload.type), ctr.part[KB_PART_PAYLOAD].size,
	       kb_size_str(payload.footprint, fp, sizeof(fp)));
	err = kb_reloc_apply(&payload, (void *)(uintptr_t)kernel_start, kernel_start, &d);
	if (err)
		fatal(err, &d);
	kb_arch_sync_icache(kernel_start, payload.footprint);
	kb_info("load: kernel at 0x%" PRIxPHYS ", relocated, entry 0x%" PRIxPHYS,
	       kernel_start, kernel_start + payload.entry_off);
	if (IS_ENABLED(CONFIG_BENCH)) {
		kb_bench_load = t1 - t0;
		kb_log("bench: load of %" PRIuPHYS " payload bytes (footprint %" PRIuPHYS
		       ") took %" PRIu64 " instructions (flash read, SHA-256, copy, BSS)",
		       ctr.part[KB_PART_PAYLOAD].size, payload.footprint, kb_bench_load);
	}

#ifdef CONFIG_KARL
initrd:
#endif
	if (have_part(KB_PART_INITRD)) {
		struct kb_slot_req ireq = {
			.size = phys(ctr.part[KB_PART_INITRD].size, "initrd: size"),
			.align = CONFIG_INITRD_ALIGN,
		};
		struct kb_plan ip;
		uint64_t floor, ceiling;

		/* The format's rule (arm64: within 32 GiB of the kernel); the
		 * kernel's window is claimed, so not there. */
		kb_payload_initrd_window(&payload, kernel_start, &floor, &ceiling);
		build_freemap(phys(floor, "initrd: floor"), ceiling_phys(ceiling));
		choose(&ireq, &ip, "initrd", kaslr_enabled);
		claim(ip.start, ireq.size, KB_REGION_INITRD, "initrd");
		err = kb_load_part(cflash, &ctr, KB_PART_INITRD, NULL, 0,
				   (void *)(uintptr_t)ip.start, &d);
		if (err)
			fatal(err, &d);
		initrd_start = ip.start;
		/* The kernel reads it with its caches off. */
		kb_arch_clean_dcache(initrd_start, ireq.size);
		kb_info("load: initrd at 0x%" PRIxPHYS "-0x%" PRIxPHYS ", read from flash once, SHA-256 verified in RAM",
		       initrd_start, initrd_start + ireq.size);
	}
}

#ifdef CONFIG_HANDOFF_BOOTINFO
/* 6 (the boot-info handoff).  Fresh seeds, where the payload runs, the
 * bootargs, the slot: the block written in the room step 4 claimed. */
static void step_chosen(const void *orig)
{
	uint8_t seed[CONFIG_RNG_SEED_SIZE];
	struct kb_bootinfo_args a = {
		.payload_base = kernel_start, .payload_size = payload.footprint,
		.dtb = dtb_addr,
	};
	struct kb_diag d;
	size_t len;
	int err;

	kb_diag_clear(&d);
	/* Independent of the placement draw; 0 means "no seed". */
	while (kaslr_enabled && a.kaslr_seed == 0) {
		err = kb_drbg_random(&a.kaslr_seed, sizeof(a.kaslr_seed), &d);
		if (err)
			fatal(err, &d);
	}
	if (kb_drbg_ready()) {
		err = kb_drbg_random(seed, sizeof(seed), &d);
		if (err)
			fatal(err, &d);
		a.rng_seed = seed;
		a.rng_seed_len = sizeof(seed);
	}
	a.bootargs = effective_bootargs(orig, &len);
	a.bootargs_len = a.bootargs ? strlen(a.bootargs) : 0;
#ifdef CONFIG_PAYLOAD_SLOTS
	a.slot = slot_booted->name;
	a.image_version = ctr.image_version;
#endif
	err = kb_bootinfo_build((void *)(uintptr_t)bootinfo_addr, bootinfo_room, &a, &d);
	mbedtls_platform_zeroize(seed, sizeof(seed));
	mbedtls_platform_zeroize(&a.kaslr_seed, sizeof(a.kaslr_seed));
	if (err)
		fatal(err, &d);
	kb_info("boot-info: %s, rng-seed %s%s",
		kaslr_enabled ? "kaslr-seed written" : "no kaslr-seed (KASLR off)",
		kb_drbg_ready() ? "written (" KB_STR(CONFIG_RNG_SEED_SIZE) " bytes)" : "absent (no entropy)",
		a.bootargs ? ", bootargs" : "");
}
#else
/* 6. /chosen: fresh seeds, the container's bootargs, the initrd; in the
 * room step 4 claimed (in place, or a copy of the tree). */
static void step_chosen(const void *orig)
{
	uint8_t seed[CONFIG_RNG_SEED_SIZE];
	void *fdt = (void *)(uintptr_t)dtb_addr;
	bool removed_bootargs = false;
	uint64_t kseed = 0;
	struct kb_diag d;
	int chosen, err, len;

	kb_diag_clear(&d);
	err = fdt_open_into(orig, fdt, (int)dtb_room);
	if (err)
		goto fdt_fail;
	chosen = chosen_node;
	/* Still /chosen in the copy (see chosen_node): a cheap check. */
	if (chosen >= 0 && strcmp(fdt_get_name(fdt, chosen, NULL) ?: "", "chosen") != 0)
		chosen = -FDT_ERR_INTERNAL;
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
	if (have_part(KB_PART_BOOTARGS)) {
		/* The verified RAM copy, never the flash. */
		err = fdt_setprop_string(fdt, chosen, "bootargs", ctr_bootargs);
		if (err)
			goto fdt_fail;
	} else if (bootargs(fdt, chosen, &len) == NULL &&
		   fdt_getprop(fdt, chosen, "bootargs", &len) != NULL) {
		/* Not a string: the loader ignored it (nokaslr was not looked
		 * for in it), so the kernel must not get it either. */
		err = fdt_delprop(fdt, chosen, "bootargs");
		if (err)
			goto fdt_fail;
		removed_bootargs = true;
	}
#ifdef CONFIG_PAYLOAD_SLOTS
	/* Which slot runs, for an updater: it writes the other. */
	err = fdt_setprop_string(fdt, chosen, "kaslrboot,slot", slot_booted->name);
	if (!err)
		err = fdt_setprop_u64(fdt, chosen, "kaslrboot,image-version", ctr.image_version);
	if (err)
		goto fdt_fail;
#endif
	if (have_part(KB_PART_INITRD)) {
		err = fdt_setprop_u64(fdt, chosen, "linux,initrd-start", initrd_start);
		if (!err)
			err = fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					      initrd_start + ctr.part[KB_PART_INITRD].size);
		if (err)
			goto fdt_fail;
	}
	err = fdt_pack(fdt);
	if (err)
		goto fdt_fail;
	/* Still within the boot protocol's limit (arm64: 2 MiB). */
	if (fdt_totalsize(fdt) > CONFIG_DTB_MAX_SIZE)
		fatal_msg(KB_ERANGE, "chosen: the device tree grew past CONFIG_DTB_MAX_SIZE");
#ifdef CONFIG_SBI_PAYLOAD
	/* OpenSBI grows the tree in place (its reserved-memory node, cpu
	 * fixups): that room is claimed and must be left. */
	if (sbi_base != 0 && dtb_room - fdt_totalsize(fdt) < KB_SBI_FDT_SLACK)
		fatal_msg(KB_ERANGE, "chosen: less than 4 KiB left behind the device tree for OpenSBI's fixups (raise CONFIG_DTB_GROWTH)");
#endif
	/* Final: the kernel reads it with its caches off. */
	kb_arch_clean_dcache(dtb_addr, fdt_totalsize(fdt));
	kb_info("chosen: %s, rng-seed %s%s%s%s",
	       kaslr_enabled ? "kaslr-seed written" : "no kaslr-seed (KASLR off)",
	       kb_drbg_ready() ? "written (" KB_STR(CONFIG_RNG_SEED_SIZE) " bytes)" : "removed (no entropy)",
	       have_part(KB_PART_BOOTARGS) ? ", bootargs from the container" : "",
	       removed_bootargs ? ", malformed bootargs removed" : "",
	       have_part(KB_PART_INITRD) ? ", initrd" : "");
	return;
fdt_fail:
	kb_diag_set(&d, KB_EFDT, "chosen: cannot update the device tree: %s",
		    fdt_strerror(err));
	fatal(KB_EFDT, &d);
}
#endif

#ifdef CONFIG_SEED_CARRY
/* 6b. The next boot's seed: fresh DRBG output, written over the sector
 * (erase, program, read back), wiped from RAM.  Policy on failure:
 * Kconfig; with no TRNG this boot (seed only) always halt, or the next
 * boot would repeat this one. */
static void step_seed_write(void)
{
	uint8_t seed[KB_SEEDFILE_SEED_LEN], rec[KB_SEEDFILE_SIZE];
	uint64_t gen = carried_ok ? carried_gen + 1 : 1, t0;
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	if (!kb_drbg_ready())
		return;		/* INSECURE no-KASLR boot: nothing to draw from */
	err = kb_drbg_random(seed, sizeof(seed), &d);
	if (err)
		fatal(err, &d);
	kb_seedfile_build(rec, seed, gen);
	mbedtls_platform_zeroize(seed, sizeof(seed));
	t0 = IS_ENABLED(CONFIG_BENCH) ? kb_arch_instret() : 0;
	err = kb_flash_rewrite(CONFIG_SEED_SECTOR_ADDR, CONFIG_SEED_SECTOR_SIZE,
			       rec, sizeof(rec), &d);
	mbedtls_platform_zeroize(rec, sizeof(rec));
	if (IS_ENABLED(CONFIG_BENCH))
		kb_log("bench: seed sector rewrite (erase, program %u bytes, read back): %" PRIu64 " instructions",
		       (unsigned int)sizeof(rec), kb_arch_instret() - t0);
	if (!err) {
		kb_log("seed: the next boot's seed is written at 0x%lx (generation %" PRIu64 "), read back and verified",
		       (unsigned long)CONFIG_SEED_SECTOR_ADDR, gen);
		return;
	}
	if (IS_ENABLED(CONFIG_SEED_WRITE_FAIL_HALT) || seed_only)
		fatal(err, &d);
	kb_error("%s", d.msg);
	kb_log("seed: the next boot's seed was NOT written; it will read the old one again (the TRNG still seeds it)");
}
#else
static void step_seed_write(void)
{
}
#endif

#ifdef CONFIG_RISCV_PMP_LOCK
/*
 * 7a. An M-mode payload (an ELF firmware, no SBI part) is made immutable
 * before its first instruction (docs/pmp.md): locked PMP entries from its
 * program headers, text r-x, rodata and PT_GNU_RELRO r--, everything else
 * rw- without execute.  All entries but the last are locked here; the
 * handoff stub locks the last one after the wipe, and the hart enters the
 * payload through the fault that follows.  Nothing writes the payload's
 * text or rodata after this.
 */
static void step_pmp_lock(uintptr_t entry, struct kb_pmp_handoff *h)
{
	struct kb_pmp_seg segs[KB_PMP_MAX_SEGS];
	struct kb_pmp_entry e[CONFIG_RISCV_PMP_ENTRIES];
	struct kb_pmp_params p;
	size_t n = 0, ne = 0;
	struct kb_diag d;
	int err;

	kb_diag_clear(&d);
	err = kb_arch_pmp_probe(&p, &d);
	if (!err) {
		p.background = KB_PMP_DATA;
		err = kb_pmp_payload_segs(&payload, kernel_start, p.g, segs,
					  KB_PMP_MAX_SEGS - 1, &n, &d);
	}
#ifdef CONFIG_HANDOFF_BOOTINFO
	/* The block is the payload's data (R+W, no X: the catch-all's, no
	 * entry of its own); as a segment, a block that shared a granule
	 * with locked text or rodata is refused as an overlap. */
	if (!err) {
		kb_phys_t gm = ((kb_phys_t)4 << p.g) - 1;

		segs[n++] = (struct kb_pmp_seg){
			.start = bootinfo_addr & ~gm,
			.size = ((bootinfo_addr + bootinfo_room + gm) & ~gm) - (bootinfo_addr & ~gm),
			.perm = KB_PMP_DATA, .name = "boot-info",
		};
	}
#endif
	if (!err)
		err = kb_pmp_plan(segs, n, &p, e, &ne, &d);
	if (!err)
		err = kb_arch_pmp_apply(e, (unsigned int)ne, entry, h, &d);
	if (err)
		fatal(err, &d);
	for (size_t i = 0; i < n; i++)
		kb_info("pmp: %-6s 0x%" PRIxPHYS "-0x%" PRIxPHYS " %s", segs[i].name,
			segs[i].start, segs[i].start + segs[i].size - 1,
			kb_pmp_perm_str(segs[i].perm));
	kb_log("pmp: payload locked with %u of %u entries (G=%u), everything else %s; the last lock is set by the handoff",
	       (unsigned int)ne, p.nr_entries, p.g, kb_pmp_perm_str(KB_PMP_DATA));
}
#endif

/*
 * The stack guard: KB_STACK_GUARD bytes of a pattern at the bottom of the
 * stack, set first thing in kb_main() and checked just before the
 * handoff.  The stack grows down into .bss: an overflow would corrupt the
 * loader's tables (it once replaced the hart id handed to the payload)
 * before anything noticed.  A broken guard stops the boot instead.  Best
 * effort: a frame that crosses the bottom without writing any of these
 * bytes (a large buffer only partly used) is not seen, which is why the
 * guard is larger than any buffer the loader puts on its stack and may
 * write only in part: the console's line and the message decoder's
 * (256 bytes each; neither is in a CONFIG_LOG_DICTIONARY build), a
 * struct kb_diag (KB_DIAG_LEN, 160), the ELF parser's tag table (152 or
 * 304, zeroed first anyway); the container header's copy (512) and the
 * entropy figure's limbs (408, 808) are zeroed whole first.  The PMP
 * step's arrays (RISC-V M-mode, step_pmp_lock) are larger than either
 * guard, so such a build keeps 512.  So: 256 bytes in a dictionary build
 * without PMP locking (qemu-microbit), 512 otherwise.  The stack sizes
 * come from make bench's high-water mark (CONFIG_BENCH), measured here at
 * the very end of the boot.
 */
#if defined(KB_MSG_DICT) && !defined(CONFIG_RISCV_PMP_LOCK)
#define KB_STACK_GUARD	256
#else
#define KB_STACK_GUARD	512
#endif

static uint8_t guard_byte(unsigned int i)
{
	return (uint8_t)(0xc3 ^ (i * 0x1d));
}

static void stack_guard_set(void)
{
	for (unsigned int i = 0; i < KB_STACK_GUARD; i++)
		__stack_bottom[i] = (char)guard_byte(i);
}

static void stack_guard_check(void)
{
	for (unsigned int i = 0; i < KB_STACK_GUARD; i++)
		if ((uint8_t)__stack_bottom[i] != guard_byte(i))
			fatal_msg(KB_EFAIL, "loader: stack overflow (the guard at the bottom of the stack was overwritten): raise CONFIG_STACK_SIZE");
	if (IS_ENABLED(CONFIG_BENCH) &&
	    (IS_ENABLED(CONFIG_ARCH_RISCV) || IS_ENABLED(CONFIG_ARCH_ARM_M))) {
		/* entry.S filled the stack with 0x5a (bench builds): the
		 * deepest use of the whole boot, measured at its end. */
		const char *p = __stack_bottom + KB_STACK_GUARD;

		while (p < __stack_top && *p == 0x5a)
			p++;
		kb_log("bench: stack: %u of %u bytes used (CONFIG_STACK_SIZE; its bottom %u bytes are the guard)",
		       (unsigned int)(__stack_top - p),
		       (unsigned int)(__stack_top - __stack_bottom),
		       (unsigned int)KB_STACK_GUARD);
	}
}

/* 7. Wipe secrets and hand off; the stub trashes the rest of the loader. */
static void __attribute__((noreturn)) step_handoff(const struct kb_boot_info *bi)
{
	uintptr_t entry = (uintptr_t)(kernel_start + payload.entry_off);
#ifdef CONFIG_HANDOFF_BOOTINFO
#ifdef CONFIG_RISCV_M_MODE
	/* a1: the tree as handed over (the DTB contract's register), a2:
	 * the block (docs/bootinfo.md). */
	uintptr_t arg = (uintptr_t)dtb_addr;
#define HANDOFF_ARG_NAME "dtb"
	kb_riscv_release(0, arg, bootinfo_addr, 0, 0);
#else
	uintptr_t arg = (uintptr_t)bootinfo_addr;	/* r0: the boot-info block */
#define HANDOFF_ARG_NAME "boot-info"
#endif
#else
	uintptr_t arg = (uintptr_t)dtb_addr;		/* a1 / x0 / r0: the tree */
#define HANDOFF_ARG_NAME "dtb"
#endif

#ifdef CONFIG_ARCH_ARM_M
	{
		/* MSP and entry from the payload's own vector table. */
		struct kb_diag d;

		kb_diag_clear(&d);
		if (kb_arm_m_check_vectors(kernel_start, payload.footprint, entry, &d))
			fatal(KB_EINVAL, &d);
	}
#endif
	if (kaslr_enabled)
		kb_log("KASLR: on");
	else
		kb_log("KASLR: OFF (%s)", kaslr_off_reason);
	if (IS_ENABLED(CONFIG_BENCH)) {
		uint64_t prev = kb_instret_at_entry;

		kb_log("bench: %" PRIu64 " instructions from entry to handoff, %" PRIu64
		       " of them loading the payload", kb_arch_instret() - kb_instret_at_entry,
		       kb_bench_load);
		/* Per step: where the fixed part goes. */
		kb_printf("kaslrboot: bench: steps (instructions):");
		for (unsigned int i = 0; i < 7; i++) {
			kb_printf(" %u:%" PRIu64, i, bench_mark[i] - prev);
			prev = bench_mark[i];
		}
		kb_printf("\n");
	}
#ifdef CONFIG_SBI_PAYLOAD
	if (sbi_base != 0) {
		struct kb_diag d;

		/* By construction the kernel's window is outside OpenSBI's;
		 * OpenSBI would hang without a word if it were not. */
		kb_diag_clear(&d);
		if (kb_sbi_check_next(sbi_base, sbi_window, entry, &d))
			fatal(KB_EINVAL, &d);
		kb_fw_dynamic_info_fill(&kb_riscv_fw_dynamic_info, entry, bi->hartid,
					IS_ENABLED(CONFIG_SBI_NO_BOOT_PRINTS) ? KB_FW_DYNAMIC_OPT_NO_PRINTS : 0);
		/* Every hart enters OpenSBI with the same a1 and a2; the
		 * others are released by the handoff stub, this one last. */
		kb_riscv_release(sbi_nharts > 1 ? (uintptr_t)sbi_base : 0, (uintptr_t)dtb_addr,
				 (uintptr_t)&kb_riscv_fw_dynamic_info, (uintptr_t)sbi_msip, sbi_nharts);
		kb_log("handoff: OpenSBI at 0x%" PRIx64 " in M-mode, fw_dynamic_info at 0x%lx: next_addr 0x%lx (the kernel), S-mode, boot hart %lu%s; %" PRIu32 " other hart(s) released into it",
		       sbi_base, (unsigned long)(uintptr_t)&kb_riscv_fw_dynamic_info,
		       (unsigned long)entry, bi->hartid,
		       IS_ENABLED(CONFIG_SBI_NO_BOOT_PRINTS) ? ", no boot prints" : "",
		       sbi_nharts > 1 ? sbi_nharts - 1 : 0);
		entry = (uintptr_t)sbi_base;
	}
#endif
#ifdef CONFIG_RISCV_PMP_LOCK
	struct kb_pmp_handoff h = { 0, 0 };

	/* Payload B only: OpenSBI (Payload A) programs the PMP itself. */
	if (entry == (uintptr_t)(kernel_start + payload.entry_off))
		step_pmp_lock(entry, &h);
#elif defined(CONFIG_RISCV_M_MODE)
	kb_log("WARNING: INSECURE build (CONFIG_RISCV_PMP_LOCK=n): the M-mode payload runs with no PMP lock, every byte writable and executable");
#endif
	kb_log("handoff: jumping to 0x%lx (hart %lu, " HANDOFF_ARG_NAME " 0x%lx); the loader wipes itself but %u bytes",
	       (unsigned long)entry, bi->hartid, (unsigned long)arg,
	       (unsigned int)(__handoff_end - __handoff_start));
	stack_guard_check();
	kb_entropy_finish();
	kb_drbg_wipe();
#ifdef CONFIG_RISCV_PMP_LOCK
	if (h.lock_mask)
		kb_arch_handoff_locked(entry, bi->hartid, (uintptr_t)dtb_addr,
				       h.lock_mask, h.cfg_csr);
#endif
	kb_arch_handoff(entry, bi->hartid, arg);
}

void kb_main(const struct kb_boot_info *bi)
{
	const void *fdt;

	stack_guard_set();
	fdt = step_device_tree(bi);		/* 0 */
	STEP_DONE(0);
	step_entropy(bi, fdt);			/* 1 */
	STEP_DONE(1);
	step_memory_map(bi, fdt);		/* 2 */
	STEP_DONE(2);
	step_slots();				/* 3 (two slots) */
	step_container(fdt);			/* 3 */
	STEP_DONE(3);
	step_dtb_room(bi, fdt);			/* 4 */
	STEP_DONE(4);
	step_sbi(fdt);				/* 4b (Payload A) */
	step_load();				/* 5 */
	STEP_DONE(5);
	step_chosen(fdt);			/* 6 */
	step_seed_write();			/* 6b (CONFIG_SEED_CARRY) */
	STEP_DONE(6);
	step_handoff(bi);			/* 7 */
}
