/* SPDX-License-Identifier: BSD-3-Clause */
/* A guest's x2APIC over its pCPU's xAPIC: the trapped MSRs 0x800-0x83F carried to the LAPIC page. */
#include "core/vm.h"
#include "x86/cpu.h"
#include "x86/guest/lapic_pt.h"
#include "x86/guest/x2apic.h"
#include "x86/lapic.h"

/*
 * Why: Linux's xAPIC sends an IPI with two page writes (ICR high, then low), each a nested page
 * fault the hypervisor must decode. In x2APIC mode it is one WRMSR to the ICR, and every other
 * register access is a WRMSR/RDMSR whose operands need no decoding. The pCPU's LAPIC stays in
 * xAPIC mode (QEMU 7.2 has no x2APIC, and the hypervisor's own sends use the page): each MSR is
 * the register at offset (msr - 0x800) << 4 of the page, under the same checks as a trapped page
 * write (lapic_pt_write), and the x2APIC-only ones (32-bit ID, derived LDR, self IPI) are made
 * here. Nothing is passed through: every x2APIC MSR stays intercepted in both vendors' maps.
 */
#define X2APIC_MSR_ID	    0x802
#define X2APIC_MSR_VERSION  0x803
#define X2APIC_MSR_TPR	    0x808
#define X2APIC_MSR_PPR	    0x80A
#define X2APIC_MSR_EOI	    0x80B
#define X2APIC_MSR_LDR	    0x80D
#define X2APIC_MSR_SVR	    0x80F
#define X2APIC_MSR_ISR0	    0x810 /* ISR, TMR and IRR: 0x810-0x827, read-only */
#define X2APIC_MSR_IRR7	    0x827
#define X2APIC_MSR_ESR	    0x828
#define X2APIC_MSR_LVT_CMCI 0x82F
#define X2APIC_MSR_ICR	    0x830
#define X2APIC_MSR_LVT0	    0x832 /* timer, thermal, perf, LINT0, LINT1, error: 0x832-0x837 */
#define X2APIC_MSR_LVT5	    0x837
#define X2APIC_MSR_TMICT    0x838
#define X2APIC_MSR_TMCCT    0x839
#define X2APIC_MSR_TDCR	    0x83E
#define X2APIC_MSR_SELF_IPI 0x83F

static uint32_t page_offset(uint32_t msr)
{
	return (msr - X2APIC_MSR_FIRST) << 4;
}

bool x2apic_offered(const struct vm *vm)
{
	return (vm->config->flags & VM_FLAG_X2APIC) != 0;
}

uint32_t x2apic_logical_id(uint32_t apic_id)
{
	return ((apic_id >> 4) << 16) | (1u << (apic_id & 0xF));
}

uint64_t x2apic_apic_base(const struct vcpu *vcpu)
{
	return rdmsr(MSR_APIC_BASE) | (vcpu->arch.x2apic ? APIC_BASE_EXTD : 0);
}

bool x2apic_set_apic_base(struct vcpu *vcpu, uint64_t value)
{
	uint64_t xapic = rdmsr(MSR_APIC_BASE);

	if (value == xapic)
		return !vcpu->arch.x2apic; /* x2APIC back to xAPIC is invalid (as the SDM says) */
	if (value == (xapic | APIC_BASE_EXTD) && x2apic_offered(vcpu->vm)) {
		vcpu->arch.x2apic = true;
		return true;
	}
	return false; /* disabling the LAPIC or moving its page: the pCPU's, not the guest's */
}

bool x2apic_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	if (!vcpu->arch.x2apic)
		return false;
	switch (msr) {
	case X2APIC_MSR_ID:
		*value = vcpu->pcpu->apic_id;
		return true;
	case X2APIC_MSR_LDR:
		*value = x2apic_logical_id(vcpu->pcpu->apic_id);
		return true;
	case X2APIC_MSR_ICR:
		*value = vcpu->arch.x2apic_icr & ~(uint64_t)ICR_DELIVERY_PENDING;
		return true;
	case X2APIC_MSR_VERSION:
	case X2APIC_MSR_TPR:
	case X2APIC_MSR_PPR:
	case X2APIC_MSR_SVR:
	case X2APIC_MSR_ESR:
	case X2APIC_MSR_LVT_CMCI:
	case X2APIC_MSR_TMICT:
	case X2APIC_MSR_TMCCT:
	case X2APIC_MSR_TDCR:
		break;
	default:
		if ((msr >= X2APIC_MSR_ISR0 && msr <= X2APIC_MSR_IRR7) ||
		    (msr >= X2APIC_MSR_LVT0 && msr <= X2APIC_MSR_LVT5))
			break;
		return false; /* EOI and SELF_IPI are write-only; the rest does not exist */
	}
	*value = lapic_read(page_offset(msr));
	return true;
}

int x2apic_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	uint32_t low = (uint32_t)value;

	if (!vcpu->arch.x2apic)
		return X2APIC_REFUSED;
	switch (msr) {
	case X2APIC_MSR_ICR:
		vcpu->arch.x2apic_icr = value;
		lapic_pt_icr_write(vcpu, low, (uint32_t)(value >> 32), true);
		return 0;
	case X2APIC_MSR_SELF_IPI:
		if (value >> 8)
			return X2APIC_REFUSED;
		lapic_pt_icr_write(vcpu, (ICR_SH_SELF << 18) | ICR_DM_FIXED | low, 0, true);
		return 0;
	case X2APIC_MSR_EOI:
	case X2APIC_MSR_ESR:
		if (value)
			return X2APIC_REFUSED; /* both take 0 only in x2APIC mode */
		break;
	case X2APIC_MSR_TPR:
		if (value >> 8)
			return X2APIC_REFUSED;
		break;
	case X2APIC_MSR_SVR:
	case X2APIC_MSR_LVT_CMCI:
	case X2APIC_MSR_TMICT:
	case X2APIC_MSR_TDCR:
		break;
	default:
		if (msr >= X2APIC_MSR_LVT0 && msr <= X2APIC_MSR_LVT5)
			break;
		return X2APIC_REFUSED; /* ID, LDR, version, PPR, ISR/TMR/IRR, TMCCT: read-only */
	}
	if (value >> 32)
		return X2APIC_REFUSED; /* reserved in every 32-bit register */
	return lapic_pt_write(vcpu, page_offset(msr), low);
}
