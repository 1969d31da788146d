/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Included first in every target C object (also the C library's headers
 * come after it).  The loader is one static position-independent image:
 * with every symbol hidden the compiler addresses everything PC-relative
 * instead of through the GOT, so the only load-time fix-ups left are
 * R_<arch>_RELATIVE ones for pointers stored in data, which the start-up
 * code applies (and scripts/check-relocs.sh enforces).  The same trick is
 * used by Linux's EFI stub.
 */
#ifndef __ASSEMBLY__
#pragma GCC visibility push(hidden)
#endif
