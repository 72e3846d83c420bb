/* The loop a pCPU runs for its vCPU: enter the guest, count and handle exits, serve the mailbox. */
#include "core/console.h"
#include "x86/guest/exit_handlers.h"
#include "core/housekeeping.h"
#include "core/pcpu.h"
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
	return -1;
}

static int handle_mem_fault(struct vcpu *vcpu, const struct vm_exit *exit)
{
	if (!exit->mem.fetch && io_emul_find(vcpu->vm, IO_BUS_MMIO, exit->mem.gpa, 1))
		return guest_mmio_exit(vcpu, exit);
	return vcpu_fault(vcpu, "%s %s guest-physical 0x%lx, %s",
			  exit->mem.fetch ? "instruction fetch from" : "access to",
			  exit->mem.write ? "(write)" : "(read)", exit->mem.gpa,
			  exit->mem.present ? "which it may not access that way"
					    : "which is not mapped in its memory");
}

static int handle_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	switch (exit->reason) {
	case EXIT_CPUID:
		return guest_cpuid_exit(vcpu, exit);
	case EXIT_MSR_READ:
	case EXIT_MSR_WRITE:
		return guest_msr_exit(vcpu, exit);
	case EXIT_IO:
		return guest_io_exit(vcpu, exit);
	case EXIT_HYPERCALL:
		return vmmcall_exit(vcpu);
	case EXIT_EXCEPTION:
		return guest_exception_exit(vcpu, exit);
	case EXIT_VIRT_INSN:
		return guest_virt_insn_exit(vcpu, exit);
	case EXIT_CACHE_FLUSH:
		return guest_cache_flush_exit(vcpu, exit);
	case EXIT_HLT:
		return guest_hlt_exit(vcpu, exit);
	case EXIT_MEM_FAULT:
		return handle_mem_fault(vcpu, exit);
	case EXIT_NMI:
		virt_take_pending_nmi();
		return 0;
	case EXIT_TRIPLE_FAULT:
		return vcpu_fault(vcpu, "triple fault (shutdown)");
	case EXIT_INIT:
		return vcpu_fault(vcpu, "INIT signal received");
	case EXIT_ENTRY_FAILED:
		return vcpu_fault(vcpu, "the CPU refused the guest state (exit code 0x%lx)",
				  exit->vendor_code);
	default:
		return vcpu_fault(vcpu, "unexpected exit (code 0x%lx)", exit->vendor_code);
	}
}

/* Serves mailbox requests; false when the vCPU must leave the loop (stopped). */
static bool serve_requests(struct vcpu *vcpu)
{
	struct pcpu *cpu = vcpu->pcpu;

	for (;;) {
		uint32_t req = pcpu_take_requests(cpu);
		if (req & PCPU_REQ_STOP) {
			vcpu_stopped(vcpu);
			return false;
		}
		if (req & PCPU_REQ_RESET)
			vcpu_reset(vcpu);
		if (req & PCPU_REQ_INIT) {
			vcpu->wait_for_sipi = true;
			vcpu->state = VCPU_OFFLINE;
		}
		if ((req & PCPU_REQ_SIPI) && vcpu->wait_for_sipi) {
			virt_vcpu_set_startup_entry(vcpu, vcpu->sipi_vector);
			vcpu->wait_for_sipi = false;
			vcpu->state = VCPU_RUNNING;
		}
		if ((req & PCPU_REQ_NMI) && vcpu->state == VCPU_RUNNING)
			virt_vcpu_inject_nmi(vcpu);
		/* Pausing is a flag beside the state: a vCPU waiting for SIPI or halted stays so. */
		if (req & PCPU_REQ_PAUSE)
			vcpu->paused = true;
		if (req & PCPU_REQ_RESUME)
			vcpu->paused = false;
		if (vcpu->state == VCPU_RUNNING && !vcpu->paused)
			return true;
		/* Paused, halted or waiting to be started: nothing to run until the next request. */
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
		vcpu->exits[exit.reason]++;
		if (handle_exit(vcpu, &exit) < 0)
			vm_fault(vcpu, exit.reason);
		housekeeping_poll();
	}
}
