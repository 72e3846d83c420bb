/* The hypercall dispatcher: ACRN's ABI (ID in R8, params RDI/RSI, result RAX), rights checked first. */
#include "cairn/hypercall.h"
#include "x86/guest/exit_handlers.h"
#include "core/guest_mem.h"
#include "core/virt.h"
#include "core/vm.h"
#include "core/vm_lifecycle.h"
#include "lib/errno.h"
#include "x86/tsc.h"

#define VECTOR_UD 6
#define VECTOR_GP 13

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

/*
 * The VM a lifecycle call names, when the caller may manage it: only VMs the caller created
 * (post-launched User VMs). Pre-launched partitions and the caller itself are refused (-EPERM),
 * as ACRN refuses lifecycle calls on pre-launched VMs; an unknown vmid is -EINVAL.
 */
static struct vm *target_vm(struct vcpu *caller, uint64_t vmid, int64_t *err)
{
	struct vm *vm = vmid <= UINT32_MAX ? vm_find_by_id((uint32_t)vmid) : NULL;

	*err = vm ? -EPERM : -EINVAL;
	return vm && vm != caller->vm && vm->creator == caller->vm ? vm : NULL;
}

static int64_t hc_pause_vm(struct vcpu *vcpu, uint64_t vmid, uint64_t unused)
{
	int64_t err;
	struct vm *vm = target_vm(vcpu, vmid, &err);

	return vm ? vm_pause(vm) : err;
}

static int64_t hc_start_vm(struct vcpu *vcpu, uint64_t vmid, uint64_t unused)
{
	int64_t err;
	struct vm *vm = target_vm(vcpu, vmid, &err);

	if (!vm)
		return err;
	return vm->state == VM_PAUSED ? vm_resume(vm) : vm_start(vm);
}

static int64_t hc_destroy_vm(struct vcpu *vcpu, uint64_t vmid, uint64_t unused)
{
	int64_t err;
	struct vm *vm = target_vm(vcpu, vmid, &err);

	return vm ? vm_stop(vm, "requested by the Service VM") : err;
}

static int64_t hc_watchdog_kick(struct vcpu *vcpu, uint64_t unused1, uint64_t unused2)
{
	struct vm *vm = vcpu->vm;

	if (!vm->config->watchdog_ms)
		return -ENODEV;
	vm->watchdog_deadline = tsc_deadline_us(vm->config->watchdog_ms * 1000ull);
	return 0;
}

static const struct hypercall hypercalls[] = {
	{ HC_GET_API_VERSION, false, hc_get_api_version },
	{ HC_DESTROY_VM, true, hc_destroy_vm },
	{ HC_START_VM, true, hc_start_vm },
	{ HC_PAUSE_VM, true, hc_pause_vm },
	{ HC_CAIRN_WATCHDOG_KICK, false, hc_watchdog_kick },
};

static int64_t hypercall_dispatch(struct vcpu *vcpu, uint64_t id, uint64_t p1, uint64_t p2)
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

static bool vm_may_hypercall(const struct vm *vm)
{
	return vm->config->kind == VM_KIND_SERVICE || (vm->config->flags & VM_FLAG_HYPERCALLS);
}

int hypercall_exit(struct vcpu *vcpu, unsigned insn_len)
{
	if (!vm_may_hypercall(vcpu->vm)) {
		virt_vcpu_inject_exception(vcpu, VECTOR_UD, 0);
		return 0;
	}
	if (virt_vcpu_cpl(vcpu) != 0) {
		virt_vcpu_inject_exception(vcpu, VECTOR_GP, 0);
		return 0;
	}
	/* IDs are 32-bit (ACRN truncates R8 too), so a sign-extended immediate still matches. */
	int64_t ret =
		hypercall_dispatch(vcpu, (uint32_t)vcpu->regs.r8, vcpu->regs.rdi, vcpu->regs.rsi);
	vcpu->regs.rax = (uint64_t)ret;
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + insn_len);
	return 0;
}
