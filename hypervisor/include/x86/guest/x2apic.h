/* SPDX-License-Identifier: BSD-3-Clause */
/* A guest's x2APIC over its pCPU's xAPIC (x2apic.c): APIC_BASE.EXTD and the MSRs 0x800-0x83F. */
#ifndef CAIRN_X86_GUEST_X2APIC_H
#define CAIRN_X86_GUEST_X2APIC_H

#include "core/vm.h"

#define X2APIC_MSR_FIRST 0x800
#define X2APIC_MSR_LAST	 0x8FF
#define APIC_BASE_EXTD	 (1ull << 10) /* IA32_APIC_BASE: x2APIC mode */
#define X2APIC_REFUSED	 1	      /* x2apic_msr_write: the access gets #GP */

/* The VM is offered x2APIC (VM_FLAG_X2APIC): CPUID.1:ECX[21], and APIC_BASE.EXTD may be set. */
bool x2apic_offered(const struct vm *vm);

/* x2APIC's logical ID of apic_id (read-only, derived): cluster in 31:16, one bit in 15:0. */
uint32_t x2apic_logical_id(uint32_t apic_id);

/* IA32_APIC_BASE as vcpu sees it: the pCPU's, with EXTD while it is in x2APIC mode. */
uint64_t x2apic_apic_base(const struct vcpu *vcpu);

/*
 * A guest write of IA32_APIC_BASE: the value it reads (no change) or, when offered, that value
 * with EXTD (xAPIC to x2APIC). False for anything else (#GP): x2APIC back to xAPIC, disabling the
 * LAPIC, moving its page.
 */
bool x2apic_set_apic_base(struct vcpu *vcpu, uint64_t value);

/* A vCPU starting from a reset state (its first state, or a STARTUP IPI's) is in xAPIC mode. */
static inline void x2apic_reset(struct vcpu *vcpu)
{
	vcpu->arch.x2apic = false;
	vcpu->arch.x2apic_icr = 0;
}

/* RDMSR of an x2APIC register: false (#GP) outside x2APIC mode or for a write-only register. */
bool x2apic_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value);

/* WRMSR of an x2APIC register: 0, X2APIC_REFUSED (#GP), or VCPU_FAULT (the VM stops). */
int x2apic_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value);

#endif
