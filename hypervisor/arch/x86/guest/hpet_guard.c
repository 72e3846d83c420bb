/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HPET passed through to the Service VM, with its writes checked: a comparator's FSB
 * delivery (Tn_CONFIG bit 14) would let the HPET write any MSI message, INIT or SMI to a
 * partition's CPU included, so it is never enabled; everything else reaches the hardware.
 * (QEMU's HPET has no FSB capability; real chipsets do.)
 */
#include "core/console.h"
#include "core/vm.h"
#include "x86/cpu.h"
#include "x86/guest/hpet_guard.h"

#define HPET_PAGE	  0x1000
#define TIMER_FIRST	  0x100
#define TIMER_STRIDE	  0x20
#define TIMER_CONFIG	  0x00 /* within a timer's block */
#define CONFIG_FSB_ENABLE (1u << 14)

static uint64_t hpet_base;

/* Clears FSB delivery from a write that covers some timer's configuration register. */
static uint64_t checked_value(struct vm *vm, uint64_t offset, uint64_t value)
{
	if (offset < TIMER_FIRST || (offset - TIMER_FIRST) % TIMER_STRIDE != TIMER_CONFIG ||
	    !(value & CONFIG_FSB_ENABLE))
		return value;
	vm->arch.hpet_fsb_refused++;
	if (vm->arch.hpet_fsb_refused <= 3)
		printf("cairn: vm %s: HPET timer %lu FSB (MSI) delivery refused\n", vm->name,
		       (offset - TIMER_FIRST) / TIMER_STRIDE);
	return value & ~(uint64_t)CONFIG_FSB_ENABLE;
}

static int hpet_guard_access(struct vcpu *vcpu, void *opaque, struct io_access *access)
{
	uint64_t offset = access->addr - hpet_base;
	uint8_t size = access->size;

	if ((size != 4 && size != 8) || (offset & (size - 1)))
		return vcpu_fault(vcpu, "HPET access of %u bytes at offset 0x%lx", size, offset);
	if (!access->write) {
		access->value = size == 8 ? mmio_read64(access->addr) : mmio_read32(access->addr);
		return 0;
	}
	uint64_t v = checked_value(vcpu->vm, offset, access->value);
	if (size == 8)
		mmio_write64(access->addr, v);
	else
		mmio_write32(access->addr, (uint32_t)v);
	return 0;
}

int hpet_guard_attach(struct vm *vm, uint64_t base)
{
	struct io_handler h = {
		.bus = IO_BUS_MMIO,
		.base = base,
		.size = HPET_PAGE,
		.access = hpet_guard_access,
	};

	if (!base)
		return 0;
	hpet_base = base;
	return io_emul_trap_writes(vm, &h);
}
