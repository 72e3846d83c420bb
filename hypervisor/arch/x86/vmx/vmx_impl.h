/* SPDX-License-Identifier: BSD-3-Clause */
/* VMX backend internals shared by the files of arch/x86/vmx/ (never included outside it). */
#ifndef CAIRN_VMX_VMX_IMPL_H
#define CAIRN_VMX_VMX_IMPL_H

#include "core/vcpu.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/stage2_pt.h"
#include "x86/vcpu_state.h"

/* What the capability MSRs allow, read once by vmx_check_support() (vmx_cpu.c). */
struct vmx_caps {
	uint32_t revision; /* IA32_VMX_BASIC 30:0: the VMXON region's and VMCS's */
	uint32_t pin, proc, proc2, exit,
		entry; /* controls Cairn uses, adjusted by the (TRUE) MSRs */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool ept_2m, ept_1g;
};
extern struct vmx_caps vmx_caps;

/* Per VM: the EPT and the two bitmaps the VMCS points to. */
struct vmx_vm {
	struct stage2_pt ept;
	uint64_t eptp;
	uint64_t io_bitmap_pa;	/* 8 KiB: bitmap A (ports 0-7FFF), then B; set = exit */
	uint64_t msr_bitmap_pa; /* 4 KiB: read low, read high, write low, write high */
};

/* Per vCPU: the VMCS and what the backend keeps beside it. */
struct vmx_vcpu {
	uint64_t vmcs_pa;
	int32_t cpu;   /* the pCPU it was set up on (VMPTRLD), -1 before the first run */
	bool launched; /* VMLAUNCH done: VMRESUME next */
	uint16_t vpid;
	bool flush_ept;	    /* the VM's EPT changed: INVEPT here before the next entry */
	uint32_t entry_ctl; /* VM-entry controls but IA-32e mode guest, kept by the exit */
	/* A state from virt_vcpu_set_state() not yet written into the VMCS (done on its pCPU). */
	bool state_pending;
	struct vcpu_arch_state state;
	/* Guest RIP and RFLAGS, read at every exit; RIP written back before every entry. */
	uint64_t rip, rflags;
	bool clear_shadow; /* RIP moved past an instruction: end an STI/MOV SS interrupt shadow */
	uint32_t inject_info, inject_error; /* VM-entry interruption information, 0 = none */
	uint32_t inject_len;		    /* instruction length of a software event */
	bool nmi_pending;		    /* an NMI to inject as soon as nothing blocks it */
};

static inline struct vmx_vm *vmx_vm(struct vm *vm)
{
	return (struct vmx_vm *)(void *)vm->virt;
}

static inline struct vmx_vcpu *vmx_vcpu(struct vcpu *vcpu)
{
	return (struct vmx_vcpu *)(void *)vcpu->virt;
}

/* vmx_cpu.c */
int vmx_check_support(char *reason, size_t len);
int vmx_cpu_enable(struct pcpu *cpu);
/* The calling pCPU's host TR base (a zeroed TSS), for the VMCS host state. */
uint64_t vmx_host_tss(void);
/* The VMCS the calling pCPU has current (VMPTRLD), 0 for none; set after VMPTRLD/VMCLEAR. */
uint64_t vmx_current_vmcs(void);
void vmx_set_current_vmcs(uint64_t vmcs_pa);
/* True once if an NMI reached the hypervisor on this pCPU since the last call. */
bool vmx_take_host_nmi_seen(void);
/* Hands a VMCS still current on another pCPU to that pCPU to VMCLEAR and free. */
void vmx_retire_vmcs(int32_t cpu, uint64_t vmcs_pa);
void vmx_host_nmi(void);
void vmx_take_pending_nmi(void);

/* vmx_vm.c */
int vmx_vm_init(struct vm *vm);
void vmx_vm_destroy(struct vm *vm);
int vmx_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights);
int vmx_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size);
int vmx_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights);
void vmx_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap);

/* vmx_state.c: writes a vcpu_arch_state into the current VMCS's guest-state area. */
void vmx_state_load(struct vmx_vcpu *v, const struct vcpu_arch_state *st);

/* vmx_emulate.c: exits the backend completes itself (true: handled, the guest goes on). */
bool vmx_emulate_exit(struct vcpu *vcpu, uint32_t reason, uint64_t qualification, uint32_t len,
		      struct vm_exit *exit);

/* vmx_vcpu.c */
int vmx_vcpu_init(struct vcpu *vcpu);
void vmx_vcpu_destroy(struct vcpu *vcpu);
int vmx_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *state);
void vmx_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit);
uint64_t vmx_vcpu_rip(struct vcpu *vcpu);
void vmx_vcpu_set_rip(struct vcpu *vcpu, uint64_t rip);
uint64_t vmx_vcpu_rflags(struct vcpu *vcpu);
unsigned vmx_vcpu_cpl(struct vcpu *vcpu);
void vmx_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *mode);
void vmx_vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, uint32_t error_code);
void vmx_vcpu_inject_nmi(struct vcpu *vcpu);
uint64_t vmx_vcpu_efer(struct vcpu *vcpu);
int vmx_vcpu_set_efer(struct vcpu *vcpu, uint64_t efer);

/*
 * vmx_vmrun.S: loads regs, VMLAUNCH (launched false) or VMRESUME, saves regs. Returns 0 after a
 * VM exit, 1 when the instruction failed (VMfailValid/VMfailInvalid: no exit happened).
 */
int vmx_vmrun(struct vcpu_regs *regs, bool launched);
/* The HOST_RIP of every VMCS: where a VM exit lands in vmx_vmrun. */
void vmx_vmexit_entry(void);

#endif
