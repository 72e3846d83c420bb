/* SPDX-License-Identifier: GPL-2.0-only */
/* The HSM's hypercalls: ACRN's convention (ID in R8, RDI, RSI, result in RAX), the only VMCALL here. */
#ifndef CAIRN_HSM_HYPERCALL_H
#define CAIRN_HSM_HYPERCALL_H

#include <linux/types.h>

#include "cairn/hypercall.h"

/*
 * VMCALL on every vendor. On AMD it raises #UD, which Cairn intercepts and serves as ACRN's
 * hypercall (docs/hypercalls.md); VMMCALL from the Service VM is KVM's ABI under Cairn
 * (KVM_HC_SEND_IPI, docs/service-vm.md), so it must not be used for ACRN's calls. hsm.c makes
 * sure Cairn is there (CPUID) before anything here runs: on bare metal VMCALL would fault.
 */
static inline long hsm_hcall(u32 id, u64 p1, u64 p2)
{
	register u64 r8 asm("r8") = id;
	u64 rax;

	asm volatile("vmcall" : "=a"(rax) : "r"(r8), "D"(p1), "S"(p2) : "memory");
	return (long)rax;
}

static inline long hcall_create_vm(u64 param_pa)
{
	return hsm_hcall(HC_CREATE_VM, param_pa, 0);
}

static inline long hcall_destroy_vm(u16 vmid)
{
	return hsm_hcall(HC_DESTROY_VM, vmid, 0);
}

static inline long hcall_start_vm(u16 vmid)
{
	return hsm_hcall(HC_START_VM, vmid, 0);
}

static inline long hcall_pause_vm(u16 vmid)
{
	return hsm_hcall(HC_PAUSE_VM, vmid, 0);
}

static inline long hcall_reset_vm(u16 vmid)
{
	return hsm_hcall(HC_RESET_VM, vmid, 0);
}

static inline long hcall_set_vcpu_regs(u16 vmid, u64 regs_pa)
{
	return hsm_hcall(HC_SET_VCPU_REGS, vmid, regs_pa);
}

static inline long hcall_set_ioreq_buffer(u16 vmid, u64 holder_pa)
{
	return hsm_hcall(HC_SET_IOREQ_BUFFER, vmid, holder_pa);
}

static inline long hcall_notify_request_finish(u16 vmid, u16 vcpu)
{
	return hsm_hcall(HC_NOTIFY_REQUEST_FINISH, vmid, vcpu);
}

static inline long hcall_inject_msi(u16 vmid, u64 msi_pa)
{
	return hsm_hcall(HC_INJECT_MSI, vmid, msi_pa);
}

static inline long hcall_set_irqline(u16 vmid, u64 op_gsi)
{
	return hsm_hcall(HC_SET_IRQLINE, vmid, op_gsi);
}

static inline long hcall_set_memory_regions(u64 batch_pa)
{
	return hsm_hcall(HC_VM_SET_MEMORY_REGIONS, batch_pa, 0);
}

static inline long hcall_service_vm_offline_cpu(u64 apic_id)
{
	return hsm_hcall(HC_SERVICE_VM_OFFLINE_CPU, apic_id, 0);
}

#endif
