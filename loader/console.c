// SPDX-License-Identifier: BSD-2-Clause
#include <stdarg.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/arch.h>
#include <kaslrboot/console.h>
#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/fmt.h>

extern const struct kb_serial_driver __kb_serial_drivers_start[];
extern const struct kb_serial_driver __kb_serial_drivers_end[];

static struct kb_console console;
static int console_ready;

const struct kb_console *kb_console_get(void)
{
	return console_ready ? &console : NULL;
}

static void kb_putc(char c)
{
	if (console_ready)
		console.put_char(&console, c);
	else
		kb_arch_early_putc(c);
}

static void kb_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			kb_putc('\r');
		kb_putc(*s);
	}
}

#ifdef KB_MSG_DICT
/* CONFIG_LOG_DICTIONARY: every format the loader prints is in the
 * dictionary (dict_record() below; the memory-map printers' too, and
 * mbedTLS's self-tests print nothing at verbose 0), so no formatter is
 * linked: a format from anywhere else is printed as written, its
 * directives not expanded (docs/size.md). */
static int kb_vprintf(const char *fmt, va_list ap)
{
	(void)ap;
	kb_puts(fmt);
	return 0;
}
#else
static int kb_vprintf(const char *fmt, va_list ap)
{
	char buf[256];
	KB_MSG_EXPAND(fmt);
	int n = kb_vsnprintf(buf, sizeof(buf), fmt, ap);

	kb_puts(buf);
	if (n >= (int)sizeof(buf))
		kb_puts("[...]");
	return n;
}
#endif

/* CONFIG_LOG_DICTIONARY: a format in the dictionary is printed as a
 * record (loader/lib/dict.c; its kind says which of the three printed it,
 * tools/kblog adds the prefix and the newline); any other one as text.
 * Returns whether it printed the record. */
static int dict_record(char kind, const char *fmt, va_list ap)
{
#ifdef KB_MSG_DICT
	if (kb_dict_is(fmt)) {
		kb_dict_vprint(kb_putc, kind, fmt, ap);
		return 1;
	}
#endif
	(void)kind;
	(void)fmt;
	(void)ap;
	return 0;
}

int (kb_printf)(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = dict_record('p', fmt, ap) ? 0 : kb_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* prefix, the line, "\n" */
static void kb_vline(char kind, const char *prefix, const char *fmt, va_list ap)
{
	if (dict_record(kind, fmt, ap))
		return;
	kb_puts(prefix);
	kb_vprintf(fmt, ap);
	kb_puts("\n");
}

void (kb_log)(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kb_vline('l', "kaslrboot: ", fmt, ap);
	va_end(ap);
}

void (kb_error)(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kb_vline('e', "kaslrboot: error: ", fmt, ap);
	va_end(ap);
}

#ifdef CONFIG_DT_DEVICES_AT_BUILD
/* The stdout-path node as tools/kbdtmap found it at build time (named,
 * enabled, its reg translated; gen/kb_dt_memmap.c): matched against the
 * drivers by compatible, as below. */
int kb_console_init(const void *fdt, char *path, unsigned int pathlen,
		    struct kb_diag *d)
{
	const struct kb_dt_dev_build *dev = &kb_dt_devices.console;
	const struct kb_serial_driver *drv;
	int i, err;

	(void)fdt;
	if (pathlen) {
		strncpy(path, dev->path, pathlen - 1);
		path[pathlen - 1] = '\0';
	}
	for (drv = __kb_serial_drivers_start; drv < __kb_serial_drivers_end; drv++) {
		for (i = 0; drv->compatible[i]; i++) {
			if (!kb_dt_dev_compatible(dev, drv->compatible[i]))
				continue;
			struct kb_console con = { .driver = drv->name };

			err = drv->probe(dev, &con, d);
			if (err)
				return err;
			console = con;
			console_ready = 1;
			return 0;
		}
	}
	return kb_diag_set(d, KB_ENODEV,
			   "console: no driver in this build for %s (compatible \"%s\")",
			   dev->path, dev->compat_len ? dev->compat : "?");
}
#else
int kb_console_init(const void *fdt, char *path, unsigned int pathlen,
		    struct kb_diag *d)
{
	const struct kb_serial_driver *drv;
	const char *opts;
	int node, i, err;

	node = kb_fdt_stdout_node(fdt, &opts, d);
	if (node < 0)
		return node;
	kb_fdt_path(fdt, node, path, pathlen);
	if (!kb_fdt_node_enabled(fdt, node))
		return kb_diag_set(d, KB_ENODEV, "console: %s is disabled", path);

	for (drv = __kb_serial_drivers_start; drv < __kb_serial_drivers_end; drv++) {
		for (i = 0; drv->compatible[i]; i++) {
			if (fdt_node_check_compatible(fdt, node, drv->compatible[i]) != 0)
				continue;
			struct kb_console con = { .driver = drv->name };

			err = drv->probe(fdt, node, &con, d);
			if (err)
				return err;
			console = con;
			console_ready = 1;
			return 0;
		}
	}
	return kb_diag_set(d, KB_ENODEV,
			   "console: no driver in this build for %s (compatible \"%s\")",
			   path, (const char *)fdt_getprop(fdt, node, "compatible", NULL) ?: "?");
}
#endif
