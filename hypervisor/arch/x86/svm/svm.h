/* SPDX-License-Identifier: BSD-3-Clause */
/* SVM backend internals shared by the files of arch/x86/svm/ (never included outside it). */
#ifndef CAIRN_SVM_SVM_H
#define CAIRN_SVM_SVM_H

#include "core/vcpu.h"
#include "core/virt.h"
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
	bool nmi_pending;    /* an NMI for the guest, injected once EVENTINJ is free */
};

/* Enters the guest: loads regs (but RAX, which is in the VMCB), VMLOAD, VMRUN, VMSAVE, and back. */
void svm_vmrun(uint64_t vmcb_pa, struct vcpu_regs *regs, uint64_t host_save_pa);

void svm_save_host_state(uint64_t host_save_pa);

/* The functions of core/virt.h, for svm_backend (svm_backend.c); same contracts. */
int svm_check_support(char *reason, size_t len);
int svm_cpu_enable(struct pcpu *cpu);
int svm_vm_init(struct vm *vm);
void svm_vm_destroy(struct vm *vm);
int svm_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights);
int svm_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size);
int svm_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights);
void svm_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap);
int svm_vcpu_init(struct vcpu *vcpu);
void svm_vcpu_destroy(struct vcpu *vcpu);
int svm_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *state);
void svm_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit);
uint64_t svm_vcpu_rip(struct vcpu *vcpu);
void svm_vcpu_set_rip(struct vcpu *vcpu, uint64_t rip);
uint64_t svm_vcpu_rflags(struct vcpu *vcpu);
unsigned svm_vcpu_cpl(struct vcpu *vcpu);
void svm_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *mode);
void svm_vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, uint32_t error_code);
void svm_vcpu_inject_nmi(struct vcpu *vcpu);
uint64_t svm_vcpu_efer(struct vcpu *vcpu);
int svm_vcpu_set_efer(struct vcpu *vcpu, uint64_t efer);
/* stgi; clgi (svm_vmrun.S): an NMI held since the exit is taken. */
void svm_take_pending_nmi(void);
/* The calling pCPU's host state page (svm_cpu.c). */
uint64_t svm_host_state_pa(void);

#endif
