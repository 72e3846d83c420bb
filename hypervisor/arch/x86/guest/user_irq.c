/* SPDX-License-Identifier: BSD-3-Clause */
/* Interrupts the Service VM sends a User VM (HC_INJECT_MSI, the virtual IOAPIC): fixed IPIs. */
#include "core/arch.h"
#include "lib/errno.h"
#include "x86/guest/lapic_pt.h"
#include "x86/guest/user_irq.h"
#include "x86/lapic.h"

#define MSI_ADDRESS_BASE      0xFEE00000ull
#define MSI_ADDRESS_BASE_MASK 0xFFFFFFFFFFF00000ull /* the 0xFEE window, upper half 0 */
#define MSI_ADDRESS_LOGICAL   (1ull << 2)

int user_irq_deliver(struct vm *vm, uint32_t apic_id, uint32_t vector)
{
	if (vector < USER_IRQ_VECTOR_MIN || vector > ICR_VECTOR || !vm_vcpu_by_apic_id(vm, apic_id))
		return -EINVAL;
	lapic_send_ipi(apic_id, ICR_DM_FIXED | vector);
	return 0;
}

/*
 * address: 0xFEE in bits 31:20, the destination APIC ID in 19:12, physical mode (bit 2 clear);
 * the redirection hint (bit 3) is ignored. data: the vector in 7:0, delivery mode fixed or
 * lowest priority (delivered to the CPU named, as fixed); trigger bits are ignored (an edge).
 */
int arch_inject_msi(struct vm *vm, uint64_t address, uint64_t data)
{
	uint32_t mode = ICR_DM((uint32_t)data);

	if ((address & MSI_ADDRESS_BASE_MASK) != MSI_ADDRESS_BASE ||
	    (address & MSI_ADDRESS_LOGICAL))
		return -EINVAL;
	if (mode != APIC_DM_FIXED && mode != APIC_DM_LOWEST)
		return -EINVAL;
	return user_irq_deliver(vm, (uint32_t)(address >> 12) & 0xFF, (uint32_t)data & ICR_VECTOR);
}
