/* SPDX-License-Identifier: BSD-3-Clause */
/* The IOAPIC passed through to the Service VM: writes trap, every route is checked before use. */
#include "core/virt.h"
#include "lib/format.h"
#include "lib/spinlock.h"
#include "drivers/amd_iommu.h"
#include "x86/cpu.h"
#include "x86/guest/ioapic_pt.h"
#include "x86/guest/irq_route.h"
#include "x86/guest/lapic_pt.h"
#include "x86/lapic.h"

#define IOAPIC_PAGE   0x1000
#define REG_SELECT    0x00
#define REG_WINDOW    0x10
#define REG_EOI	      0x40
#define REG_VERSION   0x01
#define RTE_FIRST     0x10
#define MAX_PINS      120
#define RTE_VECTOR    0xFFull
#define RTE_MASKED    (1ull << 16)
#define RTE_LOGICAL   (1ull << 11)
#define RTE_MODE(rte) ((uint8_t)(((rte) >> 8) & 7))
#define RTE_DEST(rte) ((uint32_t)((rte) >> 56))

struct ioapic_shadow {
	uint64_t base;
	uint32_t select;
	spinlock_t lock;	/* one vCPU at a time programs the select/window pair */
	uint64_t rte[MAX_PINS]; /* what the guest wrote */
	uint64_t hw[MAX_PINS];	/* what the hardware holds: rte, or rte masked when refused */
};

static struct ioapic_shadow shadows[MAX_VMS];

static void hw_write(struct ioapic_shadow *io, uint32_t reg, uint32_t value)
{
	mmio_write32(io->base + REG_SELECT, reg);
	mmio_write32(io->base + REG_WINDOW, value);
}

/*
 * Puts `rte` into the hardware entry of `pin` so that the entry is never unmasked with a
 * destination or mode that was not checked together: masked low half, high half, low half.
 */
static void hw_set_entry(struct ioapic_shadow *io, uint32_t pin, uint64_t rte)
{
	uint32_t low = RTE_FIRST + 2 * pin;

	uint64_t device = rte;

	if (!(rte & RTE_MASKED)) /* with remapping: its entry first, maybe another vector field */
		device = amd_iommu_ioapic_route_begin(pin, rte);
	hw_write(io, low, (uint32_t)(device | RTE_MASKED));
	hw_write(io, low + 1, (uint32_t)(device >> 32));
	if (!(rte & RTE_MASKED))
		hw_write(io, low, (uint32_t)device);
	io->hw[pin] = rte;		 /* the checked route, as the Service VM wrote it */
	amd_iommu_ioapic_route_end(pin); /* the entry the pin used before is released */
}

static struct irq_route route_of(uint64_t rte)
{
	return (struct irq_route){
		.dest = RTE_DEST(rte),
		.logical = (rte & RTE_LOGICAL) != 0,
		.mode = RTE_MODE(rte),
		.vector = (uint8_t)(rte & RTE_VECTOR),
	};
}

/* The guest wrote one half of `pin`'s entry: check the whole entry, then apply it or mask it. */
static void rte_write(struct vm *vm, struct ioapic_shadow *io, uint32_t pin, bool high, uint32_t v)
{
	uint64_t keep = high ? 0xFFFFFFFFull : 0xFFFFFFFF00000000ull;
	uint64_t rte = (io->rte[pin] & keep) | ((uint64_t)v << (high ? 32 : 0));
	const char *why = NULL;

	io->rte[pin] = rte;
	if (!(rte & RTE_MASKED)) {
		struct irq_route r = route_of(rte);
		why = irq_route_refusal(vm, &r, IRQ_ALLOW_NMI);
	}
	if (why) {
		char what[80];
		format_snprintf(what, sizeof(what), "IOAPIC pin %u route 0x%lx", pin, rte);
		irq_route_note_refused(vm, what, why, "written masked");
		rte |= RTE_MASKED;
	}
	hw_set_entry(io, pin, rte);
}

