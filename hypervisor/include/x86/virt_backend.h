/* SPDX-License-Identifier: BSD-3-Clause */
/* The vendor backends behind core/virt.h (SVM, VMX): one ops table each, one chosen at boot by CPUID. */
#ifndef CAIRN_X86_VIRT_BACKEND_H
#define CAIRN_X86_VIRT_BACKEND_H

#include "core/virt.h"

/* Every function of core/virt.h, with the same contract; virt_backend.c forwards to one table. */
struct virt_backend {
	const char *name; /* "AMD SVM", "Intel VMX": virt_vendor_name() */
	bool has_gif;	  /* SVM: the hypervisor runs with GIF = 0, STGI/CLGI open and close it */
	int (*check_support)(char *reason, size_t len);
	int (*cpu_enable)(struct pcpu *cpu);
	int (*vm_init)(struct vm *vm);
	void (*vm_destroy)(struct vm *vm);
	int (*vm_map)(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights);
	int (*vm_unmap)(struct vm *vm, uint64_t gpa, uint64_t size);
	int (*vm_translate)(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights);
	void (*vm_trap_io)(struct vm *vm, uint16_t port, uint32_t count, bool trap);
	int (*vcpu_init)(struct vcpu *vcpu);
	void (*vcpu_destroy)(struct vcpu *vcpu);
	int (*vcpu_set_state)(struct vcpu *vcpu, const struct vcpu_arch_state *state);
	void (*vcpu_run)(struct vcpu *vcpu, struct vm_exit *exit);
	uint64_t (*vcpu_rip)(struct vcpu *vcpu);
	void (*vcpu_set_rip)(struct vcpu *vcpu, uint64_t rip);
	uint64_t (*vcpu_rflags)(struct vcpu *vcpu);
	unsigned (*vcpu_cpl)(struct vcpu *vcpu);
	void (*vcpu_mode)(struct vcpu *vcpu, struct vcpu_mode *mode);
	void (*vcpu_inject_exception)(struct vcpu *vcpu, uint8_t vector, uint32_t error_code);
	void (*vcpu_inject_nmi)(struct vcpu *vcpu);
	uint64_t (*vcpu_efer)(struct vcpu *vcpu);
	int (*vcpu_set_efer)(struct vcpu *vcpu, uint64_t efer);
	void (*take_pending_nmi)(void);
	/*
	 * Called by the hypervisor's NMI handler when an NMI arrives while the pCPU runs hypervisor
	 * code (NULL: nothing to do; SVM holds NMIs with GIF = 0 until the guest runs).
	 */
	void (*host_nmi)(void);
};

extern const struct virt_backend svm_backend; /* arch/x86/svm/svm_backend.c */
extern const struct virt_backend vmx_backend; /* arch/x86/vmx/vmx_backend.c */

/* The chosen backend's has_gif, for arch/x86/pcpu_wait.S (set before any pCPU waits). */
extern uint8_t virt_backend_has_gif;

/* The NMI handler's hook (arch/x86/traps.c): the chosen backend's host_nmi, if any. */
void virt_backend_host_nmi(void);

#endif
