/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM: a stock Linux on every pCPU no partition has, owning the platform's devices. */
#include "core/arch.h"
#include "core/console.h"
#include "core/pcpu.h"
#include "core/service_vm.h"
#include "core/shell.h"
#include "core/virt.h"
#include "core/vm_lifecycle.h"
#include "lib/errno.h"

/* Its pCPUs: the scenario's, else every online pCPU no other VM took. */
static uint64_t service_pcpu_mask(const struct vm *vm)
{
	uint64_t mask = 0;

	if (vm->config->pcpu_mask)
		return vm->config->pcpu_mask;
	for (uint32_t p = 0; p < pcpu_count; p++)
		if (pcpus[p].state == PCPU_ONLINE && !pcpus[p].vcpu)
			mask |= 1ull << p;
	return mask;
}

static int service_vcpus(struct vm *vm)
{
	uint64_t mask = service_pcpu_mask(vm);

	if (!mask) {
		printf("cairn: vm %s: pCPU check failed: no free pCPU is left\n", vm->name);
		return -EBUSY;
	}
	return vm_create_vcpus(vm, mask);
}

void service_vm_start(const struct boot_info *bi)
{
	for (size_t i = 0; i < scenario_vm_count && i < MAX_VMS; i++) {
		const struct vm_config *c = &scenario_vms[i];
		struct vm *vm = &vms[i];
		if (c->kind != VM_KIND_SERVICE)
			continue;
		vm->id = (uint32_t)i;
		vm->config = c;
		vm->name = c->name;
		vm->trap_hlt = false; /* Linux idles in HLT and its own interrupts wake it */
		int err = virt_vm_init(vm);
		if (!err)
			err = service_vcpus(vm);
		if (!err)
			err = arch_service_vm_build(vm, bi);
		if (err) {
			printf("cairn: vm %s not started (%s, error %d)\n", c->name, c->source,
			       err);
			vm_discard(vm); /* its pCPUs go idle; one of them may do the housekeeping */
			continue;
		}
		vm->state = VM_CREATED;
		printf("cairn: vm %s: Service VM on %u pCPUs, %lu MiB of RAM in %zu ranges\n",
		       vm->name, vm->nvcpus, vm->mem_size / MiB, vm->nram);
		shell_focus_vm(vm);
		vm_start(vm);
	}
}
