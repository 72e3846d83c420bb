/* SPDX-License-Identifier: BSD-3-Clause */
/* SVM backend internals shared by the files of arch/x86/svm/ (never included outside it). */
#ifndef CAIRN_SVM_SVM_H
#define CAIRN_SVM_SVM_H

#include "core/vcpu.h"
#include "core/vm.h"
#include "npt.h"
#include "vmcb.h"

struct virt_vm {
	struct stage2_pt npt;
	uint64_t iopm_pa;  /* 12 KiB: one bit per port, set = intercept */
	uint64_t msrpm_pa; /* 8 KiB: two bits per MSR (read, write), set = intercept */
};

struct virt_vcpu {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	uint64_t guest_efer; /* what the guest wrote; the VMCB copy always has SVME */
	bool flush_tlb;	     /* TLB_CONTROL on the next VMRUN */
};

/* Enters the guest: loads regs (but RAX, which is in the VMCB), VMLOAD, VMRUN, VMSAVE, and back. */
void svm_vmrun(uint64_t vmcb_pa, struct vcpu_regs *regs, uint64_t host_save_pa);

void svm_save_host_state(uint64_t host_save_pa);
/* The calling pCPU's host state page (svm_cpu.c). */
uint64_t svm_host_state_pa(void);

#endif
