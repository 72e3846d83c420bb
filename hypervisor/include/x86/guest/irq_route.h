/* SPDX-License-Identifier: BSD-3-Clause */
/* Checks on interrupt routes a VM programs into shared hardware (IOAPIC entries, device MSIs). */
#ifndef CAIRN_X86_IRQ_ROUTE_H
#define CAIRN_X86_IRQ_ROUTE_H

#include "core/vm.h"
#include "x86/apic.h"

/* An interrupt message as the APIC bus sees it: where, how and which vector. */
struct irq_route {
	uint32_t dest;	/* physical APIC ID, or the 8-bit logical destination */
	bool logical;	/* destination mode */
	uint8_t mode;	/* delivery mode (APIC_DM_*, x86/apic.h) */
	uint8_t vector; /* fixed / lowest priority only */
};

/* What a route may carry besides fixed and lowest-priority interrupts to the VM's own CPUs. */
#define IRQ_ALLOW_NMI (1u << 0)

/*
 * NULL when every CPU the route can reach is one of vm's vCPUs' pCPUs and its delivery mode is
 * fixed or lowest priority with a vector of 32 or more (or NMI, with IRQ_ALLOW_NMI); else why not.
 */
const char *irq_route_refusal(const struct vm *vm, const struct irq_route *route, uint32_t allow);

/*
 * Counts a refused route in vm->arch.routes_refused and prints one line for the first few of each VM
 * ("cairn: vm <name>: <what> refused (<why>): <action>"), then one line saying the rest are
 * only counted.
 */
void irq_route_note_refused(struct vm *vm, const char *what, const char *why, const char *action);

/*
 * The logical APIC ID (LDR) and destination format (DFR) the guest on pCPU `pcpu_id` last wrote;
 * every pCPU starts at the reset values (LDR 0: no logical destination reaches it).
 */
void irq_route_set_logical_id(uint32_t pcpu_id, uint32_t ldr, uint32_t dfr);
void irq_route_get_logical_id(uint32_t pcpu_id, uint32_t *ldr, uint32_t *dfr);

#endif
