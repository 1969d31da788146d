// SPDX-License-Identifier: BSD-2-Clause
/*
 * kaslrboot boot flow.  Read top to bottom, this is what happens on every
 * boot; each step logs one line prefixed "kaslrboot:".
 *
 *   0. validate the device tree, find the console
 *   1. seed the CTR_DRBG from a health-tested TRNG         (entropy issue)
 *   2. build the memory map: memory nodes and every reservation
 *   3. choose a window for the kernel uniformly             (planner issue)
 *   4. copy and relocate the kernel                         (load issue)
 *   5. write kaslr-seed / rng-seed into /chosen             (load issue)
 *   6. wipe secrets, trash start-up code, hand off          (load issue)
 *
 * Until the later steps exist the loader powers off after step 2.
 * Every failure prints one "kaslrboot: error: ..." line and stops; nothing
 * that was not fully validated is ever jumped to.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

#include <libfdt.h>

#include <kaslrboot/arch.h>
#include <kaslrboot/console.h>
#include <kaslrboot/crypto.h>
#include <kaslrboot/error.h>
#include <kaslrboot/memmap.h>

#ifndef KB_VERSION
#define KB_VERSION "unknown"
#endif

static struct kb_region mem_table[CONFIG_MAX_MEM_REGIONS];
static struct kb_region resv_table[CONFIG_MAX_RESV_REGIONS];
static struct kb_memmap memmap;

/* Stop for good.  Nothing has been handed control, nothing will be. */
static void __attribute__((noreturn)) fatal(int err, const struct kb_diag *d)
{
	kb_error("%s", (d && d->msg[0]) ? d->msg : kb_strerror(err));
	kb_log("halted: nothing was booted");
	if (IS_ENABLED(CONFIG_POWEROFF_ON_HALT))
		kb_arch_poweroff();
	kb_arch_halt();
}

static void log_bootargs(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = NULL;
	int len = -1;

	if (chosen >= 0)
		args = fdt_getprop(fdt, chosen, "bootargs", &len);
	/* Check NULL and the length's sign before using it as a size, and
	 * never print a property that is not a terminated string. */
	if (args == NULL || len <= 0)
		kb_log("bootargs: (none)");
	else if (args[len - 1] != '\0')
		kb_log("bootargs: (not a terminated string, ignored)");
	else
		kb_log("bootargs: \"%s\"", args);
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

/* 1. Entropy.  For now: the DRBG's known-answer self-test; seeding from a
 * health-tested TRNG arrives with the entropy work. */
static void step_entropy(void)
{
	if (kb_crypto_selftest() != 0)
		fatal(KB_EFAIL, &(struct kb_diag){ "crypto: CTR_DRBG known-answer self-test failed" });
	kb_log("crypto: %s, AES-256 CTR_DRBG known-answer self-test passed",
	       kb_crypto_version());
}

void kb_main(const struct kb_boot_info *bi)
{
	const void *fdt;

	fdt = step_device_tree(bi);
	step_entropy();
	step_memory_map(bi, fdt);

	kb_log("no payload support yet: powering off");
	kb_arch_poweroff();
}
