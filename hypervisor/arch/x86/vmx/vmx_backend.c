/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMX backend's table of core/virt.h functions (chosen by arch/x86/virt_backend.c). */
#include "x86/virt_backend.h"
#include "vmx_impl.h"

const struct virt_backend vmx_backend = {
	.name = "Intel VMX",
	.check_support = vmx_check_support,
	.cpu_enable = vmx_cpu_enable,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.vm_map = vmx_vm_map,
	.vm_unmap = vmx_vm_unmap,
	.vm_translate = vmx_vm_translate,
	.vm_trap_io = vmx_vm_trap_io,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_set_state = vmx_vcpu_set_state,
	.vcpu_run = vmx_vcpu_run,
	.vcpu_rip = vmx_vcpu_rip,
	.vcpu_set_rip = vmx_vcpu_set_rip,
	.vcpu_rflags = vmx_vcpu_rflags,
	.vcpu_cpl = vmx_vcpu_cpl,
	.vcpu_mode = vmx_vcpu_mode,
	.vcpu_inject_exception = vmx_vcpu_inject_exception,
	.vcpu_inject_nmi = vmx_vcpu_inject_nmi,
	.vcpu_efer = vmx_vcpu_efer,
	.vcpu_set_efer = vmx_vcpu_set_efer,
	.take_pending_nmi = vmx_take_pending_nmi,
	.host_nmi = vmx_host_nmi,
};
