/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot entry, arm64.
 *
 * kaslrboot.bin starts with an arm64 Linux Image header
 * (Documentation/arch/arm64/booting.rst) so that QEMU -kernel or U-Boot
 * booti start it like a kernel: at byte 0, 2 MiB aligned, at EL2 or EL1,
 * MMU and D-cache off, x0 = DTB.  The image is a static PIE linked at 0:
 * before any C runs we apply our own R_AARCH64_RELATIVE relocations (the
 * only kind scripts/check-relocs.sh lets the link produce), zero .bss, set
 * up the stack and call C.
 *
 * Everything here is PC-relative (adr/adrp + :lo12:): nothing is
 * relocated yet.
 */

#define R_AARCH64_NONE		0
#define R_AARCH64_RELATIVE	1027
#define RELA_SIZE		24

/*
 * Clean and invalidate [\start, \end) to the point of coherency by VA
 * (CTR_EL0 line size); clobbers \start, \t1, \t2.
 *
 * Run over the loader's footprint before writing any of it with the MMU
 * off: booting.rst only has the previous stage clean the loaded image, so
 * the caches may still hold lines of it, of .bss or of the stack, dirty
 * ones included.  A dirty line written back later would overwrite what
 * the start-up code stores (non-cacheably) below, and a stale one would
 * be read instead of it once kb_mmu_early() turns the caches on.
 */
.macro	dcache_civac start, end, t1, t2
	mrs	\t1, ctr_el0
	ubfx	\t1, \t1, #16, #4
	mov	\t2, #4
	lsl	\t2, \t2, \t1
	sub	\t1, \t2, #1
	bic	\start, \start, \t1
101:	cmp	\start, \end
	b.hs	102f
	dc	civac, \start
	add	\start, \start, \t2
	b	101b
102:	dsb	sy
.endm

	.section .text.entry, "ax", %progbits
	.globl _start
_start:
	b	kb_arm64_entry		/* code0 */
	.word	0			/* code1 */
	.quad	0			/* text_offset */
	/* image_size: the whole footprint, .bss and stack included.  A
	 * symbol difference is resolved by ld, not a run-time relocation. */
	.quad	__image_end - _start
	/* flags: bit 0 = 0 little-endian, bits 1-2 = 1 4K pages, bit 3 = 1
	 * placement anywhere in RAM */
	.quad	0xa
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.word	0			/* res5 (no PE header) */

kb_arm64_entry:
	mov	x19, x0			/* dtb */
	adr	x20, _start		/* run-time load base (link base is 0) */
#if CONFIG_ARM64_COPY_TO_RAM
	/* Started in place from flash (QEMU -bios, a boot ROM jumping to
	 * NOR): .data and the relocations cannot be written there, so copy
	 * the loaded part of the image to RAM and continue from the copy. */
	ldr	x1, =CONFIG_ARM64_COPY_TO_RAM
	cmp	x20, x1
	b.eq	9f
	adrp	x3, __image_end
	add	x3, x3, :lo12:__image_end
	sub	x3, x3, x20
	add	x3, x3, x1		/* end of the copy's footprint */
	mov	x2, x1
	dcache_civac x2, x3, x4, x5	/* first, see above */
	adrp	x2, __image_file_end
	add	x2, x2, :lo12:__image_file_end
	sub	x3, x2, x20		/* bytes; a multiple of 8 (linker script) */
	mov	x4, x20
	mov	x5, x1
8:	ldr	x6, [x4], #8
	str	x6, [x5], #8
	subs	x3, x3, #8
	b.gt	8b
	dsb	sy
	ic	iallu			/* the copy is fetched fresh */
	dsb	sy
	isb
	adr	x2, kb_arm64_entry
	sub	x2, x2, x20
	add	x2, x2, x1
	mov	x0, x19
	br	x2			/* re-enter at the copy */
	.ltorg
9:
#endif
	mov	x21, #0			/* instret at entry (CONFIG_BENCH: C reads it) */
	mov	x2, x20
	adrp	x3, __image_end
	add	x3, x3, :lo12:__image_end
	dcache_civac x2, x3, x4, x5	/* the footprint, see above */

	/* Let C and picolibc use FP/SIMD registers should the compiler or
	 * the library emit any: CPACR_EL1.FPEN = 0b11, and at EL2 (nVHE)
	 * CPTR_EL2.TFP = 0. */
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	1f
	mrs	x1, cptr_el2
	bic	x1, x1, #(1 << 10)
	msr	cptr_el2, x1
1:	mrs	x1, cpacr_el1
	orr	x1, x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb

	/* Apply .rela.dyn: *(base + r_offset) = base + r_addend */
	adrp	x0, __rela_dyn_start
	add	x0, x0, :lo12:__rela_dyn_start
	adrp	x1, __rela_dyn_end
	add	x1, x1, :lo12:__rela_dyn_end
2:	cmp	x0, x1
	b.hs	4f
	ldr	x2, [x0, #8]		/* r_info */
	cmp	x2, #R_AARCH64_RELATIVE
	b.eq	3f
	/* R_AARCH64_NONE is a no-op; anything else cannot happen (the build
	 * rejects it) but if it did, stop rather than run mis-relocated. */
	cbz	x2, 5f
	b	.Lreloc_fail
3:	ldr	x2, [x0]		/* r_offset */
	ldr	x3, [x0, #16]		/* r_addend */
	add	x3, x3, x20
	str	x3, [x2, x20]
5:	add	x0, x0, #RELA_SIZE
	b	2b
4:
	/* Zero .bss (not part of the loaded file) */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
6:	cmp	x0, x1
	b.hs	7f
	str	xzr, [x0], #8
	b	6b
7:
	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	mov	sp, x0
	mov	x29, #0
	mov	x30, #0
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	bl	kb_arch_start
	/* not reached */
.Lreloc_fail:
	wfi
	b	.Lreloc_fail
