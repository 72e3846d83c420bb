/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM's pCPUs given back (HC_SERVICE_VM_OFFLINE_CPU) and taken back (its start IPIs). */
#include "core/arch.h"
#include "core/console.h"
#include "core/pcpu.h"
#include "core/service_cpu.h"
#include "core/time.h"
#include "core/vm.h"
#include "core/vm_lifecycle.h"
#include "core/vm_log.h"
#include "lib/errno.h"
#include "lib/spinlock.h"

#define OFFLINE_ANSWER_US    1000000 /* an NMI is answered at once, but QEMU TCG may lag */
#define OFFLINE_ASK_AGAIN_US 10000   /* a vCPU not parked yet is asked again after this */

/*
 * One question per pCPU at a time: the caller moves NONE -> ASKED and waits; the pCPU moves
 * ASKED -> CHECKING and answers RETIRED or BUSY. A caller that gives up moves ASKED back to NONE,
 * so a late request finds nothing to do; once CHECKING, the answer comes (the check is short).
 */
enum offline_question {
	OFFLINE_NONE,
	OFFLINE_ASKED,
	OFFLINE_CHECKING,
	OFFLINE_RETIRED,
	OFFLINE_BUSY,
};

static volatile uint32_t questions[MAX_PCPUS];
static spinlock_t offline_lock = SPINLOCK_INIT;

static struct vcpu *vcpu_by_apic_id(struct vm *vm, uint64_t apic_id)
{
	for (uint32_t i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i].pcpu->apic_id == apic_id)
			return &vm->vcpus[i];
	return NULL;
}

/*
 * Ask until the vCPU is parked or the deadline passes. Linux reports a CPU dead (and its
 * remove_cpu() returns) a few instructions before that CPU reaches its HLT with interrupts off;
 * a question landing in that window is answered BUSY, so it is asked again a little later.
 */
static uint32_t ask(struct vcpu *vcpu)
{
	volatile uint32_t *q = &questions[vcpu->pcpu->id];
	uint64_t deadline = time_deadline_us(OFFLINE_ANSWER_US);
	uint32_t answer, asked = OFFLINE_ASKED;

	__atomic_store_n(q, OFFLINE_ASKED, __ATOMIC_SEQ_CST);
	pcpu_post(vcpu->pcpu, PCPU_REQ_OFFLINE);
	for (;;) {
		answer = __atomic_load_n(q, __ATOMIC_ACQUIRE);
		if (answer == OFFLINE_RETIRED)
			break;
		if (answer == OFFLINE_BUSY) {
			if (time_passed(deadline))
				break;
			uint64_t again = time_deadline_us(OFFLINE_ASK_AGAIN_US);

			while (!time_passed(again))
				arch_cpu_relax();
			__atomic_store_n(q, OFFLINE_ASKED, __ATOMIC_SEQ_CST);
			pcpu_post(vcpu->pcpu, PCPU_REQ_OFFLINE);
			continue;
		}
		if (answer == OFFLINE_ASKED && time_passed(deadline) &&
		    __atomic_compare_exchange_n(q, &asked, OFFLINE_NONE, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return OFFLINE_BUSY; /* no answer: withdrawn, it will find nothing to do */
		arch_cpu_relax();
	}
	__atomic_store_n(q, OFFLINE_NONE, __ATOMIC_SEQ_CST);
	return answer;
}

int64_t service_cpu_hc_offline(struct vcpu *caller, uint64_t apic_id, uint64_t unused)
{
	struct vm *vm = caller->vm;
	struct vcpu *vcpu = vcpu_by_apic_id(vm, apic_id);

	if (!vcpu || vcpu->id == 0 || vcpu->pcpu->id == 0 || !vcpu_bound(vcpu))
		return -EINVAL;
	if (vcpu == caller)
		return -EBUSY; /* it is running this very call */
	spin_lock(&offline_lock);
	uint32_t answer = ask(vcpu);
	spin_unlock(&offline_lock);
	if (answer != OFFLINE_RETIRED) {
		vm_log(vm,
		       "pCPU %u not given back: vCPU %u is not offline (halted with interrupts "
		       "off)",
		       vcpu->pcpu->id, vcpu->id);
		return -EBUSY;
	}
	vm_log(vm, "gave pCPU %u back (vCPU %u, APIC ID %u): it is free", vcpu->pcpu->id, vcpu->id,
	       vcpu->pcpu->apic_id);
	return 0;
}

bool service_cpu_serve_offline(struct vcpu *vcpu)
{
	volatile uint32_t *q = &questions[vcpu->pcpu->id];
	uint32_t asked = OFFLINE_ASKED;

	if (vcpu->vm->config->kind != VM_KIND_SERVICE ||
	    !__atomic_compare_exchange_n(q, &asked, OFFLINE_CHECKING, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		return false;
	if (!arch_vcpu_offline_state(vcpu)) {
		__atomic_store_n(q, OFFLINE_BUSY, __ATOMIC_RELEASE);
		return false;
	}
	vcpu_retire(vcpu); /* LAPIC taken back, pCPU free: before the caller hears of it */
	__atomic_store_n(q, OFFLINE_RETIRED, __ATOMIC_RELEASE);
	return true;
}

int service_cpu_take_back(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (vm->config->kind != VM_KIND_SERVICE || vcpu->state != VCPU_STOPPED ||
	    (vm->state != VM_RUNNING && vm->state != VM_PAUSED))
		return -EINVAL;
	int err = allocate_pcpu(vcpu->pcpu->id, vcpu);
	if (err) {
		vm_log(vm, "pCPU %u is not free: start IPI for vCPU %u dropped", vcpu->pcpu->id,
		       vcpu->id);
		return -EBUSY;
	}
	vcpu->paused = vm->state == VM_PAUSED;
	vcpu->state = VCPU_OFFLINE; /* its run loop waits for the STARTUP IPI */
	vm_log(vm, "took pCPU %u back for vCPU %u", vcpu->pcpu->id, vcpu->id);
	pcpu_post(vcpu->pcpu, PCPU_REQ_RUN);
	return 0;
}
