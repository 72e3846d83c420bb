/* SPDX-License-Identifier: BSD-3-Clause */
/* HLT in a small guest: step over it; with interrupts off nothing can wake it, so it is parked. */
#include "core/virt.h"
#include "core/vm.h"
#include "core/vm_log.h"
#include "x86/guest/exit_handlers.h"

#define RFLAGS_IF    (1u << 9)
#define HLT_INSN_LEN 1

int guest_hlt_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + HLT_INSN_LEN);
	if (!(virt_vcpu_rflags(vcpu) & RFLAGS_IF)) {
		/* Nothing can wake it: park the pCPU until the VM is stopped or reset. */
		vm_log(vcpu->vm, "vCPU %u halted with interrupts off", vcpu->id);
		vcpu->state = VCPU_HALTED;
	}
	return 0;
}
