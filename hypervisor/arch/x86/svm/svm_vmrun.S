/* SPDX-License-Identifier: BSD-3-Clause */
/* The world switch: guest GPRs in, VMLOAD/VMRUN/VMSAVE, guest GPRs out, host hidden state back. */

#include "x86/vcpu_regs_asm.h"

	.text
/* void svm_vmrun(uint64_t vmcb_pa, struct vcpu_regs *regs, uint64_t host_save_pa) */
	.globl svm_vmrun
svm_vmrun:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdx		/* host state page */
	pushq %rsi		/* regs */
	clgi			/* hypervisor NMIs wait until the guest runs, then force an exit */
	movq %rdi, %rax
	guest_gprs_load rsi, skip=rax /* RAX is the VMCB's */
	movq REG_rsi(%rsi), %rsi
	vmload %rax
	vmrun %rax
	vmsave %rax
	pushq %rsi		/* guest RSI */
	movq 8(%rsp), %rsi	/* regs */
	guest_gprs_store rsi, skip=rax
	popq %rbx
	movq %rbx, REG_rsi(%rsi)
	popq %rsi
	popq %rax		/* host state page: FS/GS base (per-pCPU data), TR, LDTR, syscall MSRs */
	vmload %rax
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* void svm_save_host_state(uint64_t host_save_pa): the host side of the VMLOAD above. */
	.globl svm_save_host_state
svm_save_host_state:
	movq %rdi, %rax
	vmsave %rax
	ret

/* void svm_take_pending_nmi(void) */
	.globl svm_take_pending_nmi
svm_take_pending_nmi:
	stgi
	clgi
	ret
