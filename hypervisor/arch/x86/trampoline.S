/* SPDX-License-Identifier: BSD-3-Clause */
/* Real-mode start of the APs: copied to TRAMPOLINE_BASE, it climbs to long mode and jumps to smp_ap_entry. */
#include "x86/boot_defs.h"

#define TRAMP(label) (TRAMPOLINE_BASE + ((label) - trampoline_start))

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end
	.globl trampoline_cr3, trampoline_stack, trampoline_pcpu
trampoline_start:
	.code16
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TRAMP(tramp_gdt_desc)
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax	/* INIT leaves CD and NW set: caches on */
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $TRAMP(tramp_protected)

	.code32
tramp_protected:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl TRAMP(trampoline_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	ljmpl $0x18, $TRAMP(tramp_long)

	.code64
tramp_long:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq TRAMP(trampoline_stack), %rsp
	movq TRAMP(trampoline_pcpu), %rdi
	movabsq $smp_ap_entry, %rax
	call *%rax
1:	cli
	hlt
	jmp 1b

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF	/* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF	/* 0x10: data */
	.quad 0x00AF9A000000FFFF	/* 0x18: 64-bit code */
tramp_gdt_desc:
	.word tramp_gdt_desc - tramp_gdt - 1
	.long TRAMP(tramp_gdt)
	.balign 8
trampoline_cr3:
	.quad 0
trampoline_stack:
	.quad 0
trampoline_pcpu:
	.quad 0
trampoline_end:
