/* SPDX-License-Identifier: BSD-3-Clause */
/* Intercepted guest exceptions: a #UD at Intel's VMCALL is a hypercall, the rest go back to the guest. */
#include "core/virt.h"
#include "core/vm.h"
#include "x86/guest/exit_handlers.h"
#include "x86/vectors.h"

int guest_exception_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	if (exit->exception.vector == VECTOR_UD && guest_at_vmcall(vcpu))
		return guest_hypercall(vcpu);
	virt_vcpu_inject_exception(vcpu, exit->exception.vector, exit->exception.error_code);
	return 0;
}
