// SPDX-License-Identifier: BSD-2-Clause
/*
 * NS16550-compatible UART, output only.  The previous stage (or the
 * emulator) has configured the line; kaslrboot does not touch the divisor,
 * so a board keeps whatever baud rate its firmware set.
 */
#include <stdint.h>

#include <libfdt.h>

#include <kaslrboot/console.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>


#define UART_THR	0	/* transmit holding register */
#define UART_LSR	5	/* line status register */
#define UART_LSR_THRE	0x20	/* THR empty */

static uint32_t ns16550_read(const struct kb_console *con, unsigned int reg)
{
	uintptr_t a = con->base + ((uintptr_t)reg << con->reg_shift);

	if (con->reg_width == 4)
		return *(volatile uint32_t *)a;
	return *(volatile uint8_t *)a;
}

static void ns16550_write(const struct kb_console *con, unsigned int reg,
			  uint32_t val)
{
	uintptr_t a = con->base + ((uintptr_t)reg << con->reg_shift);

	if (con->reg_width == 4)
		*(volatile uint32_t *)a = val;
	else
		*(volatile uint8_t *)a = (uint8_t)val;
}

static void ns16550_putc(const struct kb_console *con, char c)
{
	/* Bounded wait: a wedged UART must not hang the boot forever. */
	for (unsigned int i = 0; i < 1000000; i++)
		if (ns16550_read(con, UART_LSR) & UART_LSR_THRE)
			break;
	ns16550_write(con, UART_THR, (uint8_t)c);
}

/* reg[0] translated, reg-shift and reg-io-width read (absent: the
 * binding's 0 and 1): the checks and the setup. */
static int ns16550_setup(uint64_t addr, uint32_t shift, uint32_t width,
			 struct kb_console *con, struct kb_diag *d)
{
	if (shift > 4)
		return kb_diag_set(d, KB_EINVAL, "console: bad reg-shift");
	if (width != 1 && width != 4)
		return kb_diag_set(d, KB_EINVAL, "console: bad reg-io-width");
	/* The registers must be addressable by this CPU. */
	if (addr > UINTPTR_MAX)
		return kb_diag_set(d, KB_ERANGE, "console: address beyond the CPU's reach");
	con->reg_shift = shift;
	con->reg_width = width;
	con->phys = addr;
	con->base = (uintptr_t)addr;
	con->put_char = ns16550_putc;
	return 0;
}

#ifdef CONFIG_DT_DEVICES_AT_BUILD
/* The node as read at build time (CONFIG_DT_DEVICES_AT_BUILD; a
 * property that is not one cell failed the build there). */
static int ns16550_probe(const struct kb_dt_dev_build *dev, struct kb_console *con,
			 struct kb_diag *d)
{
	return ns16550_setup(dev->addr,
			     dev->has & KB_DT_HAS_REG_SHIFT ? dev->reg_shift : 0,
			     dev->has & KB_DT_HAS_REG_IO_WIDTH ? dev->reg_io_width : 1,
			     con, d);
}
#else
static int read_u32_prop(const void *fdt, int node, const char *name,
			 uint32_t dflt, uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	/* Absent (NULL, negative len) means the binding's default. */
	if (p == NULL || len < 0) {
		*out = dflt;
		return 0;
	}
	if (len != 4)
		return -1;
	*out = fdt32_to_cpu(*p);
	return 0;
}

static int ns16550_probe(const void *fdt, int node, struct kb_console *con,
			 struct kb_diag *d)
{
	uint64_t addr, size;
	uint32_t shift, width;
	int err;

	err = kb_fdt_reg_cpu(fdt, node, 0, &addr, &size, d);
	if (err)
		return err;
	if (read_u32_prop(fdt, node, "reg-shift", 0, &shift))
		return kb_diag_set(d, KB_EINVAL, "console: bad reg-shift");
	if (read_u32_prop(fdt, node, "reg-io-width", 1, &width))
		return kb_diag_set(d, KB_EINVAL, "console: bad reg-io-width");
	return ns16550_setup(addr, shift, width, con, d);
}
#endif

static const char *const ns16550_compat[] = {
	"ns16550a", "ns16550", "ns16450", "ns8250", NULL,
};

KB_SERIAL_DRIVER(ns16550_driver) = {
	.name = "ns16550",
	.compatible = ns16550_compat,
	.probe = ns16550_probe,
};
