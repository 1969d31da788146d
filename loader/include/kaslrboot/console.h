/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console: the UART named by /chosen/stdout-path, driven by whichever
 * registered serial driver matches its compatible.  Before it is found,
 * output goes to the firmware console (kb_arch_early_putc) if any.
 */
#ifndef KASLRBOOT_CONSOLE_H
#define KASLRBOOT_CONSOLE_H

#include <stdint.h>

#include <kaslrboot/diag.h>
#include <kaslrboot/dt_build.h>

struct kb_console {
	const char *driver;	/* driver name, for the log */
	uint64_t phys;		/* register base, CPU physical address */
	uintptr_t base;		/* same, as a pointer-sized integer */
	uint32_t reg_shift;
	uint32_t reg_width;	/* bytes per register access: 1 or 4 */
	void (*put_char)(const struct kb_console *con, char c);
};

struct kb_serial_driver {
	const char *name;
	const char *const *compatible;	/* NULL-terminated */
	/* Fill con from the node; no output, no side effects on failure.
	 * CONFIG_DT_DEVICES_AT_BUILD: from the node as tools/kbdtmap read
	 * it at build time (kaslrboot/dt_build.h); a driver that still
	 * needs the tree does not compile. */
#ifdef CONFIG_DT_DEVICES_AT_BUILD
	int (*probe)(const struct kb_dt_dev_build *dev, struct kb_console *con,
		     struct kb_diag *d);
#else
	int (*probe)(const void *fdt, int node, struct kb_console *con,
		     struct kb_diag *d);
#endif
};

/* Register a driver in the table the linker script collects. */
#define KB_SERIAL_DRIVER(sym)						\
	static const struct kb_serial_driver sym			\
	__attribute__((used, aligned(sizeof(void *)),			\
		       section(".kb_drivers.serial." #sym)))

/* Probe the stdout-path UART.  On success output switches to it. */
int kb_console_init(const void *fdt, char *path, unsigned int pathlen,
		    struct kb_diag *d);
const struct kb_console *kb_console_get(void);

int kb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "kaslrboot: <msg>\n" */
void kb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A progress line: kb_log(), unless CONFIG_LOG_QUIET compiles it out
 * (format string, arguments and all).  Errors (kb_error), warnings and the
 * final KASLR and handoff lines always use kb_log. */
#define kb_info(...)							\
	do {								\
		if (!IS_ENABLED(CONFIG_LOG_QUIET))			\
			kb_log(__VA_ARGS__);				\
	} while (0)
/* "kaslrboot: error: <msg>\n" */
void kb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#ifdef KB_MSG_SECTION
/* CONFIG_LOG_COMPRESS, CONFIG_LOG_DICTIONARY: the literals go to .kb_msg (kaslrboot/msg.h). */
#define kb_printf(fmt, ...)						\
	(KB_MSG_FMT_CHECK(fmt, ##__VA_ARGS__),				\
	 (kb_printf)(KB_MSG(fmt), ##__VA_ARGS__))
#define kb_log(fmt, ...)						\
	(KB_MSG_FMT_CHECK(fmt, ##__VA_ARGS__),				\
	 (kb_log)(KB_MSG(fmt), ##__VA_ARGS__))
#define kb_error(fmt, ...)						\
	(KB_MSG_FMT_CHECK(fmt, ##__VA_ARGS__),				\
	 (kb_error)(KB_MSG(fmt), ##__VA_ARGS__))
#endif

#endif
