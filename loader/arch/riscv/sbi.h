/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal SBI calls (RISC-V Supervisor Binary Interface v0.2+ and legacy). */
#ifndef KASLRBOOT_RISCV_SBI_H
#define KASLRBOOT_RISCV_SBI_H

#define SBI_EXT_LEGACY_PUTCHAR	0x01
#define SBI_EXT_BASE		0x10
#define SBI_EXT_SRST		0x53525354	/* "SRST" */
#define SBI_EXT_DBCN		0x4442434E	/* "DBCN" */

#define SBI_BASE_PROBE_EXT	3
#define SBI_SRST_RESET		0
#define SBI_SRST_TYPE_SHUTDOWN	0
#define SBI_SRST_REASON_NONE	0
#define SBI_DBCN_WRITE_BYTE	2

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2);
int sbi_probe(unsigned long ext);

#endif
