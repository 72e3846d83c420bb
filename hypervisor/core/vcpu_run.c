/* SPDX-License-Identifier: BSD-3-Clause */
/* The loop a pCPU runs for its vCPU: enter the guest, count and handle exits, serve the mailbox. */
#include "core/arch.h"
#include "core/console.h"
#include "core/housekeeping.h"
#include "core/ioreq.h"
#include "core/pcpu.h"
#include "core/service_cpu.h"
#include "core/time.h"
#include "core/vcpu_run.h"
#include "core/virt.h"
#include "core/vm.h"
#include "core/vm_lifecycle.h"
#include "lib/format.h"

int vcpu_fault(struct vcpu *vcpu, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_vsnprintf(vcpu->fault, sizeof(vcpu->fault), fmt, ap);
	va_end(ap);
	return VCPU_FAULT;
}

/* Serves mailbox requests; false when the vCPU must leave the loop (stopped). */
static bool serve_requests(struct vcpu *vcpu)
{
	struct pcpu *cpu = vcpu->pcpu;

	for (;;) {
		uint32_t req = pcpu_take_requests(cpu);
		if (req & PCPU_REQ_STOP) {
			ioreq_drop(vcpu, "its VM stopped");
			vcpu_retire(vcpu);
			return false;
		}
		if ((req & PCPU_REQ_OFFLINE) && service_cpu_serve_offline(vcpu))
			return false; /* given back to the hypervisor: the pCPU is free */
		if (req & PCPU_REQ_RESET) {
			ioreq_drop(vcpu, "its VM was reset");
			vcpu_reset(vcpu);
		}
		arch_vcpu_requests(vcpu, req);
		if ((req & PCPU_REQ_NMI) && vcpu->state == VCPU_RUNNING)
			virt_vcpu_inject_nmi(vcpu);
		/* Pausing is a flag beside the state: a vCPU waiting for SIPI or halted stays so. */
		if (req & PCPU_REQ_PAUSE)
			vcpu->paused = true;
		if (req & PCPU_REQ_RESUME)
			vcpu->paused = false;
		/* An I/O request in flight: the guest waits until it is answered (docs/io-request.md). */
		if (ioreq_in_flight(vcpu))
			ioreq_check(vcpu, req & PCPU_REQ_IOREQ_DONE);
		if (vcpu->state == VCPU_RUNNING && !vcpu->paused && !ioreq_in_flight(vcpu))
			return true;
		/* Paused, halted, waiting to be started or answered: nothing to run until a request
		 * (or, polling, until the slot changes). */
		if (!ioreq_wait_polled(vcpu))
			pcpu_wait_signal(&cpu->mailbox, false);
	}
}

void vcpu_run_loop(struct vcpu *vcpu)
{
	struct vm_exit exit;

	if (vcpu->state == VCPU_STOPPED)
		return;
	while (serve_requests(vcpu)) {
		virt_vcpu_run(vcpu, &exit);
		uint64_t handled_from = time_now();
		vcpu->exits[exit.reason]++;
		vcpu->last_exit = exit.reason;
		if (arch_handle_exit(vcpu, &exit) == VCPU_FAULT)
			vm_fault(vcpu, exit.reason);
		vcpu->exit_ticks[exit.reason] += time_now() - handled_from;
		housekeeping_poll();
	}
}
