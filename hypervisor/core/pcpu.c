/* Per-physical-CPU data table and the GS-base link that finds the current pCPU's entry. */
#include "core/pcpu.h"
#include "x86/cpu.h"

struct pcpu pcpus[MAX_PCPUS];
uint32_t pcpu_count;

void pcpu_set_current(struct pcpu *cpu)
{
	cpu->self = cpu;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
}

uint32_t pcpu_online_count(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < pcpu_count; i++)
		n += pcpus[i].state == PCPU_ONLINE;
	return n;
}

void pcpu_idle(void)
{
	cpu_halt_forever();
}
