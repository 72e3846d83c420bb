/* SPDX-License-Identifier: BSD-3-Clause */
/* The SVM backend's table of core/virt.h functions (chosen by arch/x86/virt_backend.c). */
#include "x86/virt_backend.h"
#include "svm.h"

const struct virt_backend svm_backend = {
	.name = "AMD SVM",
	.has_gif = true,
	.check_support = svm_check_support,
	.cpu_enable = svm_cpu_enable,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.vm_map = svm_vm_map,
	.vm_unmap = svm_vm_unmap,
	.vm_translate = svm_vm_translate,
	.vm_trap_io = svm_vm_trap_io,
	.vcpu_init = svm_vcpu_init,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_set_state = svm_vcpu_set_state,
	.vcpu_run = svm_vcpu_run,
	.vcpu_rip = svm_vcpu_rip,
	.vcpu_set_rip = svm_vcpu_set_rip,
	.vcpu_rflags = svm_vcpu_rflags,
	.vcpu_cpl = svm_vcpu_cpl,
	.vcpu_mode = svm_vcpu_mode,
	.vcpu_inject_exception = svm_vcpu_inject_exception,
	.vcpu_inject_nmi = svm_vcpu_inject_nmi,
	.vcpu_efer = svm_vcpu_efer,
	.vcpu_set_efer = svm_vcpu_set_efer,
	.take_pending_nmi = svm_take_pending_nmi,
	.host_nmi = NULL,
};
