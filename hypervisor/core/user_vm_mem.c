/* SPDX-License-Identifier: BSD-3-Clause */
/* A User VM's memory: HC_VM_SET_MEMORY_REGIONS's checks, what is mapped, and the NPT changes. */
#include "core/user_vm_mem.h"
#include "core/virt.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/phys_mem.h"

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

static bool mem_overlaps(const struct user_vm_mem *mem, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < mem->n; i++)
		if (overlaps(base, size, mem->ranges[i].base, mem->ranges[i].size))
			return true;
	return false;
}

static void mem_remove_at(struct user_vm_mem *mem, size_t i)
{
	memmove(&mem->ranges[i], &mem->ranges[i + 1], (mem->n - i - 1) * sizeof(mem->ranges[0]));
	mem->n--;
}

static int mem_insert_at(struct user_vm_mem *mem, size_t i, uint64_t base, uint64_t size)
{
	if (mem->n == USER_VM_MEM_RANGES)
		return -ENOSPC;
	memmove(&mem->ranges[i + 1], &mem->ranges[i], (mem->n - i) * sizeof(mem->ranges[0]));
	mem->ranges[i] = (struct ram_range){ base, size };
	mem->n++;
	return 0;
}

/* Adds a range that overlaps none, merging it with the ranges it touches. */
static int mem_add(struct user_vm_mem *mem, uint64_t base, uint64_t size)
{
	size_t i = 0;

	while (i < mem->n && mem->ranges[i].base < base)
		i++;
	bool joins_prev = i > 0 && mem->ranges[i - 1].base + mem->ranges[i - 1].size == base;
	bool joins_next = i < mem->n && base + size == mem->ranges[i].base;
	if (joins_prev && joins_next) {
		mem->ranges[i - 1].size += size + mem->ranges[i].size;
		mem_remove_at(mem, i);
	} else if (joins_prev) {
		mem->ranges[i - 1].size += size;
	} else if (joins_next) {
		mem->ranges[i].base = base;
		mem->ranges[i].size += size;
	} else {
		return mem_insert_at(mem, i, base, size);
	}
	return 0;
}

/* Removes [base, base + size) from whatever it covers (a range cut in the middle splits). */
static int mem_del(struct user_vm_mem *mem, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	for (size_t i = 0; i < mem->n;) {
		struct ram_range r = mem->ranges[i];
		uint64_t r_end = r.base + r.size;
		if (!overlaps(base, size, r.base, r.size)) {
			i++;
			continue;
		}
		if (r.base < base && r_end > end) {
			mem->ranges[i].size = base - r.base;
			return mem_insert_at(mem, i + 1, end, r_end - end);
		}
		if (r.base < base) {
			mem->ranges[i++].size = base - r.base;
		} else if (r_end > end) {
			mem->ranges[i].base = end;
			mem->ranges[i].size = r_end - end;
			i++;
		} else {
			mem_remove_at(mem, i);
		}
	}
	return 0;
}

uint64_t user_vm_mem_size(const struct user_vm_mem *mem)
{
	uint64_t total = 0;

	for (size_t i = 0; i < mem->n; i++)
		total += mem->ranges[i].size;
	return total;
}

/* [pa, pa + size) lies wholly in the Service VM's RAM ranges (identity-mapped: GPA = HPA). */
static bool in_service_ram(const struct vm *svc, uint64_t pa, uint64_t size)
{
	uint64_t end = pa + size;

	while (pa < end) {
		size_t i = 0;
		while (i < svc->nram &&
		       !(pa >= svc->ram[i].base && pa - svc->ram[i].base < svc->ram[i].size))
			i++;
		if (i == svc->nram)
			return false;
		pa = svc->ram[i].base + svc->ram[i].size;
	}
	return true;
}

