/* Guest exceptions, SVM instructions and HLT: Intel VMCALL becomes a hypercall, the rest go back as #UD. */
#include "core/console.h"
#include "x86/guest/exit_handlers.h"
#include "core/guest_mem.h"
#include "core/virt.h"
#include "core/vm.h"
#include "core/vm_log.h"
#include "lib/string.h"
#include "x86/guest/kvm_pv.h"

#define VECTOR_UD 6
#define RFLAGS_IF (1u << 9)

static bool at_intel_vmcall(struct vcpu *vcpu)
{
	static const uint8_t vmcall[3] = { 0x0F, 0x01, 0xC1 };
	struct vcpu_mode pg;
	uint8_t bytes[3];

	virt_vcpu_mode(vcpu, &pg);
	return guest_virt_read(vcpu, pg.cs_base + virt_vcpu_rip(vcpu), bytes, 3) == 0 &&
	       memcmp(bytes, vmcall, 3) == 0;
}

int guest_exception_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	if (exit->exception.vector == VECTOR_UD && at_intel_vmcall(vcpu))
		return hypercall_exit(vcpu, 3);
	virt_vcpu_inject_exception(vcpu, exit->exception.vector, exit->exception.error_code);
	return 0;
}

int vmmcall_exit(struct vcpu *vcpu)
{
	if (kvm_pv_enabled(vcpu)) {
		kvm_pv_hypercall(vcpu);
		return 0;
	}
	return hypercall_exit(vcpu, 3);
}

int guest_virt_insn_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	vm_log(vcpu->vm, "%s at RIP 0x%lx is not available to guests: injecting #UD",
	       exit->virt_insn.name, virt_vcpu_rip(vcpu));
	virt_vcpu_inject_exception(vcpu, VECTOR_UD, 0);
	return 0;
}

int guest_hlt_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + 1);
	if (!(virt_vcpu_rflags(vcpu) & RFLAGS_IF)) {
		/* Nothing can wake it: park the pCPU until the VM is stopped or reset. */
		vm_log(vcpu->vm, "vCPU %u halted with interrupts off", vcpu->id);
		vcpu->state = VCPU_HALTED;
	}
	return 0;
}
