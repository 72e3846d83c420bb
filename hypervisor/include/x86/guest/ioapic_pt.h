/* SPDX-License-Identifier: BSD-3-Clause */
/* The IOAPIC passed through to the Service VM: writes trap so the hypervisor knows every route. */
#ifndef CAIRN_X86_IOAPIC_PT_H
#define CAIRN_X86_IOAPIC_PT_H

#include "core/vm.h"

/* Maps the IOAPIC at `base` read-only into vm; writes are forwarded and remembered. */
int ioapic_pt_attach(struct vm *vm, uint64_t base);

/*
 * Signals IOAPIC input `pin` of vm as an edge, the way a device on that line would: sends the
 * vector the guest routed the pin to, to the CPU it chose (if inside the VM and unmasked).
 */
void ioapic_pt_pulse(struct vm *vm, uint32_t pin);

/* The VM stopped: masks every IOAPIC input it routed, so no device interrupt reaches a freed pCPU. */
void ioapic_pt_release(struct vm *vm);
/* Masks every pin the VM unmasked (a reset: the new kernel routes them again). */
void ioapic_pt_mask_all(struct vm *vm);

#endif
