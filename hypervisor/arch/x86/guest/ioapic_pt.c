/* The IOAPIC passed through to the Service VM: writes trap so the hypervisor knows every route. */
#include "core/virt.h"
#include "x86/cpu.h"
#include "x86/ioapic_pt.h"
#include "x86/lapic.h"
#include "x86/lapic_pt.h"

#define IOAPIC_PAGE   0x1000
#define REG_SELECT    0x00
#define REG_WINDOW    0x10
#define RTE_FIRST     0x10
#define MAX_PINS      120
#define RTE_MASKED    (1ull << 16)
#define RTE_LOGICAL   (1ull << 11)
#define RTE_MODE(rte) (((rte) >> 8) & 7)

struct ioapic_shadow {
	uint64_t base;
	uint32_t select;
	uint64_t rte[MAX_PINS];
};

static struct ioapic_shadow shadows[MAX_VMS];

static int ioapic_pt_access(struct vcpu *vcpu, void *opaque, uint64_t offset, uint8_t size,
			    bool write, uint64_t *value)
{
	struct ioapic_shadow *io = opaque;
	uint32_t v = (uint32_t)*value;

	if (size != 4)
		return vcpu_fault(vcpu, "IOAPIC access of %u bytes at offset 0x%lx", size, offset);
	if (!write) {
		*value = mmio_read32(io->base + offset);
		return 0;
	}
	if (offset == REG_SELECT) {
		io->select = v & 0xFF;
	} else if (offset == REG_WINDOW && io->select >= RTE_FIRST &&
		   io->select < RTE_FIRST + 2 * MAX_PINS) {
		uint32_t pin = (io->select - RTE_FIRST) / 2;
		bool high = (io->select - RTE_FIRST) & 1;
		uint64_t keep = high ? 0xFFFFFFFFull : 0xFFFFFFFF00000000ull;
		io->rte[pin] = (io->rte[pin] & keep) | ((uint64_t)v << (high ? 32 : 0));
	}
	mmio_write32(io->base + offset, v);
	return 0;
}

int ioapic_pt_attach(struct vm *vm, uint64_t base)
{
	struct ioapic_shadow *io = &shadows[vm->id];
	struct mmio_handler h = {
		.gpa = base,
		.size = IOAPIC_PAGE,
		.access = ioapic_pt_access,
		.opaque = io,
	};

	io->base = base;
	for (uint32_t pin = 0; pin < MAX_PINS; pin++)
		io->rte[pin] = RTE_MASKED;
	return vm_trap_writes(vm, &h);
}

void ioapic_pt_pulse(struct vm *vm, uint32_t pin)
{
	struct ioapic_shadow *io = &shadows[vm->id];

	if (!io->base || pin >= MAX_PINS)
		return;
	uint64_t rte = io->rte[pin];
	if ((rte & RTE_MASKED) || (rte & RTE_LOGICAL) || RTE_MODE(rte) > 1)
		return;
	/* Routed with physical destination (the FADT forces it): fixed or lowest-priority. */
	lapic_pt_send_ipi(&vm->vcpus[0], (uint32_t)(rte >> 56), (uint32_t)(rte & 0xFF));
}

void ioapic_pt_mask_all(struct vm *vm)
{
	struct ioapic_shadow *io = &shadows[vm->id];

	if (!io->base)
		return;
	for (uint32_t pin = 0; pin < MAX_PINS; pin++) {
		if (io->rte[pin] & RTE_MASKED)
			continue;
		mmio_write32(io->base + REG_SELECT, RTE_FIRST + 2 * pin);
		mmio_write32(io->base + REG_WINDOW, (uint32_t)io->rte[pin] | (uint32_t)RTE_MASKED);
		io->rte[pin] |= RTE_MASKED;
	}
}

void ioapic_pt_release(struct vm *vm)
{
	ioapic_pt_mask_all(vm);
	shadows[vm->id].base = 0;
}
