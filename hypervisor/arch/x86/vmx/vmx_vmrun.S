/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMX world switch: host RSP into the VMCS, guest GPRs in, VMLAUNCH/VMRESUME, guest GPRs out. */
#include "x86/boot_defs.h"

/* Offsets in struct vcpu_regs (core/vcpu.h) */
#define REG_RAX 0
#define REG_RBX 8
#define REG_RCX 16
#define REG_RDX 24
#define REG_RSI 32
#define REG_RDI 40
#define REG_RBP 48
#define REG_R8  56
#define REG_R9  64
#define REG_R10 72
#define REG_R11 80
#define REG_R12 88
#define REG_R13 96
#define REG_R14 104
#define REG_R15 112

#define VMCS_HOST_RSP 0x6C14	/* vmcs.h (its constants carry a C suffix) */

	.text
/*
 * int vmx_vmrun(struct vcpu_regs *regs, bool launched): 0 after a VM exit (which lands at
 * vmx_vmexit_entry, the VMCS's HOST_RIP, on the stack this saved as HOST_RSP), 1 when
 * VMLAUNCH/VMRESUME failed and no exit happened.
 */
	.globl vmx_vmrun
vmx_vmrun:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi		/* regs, found again at 0(%rsp) after the exit */
	movq $VMCS_HOST_RSP, %rax
	vmwrite %rsp, %rax
	jbe vmrun_failed	/* CF or ZF: the VMWRITE failed */
	testb %sil, %sil	/* flags kept across the loads below (MOV changes none) */
	movq REG_RAX(%rdi), %rax
	movq REG_RBX(%rdi), %rbx
	movq REG_RCX(%rdi), %rcx
	movq REG_RDX(%rdi), %rdx
	movq REG_RSI(%rdi), %rsi
	movq REG_RBP(%rdi), %rbp
	movq REG_R8(%rdi), %r8
	movq REG_R9(%rdi), %r9
	movq REG_R10(%rdi), %r10
	movq REG_R11(%rdi), %r11
	movq REG_R12(%rdi), %r12
	movq REG_R13(%rdi), %r13
	movq REG_R14(%rdi), %r14
	movq REG_R15(%rdi), %r15
	movq REG_RDI(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp vmrun_failed
1:	vmresume
vmrun_failed:
	addq $8, %rsp		/* regs */
	movl $1, %eax
	jmp vmrun_out

	.globl vmx_vmexit_entry
vmx_vmexit_entry:
	pushq %rdi		/* guest RDI */
	movq 8(%rsp), %rdi	/* regs */
	movq %rax, REG_RAX(%rdi)
	movq %rbx, REG_RBX(%rdi)
	movq %rcx, REG_RCX(%rdi)
	movq %rdx, REG_RDX(%rdi)
	movq %rsi, REG_RSI(%rdi)
	movq %rbp, REG_RBP(%rdi)
	movq %r8, REG_R8(%rdi)
	movq %r9, REG_R9(%rdi)
	movq %r10, REG_R10(%rdi)
	movq %r11, REG_R11(%rdi)
	movq %r12, REG_R12(%rdi)
	movq %r13, REG_R13(%rdi)
	movq %r14, REG_R14(%rdi)
	movq %r15, REG_R15(%rdi)
	popq %rax
	movq %rax, REG_RDI(%rdi)
	addq $8, %rsp		/* regs */
	xorl %eax, %eax
vmrun_out:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * void vmx_take_pending_nmi(void): an NMI that caused a VM exit counts as delivered, and NMIs
 * stay blocked after the exit until the next IRET (Linux's KVM calls its NMI handler through a
 * made-up frame for that). An IRET to the next instruction unblocks them, so that the next
 * mailbox NMI reaches the handler even if this pCPU now idles instead of entering the guest.
 */
	.globl vmx_take_pending_nmi
vmx_take_pending_nmi:
	movq %rsp, %rax
	pushq $GDT_SEL_DATA	/* SS */
	pushq %rax		/* RSP */
	pushfq
	pushq $GDT_SEL_CODE64	/* CS */
	leaq 1f(%rip), %rax
	pushq %rax		/* RIP */
	iretq
1:	ret
