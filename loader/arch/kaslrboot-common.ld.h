/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot link layout, shared by every architecture (included by
 * loader/arch/<arch>/kaslrboot.ld.S after its OUTPUT_ARCH and an optional
 * KB_ARCH_DISCARD list).  Linked at 0 as a static PIE (KB_LINK_BASE); the entry is the
 * first byte of the image so that a raw .bin can be started at its load
 * address.  Preprocessed with the generated autoconf.h.
 */
#ifndef KB_ARCH_DISCARD
#define KB_ARCH_DISCARD
#endif
/* 0 for the static PIE; an rv32 M-mode loader is linked where it runs
 * (loader/arch/riscv/arch.mk says why). */
#ifndef KB_LINK_BASE
#define KB_LINK_BASE 0
#endif

ENTRY(_start)

SECTIONS
{
	. = KB_LINK_BASE;
	__image_start = .;

	.text : {
		KEEP(*(.text.entry))
		*(EXCLUDE_FILE(*handoff.o) .text EXCLUDE_FILE(*handoff.o) .text.*)
	}

	. = ALIGN(8);
	.rodata : {
		*(.rodata .rodata.* .srodata .srodata.*)
	}

	/* Driver tables, filled by the KB_*_DRIVER() macros of the objects
	 * Kconfig chose to build. */
	. = ALIGN(8);
	.kb_drivers : {
		__kb_serial_drivers_start = .;
		KEEP(*(SORT(.kb_drivers.serial.*)))
		__kb_serial_drivers_end = .;
		__kb_rng_drivers_start = .;
		KEEP(*(SORT(.kb_drivers.rng.*)))
		__kb_rng_drivers_end = .;
	}

	. = ALIGN(8);
	.data : {
		*(.data .data.* .sdata .sdata.*)
	}
	.got : { *(.got .got.*) }
	.dynamic : { *(.dynamic) }
	.dynsym : { *(.dynsym) }
	.dynstr : { *(.dynstr) }
	.hash : { *(.hash) }
	.gnu.hash : { *(.gnu.hash) }

	. = ALIGN(8);
	.rela.dyn : {
		__rela_dyn_start = .;
		*(.rela.dyn .rela.*)
		__rela_dyn_end = .;
	}
	/* The handoff stub: the only bytes not wiped before the jump.  Kept
	 * 8-byte aligned on both sides so the wipe loops use whole words. */
	. = ALIGN(8);
	.handoff : {
		__handoff_start = .;
		KEEP(*(.text.handoff))
		. = ALIGN(8);
		__handoff_end = .;
	}
	__image_file_end = .;

	.bss (NOLOAD) : ALIGN(8) {
		__bss_start = .;
		*(.sbss .sbss.* .bss .bss.* COMMON)
		. = ALIGN(8);
		__bss_end = .;
	}

	.stack (NOLOAD) : ALIGN(16) {
		__stack_bottom = .;
		. += CONFIG_STACK_SIZE;
		__stack_top = .;
	}
	__image_end = .;

#ifdef CONFIG_LOG_COMPRESS
	/* The format strings (kaslrboot/msg.h): addresses only.  Not
	 * allocated, so not in the .bin nor in any loaded segment; the
	 * loader prints them from their compressed copy (kb_msg_blob,
	 * in .rodata). */
	.kb_msg __image_end (INFO) : {
		__kb_msg_start = .;
		*(.kb_msg)
		__kb_msg_end = .;
	}
#elif defined(CONFIG_LOG_DICTIONARY)
	/* The dictionary (kaslrboot/msg.h, loader/lib/dict.c): addresses
	 * only, not allocated.  They overlap .text, which no string the
	 * loader prints lives in, so a pointer into .kb_msg is always a
	 * dictionary string, never one read at run time. */
	.kb_msg ADDR(.text) (INFO) : {
		__kb_msg_start = .;
		*(.kb_msg)
		__kb_msg_end = .;
	}
	ASSERT(__kb_msg_end - __kb_msg_start <= SIZEOF(.text),
	       "the dictionary (.kb_msg) is larger than .text, whose addresses it borrows")
#endif

	/DISCARD/ : {
		*(.interp .note.* .comment .eh_frame .eh_frame_hdr KB_ARCH_DISCARD)
	}
}
