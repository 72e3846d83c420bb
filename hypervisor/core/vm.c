/* SPDX-License-Identifier: BSD-3-Clause */
/* The VM table: vCPU creation, discarding a VM that could not be built, lookups. */
#include "core/console.h"
#include "core/pcpu.h"
#include "core/virt.h"
#include "core/vm.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/phys_mem.h"

struct vm vms[MAX_VMS];

int vm_create_vcpus(struct vm *vm, uint64_t pcpu_mask)
{
	for (uint32_t p = 0; p < MAX_PCPUS; p++) {
		if (!(pcpu_mask & (1ull << p)))
			continue;
		if (vm->nvcpus == MAX_VCPUS_PER_VM) {
			printf("cairn: vm %s: pCPU check failed: more than %u pCPUs\n", vm->name,
			       MAX_VCPUS_PER_VM);
			return -E2BIG;
		}
		struct vcpu *vcpu = &vm->vcpus[vm->nvcpus];
		*vcpu = (struct vcpu){ .vm = vm, .id = vm->nvcpus, .pcpu = &pcpus[p] };
		int err = allocate_pcpu(p, vcpu);
		if (err) {
			printf("cairn: vm %s: pCPU check failed: pCPU %u is %s (error %d)\n",
			       vm->name, p, err == -EBUSY ? "already taken" : "not online", err);
			return err;
		}
		vm->nvcpus++;
		err = virt_vcpu_init(vcpu);
		if (err)
			return err;
	}
	return 0;
}

void vm_discard(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++) {
		virt_vcpu_destroy(&vm->vcpus[i]);
		free_pcpu(vm->vcpus[i].pcpu->id);
	}
	virt_vm_destroy(vm);
	if (vm->mem_hpa)
		phys_free_pages(vm->mem_hpa, vm->mem_size / PAGE_SIZE);
	for (size_t i = 0; i < vm->nram; i++)
		phys_free_pages(vm->ram[i].base, vm->ram[i].size / PAGE_SIZE);
	memset(vm, 0, sizeof(*vm));
}

struct vm *vm_find_by_name(const char *name)
{
	for (size_t i = 0; i < MAX_VMS; i++)
		if (vms[i].state != VM_FREE && strcmp(vms[i].name, name) == 0)
			return &vms[i];
	return NULL;
}

struct vm *vm_find_by_id(uint32_t id)
{
	return id < MAX_VMS && vms[id].state != VM_FREE ? &vms[id] : NULL;
}
