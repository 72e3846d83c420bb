/* SPDX-License-Identifier: BSD-3-Clause */
/* First instructions: multiboot headers, 32-bit entry, boot page tables, switch to long mode. */
#include "x86/boot_defs.h"

/* Multiboot 1: flags = page-align modules | memory map | address fields valid (QEMU -kernel). */
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MULTIBOOT1_MAGIC
	.long MB1_FLAGS
	.long -(MULTIBOOT1_MAGIC + MB1_FLAGS)
	.long mb1_header	/* header_addr */
	.long __image_start	/* load_addr */
	.long __data_end	/* load_end_addr */
	.long __image_end	/* bss_end_addr */
	.long _start		/* entry_addr */

	.balign 8
mb2_header:
	.long MULTIBOOT2_MAGIC
	.long 0			/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MULTIBOOT2_MAGIC + (mb2_header_end - mb2_header))
	.balign 8
	.word 3, 0		/* entry address tag */
	.long 12
	.long _start
	.balign 8
	.word 6, 0		/* page-align modules */
	.long 8
	.balign 8
	.word 0, 0		/* end tag */
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $(boot_stack + BOOT_STACK_SIZE), %esp
	movl %eax, boot_magic
	movl %ebx, boot_info_addr

	/* Long mode present? (CPUID 8000_0001h EDX bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	call build_boot_page_tables

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax	/* caches on: a loader may leave the reset value */
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $GDT_SEL_CODE64, $long_mode_entry

/* Identity map of 0..4 GiB with 2 MiB pages: one PDPT, four page directories. */
build_boot_page_tables:
	movl $boot_pdpt, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jb 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax		/* present, writable, 2 MiB */
	movl %eax, boot_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax		/* high half of the physical address */
	movl %eax, boot_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 2b
	ret

no_long_mode:
	movl $msg_no_long_mode, %esi
1:	lodsb
	testb %al, %al
	jz 3f
	movb %al, %bl
	movw $0x3FD, %dx	/* COM1 line status: wait for an empty transmitter */
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	movw $0x3F8, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 1b
3:	cli
	hlt
	jmp 3b

	.code64
long_mode_entry:
	movw $GDT_SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $(boot_stack + BOOT_STACK_SIZE), %rsp
	xorq %rbp, %rbp
	movl boot_magic, %edi
	movl boot_info_addr, %esi
	call boot_main
1:	cli
	hlt
	jmp 1b

	.section .rodata
msg_no_long_mode:
	.asciz "cairn: this CPU has no long mode (x86-64); halting\r\n"

	.balign 8
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF	/* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
boot_gdt_end:
	.globl boot_gdt_desc
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.balign 16
boot_stack:
	.skip BOOT_STACK_SIZE
	.balign 4
boot_magic:
	.skip 4
boot_info_addr:
	.skip 4
