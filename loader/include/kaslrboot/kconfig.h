/* SPDX-License-Identifier: BSD-2-Clause */
/* Included first in every target object: the generated configuration. */
#ifndef KASLRBOOT_KCONFIG_H
#define KASLRBOOT_KCONFIG_H

#include <autoconf.h>

/* IS_ENABLED(CONFIG_FOO): 1 if CONFIG_FOO is defined to 1, else 0, usable
 * in C expressions so that disabled code is still compiled (and checked). */
#define KB__ARG_PLACEHOLDER_1 0,
#define KB__TAKE_SECOND(ignored, val, ...) val
#define KB__IS_ENABLED3(arg1_or_junk) KB__TAKE_SECOND(arg1_or_junk 1, 0, 0)
#define KB__IS_ENABLED2(val) KB__IS_ENABLED3(KB__ARG_PLACEHOLDER_##val)
#define IS_ENABLED(option) KB__IS_ENABLED2(option)

#endif
