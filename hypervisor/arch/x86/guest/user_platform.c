/* SPDX-License-Identifier: BSD-3-Clause */
/* The PC a User VM sees on x86: its own LAPIC passed through, its memory, and nothing else. */
#include "core/arch.h"
#include "core/vm.h"
#include "x86/guest/kvm_pv.h"
#include "x86/guest/lapic_pt.h"

/*
 * Like a partition's: the xAPIC page is read-only in its NPT (writes trap: ICR checks, INIT and
 * SIPI emulated), every port traps (no device is the User VM's; what the hypervisor does not
 * emulate goes to io_emulate()), and its memory is what HC_VM_SET_MEMORY_REGIONS maps. vCPU 0
 * starts from HC_SET_VCPU_REGS; the others wait for the STARTUP IPI its kernel sends. A Linux
 * User VM gets KVM's PV ABI as the Service VM does (kvm_pv.c): kvmclock, PV IPIs.
 */
int arch_user_vm_build(struct vm *vm)
{
	kvm_pv_clock_reset(vm);
	for (uint32_t i = 1; i < vm->nvcpus; i++)
		vm->vcpus[i].arch.wait_for_sipi = true;
	return lapic_pt_attach(vm);
}
