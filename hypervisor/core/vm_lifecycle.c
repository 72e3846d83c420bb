/* SPDX-License-Identifier: BSD-3-Clause */
/* VM lifecycle: start, pause, resume, stop, reset, and what a fault does; carried to pCPUs by mailbox. */
#include "core/arch.h"
#include "core/console.h"
#include "core/housekeeping.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/service_vm.h"
#include "core/shell.h"
#include "core/time.h"
#include "core/user_vm.h"
#include "core/virt.h"
#include "core/vm_lifecycle.h"
#include "core/vm_log.h"
#include "lib/errno.h"

const char *vm_state_name(enum vm_state state)
{
	static const char *const names[] = { "free", "created", "running", "paused", "stopped" };
	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

/* To every vCPU that still has its pCPU: a retired one's pCPU may be another VM's by now. */
static void vm_post_all(struct vm *vm, uint32_t requests)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vcpu_bound(&vm->vcpus[i]))
			pcpu_post(vm->vcpus[i].pcpu, requests);
}

static void watchdog_arm(struct vm *vm)
{
	if (vm->config->watchdog_ms)
		vm->watchdog_deadline = time_deadline_us(vm->config->watchdog_ms * 1000ull);
}

int vm_start(struct vm *vm)
{
	if (vm->state != VM_CREATED)
		return -EINVAL;
	vm->state = VM_RUNNING;
	watchdog_arm(vm);
	vm->vcpus[0].state = VCPU_RUNNING;
	vm_post_all(vm, PCPU_REQ_RUN);
	return 0;
}

int vm_pause(struct vm *vm)
{
	if (vm->state != VM_RUNNING)
		return -EINVAL;
	vm->state = VM_PAUSED;
	vm_post_all(vm, PCPU_REQ_PAUSE);
	return 0;
}

int vm_resume(struct vm *vm)
{
	if (vm->state != VM_PAUSED)
		return -EINVAL;
	vm->state = VM_RUNNING;
	watchdog_arm(vm);
	vm_post_all(vm, PCPU_REQ_RESUME);
	return 0;
}

int vm_stop(struct vm *vm, const char *why)
{
	if (vm->state != VM_RUNNING && vm->state != VM_PAUSED)
		return -EINVAL;
	printf("cairn: vm %s: stopping (%s)\n", vm->name, why);
	vm->watchdog_deadline = 0;
	vm_post_all(vm, PCPU_REQ_STOP);
	return 0;
}

int vm_reset(struct vm *vm, const char *why)
{
	if (vm->config->kind == VM_KIND_USER)
		return -ENOSYS; /* its device model resets it (HC_RESET_VM, core/user_vm.c) */
	if (vm->state != VM_RUNNING && vm->state != VM_PAUSED)
		return -EINVAL;
	if (vm_log_take(vm)) /* a guest that faults at once would reset (and log) in a loop */
		printf("cairn: vm %s: resetting (%s)\n", vm->name, why);
	vm->state = VM_RUNNING;
	vm->watchdog_deadline = 0;
	vm_post_all(vm, PCPU_REQ_RESET | PCPU_REQ_RESUME); /* a reset VM runs, paused or not */
	return 0;
}

/* A fault that will reset the VM can repeat without end: its lines are rate-limited. */
static bool fault_may_log(struct vm *vm)
{
	bool resets = (vm->config->flags & VM_FLAG_RESET_ON_FAULT) &&
		      vm->config->kind == VM_KIND_PRE_LAUNCHED;
	return !resets || vm_log_take(vm);
}

static void vm_apply_fault_policy(struct vm *vm, const char *why)
{
	if ((vm->config->flags & VM_FLAG_RESET_ON_FAULT) && vm_reset(vm, why) == 0)
		return;
	vm_stop(vm, why);
}

void vm_fault(struct vcpu *vcpu, enum exit_reason reason)
{
	struct vm *vm = vcpu->vm;

	if (fault_may_log(vm))
		printf("cairn: vm %s fault: %s: %s (vCPU %u, RIP 0x%lx)\n", vm->name,
		       exit_reason_name(reason), vcpu->fault, vcpu->id, virt_vcpu_rip(vcpu));
	vm_apply_fault_policy(vm, "fault");
}

void vm_fault_external(struct vm *vm, const char *what)
{
	if (fault_may_log(vm))
		printf("cairn: vm %s fault: %s\n", vm->name, what);
	vm_apply_fault_policy(vm, what);
}

void vcpu_retire(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	bool all_stopped = true, last = false;

	arch_pcpu_reclaim(vcpu, true);
	spin_lock(&vm->lock);
	/* Stopped under the lock: once the last vCPU out sees all stopped, none touches vm again. */
	vcpu->state = VCPU_STOPPED;
	free_pcpu(vcpu->pcpu->id);
	housekeeping_adopt(vcpu->pcpu);
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		all_stopped &= vm->vcpus[i].state == VCPU_STOPPED;
	if (all_stopped && vm->state != VM_STOPPED) {
		last = true; /* two vCPUs may both see all stopped: only one releases */
		vm->state = VM_STOPPED;
		vm_log_flush(vm);
		printf("cairn: vm %s stopped\n", vm->name);
		vm_print_exit_stats(vm);
	}
	spin_unlock(&vm->lock);
	if (!last)
		return;
	arch_vm_release(vm);
	shell_forget_vm(vm);
	if (vm->config->kind == VM_KIND_SERVICE)
		user_vms_destroy_all(vm, false); /* their device model is gone */
	if (vm->config->kind == VM_KIND_USER)
		user_vm_stopped(vm); /* may release it: nothing here may touch vm after this */
}

#define RESET_QUIESCE_US 200000

/* vCPU 0 reloads the VM once every other vCPU has left guest mode (or after 200 ms). */
static void wait_for_other_vcpus(struct vm *vm)
{
	uint64_t deadline = time_deadline_us(RESET_QUIESCE_US);

	for (uint32_t i = 1; i < vm->nvcpus; i++)
		while (vm->vcpus[i].state == VCPU_RUNNING && !time_passed(deadline))
			arch_cpu_relax();
}

void vcpu_reset(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	arch_pcpu_reclaim(
		vcpu, false); /* the old kernel's timer, TPR and vectors must not reach the new */
	if (vm->config->kind == VM_KIND_USER) {
		vcpu->state = VCPU_OFFLINE; /* until HC_SET_VCPU_REGS and HC_START_VM */
		user_vm_vcpu_reset_done(vcpu);
		return;
	}
	if (vcpu->id != 0) {
		vcpu->state = VCPU_OFFLINE;
		return;
	}
	wait_for_other_vcpus(vm);
	/* Their memory is the Service VM's RAM, which the new kernel is about to reuse. */
	if (vm->config->kind == VM_KIND_SERVICE)
		user_vms_destroy_all(vm, true);
	int err = vm->config->kind == VM_KIND_SERVICE ? arch_service_vm_reload(vm)
						      : partition_load(vm);
	if (err) {
		printf("cairn: vm %s: reset failed (error %d); stopping it\n", vm->name, err);
		vm_stop(vm, "reset failed");
		return;
	}
	vm->resets++;
	watchdog_arm(vm);
	vcpu->state = VCPU_RUNNING;
	if (vm_log_take(vm))
		printf("cairn: vm %s: reset done (%u so far)\n", vm->name, vm->resets);
}
