/* The Service VM: a stock Linux on every pCPU no partition has, owning the platform's devices. */
#include "cairn/guest_boot.h"
#include "core/console.h"
#include "core/pcpu.h"
#include "core/service_vm.h"
#include "core/shell.h"
#include "core/virt.h"
#include "core/vm_lifecycle.h"
#include "x86/service_platform.h"
#include "lib/errno.h"

static int service_vcpus(struct vm *vm)
{
	uint64_t mask = vm->config->pcpu_mask;

	for (uint32_t p = 0; p < pcpu_count; p++) {
		bool wanted =
			mask ? (mask >> p) & 1 : pcpus[p].state == PCPU_ONLINE && !pcpus[p].vcpu;
		if (!wanted)
			continue;
		struct vcpu *vcpu = &vm->vcpus[vm->nvcpus];
		*vcpu = (struct vcpu){ .vm = vm, .id = vm->nvcpus, .pcpu = &pcpus[p] };
		int err = allocate_pcpu(p, vcpu);
		if (err) {
			printf("cairn: vm %s: pCPU check failed: pCPU %u is %s (error %d)\n",
			       vm->name, p, err == -EBUSY ? "already taken" : "not online", err);
			return err;
		}
		vcpu->wait_for_sipi = vm->nvcpus > 0; /* APs wait for Linux to start them */
		vm->nvcpus++;
		err = virt_vcpu_init(vcpu);
		if (err)
			return err;
	}
	if (!vm->nvcpus) {
		printf("cairn: vm %s: pCPU check failed: no free pCPU is left\n", vm->name);
		return -EBUSY;
	}
	return 0;
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
		vm->owns_ports = true;
		int err = virt_vm_init(vm);
		if (!err)
			err = service_vcpus(vm);
		if (!err)
			err = service_platform_build(vm, bi);
		if (err) {
			printf("cairn: vm %s not started (%s, error %d)\n", c->name, c->source,
			       err);
			continue; /* its pCPUs stay taken: nothing else was meant to run there */
		}
		vm->state = VM_CREATED;
		printf("cairn: vm %s: Service VM on %u pCPUs, %lu MiB of RAM in %zu ranges\n",
		       vm->name, vm->nvcpus, vm->mem_size / MiB, vm->nram);
		shell_focus_vm(vm);
		vm_start(vm);
	}
}
