/* SPDX-License-Identifier: BSD-3-Clause */
/* Interrupt route checks: a VM's IOAPIC entries and MSIs may only reach its own CPUs. */
#include "core/console.h"
#include "core/pcpu.h"
#include "x86/guest/irq_route.h"

#define BROADCAST_ID	  0xFF
#define DFR_MODEL(dfr)	  ((dfr) >> 28)
#define DFR_MODEL_CLUSTER 0x0
#define LDR_ID(ldr)	  ((ldr) >> 24)
#define FIRST_ROUTABLE	  32 /* vectors 0-31 are the CPU's exceptions */
#define REFUSALS_PRINTED  4

struct logical_id {
	uint32_t ldr, dfr;
};

/* Reset values: LDR 0, DFR all ones (flat model). */
static struct logical_id logical_ids[MAX_PCPUS];
static bool logical_ids_set[MAX_PCPUS];

void irq_route_set_logical_id(uint32_t pcpu_id, uint32_t ldr, uint32_t dfr)
{
	if (pcpu_id >= MAX_PCPUS)
		return;
	logical_ids[pcpu_id] = (struct logical_id){ ldr, dfr };
	__atomic_store_n(&logical_ids_set[pcpu_id], true, __ATOMIC_RELEASE);
}

void irq_route_get_logical_id(uint32_t pcpu_id, uint32_t *ldr, uint32_t *dfr)
{
	bool set =
		pcpu_id < MAX_PCPUS && __atomic_load_n(&logical_ids_set[pcpu_id], __ATOMIC_ACQUIRE);

	*ldr = set ? logical_ids[pcpu_id].ldr : 0;
	*dfr = set ? logical_ids[pcpu_id].dfr : 0xFFFFFFFFu;
}

static bool owned_by(const struct vm *vm, const struct pcpu *cpu)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].pcpu == cpu && cpu->vcpu == &vm->vcpus[i])
			return true; /* a pCPU it gave back is no longer its own */
	return false;
}

/* Does logical destination `dest` select the LAPIC with this LDR/DFR? (xAPIC flat / cluster) */
static bool logical_match(uint32_t dest, uint32_t ldr, uint32_t dfr)
{
	uint32_t id = LDR_ID(ldr);

	if (DFR_MODEL(dfr) == DFR_MODEL_CLUSTER)
		return (dest >> 4) == (id >> 4) && (dest & id & 0xF);
	return (dest & id) != 0;
}

/* Every CPU the destination reaches is the VM's, and it reaches at least one. */
static const char *destination_refusal(const struct vm *vm, const struct irq_route *r)
{
	uint32_t reached = 0;

	if (r->dest == BROADCAST_ID)
		return "broadcast destination";
	for (uint32_t p = 0; p < pcpu_count; p++) {
		bool hit;
		if (r->logical) {
			uint32_t ldr, dfr;
			irq_route_get_logical_id(p, &ldr, &dfr);
			hit = logical_match(r->dest, ldr, dfr);
		} else {
			hit = pcpus[p].apic_id == r->dest;
		}
		if (!hit)
			continue;
		if (!owned_by(vm, &pcpus[p]))
			return "destination outside the VM";
		reached++;
	}
	return reached ? NULL : "destination reaches no CPU of the VM";
}

const char *irq_route_refusal(const struct vm *vm, const struct irq_route *route, uint32_t allow)
{
	switch (route->mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (route->vector < FIRST_ROUTABLE)
			return "vector below 32";
		break;
	case APIC_DM_NMI:
		if (!(allow & IRQ_ALLOW_NMI))
			return "NMI delivery";
		break;
	case APIC_DM_SMI:
		return "SMI delivery";
	case APIC_DM_INIT:
		return "INIT delivery";
	case APIC_DM_EXTINT:
		return "ExtINT delivery";
	default:
		return "reserved delivery mode";
	}
	return destination_refusal(vm, route);
}

void irq_route_note_refused(struct vm *vm, const char *what, const char *why, const char *action)
{
	uint64_t n = __atomic_fetch_add(&vm->arch.routes_refused, 1, __ATOMIC_RELAXED);

	if (n < REFUSALS_PRINTED)
		printf("cairn: vm %s: %s refused (%s): %s\n", vm->name, what, why, action);
	else if (n == REFUSALS_PRINTED)
		printf("cairn: vm %s: further refused interrupt routes are only counted "
		       "(routes-refused in stats)\n",
		       vm->name);
}
