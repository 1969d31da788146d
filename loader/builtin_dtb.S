/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * const void *kb_builtin_dtb(void): the device tree compiled from the
 * board's CONFIG_BUILTIN_DTB by dtc at build time (Makefile), or NULL.
 * In .rodata: the loader checks it like any tree and moves it out of its
 * own memory before the handoff wipes that.
 */
#ifdef KB_BUILTIN_DTB_FILE
	.section .rodata.kb_builtin_dtb, "a", %progbits
	.balign 8
kb_builtin_dtb_blob:
	.incbin KB_BUILTIN_DTB_FILE
	.balign 8
#endif

#if defined(__arm__)
	.syntax unified
	.thumb
#endif
	.text
	.globl kb_builtin_dtb
	.type kb_builtin_dtb, %function
#if defined(__arm__)
	.thumb_func
#endif
kb_builtin_dtb:
#ifdef KB_BUILTIN_DTB_FILE
#if defined(__riscv)
	lla	a0, kb_builtin_dtb_blob
	ret
#elif defined(__aarch64__)
	adr	x0, kb_builtin_dtb_blob
	ret
#elif defined(__arm__)
	ldr	r0, =kb_builtin_dtb_blob
	bx	lr
	.ltorg
#endif
#else
#if defined(__riscv)
	li	a0, 0
	ret
#elif defined(__aarch64__)
	mov	x0, #0
	ret
#elif defined(__arm__)
	movs	r0, #0
	bx	lr
#endif
#endif
	.size kb_builtin_dtb, . - kb_builtin_dtb
