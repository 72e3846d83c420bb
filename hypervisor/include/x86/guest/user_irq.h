/* SPDX-License-Identifier: BSD-3-Clause */
/* Interrupts the Service VM sends a User VM (HC_INJECT_MSI, the virtual IOAPIC): fixed IPIs. */
#ifndef CAIRN_X86_GUEST_USER_IRQ_H
#define CAIRN_X86_GUEST_USER_IRQ_H

#include "core/vm.h"

#define USER_IRQ_VECTOR_MIN 16 /* 0-15 are no interrupt vectors (the LAPIC refuses them) */

/*
 * A physical fixed IPI with `vector` to the pCPU of vm's vCPU whose APIC ID is apic_id (it owns
 * its LAPIC: the interrupt reaches the guest, or waits in the IRR while the pCPU is in the
 * hypervisor). 0, or -EINVAL: no such vCPU, or a vector below 16.
 */
int user_irq_deliver(struct vm *vm, uint32_t apic_id, uint32_t vector);

#endif
