/* SPDX-License-Identifier: BSD-3-Clause */
/* IDT entry stubs: push a uniform trap frame (vector, error code, GPRs) and call trap_dispatch(). */
#include "x86/boot_defs.h"
#include "x86/trap_abi.h"


	.macro trap_stub vec
	.balign 16
trap_stub_\vec:
	.if (HAS_ERROR_CODE(\vec)) == 0
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.endm

	.text
	.balign 16
trap_stubs_start:
	.altmacro
	.set vec, 0
	.rept 256
	trap_stub %vec
	.set vec, vec + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	cld
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	cmpq $TRAP_NO_ERROR_CODE, (%rsp)
	je 2f
	addq $16, %rsp		/* vector and error code */
	iretq
2:	addq $8, %rsp		/* an interrupt on an error-code vector: the CPU pushed no code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	.set vec, 0
	.rept 256
	.quad trap_stubs_start + vec * 16
	.set vec, vec + 1
	.endr
