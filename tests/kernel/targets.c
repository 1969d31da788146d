// SPDX-License-Identifier: BSD-2-Clause
/*
 * Relocation targets (see targets.h).  Every symbol is global and `used`
 * so that neither the compiler nor --gc-sections can fold or drop it, and
 * each function has its own section (-ffunction-sections).
 */
#include "targets.h"

#define TK_DEF_FN(n) \
	__attribute__((noinline, used)) int tk_fn##n(int x) \
	{ return TK_FN_RESULT(1##n - 100, x); }
#define TK_DEF_DATA(n) \
	__attribute__((used)) uint64_t tk_data##n = 0xda7a000000000000ULL + 1##n;
#define TK_DEF_RO(n) \
	__attribute__((used)) const uint64_t tk_ro##n = TK_RO_VALUE(1##n - 100);
#define TK_DEF_BSS(n) \
	__attribute__((used)) uint64_t tk_bssobj##n[4];

TK_FN_LIST(TK_DEF_FN)
TK_DATA_LIST(TK_DEF_DATA)
TK_RO_LIST(TK_DEF_RO)
TK_BSS_LIST(TK_DEF_BSS)

__attribute__((used, aligned(64))) unsigned char tk_bss_big[TK_BSS_BIG_SIZE];
__attribute__((used)) const char tk_msg[] = TK_MSG;
