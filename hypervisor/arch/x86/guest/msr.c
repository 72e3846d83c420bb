/* SPDX-License-Identifier: BSD-3-Clause */
/* Trapped guest MSR accesses: a few are emulated, host-only and unknown MSRs get #GP (default-deny). */
#include "core/virt.h"
#include "core/vm.h"
#include "x86/cpu.h"
#include "x86/guest/exit_handlers.h"
#include "x86/guest/kvm_pv.h"
#include "x86/guest/msr_policy.h"
#include "x86/guest/x2apic.h"
#include "x86/vectors.h"

#define MSR_TSC		0x10
#define MSR_PATCH_LEVEL 0x8B /* AMD PATCH_LEVEL; Intel BIOS_SIGN_ID */
#define MSR_MTRR_CAP	0xFE
#define MSR_MCG_CAP	0x179
#define MSR_MCG_STATUS	0x17A
#define MSR_MISC_ENABLE 0x1A0 /* Intel */
/* What a guest reads: fast strings on, no branch trace store, no PEBS (as KVM's default). */
#define MISC_ENABLE_GUEST  ((1u << 0) | (1u << 11) | (1u << 12))
#define MSR_MTRR_VAR_FIRST 0x200
#define MSR_MTRR_VAR_LAST  0x20F
#define MSR_MTRR_FIX_64K   0x250
#define MSR_MTRR_FIX_16K_0 0x258
#define MSR_MTRR_FIX_16K_1 0x259
#define MSR_MTRR_FIX_4K_0  0x268
#define MSR_MTRR_FIX_4K_7  0x26F
#define MSR_MTRR_DEF_TYPE  0x2FF
#define MSR_SYSCFG	   0xC0010010
#define MSR_INT_PENDING	   0xC0010055 /* K8 interrupt-pending message: C1E state */

static void msr_set_result(struct vcpu *vcpu, uint64_t value)
{
	vcpu->regs.rax = (uint32_t)value;
	vcpu->regs.rdx = value >> 32;
}

/* The MTRRs set the memory types of the whole machine, the hypervisor's included. */
static bool is_mtrr(uint32_t msr)
{
	return msr == MSR_MTRR_CAP || msr == MSR_MTRR_DEF_TYPE ||
	       (msr >= MSR_MTRR_VAR_FIRST && msr <= MSR_MTRR_VAR_LAST) || msr == MSR_MTRR_FIX_64K ||
	       msr == MSR_MTRR_FIX_16K_0 || msr == MSR_MTRR_FIX_16K_1 ||
	       (msr >= MSR_MTRR_FIX_4K_0 && msr <= MSR_MTRR_FIX_4K_7);
}

static bool msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	switch (msr) {
	case MSR_EFER:
		*value = virt_vcpu_efer(vcpu); /* without SVME */
		return true;
	case MSR_APIC_BASE:
		*value = x2apic_apic_base(vcpu);
		return true;
	case MSR_PATCH_LEVEL:
		*value = 0; /* no microcode to report: the loader is the host's */
		return true;
	case MSR_MCG_CAP:
	case MSR_MCG_STATUS:
		*value = 0; /* machine-check architecture with no banks: errors are the host's */
		return true;
	case MSR_MISC_ENABLE:
		/* Linux's verify_cpu reads it unchecked on Intel CPUs (for XD disable). */
		*value = MISC_ENABLE_GUEST;
		return true;
	case MSR_INT_PENDING:
		*value =
			0; /* C1E off (Linux reads it unchecked on K8-family CPUs; KVM answers 0) */
		return true;
	default:
		if (is_mtrr(msr)) {
			*value = rdmsr(msr); /* the firmware's memory types, read-only */
			return true;
		}
		return false;
	}
}

static bool msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	switch (msr) {
	case MSR_EFER:
		return virt_vcpu_set_efer(vcpu, value) == 0;
	case MSR_APIC_BASE:
		/* The LAPIC belongs to the pCPU: a write that changes nothing, or x2APIC mode on. */
		return x2apic_set_apic_base(vcpu, value);
	case MSR_TSC:
		return true; /* ignored: the TSC is the pCPU's and shared with the hypervisor */
	case MSR_PATCH_LEVEL:
	case MSR_MCG_STATUS:
		return true; /* ignored */
	case MSR_MISC_ENABLE:
		return value == MISC_ENABLE_GUEST; /* a write that changes nothing */
	default:
		/* Linux rewrites the MTRRs it read (with caches off, then back): ignored, not applied. */
		return is_mtrr(msr) && msr != MSR_MTRR_CAP;
	}
}

int guest_msr_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t msr = exit->msr.index;
	uint64_t value = (vcpu->regs.rdx << 32) | (uint32_t)vcpu->regs.rax;
	bool read = exit->reason == EXIT_MSR_READ;
	bool x2apic = msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST;
	bool ok = false;

	if (read && msr == MSR_SYSCFG) {
		/* Host-only, but Linux reads it unchecked on K8-family CPUs: reads as 0 (as KVM). */
		value = 0;
		ok = true;
	} else if (msr_is_host_only(msr))
		ok = false;
	else if (x2apic && read)
		ok = x2apic_msr_read(vcpu, msr, &value);
	else if (x2apic) {
		int err = x2apic_msr_write(vcpu, msr, value);
		if (err == VCPU_FAULT)
			return err;
		ok = err == 0;
	} else if (read && kvm_pv_msr_read(vcpu, msr, &value, &ok))
		;
	else if (read)
		ok = msr_read(vcpu, msr, &value);
	else if (!kvm_pv_msr_write(vcpu, msr, value, &ok))
		ok = msr_write(vcpu, msr, value);
	if (!ok) {
		vm_count_detail(vcpu->vm->arch.msrs_refused,
				ARRAY_SIZE(vcpu->vm->arch.msrs_refused),
				(uint64_t)msr | (read ? 0 : MSR_REFUSED_WRITE));
		virt_vcpu_inject_exception(vcpu, VECTOR_GP, 0);
		return 0;
	}
	if (read)
		msr_set_result(vcpu, value);
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + 2); /* 0F 32 / 0F 30 */
	return 0;
}
