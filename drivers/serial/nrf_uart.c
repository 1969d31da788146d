// SPDX-License-Identifier: BSD-2-Clause
/*
 * Nordic nRF51/nRF52 UART ("nordic,nrf-uart"), output only, polled:
 * ENABLE = 4, TASKS_STARTTX, then per character TXD and a wait for
 * EVENTS_TXDRDY.  The pins and the baud rate are left as the board's
 * reset or boot ROM set them (QEMU's model needs neither).
 */
#include <stdint.h>

#include <libfdt.h>

#include <kaslrboot/console.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>

#define NRF_UART_TASKS_STARTTX	0x008
#define NRF_UART_EVENTS_TXDRDY	0x11c
#define NRF_UART_ENABLE		0x500
#define NRF_UART_TXD		0x51c
#define NRF_UART_ENABLE_ON	4

static inline void wr(uintptr_t base, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static inline uint32_t rd(uintptr_t base, unsigned int off)
{
	return *(volatile uint32_t *)(base + off);
}

static void nrf_uart_putc(const struct kb_console *con, char c)
{
	wr(con->base, NRF_UART_EVENTS_TXDRDY, 0);
	wr(con->base, NRF_UART_TXD, (uint8_t)c);
	/* Bounded wait: a wedged UART must not hang the boot forever. */
	for (unsigned int i = 0; i < 100000; i++)
		if (rd(con->base, NRF_UART_EVENTS_TXDRDY))
			break;
}

static int nrf_uart_setup(uint64_t addr, uint64_t size, struct kb_console *con,
			  struct kb_diag *d)
{
	if (size < NRF_UART_TXD + 4 || addr > UINTPTR_MAX - NRF_UART_TXD)
		return kb_diag_set(d, KB_EINVAL, "console: nordic,nrf-uart reg too small or out of reach");
	con->phys = addr;
	con->base = (uintptr_t)addr;
	con->reg_shift = 0;
	con->reg_width = 4;
	con->put_char = nrf_uart_putc;
	wr(con->base, NRF_UART_ENABLE, NRF_UART_ENABLE_ON);
	wr(con->base, NRF_UART_TASKS_STARTTX, 1);
	return 0;
}

#ifdef CONFIG_DT_DEVICES_AT_BUILD
/* The node's reg as read at build time (CONFIG_DT_DEVICES_AT_BUILD). */
static int nrf_uart_probe(const struct kb_dt_dev_build *dev, struct kb_console *con,
			  struct kb_diag *d)
{
	return nrf_uart_setup(dev->addr, dev->size, con, d);
}
#else
static int nrf_uart_probe(const void *fdt, int node, struct kb_console *con,
			  struct kb_diag *d)
{
	uint64_t addr, size;
	int err;

	err = kb_fdt_reg_cpu(fdt, node, 0, &addr, &size, d);
	if (err)
		return err;
	return nrf_uart_setup(addr, size, con, d);
}
#endif

static const char *const nrf_uart_compat[] = { "nordic,nrf-uart", NULL };

KB_SERIAL_DRIVER(nrf_uart_driver) = {
	.name = "nrf-uart",
	.compatible = nrf_uart_compat,
	.probe = nrf_uart_probe,
};
