/* SPDX-License-Identifier: BSD-3-Clause */
/* Resume points (a minimal setjmp/longjmp) and the switch to CPL 3, for catching exceptions. */
#include "segments.h"

/* Offsets in struct resume_point (exception.c). */
#define RP_RBX 0
#define RP_RBP 8
#define RP_R12 16
#define RP_R13 24
#define RP_R14 32
#define RP_R15 40
#define RP_RSP 48
#define RP_RIP 56

	.text
/* int resume_point_save(struct resume_point *rp): returns 0; later, resume_point_jump's value. */
	.globl resume_point_save
resume_point_save:
	movq	%rbx, RP_RBX(%rdi)
	movq	%rbp, RP_RBP(%rdi)
	movq	%r12, RP_R12(%rdi)
	movq	%r13, RP_R13(%rdi)
	movq	%r14, RP_R14(%rdi)
	movq	%r15, RP_R15(%rdi)
	leaq	8(%rsp), %rax		/* the caller's RSP once we have returned */
	movq	%rax, RP_RSP(%rdi)
	movq	(%rsp), %rax
	movq	%rax, RP_RIP(%rdi)
	xorl	%eax, %eax
	ret

/*
 * void resume_point_jump(const struct resume_point *rp, int value): called at CPL 0, possibly on
 * the TSS's RSP0 stack after a CPL 3 exception (which left SS null and DS/ES as they were).
 */
	.globl resume_point_jump
resume_point_jump:
	movw	$SEL_KERNEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movq	RP_RBX(%rdi), %rbx
	movq	RP_RBP(%rdi), %rbp
	movq	RP_R12(%rdi), %r12
	movq	RP_R13(%rdi), %r13
	movq	RP_R14(%rdi), %r14
	movq	RP_R15(%rdi), %r15
	movq	RP_RSP(%rdi), %rsp
	movl	%esi, %eax
	jmpq	*RP_RIP(%rdi)

/*
 * void cpl3_enter(void (*fn)(void), void *stack_top): IRETQ to cpl3_trampoline at CPL 3 with
 * RFLAGS = 2 (IF, TF, AC clear, IOPL 0). Never returns; the catch resumes instead.
 */
	.globl cpl3_enter
cpl3_enter:
	pushq	$SEL_USER_DATA
	pushq	%rsi
	pushq	$0x2
	pushq	$SEL_USER_CODE
	leaq	cpl3_trampoline(%rip), %rax
	pushq	%rax
	iretq

/* At CPL 3, RDI = fn (IRETQ keeps GPRs), RSP 16-byte aligned: call it, then leave CPL 3. */
cpl3_trampoline:
	call	*%rdi
	int	$VECTOR_LEAVE_CPL3
	ud2

	.section .note.GNU-stack, "", @progbits
