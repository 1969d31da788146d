// SPDX-License-Identifier: BSD-2-Clause
/*
 * Payload A: OpenSBI's window, the hart discovery and fw_dynamic_info
 * (see <kaslrboot/fwdyn.h>, docs/m-mode.md).  Pure: no hardware access;
 * builds for the host (tests/host/test_fwdyn.c).
 */
/* stdio.h first: newlib's inttypes.h under -ffreestanding only defines
 * PRIx64 once its own sys/types.h has been seen. */
#include <stdio.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/fwdyn.h>

static const char *const mswi_compat[] = {
	"riscv,aclint-mswi", "sifive,clint0", "riscv,clint0",
};

/* Is node compatible with any of the MSWI/CLINT strings? */
static int is_mswi(const void *fdt, int node)
{
	for (unsigned int i = 0; i < sizeof(mswi_compat) / sizeof(mswi_compat[0]); i++)
		if (fdt_node_check_compatible(fdt, node, mswi_compat[i]) == 0)
			return 1;
	return 0;
}

int kb_fdt_riscv_harts(const void *fdt, uint32_t *nharts, uint64_t *msip,
		       struct kb_diag *d)
{
	int cpus, node, ac, len, nmswi = 0;
	uint64_t top = 0, size;
	int ncpu = 0;

	*nharts = 0;
	*msip = 0;
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return kb_diag_set(d, KB_ENOENT, "dtb: no /cpus node");
	ac = fdt_address_cells(fdt, cpus);
	if (ac != 1 && ac != 2)
		return kb_diag_set(d, KB_EINVAL, "dtb: /cpus has #address-cells %d (want 1 or 2)", ac);
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		const void *reg;
		uint64_t id;

		/* OpenSBI counts the same nodes (device_type "cpu"). */
		if (type == NULL || len != 4 || memcmp(type, "cpu", 4) != 0)
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (reg == NULL || len < 4 * ac)
			return kb_diag_set(d, KB_EINVAL, "dtb: cpu node %s has no hart id (reg)",
					   fdt_get_name(fdt, node, NULL));
		id = kb_fdt_read_cells(reg, (uint32_t)ac);
		if (id >= KB_SBI_MAX_HARTS)
			return kb_diag_set(d, KB_ERANGE, "dtb: hart id %" PRIu64 " of %s is above %u",
					   id, fdt_get_name(fdt, node, NULL), KB_SBI_MAX_HARTS - 1);
		if (id + 1 > top)
			top = id + 1;
		ncpu++;
	}
	if (ncpu == 0)
		return kb_diag_set(d, KB_ENOENT, "dtb: no cpu node under /cpus");
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		int err;

		if (!is_mswi(fdt, node))
			continue;
		if (++nmswi > 1)
			return kb_diag_set(d, KB_EINVAL,
					   "dtb: more than one CLINT/ACLINT MSWI node: releasing harts through several is not supported");
		err = kb_fdt_reg_cpu(fdt, node, 0, msip, &size, d);
		if (err)
			return err;
	}
	*nharts = (uint32_t)top;
	return KB_OK;
}

int kb_sbi_window(uint64_t sbi_size, uint64_t footprint, uint64_t hart_size,
		  uint32_t nharts, uint64_t *fw_size, uint64_t *window,
		  struct kb_diag *d)
{
	uint64_t need, w = KB_SBI_MIN_ALIGN;

	*fw_size = *window = 0;
	if (footprint == 0 || hart_size == 0 || sbi_size > footprint)
		return kb_diag_set(d, KB_EINVAL,
				   "sbi: footprint 0x%" PRIx64 " / per-hart 0x%" PRIx64
				   " cannot hold its 0x%" PRIx64 " bytes", footprint, hart_size, sbi_size);
	if (nharts == 0 || nharts > KB_SBI_MAX_HARTS)
		return kb_diag_set(d, KB_EINVAL, "sbi: %" PRIu32 " harts (1 to %u)",
				   nharts, KB_SBI_MAX_HARTS);
	/* The fields are 16-bit KiB counts and nharts <= 1024: below 2^37,
	 * so neither the product, the sum nor the doubling can wrap. */
	if (footprint > UINT64_C(1) << 40 || hart_size > UINT64_C(1) << 40)
		return kb_diag_set(d, KB_EINVAL, "sbi: footprint out of range");
	need = footprint + hart_size * nharts;
	while (w < need)
		w <<= 1;
	*fw_size = need;
	*window = w;
	return KB_OK;
}

int kb_sbi_check_next(uint64_t base, uint64_t window, uint64_t next_addr,
		      struct kb_diag *d)
{
	/* next_addr - base < window: inside, written so nothing wraps. */
	if (next_addr >= base && next_addr - base < window)
		return kb_diag_set(d, KB_EINVAL,
				   "sbi: the kernel entry 0x%" PRIx64 " lies inside OpenSBI's protected region 0x%" PRIx64
				   "-0x%" PRIx64 ": OpenSBI would hang", next_addr, base, base + window);
	return KB_OK;
}

void kb_fw_dynamic_info_fill(struct kb_fw_dynamic_info *info, uint64_t next_addr,
			     unsigned long boot_hart, unsigned long options)
{
	info->magic = KB_FW_DYNAMIC_MAGIC;
	info->version = KB_FW_DYNAMIC_VERSION;
	info->next_addr = (unsigned long)next_addr;
	info->next_mode = KB_FW_DYNAMIC_NEXT_MODE_S;
	info->options = options;
	info->boot_hart = boot_hart;
}
