/* SPDX-License-Identifier: BSD-3-Clause */
/* Trapped guest port I/O: IN/OUT decoded into an access, served by io_emulate(), finished into RAX. */
#include "core/arch.h"
#include "core/io_emul.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/cpu.h"
#include "x86/guest/exit_handlers.h"
#include "x86/guest/io.h"

static uint64_t merge_in_value(uint64_t rax, uint64_t value, uint8_t size)
{
	switch (size) {
	case 1:
		return (rax & ~0xFFull) | (value & 0xFF);
	case 2:
		return (rax & ~0xFFFFull) | (value & 0xFFFF);
	default:
		return value & 0xFFFFFFFFull; /* a 32-bit register write zero-extends */
	}
}

int guest_io_decode(struct vcpu *vcpu, const struct vm_exit *exit)
{
	struct io_pending *p = &vcpu->arch.pending_io;
	uint8_t size = exit->io.size;

	if (exit->io.string || exit->io.rep)
		return vcpu_fault(vcpu, "string port I/O (INS/OUTS) on port 0x%x is not emulated",
				  exit->io.port);
	if (size != 1 && size != 2 && size != 4)
		return vcpu_fault(vcpu, "port I/O of %u bytes on port 0x%x", size, exit->io.port);
	*p = (struct io_pending){
		.active = true,
		.access = { .bus = IO_BUS_PORT,
			    .addr = exit->io.port,
			    .size = size,
			    .write = !exit->io.in },
		.next_rip = exit->io.next_rip,
	};
	if (p->access.write)
		p->access.value = vcpu->regs.rax & io_access_mask(&p->access);
	return 0;
}

int guest_io_finish(struct vcpu *vcpu, const struct io_access *access)
{
	struct io_pending *p = &vcpu->arch.pending_io;

	if (!io_pending_matches(p, IO_BUS_PORT, access))
		return vcpu_fault(vcpu, "port I/O finished that is not the one pending");
	p->active = false;
	if (!access->write)
		vcpu->regs.rax = merge_in_value(vcpu->regs.rax, access->value, access->size);
	virt_vcpu_set_rip(vcpu, p->next_rip);
	return 0;
}

bool arch_io_forward(struct vcpu *vcpu, struct io_access *access)
{
	if (access->bus != IO_BUS_PORT || !vcpu->vm->arch.owns_ports)
		return false;
	/* Its own port, trapped because the access covers a trapped neighbour (a dword at 0xCF8
	 * covers the reset register 0xCF9): done on the hardware, as if never trapped. */
	if (access->write)
		port_write((uint16_t)access->addr, access->size, (uint32_t)access->value);
	else
		access->value = port_read((uint16_t)access->addr, access->size);
	return true;
}

int guest_io_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	struct io_access *access = &vcpu->arch.pending_io.access;
	int err = guest_io_decode(vcpu, exit);

	if (err)
		return err;
	vm_count_detail(vcpu->vm->io_ports, ARRAY_SIZE(vcpu->vm->io_ports), exit->io.port);
	return guest_io_serve(vcpu, access, guest_io_finish);
}

int guest_io_serve(struct vcpu *vcpu, struct io_access *access, guest_io_finish_fn finish)
{
	switch (io_emulate(vcpu, access)) {
	case IO_EMUL_POSTED:
		return 0; /* finished when the Service VM answers */
	case IO_EMUL_FAULT:
		vcpu->arch.pending_io.active = false;
		return VCPU_FAULT; /* vcpu->fault says why */
	default:
		return finish(vcpu, access);
	}
}

int arch_io_finish(struct vcpu *vcpu, const struct io_access *access)
{
	return access->bus == IO_BUS_PORT ? guest_io_finish(vcpu, access)
					  : guest_mmio_finish(vcpu, access);
}

void arch_io_abandon(struct vcpu *vcpu)
{
	vcpu->arch.pending_io.active = false; /* RIP was not moved: the guest runs it again */
}
