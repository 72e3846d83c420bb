/* Trapped guest MSR accesses: EFER keeps SVME, SVM's own MSRs and relocating the APIC are refused. */
#include "core/exit_handlers.h"
#include "core/virt.h"
#include "x86/cpu.h"
#include "x86/kvm_pv.h"

#define VECTOR_GP 13
#define MSR_TSC	  0x10

static void msr_set_result(struct vcpu *vcpu, uint64_t value)
{
	vcpu->regs.rax = (uint32_t)value;
	vcpu->regs.rdx = value >> 32;
}

static bool msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	switch (msr) {
	case MSR_EFER:
		*value = virt_vcpu_efer(vcpu);
		return true;
	case MSR_APIC_BASE:
		*value = rdmsr(MSR_APIC_BASE);
		return true;
	case MSR_TSC:
		*value = rdtsc();
		return true;
	default:
		return false; /* VM_CR, VM_HSAVE_PA and MSRs nobody emulates: #GP */
	}
}

static bool msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	switch (msr) {
	case MSR_EFER:
		return virt_vcpu_set_efer(vcpu, value) == 0;
	case MSR_APIC_BASE:
		/* The LAPIC belongs to the pCPU: only a write that changes nothing is accepted. */
		return value == rdmsr(MSR_APIC_BASE);
	case MSR_TSC:
		return true; /* ignored: the TSC is the pCPU's and shared with the hypervisor */
	default:
		return false;
	}
}

int guest_msr_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t msr = exit->msr.index;
	uint64_t value = (vcpu->regs.rdx << 32) | (uint32_t)vcpu->regs.rax;
	bool ok;

	if (exit->reason == EXIT_MSR_READ) {
		if (!kvm_pv_msr_read(vcpu, msr, &value, &ok))
			ok = msr_read(vcpu, msr, &value);
		if (ok)
			msr_set_result(vcpu, value);
	} else if (!kvm_pv_msr_write(vcpu, msr, value, &ok)) {
		ok = msr_write(vcpu, msr, value);
	}
	if (!ok) {
		virt_vcpu_inject_exception(vcpu, VECTOR_GP, 0);
		return 0;
	}
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + 2); /* 0F 32 / 0F 30 */
	return 0;
}
