/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Relocation targets: functions and objects spread over the image (.text,
 * .rodata, .data, .bss), defined in targets.c and pointed to from data in
 * main.c.  Lists of two-digit numbers, expanded with X-macros.
 */
#ifndef TESTKERNEL_TARGETS_H
#define TESTKERNEL_TARGETS_H

#include <stdint.h>

#include "tk.h"

#define TK_FN_LIST(X) \
	X(00) X(01) X(02) X(03) X(04) X(05) X(06) X(07) \
	X(08) X(09) X(10) X(11) X(12) X(13) X(14) X(15) \
	X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
#define TK_DATA_LIST(X) \
	X(00) X(01) X(02) X(03) X(04) X(05) X(06) X(07) X(08) X(09) X(10) X(11)
#define TK_RO_LIST(X) X(00) X(01) X(02) X(03) X(04) X(05) X(06) X(07)
#define TK_BSS_LIST(X) X(00) X(01) X(02) X(03) X(04) X(05) X(06) X(07)

#define TK_DECL_FN(n)	int tk_fn##n(int x);
#define TK_DECL_DATA(n)	extern uint64_t tk_data##n;
#define TK_DECL_RO(n)	extern const uint64_t tk_ro##n;
#define TK_DECL_BSS(n)	extern uint64_t tk_bssobj##n[4];
TK_FN_LIST(TK_DECL_FN)
TK_DATA_LIST(TK_DECL_DATA)
TK_RO_LIST(TK_DECL_RO)
TK_BSS_LIST(TK_DECL_BSS)

/* What tk_fn<n>(x) returns and the value of tk_ro<n>, to use checked
 * pointers. */
#define TK_FN_RESULT(n, x)	((x) * 3 + (n))
#define TK_RO_VALUE(n)		(0x0ead000000000000ULL + (uint64_t)(n))

/* The big .bss array that must be zero on entry. */
extern unsigned char tk_bss_big[TK_BSS_BIG_SIZE];

/* A string in .rodata. */
extern const char tk_msg[];
#define TK_MSG "kaslrboot test kernel: a string in .rodata"

#endif
