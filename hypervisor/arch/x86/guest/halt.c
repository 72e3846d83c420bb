/* SPDX-License-Identifier: BSD-3-Clause */
/* HLT: in a small guest step over it (parked with interrupts off); a vCPU halted for good is offline. */
#include "core/arch.h"
#include "core/guest_mem.h"
#include "core/virt.h"
#include "core/vm.h"
#include "core/vm_log.h"
#include "x86/guest/exit_handlers.h"

#define RFLAGS_IF    (1u << 9)
#define HLT_INSN_LEN 1
#define HLT_OPCODE   0xF4

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

/*
 * Linux's offline CPU (hlt_play_dead) loops on HLT with interrupts off. The Service VM runs HLT
 * without an exit, so an NMI (our mailbox signal) interrupted it there: RIP is just past an HLT
 * byte and IF is clear. A vCPU waiting for a STARTUP IPI (never started, or after INIT) or
 * parked by an intercepted HLT is offline too.
 */
bool arch_vcpu_offline_state(struct vcpu *vcpu)
{
	struct vcpu_mode mode;
	uint8_t insn;

	if (vcpu->state == VCPU_OFFLINE || vcpu->state == VCPU_HALTED)
		return true;
	if (vcpu->state != VCPU_RUNNING || (virt_vcpu_rflags(vcpu) & RFLAGS_IF))
		return false;
	virt_vcpu_mode(vcpu, &mode);
	return guest_virt_read(vcpu, mode.cs_base + virt_vcpu_rip(vcpu) - HLT_INSN_LEN, &insn,
			       sizeof(insn)) == 0 &&
	       insn == HLT_OPCODE;
}
