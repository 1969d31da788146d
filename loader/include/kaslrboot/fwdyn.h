/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Payload A: OpenSBI (fw_dynamic) below an S-mode kernel, started by an
 * M-mode kaslrboot (pure: loader/lib/fwdyn.c; host-buildable; see
 * docs/m-mode.md).
 *
 * OpenSBI's fw_dynamic is entered on every hart in M-mode with a0 = hart
 * id, a1 = the device tree, a2 = &struct kb_fw_dynamic_info (the same a1
 * and a2 on every hart).  Debian's build is position-independent (FW_PIC):
 * it relocates itself wherever it is loaded and protects, with PMP, the
 * smallest naturally aligned power-of-two region that holds [load
 * address, load address + fw_size), fw_size being its image up to _fw_end
 * plus a stack (and, from 1.2 on, a heap share) per hart of the device
 * tree's /cpus.  If next_addr lies inside that region it hangs without a
 * word.
 */
#ifndef KASLRBOOT_FWDYN_H
#define KASLRBOOT_FWDYN_H

#include <stdint.h>

#include <kaslrboot/diag.h>

/* struct fw_dynamic_info (OpenSBI include/sbi/fw_dynamic.h), version 2:
 * XLEN-sized fields. */
#define KB_FW_DYNAMIC_MAGIC	0x4942534fUL	/* "OSBI" */
#define KB_FW_DYNAMIC_VERSION	2UL
#define KB_FW_DYNAMIC_NEXT_MODE_S	1UL
#define KB_FW_DYNAMIC_OPT_NO_PRINTS	1UL	/* options bit 0: no boot prints */
struct kb_fw_dynamic_info {
	unsigned long magic, version, next_addr, next_mode, options, boot_hart;
};

/* The alignment (and least size) of OpenSBI's window: its protected
 * region is at least this big for any real build (1.1 is 280 KiB + 8 KiB
 * per hart), and a base aligned to the window's size makes the region
 * exactly [base, base + 2^ceil(log2 fw_size)), inside the window. */
#define KB_SBI_MIN_ALIGN	(UINT64_C(512) << 10)
/* Hart ids the release mailbox and the sizing accept: 0..KB_SBI_MAX_HARTS-1. */
#define KB_SBI_MAX_HARTS	1024
/* Free bytes the device tree keeps behind it for OpenSBI's own fixups
 * (it grows the tree in place: a reserved-memory node for its region,
 * cpu and interrupt-controller edits). */
#define KB_SBI_FDT_SLACK	4096

/*
 * The harts the device tree describes, as OpenSBI and the release
 * mailbox count them: *nharts = the highest "reg" of a /cpus child with
 * device_type "cpu", plus one; *msip = the base of the (one) machine
 * software interrupt device: a node compatible with "riscv,aclint-mswi",
 * "sifive,clint0" or "riscv,clint0" (0 if there is none: then nothing can
 * wake other harts).  KB_ENOENT "dtb: no /cpus node" / "dtb: no cpu node
 * under /cpus", KB_EINVAL / KB_ERANGE for a cpu without a readable reg or
 * a hart id >= KB_SBI_MAX_HARTS, or more than one MSWI/CLINT node, with a
 * one-line diag.
 */
int kb_fdt_riscv_harts(const void *fdt, uint32_t *nharts, uint64_t *msip,
		       struct kb_diag *d);

/*
 * OpenSBI's memory for nharts harts: *fw_size = footprint + nharts *
 * hart_size (what it protects from its load address), *window = the
 * naturally aligned power of two the loader reserves and aligns it to:
 * fw_size rounded up to a power of two, at least KB_SBI_MIN_ALIGN.
 * KB_EINVAL if footprint or hart_size is 0 or nharts is 0 or above
 * KB_SBI_MAX_HARTS (the container and kb_fdt_riscv_harts() keep them in
 * range), or if sbi_size (the image's bytes) exceeds footprint.
 */
int kb_sbi_window(uint64_t sbi_size, uint64_t footprint, uint64_t hart_size,
		  uint32_t nharts, uint64_t *fw_size, uint64_t *window,
		  struct kb_diag *d);

/*
 * The check OpenSBI makes silently: next_addr must lie outside the region
 * it protects, [base, base + window) here (window >= that region).
 * KB_EINVAL "sbi: the kernel entry 0x... lies inside OpenSBI's protected
 * region 0x...-0x...: OpenSBI would hang" otherwise.
 */
int kb_sbi_check_next(uint64_t base, uint64_t window, uint64_t next_addr,
		      struct kb_diag *d);

/* Fill *info for entering next_addr in S-mode on boot_hart. */
void kb_fw_dynamic_info_fill(struct kb_fw_dynamic_info *info, uint64_t next_addr,
			     unsigned long boot_hart, unsigned long options);

#endif
