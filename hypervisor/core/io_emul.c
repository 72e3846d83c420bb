/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-VM registry of emulated port and MMIO ranges, and the dispatcher that serves an access. */
#include "core/arch.h"
#include "core/io_emul.h"
#include "core/virt.h"
#include "core/vm.h"
#include "lib/errno.h"

#define PORT_SPACE 0x10000ull

/* 0 when `h` fits in vm's registry and describes a sane range of its bus. */
static int check_handler(const struct vm *vm, const struct io_handler *h)
{
	if (!h->size || !h->access)
		return -EINVAL;
	if (h->bus == IO_BUS_PORT && (h->base >= PORT_SPACE || h->size > PORT_SPACE - h->base))
		return -EINVAL;
	if (h->bus == IO_BUS_MMIO && (h->partial || h->base + h->size - 1 < h->base))
		return -EINVAL;
	if (h->bus != IO_BUS_PORT && h->bus != IO_BUS_MMIO)
		return -EINVAL;
	return vm->io.count == MAX_IO_HANDLERS ? -ENOSPC : 0;
}

int io_emul_add(struct vm *vm, const struct io_handler *handler)
{
	int err = check_handler(vm, handler);

	if (err)
		return err;
	vm->io.handlers[vm->io.count++] = *handler;
	if (handler->bus == IO_BUS_PORT)
		virt_vm_trap_io(vm, (uint16_t)handler->base, (uint32_t)handler->size, true);
	return 0;
}

int io_emul_trap_writes(struct vm *vm, const struct io_handler *h)
{
	int err = h->bus == IO_BUS_MMIO ? check_handler(vm, h) : -EINVAL;

	if (!err)
		err = virt_vm_unmap(vm, h->base, h->size);
	if (!err)
		err = virt_vm_map(vm, h->base, h->base, h->size, VIRT_MEM_READ);
	if (!err)
		err = io_emul_add(vm, h);
	return err;
}

/* [addr, addr + size) inside the handler's range (MMIO: addr alone, as the fault reports it). */
static bool contains(const struct io_handler *h, uint64_t addr, uint8_t size)
{
	if (addr < h->base || addr - h->base >= h->size)
		return false;
	return h->bus == IO_BUS_MMIO || size <= h->size - (addr - h->base);
}

static bool overlaps(const struct io_handler *h, uint64_t addr, uint8_t size)
{
	return addr + size > h->base && addr < h->base + h->size;
}

const struct io_handler *io_emul_find(const struct vm *vm, enum io_bus bus, uint64_t addr,
				      uint8_t size)
{
	const struct io_registry *r = &vm->io;

	for (size_t i = 0; i < r->count; i++)
		if (r->handlers[i].bus == bus && contains(&r->handlers[i], addr, size))
			return &r->handlers[i];
	for (size_t i = 0; i < r->count; i++)
		if (r->handlers[i].bus == bus && r->handlers[i].partial &&
		    overlaps(&r->handlers[i], addr, size))
			return &r->handlers[i];
	return NULL;
}

/* What nobody claims: the VM's device model, if it has one (User VMs), else the empty bus. */
static enum io_emul_result unclaimed(struct vcpu *vcpu, struct io_access *access)
{
	io_unclaimed_fn device_model = vcpu->vm->io.unclaimed;

	if (device_model) {
		enum io_emul_result r = device_model(vcpu, access);
		access->value &= io_access_mask(access);
		return r;
	}
	if (access->bus == IO_BUS_PORT) {
		if (!access->write)
			access->value = io_access_mask(access); /* an empty bus floats high */
		return IO_EMUL_HANDLED;
	}
	vcpu_fault(vcpu, "access to 0x%lx: no device is emulated there", access->addr);
	return IO_EMUL_FAULT;
}

enum io_emul_result io_emulate(struct vcpu *vcpu, struct io_access *access)
{
	const struct io_handler *h =
		io_emul_find(vcpu->vm, access->bus, access->addr, access->size);

	access->value &= io_access_mask(access);
	if (!h) {
		if (arch_io_forward(vcpu, access)) {
			access->value &= io_access_mask(access);
			return IO_EMUL_FORWARDED;
		}
		return unclaimed(vcpu, access);
	}
	if (!access->write)
		access->value = io_access_mask(access);
	if (h->access(vcpu, h->opaque, access))
		return IO_EMUL_FAULT;
	access->value &= io_access_mask(access);
	return IO_EMUL_HANDLED;
}
