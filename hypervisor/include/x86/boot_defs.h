/* SPDX-License-Identifier: BSD-3-Clause */
/* Constants shared by the assembly boot path and C: segment selectors, CR/EFER bits, stack sizes. */
#ifndef CAIRN_X86_BOOT_DEFS_H
#define CAIRN_X86_BOOT_DEFS_H

#define GDT_SEL_CODE64 0x08
#define GDT_SEL_DATA   0x10

#define CR0_PE	(1 << 0)
#define CR0_MP	(1 << 1)
#define CR0_ET	(1 << 4)
#define CR0_NE	(1 << 5)
#define CR0_WP	(1 << 16)
#define CR0_NW	(1 << 29)  /* not write-through: with CD, the reset value; caches must be on */
#define CR0_CD	(1 << 30)  /* cache disable */
#define CR0_PG	0x80000000 /* a literal: (1 << 31) would sign-extend into a 64-bit CR0 */
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)

#define MSR_EFER  0xC0000080
#define EFER_SCE  (1 << 0)
#define EFER_LME  (1 << 8)
#define EFER_LMA  (1 << 10)
#define EFER_NXE  (1 << 11)
#define EFER_SVME (1 << 12)

#define BOOT_STACK_SIZE 16384
#define PCPU_STACK_SIZE 16384

/* Real-mode page the APs start in (SIPI vector = address >> 12); free again once all are up. */
#define TRAMPOLINE_BASE 0x8000

#define MULTIBOOT1_MAGIC      0x1BADB002
#define MULTIBOOT1_BOOT_MAGIC 0x2BADB002
#define MULTIBOOT2_MAGIC      0xE85250D6
#define MULTIBOOT2_BOOT_MAGIC 0x36D76289

#endif
