/* Trapped guest port I/O: handed to the VM's emulated device, or an empty bus (reads all ones). */
#include "x86/guest/exit_handlers.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/cpu.h"

static uint64_t merge_in_value(uint64_t rax, uint32_t value, uint8_t size)
{
	switch (size) {
	case 1:
		return (rax & ~0xFFull) | (value & 0xFF);
	case 2:
		return (rax & ~0xFFFFull) | (value & 0xFFFF);
	default:
		return value; /* a 32-bit register write zero-extends */
	}
}

int guest_io_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	struct vm *vm = vcpu->vm;
	const struct io_handler *h;
	uint8_t size = exit->io.size;
	uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;

	if (exit->io.string || exit->io.rep)
		return vcpu_fault(vcpu, "string port I/O (INS/OUTS) on port 0x%x is not emulated",
				  exit->io.port);
	vm_count_detail(vm->io_ports, ARRAY_SIZE(vm->io_ports), exit->io.port);
	h = vm_find_io_handler(vm, exit->io.port, size);
	if (!h && vm->arch.owns_ports) {
		/* Its own port, trapped because the access covers a trapped neighbour (a dword at
		 * 0xCF8 covers the reset register 0xCF9): done on the hardware, as if never trapped. */
		if (exit->io.in)
			vcpu->regs.rax = merge_in_value(
				vcpu->regs.rax, port_read(exit->io.port, size) & mask, size);
		else
			port_write(exit->io.port, size, (uint32_t)vcpu->regs.rax & mask);
	} else if (exit->io.in) {
		uint32_t value = 0xFFFFFFFF;
		if (h && h->read)
			h->read(vm, h->opaque, exit->io.port, size, &value);
		vcpu->regs.rax = merge_in_value(vcpu->regs.rax, value & mask, size);
	} else if (h && h->write) {
		h->write(vm, h->opaque, exit->io.port, size, (uint32_t)vcpu->regs.rax & mask);
	}
	virt_vcpu_set_rip(vcpu, exit->io.next_rip);
	return 0;
}
