/* SPDX-License-Identifier: BSD-3-Clause */
/* Boot check that every pCPU runs with its caches on (CR0.CD and CR0.NW clear), and a report. */
#include "core/console.h"
#include "core/pcpu.h"
#include "x86/cpu.h"
#include "x86/cpu_caches.h"

#define CR0_CACHE_OFF_BITS ((uint64_t)(CR0_CD | CR0_NW))

/* CR0 as each pCPU found it on arrival in C (after entry.S / trampoline.S). */
static uint64_t cr0_on_arrival[MAX_PCPUS];

void cpu_caches_check(uint32_t pcpu_id)
{
	uint64_t cr0 = read_cr0();

	if (pcpu_id < MAX_PCPUS)
		cr0_on_arrival[pcpu_id] = cr0;
	if (cr0 & CR0_CACHE_OFF_BITS) {
		/* The boot code clears them; should it ever miss, caches go on here all the same. */
		write_cr0(cr0 & ~CR0_CACHE_OFF_BITS);
		cpu_wbinvd();
	}
}

void cpu_caches_report(void)
{
	uint32_t online = 0, off = 0;

	for (uint32_t i = 0; i < pcpu_count; i++) {
		if (pcpus[i].state != PCPU_ONLINE)
			continue;
		online++;
		if (cr0_on_arrival[i] & CR0_CACHE_OFF_BITS) {
			off++;
			printf("cairn: warning: pCPU %u arrived with caches off (CR0 0x%lx); "
			       "turned "
			       "them on\n",
			       i, cr0_on_arrival[i]);
		}
	}
	if (!off)
		printf("cairn: caches on for all %u online pCPUs (CR0.CD and CR0.NW clear)\n",
		       online);
}
