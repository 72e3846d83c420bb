/* SPDX-License-Identifier: BSD-3-Clause */
/* The architecture's mailbox requests for a vCPU: emulated INIT and STARTUP IPIs (wait, then real mode), and the state dump. */
#include "core/arch.h"
#include "core/pcpu.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/guest/entry_state.h"
#include "x86/guest/vcpu_dump.h"

void arch_vcpu_requests(struct vcpu *vcpu, uint32_t requests)
{
	if (requests & PCPU_REQ_DUMP)
		vcpu_dump_here(vcpu);
	if (requests & PCPU_REQ_INIT) {
		vcpu->arch.wait_for_sipi = true;
		vcpu->state = VCPU_OFFLINE;
	}
	if ((requests & PCPU_REQ_SIPI) && vcpu->arch.wait_for_sipi) {
		vcpu_start_at_sipi(vcpu, vcpu->arch.sipi_vector);
		vcpu->arch.wait_for_sipi = false;
		vcpu->state = VCPU_RUNNING;
	}
}
