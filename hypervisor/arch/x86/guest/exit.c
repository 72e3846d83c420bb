/* SPDX-License-Identifier: BSD-3-Clause */
/* The x86 exit switch: each vendor-decoded exit goes to the guest code that handles it. */
#include "core/arch.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/guest/exit_handlers.h"

/*
 * An emulated device's range, or for a VM with a device model (a User VM) any guest-physical
 * address it has nothing mapped at: the access is emulated (or posted as an I/O request).
 */
static bool mmio_emulated(struct vcpu *vcpu, const struct vm_exit *exit)
{
	if (exit->mem.fetch)
		return false;
	return io_emul_find(vcpu->vm, IO_BUS_MMIO, exit->mem.gpa, 1) ||
	       (vcpu->vm->io.unclaimed && !exit->mem.present);
}

static int handle_mem_fault(struct vcpu *vcpu, const struct vm_exit *exit)
{
	bool emulated = mmio_emulated(vcpu, exit);

	/*
	 * An event's delivery (its IDT gate, GDT descriptor or stack push) reached emulated memory:
	 * there is no instruction to emulate (the one at RIP did not make this access), so the guest
	 * stops, as under KVM. Device memory never holds a working IDT, GDT or stack.
	 */
	if (emulated && exit->delivering)
		return vcpu_fault(vcpu,
				  "delivering vector %u, the CPU %s emulated guest-physical 0x%lx "
				  "(an IDT, GDT or stack in device memory)",
				  exit->delivering_vector, exit->mem.write ? "wrote" : "read",
				  exit->mem.gpa);
	if (emulated)
		return guest_mmio_exit(vcpu, exit);
	return vcpu_fault(vcpu, "%s %s guest-physical 0x%lx, %s",
			  exit->mem.fetch ? "instruction fetch from" : "access to",
			  exit->mem.write ? "(write)" : "(read)", exit->mem.gpa,
			  exit->mem.present ? "which it may not access that way"
					    : "which is not mapped in its memory");
}

int arch_handle_exit(struct vcpu *vcpu, const struct vm_exit *exit)
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
		return guest_vmmcall_exit(vcpu, exit);
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
