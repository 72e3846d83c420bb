/* SPDX-License-Identifier: BSD-3-Clause */
/* Entry point of every test guest: zero bss, switch to its own stack, load CPU tables, guest_entry. */
#include "segments.h"

#define GUEST_STACK_SIZE 0x4000

	.section .text.start, "ax"
	.code64
	.globl _start
_start:
	cli
	cld
	movq	%rdi, %r12		/* struct cairn_start_info GPA; callee-saved */
	/* Zero bss ourselves: the ELF loader might not, and a reset must start clean. */
	leaq	__bss_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	leaq	guest_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	call	desc_init
	movq	%r12, %rdi
	call	guest_entry
1:	cli
	hlt
	jmp	1b

/* void cpu_load_gdt(const struct desc_ptr *gdtr): LGDT, far return into the new CS, data segments. */
	.text
	.globl cpu_load_gdt
cpu_load_gdt:
	lgdt	(%rdi)
	pushq	$SEL_KERNEL_CODE
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movw	$SEL_KERNEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	ret

	.bss
	.balign 16
guest_stack:
	.skip	GUEST_STACK_SIZE
guest_stack_top:

	.section .note.GNU-stack, "", @progbits
