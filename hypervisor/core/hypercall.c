/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypercall table: ACRN's IDs, who may call each one, and the handlers (arch-neutral half). */
#include "cairn/hypercall.h"
#include "core/guest_mem.h"
#include "core/hypercall.h"
#include "core/hypercall_io.h"
#include "core/service_cpu.h"
#include "core/time.h"
#include "core/user_vm.h"
#include "core/virt.h"
#include "core/vm.h"
#include "lib/errno.h"

struct hypercall {
	uint32_t id;
	bool service_vm_only;
	int64_t (*handler)(struct vcpu *vcpu, uint64_t p1, uint64_t p2);
};

static int64_t hc_get_api_version(struct vcpu *vcpu, uint64_t gpa, uint64_t unused)
{
	struct hc_api_version v = { CAIRN_API_VERSION_MAJOR, CAIRN_API_VERSION_MINOR };

	return guest_phys_write(vcpu->vm, gpa, &v, sizeof(v));
}

static int64_t hc_watchdog_kick(struct vcpu *vcpu, uint64_t unused1, uint64_t unused2)
{
	struct vm *vm = vcpu->vm;

	if (!vm->config->watchdog_ms)
		return -ENODEV;
	vm->watchdog_deadline = time_deadline_us(vm->config->watchdog_ms * 1000ull);
	return 0;
}

static const struct hypercall hypercalls[] = {
	{ HC_GET_API_VERSION, false, hc_get_api_version },
	{ HC_SERVICE_VM_OFFLINE_CPU, true, service_cpu_hc_offline },
	{ HC_CREATE_VM, true, user_vm_hc_create },
	{ HC_DESTROY_VM, true, user_vm_hc_destroy },
	{ HC_START_VM, true, user_vm_hc_start },
	{ HC_PAUSE_VM, true, user_vm_hc_pause },
	{ HC_RESET_VM, true, user_vm_hc_reset },
	{ HC_SET_VCPU_REGS, true, user_vm_hc_set_vcpu_regs },
	{ HC_VM_SET_MEMORY_REGIONS, true, user_vm_hc_set_memory_regions },
	{ HC_SET_IOREQ_BUFFER, true, hc_set_ioreq_buffer },
	{ HC_NOTIFY_REQUEST_FINISH, true, hc_notify_request_finish },
	{ HC_INJECT_MSI, true, hc_inject_msi },
	{ HC_SET_IRQLINE, true, hc_set_irqline },
	{ HC_CAIRN_WATCHDOG_KICK, false, hc_watchdog_kick },
};

int64_t hypercall_dispatch(struct vcpu *vcpu, uint32_t id, uint64_t p1, uint64_t p2)
{
	for (size_t i = 0; i < ARRAY_SIZE(hypercalls); i++) {
		const struct hypercall *hc = &hypercalls[i];
		if (hc->id != id)
			continue;
		if (hc->service_vm_only && vcpu->vm->config->kind != VM_KIND_SERVICE)
			return -EPERM;
		return hc->handler(vcpu, p1, p2);
	}
	return -ENOTTY;
}

bool hypercall_allowed(const struct vm *vm)
{
	return vm->config->kind == VM_KIND_SERVICE || (vm->config->flags & VM_FLAG_HYPERCALLS);
}
