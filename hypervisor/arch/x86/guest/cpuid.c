/* SPDX-License-Identifier: BSD-3-Clause */
/* What guests see from CPUID: the host's answers, minus SVM, plus the hypervisor bit and Cairn's leaves. */
#include "cairn/cpuid.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/cpu.h"
#include "x86/guest/exit_handlers.h"
#include "x86/guest/kvm_pv.h"
#include "x86/guest/x2apic.h"
#include "x86/tsc.h"

#define CPUID1_ECX_MONITOR	(1u << 3)
#define CPUID1_ECX_VMX		(1u << 5)
#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_OSXSAVE	(1u << 27)
#define CPUID1_ECX_HYPERVISOR	(1u << 31)
#define CPUID_EXT_ECX_SVM	(1u << 2)
#define CR4_OSXSAVE		(1u << 18)
#define CPUID_CAIRN_RANGE_END	0x400000FFu
#define CPUID_HV_RANGE_END	0x4000FFFFu

static uint32_t cairn_features(const struct vm *vm)
{
	uint32_t f = 0;

	if (vm->config->flags & VM_FLAG_HYPERCALLS)
		f |= CAIRN_CPUID_FEAT_HYPERCALLS;
	if (vm->config->kind == VM_KIND_SERVICE)
		f |= CAIRN_CPUID_FEAT_SERVICE_VM;
	if (vm->config->watchdog_ms)
		f |= CAIRN_CPUID_FEAT_WATCHDOG;
	return f;
}

/* The whole 0x40000000-0x4000FFFF range is ours: TCG's own "TCGTCGTCGTCG" must not show through. */
static struct cpuid_regs hypervisor_leaf(struct vcpu *vcpu, uint32_t leaf)
{
	switch (leaf) {
	case CAIRN_CPUID_BASE:
		return (struct cpuid_regs){ CAIRN_CPUID_FEATURES, CAIRN_CPUID_SIG_EBX,
					    CAIRN_CPUID_SIG_ECX, CAIRN_CPUID_SIG_EDX };
	case CAIRN_CPUID_FEATURES:
		return (struct cpuid_regs){ cairn_features(vcpu->vm), vcpu->vm->id, vcpu->id,
					    (uint32_t)tsc_khz };
	default:
		return (struct cpuid_regs){ 0, 0, 0, 0 };
	}
}

static struct cpuid_regs filtered_leaf(struct vcpu *vcpu, uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = cpuid(leaf, subleaf);
	struct vcpu_mode pg;

	switch (leaf) {
	case 1:
		virt_vcpu_mode(vcpu, &pg);
		/*
		 * A guest's LAPIC is the pCPU's xAPIC page (lapic_pt.c); x2APIC is the hypervisor's
		 * emulation over it (x2apic.c), offered per VM whatever the CPU has. No TSC-deadline
		 * MSR (default-deny), so it is not offered (Intel CPUs and Bochs have it). No
		 * MONITOR/MWAIT: an offline Linux CPU then parks in HLT, which the Service VM's
		 * give-back expects (halt.c; under Bochs it chose MWAIT and remove_cpu got EBUSY).
		 */
		r.ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_OSXSAVE | CPUID1_ECX_X2APIC |
			   CPUID1_ECX_TSC_DEADLINE | CPUID1_ECX_MONITOR);
		r.ecx |= CPUID1_ECX_HYPERVISOR;
		if (x2apic_offered(vcpu->vm))
			r.ecx |= CPUID1_ECX_X2APIC;
		if (pg.cr4 & CR4_OSXSAVE)
			r.ecx |= CPUID1_ECX_OSXSAVE;
		break;
	case 0x80000001:
		r.ecx &= ~CPUID_EXT_ECX_SVM;
		break;
	case 0x8000000A:
		r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	default:
		break;
	}
	return r;
}

int guest_cpuid_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t leaf = (uint32_t)vcpu->regs.rax, subleaf = (uint32_t)vcpu->regs.rcx;
	struct cpuid_regs r;

	if (kvm_pv_cpuid(vcpu, leaf, &r))
		;
	else if (leaf >= CAIRN_CPUID_BASE && leaf <= CPUID_HV_RANGE_END)
		r = leaf <= CPUID_CAIRN_RANGE_END ? hypervisor_leaf(vcpu, leaf)
						  : (struct cpuid_regs){ 0, 0, 0, 0 };
	else
		r = filtered_leaf(vcpu, leaf, subleaf);
	vcpu->regs.rax = r.eax;
	vcpu->regs.rbx = r.ebx;
	vcpu->regs.rcx = r.ecx;
	vcpu->regs.rdx = r.edx;
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + 2); /* 0F A2 */
	return 0;
}
