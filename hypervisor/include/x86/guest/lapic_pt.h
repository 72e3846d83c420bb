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

/*
 * A write of value to the register at offset in the xAPIC page, checked as a trapped write of the
 * page is (IPIs stay in the VM, LVTs take no SMI/INIT/STARTUP, ID and LDR are the pCPU's); the
 * x2APIC MSRs come here too (x2apic.c). 0, or VCPU_FAULT when the write stops the VM.
 */
int lapic_pt_write(struct vcpu *vcpu, uint32_t offset, uint32_t value);

/*
 * An ICR write: icr_low's vector, mode and shorthand to dest, an xAPIC 8-bit destination or an
 * x2APIC 32-bit one (x2apic). Only the VM's own CPUs are reached; the rest is dropped and counted.
 */
void lapic_pt_icr_write(struct vcpu *vcpu, uint32_t icr_low, uint32_t dest, bool x2apic);

/* The vCPU of vm on the pCPU with physical APIC ID apic_id (VMs see their pCPUs' IDs), or NULL. */
struct vcpu *vm_vcpu_by_apic_id(struct vm *vm, uint32_t apic_id);

#endif
