/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test kernel entry, Linux RISC-V Image variant: the 64-byte header of
 * Documentation/arch/riscv/boot-image-header.rst, then self-relocation the
 * way a CONFIG_RELOCATABLE Linux does it (the loader copies an Image and
 * zeroes the rest of image_size, but never relocates it).  Entered at byte
 * 0 in S-mode with a0 = hart id, a1 = DTB, MMU off, 2 MiB aligned.
 *
 * Everything before the relocation loop is PC-relative (lla).  The BSS is
 * not zeroed here: the C code checks that the loader did it.
 */
#include "tk.h"

#define R_RISCV_NONE		0
#define R_RISCV_RELATIVE	3
#define RELA_SIZE		24

	.section .text.head, "ax", %progbits
	.option push
	.option norvc
	.globl _start
	.type _start, %function
_start:
	j	tk_image_entry		/* code0: jump over the header */
	.word	0			/* code1 */
	.dword	0			/* text_offset */
	/* image_size: the whole footprint, BSS and stack included, from the
	 * linker script's __image_end.  A symbol difference is an
	 * ADD64/SUB64 pair resolved by ld, not a run-time relocation. */
	.dword	__image_end - _start
	.dword	0			/* flags */
	.word	0x2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* res3 */
	.size _start, . - _start
	.option pop

	.section .text.entry, "ax", %progbits
tk_image_entry:
	mv	s0, a0
	mv	s1, a1
	li	s3, 0			/* flags for C */
	li	s4, 0			/* offending r_info */
	lla	s2, __image_start	/* run-time base (linked at 0) */

	/* *(base + r_offset) = base + r_addend for every R_RISCV_RELATIVE */
	lla	t0, __rela_dyn_start
	lla	t1, __rela_dyn_end
1:	bgeu	t0, t1, 3f
	ld	t2, 8(t0)		/* r_info */
	li	t3, R_RISCV_RELATIVE
	beq	t2, t3, 2f
	beqz	t2, 4f			/* R_RISCV_NONE */
	li	s3, TK_FLAG_BAD_RELOC	/* cannot happen (check-relocs.sh) */
	mv	s4, t2
	j	3f
2:	ld	t2, 0(t0)		/* r_offset */
	ld	t3, 16(t0)		/* r_addend */
	add	t2, t2, s2
	add	t3, t3, s2
	sd	t3, 0(t2)
4:	addi	t0, t0, RELA_SIZE
	j	1b
3:
	lla	sp, tk_stack_top
	mv	a0, s0
	mv	a1, s1
	li	a2, TK_FORMAT_IMAGE
	mv	a3, s3
	mv	a4, s4
	li	a5, 0			/* no boot-info block (S-mode) */
	call	tk_arch_entry
5:	wfi
	j	5b
