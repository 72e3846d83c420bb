/* SPDX-License-Identifier: BSD-3-Clause */
/* A User VM's virtual IOAPIC: 24 pins driven by HC_SET_IRQLINE, delivered as fixed IPIs. */
#include "cairn/acrn.h"
#include "core/arch.h"
#include "core/vm.h"
#include "lib/errno.h"
#include "x86/apic.h"
#include "x86/guest/user_irq.h"
#include "x86/guest/vioapic.h"

/*
 * What it models (docs/user-vms.md): the registers of an 82093AA (IOREGSEL, IOWIN, ID, version
 * 0x11 with 24 entries, arbitration, redirection entries) and a level per pin. A line's level is
 * its assertion, as ACRN's device model means it (the polarity bit is kept, not applied). An
 * unmasked pin delivers a fixed IPI to the entry's physical destination when it must:
 *   - edge-triggered: on each rising edge (SET_HIGH from low, either pulse);
 *   - level-triggered: each time it is set high or pulsed, high or not before. Remote IRR is
 *     not modelled and no EOI reaches it: the IPI is an edge, so the LAPIC broadcasts none.
 * A masked pin's edges are lost, as on the chip.
 */

static struct vioapic *of(struct vm *vm)
{
	return &vm->arch.vioapic;
}

static uint32_t reg_read(struct vioapic *io, uint32_t reg)
{
	uint32_t pin = (reg - VIOAPIC_REG_RTE0) / 2;

	switch (reg) {
	case VIOAPIC_REG_ID:
	case VIOAPIC_REG_ARB:
		return io->id << 24;
	case VIOAPIC_REG_VER:
		return VIOAPIC_VERSION;
	}
	if (reg < VIOAPIC_REG_RTE0 || pin >= VIOAPIC_PINS)
		return 0;
	return (uint32_t)(io->rte[pin] >> (reg & 1 ? 32 : 0));
}

static void reg_write(struct vioapic *io, uint32_t reg, uint32_t value)
{
	uint32_t pin = (reg - VIOAPIC_REG_RTE0) / 2;

	if (reg == VIOAPIC_REG_ID) {
		io->id = (value >> 24) & 0xF;
		return;
	}
	if (reg < VIOAPIC_REG_RTE0 || pin >= VIOAPIC_PINS)
		return; /* version, arbitration, nothing: read-only */
	uint64_t shift = reg & 1 ? 32 : 0, half = 0xFFFFFFFFull << shift;
	uint64_t mask = VIOAPIC_RTE_WRITABLE & half;
	io->rte[pin] = (io->rte[pin] & ~mask) | (((uint64_t)value << shift) & mask);
}

static int vioapic_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	struct vioapic *io = opaque;
	uint64_t offset = access->addr - VIOAPIC_BASE;

	spin_lock(&io->lock);
	if (offset == VIOAPIC_REGSEL) {
		if (access->write)
			io->regsel = (uint8_t)access->value;
		else
			access->value = io->regsel;
	} else if (offset == VIOAPIC_WIN && access->size == 4) {
		if (access->write)
			reg_write(io, io->regsel, (uint32_t)access->value);
		else
			access->value = reg_read(io, io->regsel);
	} else if (!access->write) {
		access->value = 0; /* no register there (or not a dword of IOWIN) */
	}
	spin_unlock(&io->lock);
	return 0;
}

int vioapic_attach(struct vm *vm)
{
	struct vioapic *io = of(vm);
	const struct io_handler h = { .bus = IO_BUS_MMIO,
				      .base = VIOAPIC_BASE,
				      .size = VIOAPIC_SIZE,
				      .access = vioapic_access,
				      .opaque = io };

	*io = (struct vioapic){ .attached = true };
	for (uint32_t pin = 0; pin < VIOAPIC_PINS; pin++)
		io->rte[pin] = VIOAPIC_RTE_MASKED;
	return io_emul_add(vm, &h);
}

int arch_user_vm_io_init(struct vm *vm)
{
	return vioapic_attach(vm);
}

/* The pin's entry, when unmasked, as a fixed IPI to one of the VM's vCPUs. */
static void deliver(struct vm *vm, struct vioapic *io, uint32_t pin)
{
	uint64_t rte = io->rte[pin];
	uint32_t mode = (uint32_t)(rte >> 8) & 7;

	if (rte & VIOAPIC_RTE_MASKED)
		return;
	bool ok = !(rte & VIOAPIC_RTE_LOGICAL) &&
		  (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) &&
		  (vm->state == VM_RUNNING || vm->state == VM_PAUSED) &&
		  user_irq_deliver(vm, (uint32_t)(rte >> 56), (uint32_t)rte & 0xFF) == 0;
	if (ok)
		io->delivered++;
	else
		io->dropped++;
}

/* The line goes to `high`; an unmasked pin delivers on a rising edge, or when level and set high. */
static void set_level(struct vm *vm, struct vioapic *io, uint32_t pin, bool high)
{
	bool was = io->levels & (1u << pin);

	if (high)
		io->levels |= 1u << pin;
	else
		io->levels &= ~(1u << pin);
	if (high && (!was || (io->rte[pin] & VIOAPIC_RTE_LEVEL)))
		deliver(vm, io, pin);
}

int arch_set_irqline(struct vm *vm, uint32_t gsi, uint32_t op)
{
	struct vioapic *io = of(vm);

	if (!io->attached || gsi >= VIOAPIC_PINS || op > ACRN_IRQLINE_OP_FALLING_PULSE)
		return -EINVAL;
	spin_lock(&io->lock);
	switch (op) {
	case ACRN_IRQLINE_OP_SET_HIGH:
		set_level(vm, io, gsi, true);
		break;
	case ACRN_IRQLINE_OP_SET_LOW:
		set_level(vm, io, gsi, false);
		break;
	case ACRN_IRQLINE_OP_RAISING_PULSE:
		set_level(vm, io, gsi, true);
		set_level(vm, io, gsi, false);
		break;
	case ACRN_IRQLINE_OP_FALLING_PULSE:
		set_level(vm, io, gsi, false);
		set_level(vm, io, gsi, true);
		break;
	}
	spin_unlock(&io->lock);
	return 0;
}
