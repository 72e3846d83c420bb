/* SPDX-License-Identifier: BSD-3-Clause */
/* Virtualization instructions a guest executes (VMRUN, STGI, ...): never nested, always #UD. */
#include "core/virt.h"
#include "core/vm.h"
#include "core/vm_log.h"
#include "x86/guest/exit_handlers.h"
#include "x86/vectors.h"

int guest_virt_insn_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	vm_log(vcpu->vm, "%s at RIP 0x%lx is not available to guests: injecting #UD",
	       exit->virt_insn.name, virt_vcpu_rip(vcpu));
	virt_vcpu_inject_exception(vcpu, VECTOR_UD, 0);
	return 0;
}
