/* SPDX-License-Identifier: BSD-3-Clause */
/* A partition's own LAPIC, passed through: writes trap and are checked, IPIs stay inside the VM. */
#ifndef CAIRN_X86_LAPIC_PT_H
#define CAIRN_X86_LAPIC_PT_H

#include "core/vm.h"

/* Maps the xAPIC page read-only into vm (reads go to the pCPU's LAPIC; writes trap). */
int lapic_pt_attach(struct vm *vm);

/*
 * Delivers an IPI (ICR low bits: vector, delivery mode, level) from vcpu to the VM's vCPU with
 * physical APIC ID apic_id: fixed and NMI IPIs, INIT and STARTUP emulated. Returns true when
 * delivered; a destination outside the VM is dropped and counted.
 */
bool lapic_pt_send_ipi(struct vcpu *vcpu, uint32_t apic_id, uint32_t icr_low);

/* The vCPU of vm on the pCPU with physical APIC ID apic_id (VMs see their pCPUs' IDs), or NULL. */
struct vcpu *vm_vcpu_by_apic_id(struct vm *vm, uint32_t apic_id);

#endif
