/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaslrboot link layout, Arm Cortex-M: executed in place from flash.
 *
 *   FLASH_BASE: the vector table (initial MSP, reset, faults), the code,
 *               rodata (the linked device tree too), the driver tables,
 *               the handoff stub, then .data's initial values;
 *   SRAM:       .data, .bss, the stack: the loader's only RAM, which the
 *               memory map reserves as "kaslrboot" / "kaslrboot stack"
 *               and the handoff wipes whole (__image_start to
 *               __image_end).  The handoff stub runs from flash, so no
 *               byte of RAM is kept for it (__handoff_start ==
 *               __handoff_end).
 *
 * No run-time relocations: linked where it runs.
 */
OUTPUT_ARCH(arm)
ENTRY(_start)

MEMORY
{
	FLASH (rx) : ORIGIN = CONFIG_FLASH_BASE, LENGTH = CONFIG_PAYLOAD_ADDR - CONFIG_FLASH_BASE
	SRAM (rwx) : ORIGIN = CONFIG_ARM_M_SRAM_BASE, LENGTH = CONFIG_ARM_M_SRAM_SIZE
}

SECTIONS
{
	.text : {
		KEEP(*(.vectors))
		KEEP(*(.text.entry))
		*(.text .text.*)
		KEEP(*(.text.handoff))
	} > FLASH

	.rodata : ALIGN(8) {
		*(.rodata .rodata.*)
	} > FLASH

	.ARM.exidx : { *(.ARM.exidx* .gnu.linkonce.armexidx.*) } > FLASH

	.kb_drivers : ALIGN(8) {
		__kb_serial_drivers_start = .;
		KEEP(*(SORT(.kb_drivers.serial.*)))
		__kb_serial_drivers_end = .;
		__kb_rng_drivers_start = .;
		KEEP(*(SORT(.kb_drivers.rng.*)))
		__kb_rng_drivers_end = .;
	} > FLASH

	.data : ALIGN(8) {
		__image_start = .;
		__handoff_start = .;
		__handoff_end = .;
		__data_start = .;
		*(.data .data.*)
		. = ALIGN(8);
		__data_end = .;
	} > SRAM AT> FLASH
	__data_load = LOADADDR(.data);
	__image_file_end = LOADADDR(.data) + SIZEOF(.data);

	.bss (NOLOAD) : ALIGN(8) {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(8);
		__bss_end = .;
	} > SRAM

	.stack (NOLOAD) : ALIGN(8) {
		__stack_bottom = .;
		. += CONFIG_STACK_SIZE;
		__stack_top = .;
	} > SRAM
	__image_end = .;

#ifdef CONFIG_LOG_DICTIONARY
	/* The dictionary, as in kaslrboot-common.ld.h: the addresses of
	 * .text, not allocated. */
	.kb_msg ADDR(.text) (INFO) : {
		__kb_msg_start = .;
		*(.kb_msg)
		__kb_msg_end = .;
	}
	ASSERT(__kb_msg_end - __kb_msg_start <= SIZEOF(.text),
	       "the dictionary (.kb_msg) is larger than .text, whose addresses it borrows")
#endif

	.rel.dyn : { *(.rel.dyn .rel.*) }
	.got : { *(.got .got.*) }

	/DISCARD/ : {
		*(.interp .note.* .comment .eh_frame .eh_frame_hdr .ARM.attributes)
	}
}
