/* SPDX-License-Identifier: BSD-3-Clause */
/* Taking a pCPU's LAPIC back from a guest that owned it, in the state the hypervisor's timer needs. */
#include "core/pcpu.h"
#include "x86/cpu.h"
#include "x86/lapic.h"

#define LVR_MAX_LVT(lvr)      (((lvr) >> 16) & 0xFF)
#define VECTORS_PER_REG	      32
#define ISR_IRR_REGS	      8
#define REG_STRIDE	      0x10
#define FIRST_DELIVERABLE_REG 1 /* vectors 32-63: the first that LAPIC_HYPERVISOR_TPR lets in */
#define MAX_DRAIN_ROUNDS      16

/* From pcpu_wait.S: opens GIF and IF for a moment so that pending interrupts are taken. */
void pcpu_take_pending_interrupts(void);

static uint32_t bits_set(uint32_t first_reg, uint32_t from_reg)
{
	uint32_t n = 0;

	for (uint32_t i = from_reg; i < ISR_IRR_REGS; i++)
		for (uint32_t v = lapic_read(first_reg + i * REG_STRIDE); v; v &= v - 1)
			n++;
	return n;
}

void lapic_mask_every_lvt(void)
{
	uint32_t max_lvt = LVR_MAX_LVT(lapic_read(LAPIC_REG_VER));

	/* The LVTs Linux's clear_local_APIC() masks, by the same "max LVT" rule. */
	lapic_timer_stop();
	lapic_write(LAPIC_REG_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_REG_LVT_LINT1, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_REG_LVT_ERROR, LAPIC_LVT_MASKED);
	if (max_lvt >= 4)
		lapic_write(LAPIC_REG_LVT_PERF, LAPIC_LVT_MASKED);
	if (max_lvt >= 5)
		lapic_write(LAPIC_REG_LVT_THERMAL, LAPIC_LVT_MASKED);
	if (max_lvt >= 6)
		lapic_write(LAPIC_REG_LVT_CMCI, LAPIC_LVT_MASKED);
}

/* EOI clears the highest in-service bit: one per bit set, at most 256. */
static uint32_t end_every_in_service(void)
{
	uint32_t n = 0;

	while (n < ISR_IRR_REGS * VECTORS_PER_REG && bits_set(LAPIC_REG_ISR0, 0)) {
		lapic_write(LAPIC_REG_EOI, 0);
		n++;
	}
	return n;
}

void lapic_reclaim(struct lapic_reclaim_report *r)
{
	struct pcpu *cpu = pcpu_current();
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t want = (base & ~LAPIC_BASE_ADDR_MASK) | LAPIC_BASE_ENABLE | lapic_base;

	/* Guests cannot change IA32_APIC_BASE (msr.c refuses it); checked all the same. */
	r->base_restored = base != want;
	if (r->base_restored)
		wrmsr(MSR_APIC_BASE, want);
	r->svr = lapic_read(LAPIC_REG_SVR);
	r->tpr = lapic_read(LAPIC_REG_TPR);
	/* Software enable first: while disabled the LVTs stay masked whatever is written to them. */
	lapic_write(LAPIC_REG_SVR, LAPIC_SVR_SOFT_ENABLE | LAPIC_SPURIOUS_VECTOR);
	lapic_write(LAPIC_REG_TPR, LAPIC_HYPERVISOR_TPR);
	lapic_mask_every_lvt();
	lapic_write(LAPIC_REG_ESR, 0); /* the write latches the errors; the second clears them */
	lapic_write(LAPIC_REG_ESR, 0);
	r->in_service = end_every_in_service();

	/*
	 * IRR bits cannot be cleared: the interrupts are taken instead (trap_dispatch EOIs them,
	 * counting, silently while draining). Vectors 16-31 stay pending for good, below the TPR.
	 */
	uint32_t taken_before = cpu->interrupts_drained;
	cpu->draining_interrupts = true;
	for (uint32_t round = 0;
	     round < MAX_DRAIN_ROUNDS && bits_set(LAPIC_REG_IRR0, FIRST_DELIVERABLE_REG); round++)
		pcpu_take_pending_interrupts();
	cpu->draining_interrupts = false;
	r->pending_taken = cpu->interrupts_drained - taken_before;
	r->in_service += end_every_in_service();
	r->pending_left = bits_set(LAPIC_REG_IRR0, 0);
}
