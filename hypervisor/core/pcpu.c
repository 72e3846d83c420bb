/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-pCPU data, the ownership map of static partitioning, mailboxes, and the idle loop. */
#include "core/arch.h"
#include "core/housekeeping.h"
#include "core/pcpu.h"
#include "core/pcpu_map.h"
#include "core/vcpu_run.h"
#include "core/vm_lifecycle.h"
#include "lib/spinlock.h"

struct pcpu pcpus[MAX_PCPUS];
uint32_t pcpu_count;

static struct pcpu_map ownership;
static spinlock_t ownership_lock = SPINLOCK_INIT;

void pcpu_set_current(struct pcpu *cpu)
{
	cpu->self = cpu;
	arch_pcpu_set_current(cpu);
}

uint32_t pcpu_online_count(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < pcpu_count; i++)
		n += pcpus[i].state == PCPU_ONLINE;
	return n;
}

void pcpu_ownership_init(void)
{
	uint64_t usable = 0;

	for (uint32_t i = 0; i < pcpu_count; i++)
		if (pcpus[i].state == PCPU_ONLINE)
			usable |= 1ull << i;
	pcpu_map_init(&ownership, usable);
}

int allocate_pcpu(uint32_t id, struct vcpu *vcpu)
{
	spin_lock(&ownership_lock);
	int err = pcpu_map_allocate(&ownership, id);
	if (!err)
		pcpus[id].vcpu = vcpu;
	spin_unlock(&ownership_lock);
	return err;
}

void free_pcpu(uint32_t id)
{
	spin_lock(&ownership_lock);
	if (pcpu_map_free(&ownership, id) == 0)
		pcpus[id].vcpu = NULL;
	spin_unlock(&ownership_lock);
}

void pcpu_post(struct pcpu *cpu, uint32_t requests)
{
	__atomic_fetch_or(&cpu->mailbox, requests, __ATOMIC_SEQ_CST);
	if (cpu != pcpu_current())
		arch_pcpu_signal(cpu);
}

uint32_t pcpu_take_requests(struct pcpu *cpu)
{
	return __atomic_exchange_n(&cpu->mailbox, 0, __ATOMIC_SEQ_CST);
}

void pcpu_idle(void)
{
	struct pcpu *cpu = pcpu_current();

	for (;;) {
		uint32_t requests = pcpu_take_requests(cpu);
		struct vcpu *vcpu = cpu->vcpu;
		if ((requests & PCPU_REQ_STOP) && vcpu) {
			vcpu_retire(vcpu); /* never started (a User VM destroyed before it ran) */
		} else if ((requests & PCPU_REQ_RUN) && vcpu) {
			/* What came with the start (a pause, an INIT) is for the run loop to serve. */
			__atomic_fetch_or(&cpu->mailbox, requests & ~PCPU_REQ_RUN,
					  __ATOMIC_SEQ_CST);
			if (cpu->housekeeper)
				housekeeping_leave(
					cpu); /* its timer must not fire into the guest */
			vcpu_run_loop(vcpu);
		}
		if (cpu->housekeeper) {
			housekeeping_run();
			housekeeping_arm_timer();
		}
		pcpu_wait_signal(&cpu->mailbox, cpu->housekeeper);
	}
}
