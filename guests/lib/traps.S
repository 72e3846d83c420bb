/* SPDX-License-Identifier: BSD-3-Clause */
/* Exception entry stubs: push a uniform frame (vector, error code) and call exception_dispatch. */
#include "segments.h"

/* One stub per vector; the CPU pushes an error code only for some, so the others push 0. */
	.macro exception_stub vector, has_error
	.balign 16
exception_stub_\vector:
	.if \has_error == 0
	pushq	$0
	.endif
	pushq	$\vector
	jmp	exception_common
	.endm

	.text
	.irp v, 0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 16, 18, 19, 20, 22, 23, 24, 25, 26, 27, 28, 31
	exception_stub \v, 0
	.endr
	.irp v, 8, 10, 11, 12, 13, 14, 17, 21, 29, 30
	exception_stub \v, 1
	.endr

	/* `int $VECTOR_LEAVE_CPL3` from the CPL 3 trampoline (resume.S). */
	.balign 16
	.globl leave_cpl3_stub
leave_cpl3_stub:
	pushq	$0
	pushq	$VECTOR_LEAVE_CPL3
	jmp	exception_common

/* The LAPIC timer (lapic_timer.c): it only ends a HLT, so end the interrupt and return. */
	.balign 16
	.globl lapic_timer_stub
lapic_timer_stub:
	pushq	%rax
	pushq	%rdx
	xorl	%edx, %edx
	movabsq	$0xFEE000B0, %rax	/* EOI */
	movl	%edx, (%rax)
	popq	%rdx
	popq	%rax
	iretq

/*
 * The frame is vector, error code, then what the CPU pushed (RIP, CS, RFLAGS, RSP, SS).
 * exception_dispatch never returns: it resumes a catch or halts, so no register is saved.
 */
exception_common:
	cld
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	exception_dispatch
1:	cli
	hlt
	jmp	1b

	.section .rodata
	.balign 8
	.globl exception_stub_table
exception_stub_table:
	.irp v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	.quad	exception_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
