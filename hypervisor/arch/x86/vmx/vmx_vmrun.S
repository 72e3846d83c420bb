/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMX world switch: host RSP into the VMCS, guest GPRs in, VMLAUNCH/VMRESUME, guest GPRs out. */
#include "x86/boot_defs.h"
#include "x86/vcpu_regs_asm.h"

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
	guest_gprs_load rdi
	movq REG_rdi(%rdi), %rdi
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
	guest_gprs_store rdi
	popq %rax
	movq %rax, REG_rdi(%rdi)
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