/* Over an MMIO range the hypervisor emulates for vm (its LAPIC page, the vIOAPIC's)? */
static bool over_emulated(const struct vm *vm, uint64_t gpa, uint64_t size)
{
	for (size_t i = 0; i < vm->io.count; i++) {
		const struct io_handler *h = &vm->io.handlers[i];
		if (h->bus == IO_BUS_MMIO && overlaps(gpa, size, h->base, h->size))
			return true;
	}
	return false;
}

static bool aligned(uint64_t v)
{
	return !(v & (PAGE_SIZE - 1));
}

static uint32_t rights_of(uint32_t attr)
{
	return ((attr & ACRN_MEM_ACCESS_READ) ? VIRT_MEM_READ : 0) |
	       ((attr & ACRN_MEM_ACCESS_WRITE) ? VIRT_MEM_WRITE : 0) |
	       ((attr & ACRN_MEM_ACCESS_EXEC) ? VIRT_MEM_EXEC : 0);
}

/* One op against the map as the ops before it left it (`mem`, a scratch copy). */
static int check_op(const struct vm *svc, const struct vm *vm, struct user_vm_mem *mem,
		    const struct vm_memory_region_op *op)
{
	uint32_t type = op->attr & ACRN_MEM_TYPE_MASK;

	if (!op->size || !aligned(op->user_vm_pa) || !aligned(op->size) ||
	    op->user_vm_pa >= USER_VM_GPA_LIMIT || op->size > USER_VM_GPA_LIMIT - op->user_vm_pa)
		return -EINVAL;
	if (op->type == ACRN_MEM_REGION_DEL) /* only with no vCPU in the guest (no stale TLB) */
		return vm->state != VM_CREATED && vm->state != VM_STOPPED
			       ? -EBUSY
			       : mem_del(mem, op->user_vm_pa, op->size);
	if (op->type != ACRN_MEM_REGION_ADD)
		return -EINVAL;
	if (!aligned(op->service_vm_pa) || op->service_vm_pa + op->size < op->service_vm_pa)
		return -EINVAL;
	if ((op->attr & ~(ACRN_MEM_ACCESS_RIGHT_MASK | ACRN_MEM_TYPE_MASK)) ||
	    !(op->attr & ACRN_MEM_ACCESS_RIGHT_MASK) || (type && type != ACRN_MEM_TYPE_WB))
		return -EINVAL;
	if (!in_service_ram(svc, op->service_vm_pa, op->size))
		return -EPERM;
	if (mem_overlaps(mem, op->user_vm_pa, op->size) ||
	    over_emulated(vm, op->user_vm_pa, op->size))
		return -EEXIST;
	return mem_add(mem, op->user_vm_pa, op->size);
}

/* Takes back the ADDs among ops[0, done) (DELs stay done). */
static void undo_adds(struct vm *vm, struct user_vm_mem *mem, const struct vm_memory_region_op *ops,
		      size_t done)
{
	while (done-- > 0) {
		if (ops[done].type != ACRN_MEM_REGION_ADD)
			continue;
		virt_vm_unmap(vm, ops[done].user_vm_pa, ops[done].size);
		mem_del(mem, ops[done].user_vm_pa, ops[done].size);
	}
}

int user_vm_mem_apply(const struct vm *svc, struct vm *vm, struct user_vm_mem *mem,
		      const struct vm_memory_region_op *ops, size_t n)
{
	struct user_vm_mem scratch = *mem;
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		err = check_op(svc, vm, &scratch, &ops[i]);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		const struct vm_memory_region_op *op = &ops[i];
		if (op->type == ACRN_MEM_REGION_DEL) {
			err = virt_vm_unmap(vm, op->user_vm_pa, op->size);
			if (!err)
				err = mem_del(mem, op->user_vm_pa, op->size);
		} else {
			err = virt_vm_map(vm, op->user_vm_pa, op->service_vm_pa, op->size,
					  rights_of(op->attr));
			if (!err)
				err = mem_add(mem, op->user_vm_pa, op->size);
		}
		if (err) {
			undo_adds(vm, mem, ops, i + (op->type == ACRN_MEM_REGION_ADD));
			return err;
		}
	}
	return 0;
}
