/* Per-physical-CPU data: identity, stack, state; reached through the GS base on each pCPU. */
#ifndef CAIRN_CORE_PCPU_H
#define CAIRN_CORE_PCPU_H

#include "lib/compiler.h"

#define MAX_PCPUS 64

enum pcpu_state {
	PCPU_ABSENT = 0, /* not listed, or not enabled, in the MADT */
	PCPU_STARTING,	 /* INIT-SIPI-SIPI sent */
	PCPU_ONLINE,	 /* running hypervisor code, virtualization enabled */
	PCPU_FAILED,	 /* did not answer, or could not enable virtualization */
};

struct pcpu {
	struct pcpu *self; /* must stay first: pcpu_current() reads %gs:0 */
	uint32_t id;	   /* index in pcpus[]; 0 is the boot pCPU */
	uint32_t apic_id;
	volatile enum pcpu_state state;
	uint64_t stack_top;
	uint64_t virt_host_area; /* vendor's per-pCPU page (SVM: host save area) */
};

extern struct pcpu pcpus[MAX_PCPUS];
extern uint32_t pcpu_count; /* entries of pcpus[] in use (enabled MADT CPUs) */

void pcpu_set_current(struct pcpu *cpu);

static inline struct pcpu *pcpu_current(void)
{
	struct pcpu *cpu;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(cpu));
	return cpu;
}

static inline uint32_t pcpu_current_id(void)
{
	return pcpu_current()->id;
}

uint32_t pcpu_online_count(void);

/* Where a pCPU with nothing to run waits, halted, without taking any other pCPU's time. */
__noreturn void pcpu_idle(void);

#endif
