/* SPDX-License-Identifier: BSD-2-Clause */
/* kaslrboot link layout, arm64: see loader/arch/kaslrboot-common.ld.h. */
OUTPUT_ARCH(aarch64)
#include "../kaslrboot-common.ld.h"
