// SPDX-License-Identifier: BSD-2-Clause
/*
 * What newlib-nano's vsnprintf may reference and the loader never uses:
 * it has no heap.  Linked only so the link resolves; a call fails.
 */
#include <errno.h>
#include <stddef.h>

void *_sbrk(ptrdiff_t incr);

void *_sbrk(ptrdiff_t incr)
{
	(void)incr;
	errno = ENOMEM;
	return (void *)-1;
}
