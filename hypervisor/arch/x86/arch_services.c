/* SPDX-License-Identifier: BSD-3-Clause */
/* The run-time calls core makes into x86 (core/arch.h): halting, spinning, pCPU signals, the timer. */
#include "core/arch.h"
#include "core/console.h"
#include "core/pcpu.h"
#include "core/vcpu.h"
#include "core/vm.h"
#include "x86/cpu.h"
#include "x86/lapic.h"

void arch_cpu_halt_forever(void)
{
	cpu_halt_forever();
}

void arch_cpu_relax(void)
{
	cpu_relax();
}

void arch_pcpu_set_current(struct pcpu *cpu)
{
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)cpu);
}

void arch_pcpu_signal(const struct pcpu *cpu)
{
	lapic_send_ipi(cpu->apic_id, ICR_DM_NMI);
}

void arch_timer_oneshot_us(uint64_t us)
{
	lapic_timer_oneshot_us(us);
}

/*
 * The guest owned this pCPU's LAPIC (TPR through CR8, SVR, LVTs, pending vectors): take it back
 * before the pCPU idles or adopts housekeeping, whose timer needs it enabled and unmasked.
 */
void arch_pcpu_reclaim(const struct vcpu *from, bool report)
{
	struct lapic_reclaim_report r;

	lapic_reclaim(&r);
	if (!report)
		return;
	printf("cairn: pCPU %u back from vm %s: LAPIC was SVR 0x%x TPR 0x%x; %u in service, %u "
	       "pending taken, %u left below the TPR%s\n",
	       from->pcpu->id, from->vm->name, r.svr, r.tpr, r.in_service, r.pending_taken,
	       r.pending_left, r.base_restored ? ", APIC base restored" : "");
}
