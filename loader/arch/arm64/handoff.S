/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * void kb_arch_handoff(uintptr_t entry, unsigned long hartid, uintptr_t dtb)
 *
 * arm64 twin of loader/arch/riscv/handoff.S: lives in .text.handoff
 * (between the loaded image and .bss, see kaslrboot.ld.S) and uses
 * registers only (the stack is being wiped).  The loader ran with the MMU
 * and caches on (CONFIG_ARM64_MMU); the order below is what makes that
 * invisible to the kernel and to anyone reading memory afterwards:
 *
 *   before this stub, in C with the caches on (loader/main.c): the
 *      kernel image (step 5), the initrd (step 5) and the final device
 *      tree (step 6) were cleaned and invalidated to the point of
 *      coherency by VA (booting.rst: the kernel starts with its caches
 *      off and reads memory); nothing has written them since.
 *
 *   1. mask interrupts; read the previous stage's SCTLR_ELx and VBAR_ELx
 *      (kb_arm64_entry_*) into registers while the loader's data is
 *      still there;
 *   2. MMU, D-cache and I-cache off at this exception level (as U-Boot's
 *      cleanup_before_linux(): I-cache and D-cache off first).  From here
 *      on no access allocates a cache line: data accesses are Device
 *      memory, instruction fetches non-cacheable, so nothing can be
 *      speculatively refetched into a cache behind the wipe.  The page
 *      tables are no longer walked, so the wipe may zero them;
 *   3. clean and invalidate the loader's whole footprint (image, .bss
 *      with the page tables, the stack) to the point of coherency by VA
 *      (CTR_EL0 line size): dirty lines (DRBG state, seeds, the stack) are
 *      written back and every line is dropped, so no write-back can later
 *      land on top of the zeros, and no cache holds a secret.  (By VA,
 *      not set/way: booting.rst, system caches.)  This must come after 2
 *      (else lines could be refetched) and before 4 (else it would write
 *      old data back over the zeros);
 *   4. overwrite everything before the stub with zeros (0x00000000 is
 *      UDF #0: a stale jump into the old loader traps instead of running
 *      it) and everything after it (.bss, the stack); the stores go
 *      straight to memory;
 *   5. put back the previous stage's VBAR_ELx and SCTLR_ELx (MMU and
 *      D-cache off whatever it said; the I-cache as it was: booting.rst
 *      allows either), invalidate this regime's TLBs (the tables are gone)
 *      and the whole I-cache (the kernel's code is fetched fresh; it was
 *      cleaned to the point of coherency before);
 *   6. zero the SIMD/FP registers and the general-purpose registers not
 *      handed over, and branch to the kernel per
 *      Documentation/arch/arm64/booting.rst:
 *      x0 = DTB, x1 = x2 = x3 = 0, MMU and D-cache off, at the exception
 *      level the loader was entered in (EL2 or EL1), interrupts masked.
 *
 * Without CONFIG_ARM64_MMU the same steps run; 2 and 3 then have nothing
 * to do but are harmless.
 */
#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)

/* One of three instructions, for the exception level in x8 (CurrentEL:
 * 4, 8 or 12): system registers are named per level. */
.macro	on_el el1, el2, el3
	cmp	x8, #(2 << 2)
	b.eq	102f
	cmp	x8, #(3 << 2)
	b.eq	103f
	\el1
	b	109f
102:	\el2
	b	109f
103:	\el3
109:
.endm

/* Zero [\start, \end) (both 8-byte aligned) with the MMU off: 64 bytes
 * per iteration with STP (on Device memory each register's 8-byte store
 * needs only 8-byte alignment; DC ZVA would fault), then 8 at a time;
 * clobbers \start, \t. */
.macro	wipe start, end, t
201:	sub	\t, \end, \start
	cmp	\t, #64
	b.lo	202f
	stp	xzr, xzr, [\start]
	stp	xzr, xzr, [\start, #16]
	stp	xzr, xzr, [\start, #32]
	stp	xzr, xzr, [\start, #48]
	add	\start, \start, #64
	b	201b
202:	cmp	\start, \end
	b.hs	203f
	str	xzr, [\start], #8
	b	202b
203:
.endm

	.section .text.handoff, "ax", %progbits
	.globl kb_arch_handoff
kb_arch_handoff:
	/* 1. */
	mov	x16, x0			/* entry */
	mov	x17, x2			/* dtb */
	msr	daifset, #0xf
	adrp	x14, kb_arm64_entry_sctlr
	ldr	x14, [x14, :lo12:kb_arm64_entry_sctlr]
	adrp	x15, kb_arm64_entry_vbar
	ldr	x15, [x15, :lo12:kb_arm64_entry_vbar]
	mrs	x8, CurrentEL
	mov	x10, #(SCTLR_M | SCTLR_C | SCTLR_I)

	/* 2. (isb first: Falkor erratum E1041, as Linux's
	 * pre_disable_mmu_workaround) */
	isb
	on_el	"mrs x9, sctlr_el1", "mrs x9, sctlr_el2", "mrs x9, sctlr_el3"
	bic	x9, x9, x10
	on_el	"msr sctlr_el1, x9", "msr sctlr_el2, x9", "msr sctlr_el3, x9"
	isb

	/* 3. */
	mrs	x12, ctr_el0
	ubfx	x12, x12, #16, #4
	mov	x13, #4
	lsl	x13, x13, x12		/* D-cache line size */
	sub	x12, x13, #1
	adrp	x9, __image_start
	add	x9, x9, :lo12:__image_start
	bic	x9, x9, x12
	adrp	x11, __image_end
	add	x11, x11, :lo12:__image_end
1:	cmp	x9, x11
	b.hs	2f
	dc	civac, x9
	add	x9, x9, x13
	b	1b
2:	dsb	sy

	/* 4. */
	adrp	x9, __image_start
	add	x9, x9, :lo12:__image_start
	adr	x10, __handoff_start
	wipe	x9, x10, x11
	adr	x9, __handoff_end
	adrp	x10, __image_end
	add	x10, x10, :lo12:__image_end
	wipe	x9, x10, x11
	dsb	sy

	/* 5. */
	on_el	"tlbi vmalle1", "tlbi alle2", "tlbi alle3"
	ic	iallu
	dsb	sy
	mov	x10, #(SCTLR_M | SCTLR_C)
	bic	x14, x14, x10
	on_el	"msr vbar_el1, x15", "msr vbar_el2, x15", "msr vbar_el3, x15"
	on_el	"msr sctlr_el1, x14", "msr sctlr_el2, x14", "msr sctlr_el3, x14"
	isb

	/* 6.  No register keeps what the loader computed: the SIMD and FP
	 * registers hold what picolibc's memcpy/memset moved through them
	 * (the DRBG's state and the seeds among it) and the SHA-256
	 * instructions' working state; general-purpose registers whatever C
	 * left.  Only x0 (DTB) and x16 (the entry) are handed over. */
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	movi	v\n\().16b, #0
	.endr
	mov	x0, x17
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, #0
	.endr
	mov	sp, x1
	br	x16
	.balign 8
