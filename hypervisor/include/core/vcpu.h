/* SPDX-License-Identifier: BSD-3-Clause */
/* A virtual CPU: bound for life to one pCPU, with its guest registers and exit counters. */
#ifndef CAIRN_CORE_VCPU_H
#define CAIRN_CORE_VCPU_H

#include "core/vm_exit.h"
#include "lib/compiler.h"
#include "x86/guest/vm_arch.h"

struct vm;
struct pcpu;
struct virt_vcpu;

/* Guest general-purpose registers other than RSP (RIP, RSP, RFLAGS live with the vendor state). */
struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
/* The world switches (x86/vcpu_regs_asm.h) take the fields as 15 consecutive quadwords. */
_Static_assert(__builtin_offsetof(struct vcpu_regs, r15) == 14 * 8 &&
		       sizeof(struct vcpu_regs) == 15 * 8,
	       "struct vcpu_regs is not the layout x86/vcpu_regs_asm.h expects");

enum vcpu_state {
	VCPU_OFFLINE, /* created, not started (or waiting for a start IPI) */
	VCPU_RUNNING,
	VCPU_HALTED, /* stopped executing (HLT with interrupts off) until reset or stop */
	VCPU_STOPPED,
};

struct vcpu {
	struct vm *vm;
	uint32_t id;	   /* index in the VM */
	struct pcpu *pcpu; /* fixed at creation */
	volatile enum vcpu_state state;
	bool paused; /* the VM is paused: nothing runs, whatever the state */
	struct vcpu_regs regs;
	struct virt_vcpu *virt; /* vendor private (SVM: the VMCB) */
	uint64_t exits[EXIT_REASON_COUNT];
	uint64_t exit_ticks
		[EXIT_REASON_COUNT]; /* time_now() ticks in the exit handlers, by reason */
	enum exit_reason last_exit;  /* for the shell's `vcpus` */
	struct vcpu_arch arch;	     /* x86 only (x86/guest/vm_arch.h) */
	char fault[160];	     /* set by an exit handler that stops the VM */
};

/* What an exit handler returns when the vCPU's VM must stop (or reset): not an errno. */
#define VCPU_FAULT (-1)

/*
 * Records why this vCPU's VM must stop (or reset, by scenario flag) and returns VCPU_FAULT:
 * exit handlers end with `return vcpu_fault(vcpu, "...")`.
 */
int vcpu_fault(struct vcpu *vcpu, const char *fmt, ...) __printf_like(2, 3);

#endif
