// SPDX-License-Identifier: BSD-2-Clause
/*
 * PMP smoke test driver (tests/qemu/pmp_lock.sh): in M-mode under QEMU
 * virt -bios none, plan and lock the PMP for a payload (its 4 KiB text
 * page in flash R+X, a 12 KiB read-only page at 0x80200000 (a TOR
 * range), everything else R+W without X) with the loader's own code:
 * kb_arch_pmp_probe, kb_pmp_plan, kb_arch_pmp_apply and
 * kb_arch_handoff_locked.  The payload (payload.S) then reports what
 * traps.  One line per step on the ns16550.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/error.h>
#include <kaslrboot/pmp.h>
#include <kaslrboot/riscv.h>

void smoke_main(void);
extern char __payload_start[], __payload_end[];
extern void payload_entry(void);

#define UART ((volatile uint8_t *)0x10000000)
#define TEST ((volatile uint32_t *)0x100000)

static void put(const char *s)
{
	for (; *s; s++) {
		while (!(UART[5] & 0x20))
			;
		UART[0] = (uint8_t)*s;
	}
}

static void say(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(buf);
	put("\n");
}

static void __attribute__((noreturn)) stop(const char *what, int err, const struct kb_diag *d)
{
	say("pmp-smoke: %s failed: %s: %s", what, kb_strerror(err), d->msg);
	*TEST = 0x3333;		/* fail: exit code 1 */
	for (;;)
		;
}

void smoke_main(void)
{
	struct kb_pmp_seg segs[] = {
		{ (uintptr_t)__payload_start, (uintptr_t)(__payload_end - __payload_start),
		  KB_PMP_TEXT, "text" },
		{ 0x80200000, 0x3000, KB_PMP_RODATA, "rodata" },
	};
	struct kb_pmp_entry e[KB_PMP_MAX_ENTRIES];
	struct kb_pmp_params p;
	struct kb_pmp_handoff h;
	struct kb_diag d = { "" };
	size_t n;
	int err;

	say("pmp-smoke: rv%d M-mode, payload text 0x%lx..0x%lx", __riscv_xlen,
	    (unsigned long)__payload_start, (unsigned long)__payload_end);
	err = kb_arch_pmp_probe(&p, &d);
	if (err)
		stop("probe", err, &d);
	say("pmp-smoke: probe: %u entries, G=%u, %u pmpaddr bits", p.nr_entries, p.g, p.addr_bits);
	p.background = KB_PMP_DATA;
	err = kb_pmp_plan(segs, 2, &p, e, &n, &d);
	if (err)
		stop("plan", err, &d);
	for (size_t i = 0; i < n; i++)
		say("pmp-smoke: entry %u: cfg 0x%02x pmpaddr 0x%lx (%s)",
		    (unsigned int)i, e[i].cfg, e[i].addr, kb_pmp_perm_str(e[i].cfg));
	err = kb_arch_pmp_apply(e, (unsigned int)n, (uintptr_t)payload_entry, &h, &d);
	if (err)
		stop("apply", err, &d);
	say("pmp-smoke: applied and read back; lock mask 0x%lx in pmpcfg%u at handoff",
	    h.lock_mask, h.cfg_csr);
#ifdef SMOKE_CONTROL_NO_FINAL_LOCK
	/* The test's negative control: the catch-all never locked, so the
	 * loader's code in flash stays executable. */
	h.lock_mask = 0;
#endif
	kb_arch_handoff_locked((uintptr_t)payload_entry, 0, 0, h.lock_mask, h.cfg_csr);
}
