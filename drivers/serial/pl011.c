// SPDX-License-Identifier: BSD-2-Clause
/*
 * ARM PrimeCell PL011 UART, output only.  The previous stage (or the
 * emulator) has configured and enabled the line; kaslrboot does not touch
 * the baud rate or the control register, so a board keeps whatever its
 * firmware set.  Registers are 32-bit (the binding has no reg-shift).
 */
#include <stdint.h>

#include <libfdt.h>

#include <kaslrboot/console.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>

#ifdef CONFIG_DT_DEVICES_AT_BUILD
#error "pl011: reads its node from the tree at boot; CONFIG_DT_DEVICES_AT_BUILD gives it none (tools/kbdtmap, docs/device-tree.md)"
#endif

#define UART01x_DR	0x00	/* data register */
#define UART01x_FR	0x18	/* flag register */
#define UART01x_FR_TXFF	0x20	/* transmit FIFO full */
#define UART01x_FR_BUSY	0x08

static void pl011_putc(const struct kb_console *con, char c)
{
	volatile uint32_t *fr = (volatile uint32_t *)(con->base + UART01x_FR);
	volatile uint32_t *dr = (volatile uint32_t *)(con->base + UART01x_DR);

	/* Bounded wait: a wedged UART must not hang the boot forever. */
	for (unsigned int i = 0; i < 1000000; i++)
		if (!(*fr & UART01x_FR_TXFF))
			break;
	*dr = (uint8_t)c;
}

static int pl011_probe(const void *fdt, int node, struct kb_console *con,
		       struct kb_diag *d)
{
	uint64_t addr, size;
	int err;

	err = kb_fdt_reg_cpu(fdt, node, 0, &addr, &size, d);
	if (err)
		return err;
	if (size != 0 && size < UART01x_FR + 4)
		return kb_diag_set(d, KB_EINVAL, "console: pl011 reg window too small");
	/* The registers must be addressable by this CPU. */
	if (addr > UINTPTR_MAX)
		return kb_diag_set(d, KB_ERANGE, "console: address beyond the CPU's reach");
	con->phys = addr;
	con->base = (uintptr_t)addr;
	con->reg_shift = 0;
	con->reg_width = 4;
	con->put_char = pl011_putc;
	return 0;
}

static const char *const pl011_compat[] = {
	"arm,pl011", "arm,sbsa-uart", NULL,
};

KB_SERIAL_DRIVER(pl011_driver) = {
	.name = "pl011",
	.compatible = pl011_compat,
	.probe = pl011_probe,
};
