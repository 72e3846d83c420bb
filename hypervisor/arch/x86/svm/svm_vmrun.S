/* SPDX-License-Identifier: BSD-3-Clause */
/* The world switch: guest GPRs in, VMLOAD/VMRUN/VMSAVE, guest GPRs out, host hidden state back. */

/* Offsets in struct vcpu_regs (core/vcpu.h) */
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
	movq REG_RBX(%rsi), %rbx
	movq REG_RCX(%rsi), %rcx
	movq REG_RDX(%rsi), %rdx
	movq REG_RDI(%rsi), %rdi
	movq REG_RBP(%rsi), %rbp
	movq REG_R8(%rsi), %r8
	movq REG_R9(%rsi), %r9
	movq REG_R10(%rsi), %r10
	movq REG_R11(%rsi), %r11
	movq REG_R12(%rsi), %r12
	movq REG_R13(%rsi), %r13
	movq REG_R14(%rsi), %r14
	movq REG_R15(%rsi), %r15
	movq REG_RSI(%rsi), %rsi
	vmload %rax
	vmrun %rax
	vmsave %rax
	pushq %rsi		/* guest RSI */
	movq 8(%rsp), %rsi	/* regs */
	movq %rbx, REG_RBX(%rsi)
	movq %rcx, REG_RCX(%rsi)
	movq %rdx, REG_RDX(%rsi)
	movq %rdi, REG_RDI(%rsi)
	movq %rbp, REG_RBP(%rsi)
	movq %r8, REG_R8(%rsi)
	movq %r9, REG_R9(%rsi)
	movq %r10, REG_R10(%rsi)
	movq %r11, REG_R11(%rsi)
	movq %r12, REG_R12(%rsi)
	movq %r13, REG_R13(%rsi)
	movq %r14, REG_R14(%rsi)
	movq %r15, REG_R15(%rsi)
	popq %rbx
	movq %rbx, REG_RSI(%rsi)
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
