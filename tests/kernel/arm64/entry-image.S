/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test kernel entry, Linux arm64 Image variant: the 64-byte header of
 * Documentation/arch/arm64/booting.rst, then self-relocation the way a
 * CONFIG_RELOCATABLE Linux does it (the loader copies an Image and zeroes
 * the rest of image_size, but never relocates it).  Entered at byte 0 at
 * EL2 or EL1 with x0 = DTB, x1..x3 = 0, MMU off, 2 MiB aligned.
 *
 * Everything before the relocation loop is PC-relative (adr/adrp).  The
 * BSS is not zeroed here: the C code checks that the loader did it.
 */
#include "tk.h"

#define R_AARCH64_NONE		0
#define R_AARCH64_RELATIVE	1027
#define RELA_SIZE		24

	.section .text.head, "ax", %progbits
	.globl _start
	.type _start, %function
_start:
	b	tk_image_entry		/* code0: branch over the header */
	.word	0			/* code1 */
	.quad	0			/* text_offset */
	/* image_size: the whole footprint, BSS and stack included. */
	.quad	__image_end - _start
	.quad	0xa			/* flags: LE, 4K pages, placement anywhere */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.word	0			/* res5 */
	.size _start, . - _start

	.section .text.entry, "ax", %progbits
tk_image_entry:
	mov	x19, x0			/* dtb */
	mov	x22, #0			/* flags for C */
	mov	x23, #0			/* offending r_info */
	adrp	x20, __image_start	/* run-time base (linked at 0) */
	add	x20, x20, :lo12:__image_start

	/* *(base + r_offset) = base + r_addend for every R_AARCH64_RELATIVE */
	adrp	x9, __rela_dyn_start
	add	x9, x9, :lo12:__rela_dyn_start
	adrp	x10, __rela_dyn_end
	add	x10, x10, :lo12:__rela_dyn_end
1:	cmp	x9, x10
	b.hs	3f
	ldr	x11, [x9, #8]		/* r_info */
	cmp	x11, #R_AARCH64_RELATIVE
	b.eq	2f
	cbz	x11, 4f			/* R_AARCH64_NONE */
	mov	x22, #TK_FLAG_BAD_RELOC	/* cannot happen (check-relocs.sh) */
	mov	x23, x11
	b	3f
2:	ldr	x11, [x9]		/* r_offset */
	ldr	x12, [x9, #16]		/* r_addend */
	add	x12, x12, x20
	str	x12, [x11, x20]
4:	add	x9, x9, #RELA_SIZE
	b	1b
3:
	adrp	x9, tk_stack_top
	add	x9, x9, :lo12:tk_stack_top
	mov	sp, x9
	mov	x0, #0
	mov	x1, x19
	mov	x2, #TK_FORMAT_IMAGE
	mov	x3, x22
	mov	x4, x23
	bl	tk_arch_entry
5:	wfi
	b	5b