static int ioapic_pt_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct ioapic_shadow *io = opaque;
	uint64_t offset = access->addr - io->base;
	uint32_t v = (uint32_t)access->value;

	if (access->size != 4)
		return vcpu_fault(vcpu, "IOAPIC access of %u bytes at offset 0x%lx", access->size,
				  offset);
	if (!access->write) {
		access->value = mmio_read32(access->addr);
		return 0;
	}
	spin_lock(&io->lock);
	if (offset == REG_SELECT) {
		io->select = v & 0xFF;
		mmio_write32(io->base + offset, v);
	} else if (offset == REG_WINDOW && io->select >= RTE_FIRST &&
		   io->select < RTE_FIRST + 2 * MAX_PINS) {
		uint32_t pin = (io->select - RTE_FIRST) / 2;
		rte_write(vcpu->vm, io, pin, (io->select - RTE_FIRST) & 1, v);
		mmio_write32(io->base + REG_SELECT, io->select); /* as the guest left it */
	} else if (offset == REG_WINDOW) {
		mmio_write32(io->base + REG_SELECT, io->select);
		mmio_write32(io->base + offset, v); /* ID, version, arbitration: not routes */
	} else if (offset == REG_EOI) {
		mmio_write32(io->base + offset, v); /* level-triggered EOI (version 0x20+) */
	}
	/* Other offsets are reserved: dropped. */
	spin_unlock(&io->lock);
	return 0;
}

int ioapic_pt_attach(struct vm *vm, uint64_t base)
{
	struct ioapic_shadow *io = &shadows[vm->id];
	struct io_handler h = {
		.bus = IO_BUS_MMIO,
		.base = base,
		.size = IOAPIC_PAGE,
		.access = ioapic_pt_access,
		.opaque = io,
	};

	io->base = base;
	mmio_write32(base + REG_SELECT, REG_VERSION);
	uint32_t pins = MIN(((uint32_t)mmio_read32(base + REG_WINDOW) >> 16 & 0xFF) + 1, MAX_PINS);
	/* Start from a known state: every input masked (the firmware may have left routes). */
	for (uint32_t pin = 0; pin < MAX_PINS; pin++) {
		io->rte[pin] = io->hw[pin] = RTE_MASKED;
		if (pin < pins)
			hw_set_entry(io, pin, RTE_MASKED);
	}
	return io_emul_trap_writes(vm, &h);
}

void ioapic_pt_pulse(struct vm *vm, uint32_t pin)
{
	struct ioapic_shadow *io = &shadows[vm->id];

	if (!io->base || pin >= MAX_PINS)
		return;
	uint64_t rte = io->hw[pin]; /* only a route that passed the checks */
	if ((rte & RTE_MASKED) || (rte & RTE_LOGICAL) || RTE_MODE(rte) > APIC_DM_LOWEST)
		return;
	/* Routed with physical destination (the FADT forces it): fixed or lowest-priority. */
	lapic_pt_send_ipi(&vm->vcpus[0], RTE_DEST(rte), (uint32_t)(rte & RTE_VECTOR));
}

void ioapic_pt_mask_all(struct vm *vm)
{
	struct ioapic_shadow *io = &shadows[vm->id];

	if (!io->base)
		return;
	spin_lock(&io->lock);
	for (uint32_t pin = 0; pin < MAX_PINS; pin++) {
		if (io->hw[pin] & RTE_MASKED)
			continue;
		hw_write(io, RTE_FIRST + 2 * pin, (uint32_t)io->hw[pin] | (uint32_t)RTE_MASKED);
		io->hw[pin] |= RTE_MASKED;
		io->rte[pin] |= RTE_MASKED;
	}
	spin_unlock(&io->lock);
}

void ioapic_pt_release(struct vm *vm)
{
	ioapic_pt_mask_all(vm);
	shadows[vm->id].base = 0;
}
