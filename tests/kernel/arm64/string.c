// SPDX-License-Identifier: BSD-2-Clause
/* The test kernel runs with the MMU off too: same string functions. */
#include "../../../loader/arch/arm64/string.c"
