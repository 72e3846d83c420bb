/* SPDX-License-Identifier: BSD-3-Clause */
/* A User VM's I/O requests: its request page, posting what no handler claims, waiting, finishing. */
#include "cairn/guest_boot.h"
#include "core/arch.h"
#include "core/console.h"
#include "core/ioreq.h"
#include "core/ioreq_slot.h"
#include "core/pcpu.h"
#include "core/vm.h"
#include "core/vm_lifecycle.h"
#include "core/vm_log.h"
#include "lib/errno.h"
#include "lib/format.h"

_Static_assert(MAX_VCPUS_PER_VM <= ACRN_IO_REQUEST_MAX, "one request slot per vCPU");
_Static_assert(MAX_VCPUS_PER_VM <= 32, "in_flight and broken hold a bit per vCPU");

static uint32_t vcpu_bit(const struct vcpu *vcpu)
{
	return 1u << vcpu->id;
}

static bool bit_set(const uint32_t *word, uint32_t bit)
{
	return __atomic_load_n(word, __ATOMIC_ACQUIRE) & bit;
}

static void count(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static enum exit_reason exit_of(const struct io_access *access)
{
	return access->bus == IO_BUS_PORT ? EXIT_IO : EXIT_MEM_FAULT;
}

int ioreq_vm_init(struct vm *vm, uint64_t vm_flag)
{
	bool exitless = vm_flag & CAIRN_GUEST_FLAG_IO_EXITLESS;

	vm->ioreq = (struct vm_ioreq){ .polling = exitless ||
						  (vm_flag & GUEST_FLAG_IO_COMPLETION_POLLING),
				       .exitless = exitless };
	vm->io.unclaimed = ioreq_post;
	return arch_user_vm_io_init(vm);
}

int ioreq_set_page(struct vm *vm, struct acrn_io_request_buffer *page, uint64_t gpa)
{
	struct vm_ioreq *q = &vm->ioreq;
	int err = 0;

	spin_lock(&q->lock);
	if (__atomic_load_n(&q->in_flight, __ATOMIC_ACQUIRE)) {
		err = -EBUSY;
	} else {
		ioreq_page_reset(page);
		q->page = page;
		q->page_gpa = gpa;
	}
	spin_unlock(&q->lock);
	return err;
}

/*
 * Tells the VM's creator a request is waiting (the service device's MSI); counts a refusal. An
 * exit-less VM's device model spins on the page: nothing to tell.
 */
static void upcall(struct vm *vm)
{
	if (vm->ioreq.exitless)
		count(&vm->ioreq.stats.upcalls_skipped);
	else if (!arch_ioreq_upcall(vm->creator))
		count(&vm->ioreq.stats.upcalls_refused);
}

enum io_emul_result ioreq_post(struct vcpu *vcpu, struct io_access *access)
{
	struct vm_ioreq *q = &vcpu->vm->ioreq;
	uint32_t bit = vcpu_bit(vcpu), state = 0;
	int err;

	spin_lock(&q->lock);
	if (!q->page) {
		spin_unlock(&q->lock);
		count(&q->stats.unserved);
		if (!access->write)
			access->value =
				io_access_mask(access); /* no device model yet: an empty bus */
		return IO_EMUL_HANDLED;
	}
	struct acrn_io_request *slot = &q->page->req_slot[vcpu->id];
	/* In flight before the Service VM can see it: its notification must find it so. */
	q->access[vcpu->id] = *access;
	__atomic_fetch_or(&q->in_flight, bit, __ATOMIC_SEQ_CST);
	err = ioreq_slot_post(slot, access, NULL, q->polling);
	if (err) {
		__atomic_fetch_and(&q->in_flight, ~bit, __ATOMIC_SEQ_CST);
		state = ioreq_slot_state(slot);
	}
	spin_unlock(&q->lock);
	if (err) {
		vcpu_fault(vcpu,
			   "I/O request slot %u is not free (state %u) with no request in flight",
			   vcpu->id, state);
		return IO_EMUL_FAULT;
	}
	count(access->bus == IO_BUS_PORT ? &q->stats.pio : &q->stats.mmio);
	upcall(vcpu->vm);
	return IO_EMUL_POSTED;
}

bool ioreq_in_flight(const struct vcpu *vcpu)
{
	return bit_set(&vcpu->vm->ioreq.in_flight, vcpu_bit(vcpu));
}

static void finish(struct vcpu *vcpu, struct io_access *access)
{
	struct vm_ioreq *q = &vcpu->vm->ioreq;

	__atomic_fetch_and(&q->in_flight, ~vcpu_bit(vcpu), __ATOMIC_SEQ_CST);
	count(q->polling ? &q->stats.polled : &q->stats.notified);
	if (arch_io_finish(vcpu, access) == VCPU_FAULT)
		vm_fault(vcpu, exit_of(access));
}

void ioreq_check(struct vcpu *vcpu, bool notified)
{
	struct vm_ioreq *q = &vcpu->vm->ioreq;
	struct io_access *access = &q->access[vcpu->id];
	uint32_t seen;

	if (!ioreq_in_flight(vcpu) || bit_set(&q->broken, vcpu_bit(vcpu)))
		return;
	if (!notified && !q->polling)
		return;
	/* The page cannot change while a request is in flight (ioreq_set_page refuses). */
	switch (ioreq_slot_check(&q->page->req_slot[vcpu->id], access, &seen)) {
	case IOREQ_SLOT_WAITING:
		if (notified && !q->polling)
			count(&q->stats.spurious);
		return;
	case IOREQ_SLOT_DONE:
		finish(vcpu, access);
		return;
	case IOREQ_SLOT_BROKEN:
		__atomic_fetch_or(&q->broken, vcpu_bit(vcpu), __ATOMIC_SEQ_CST);
		count(&q->stats.broken);
		vcpu_fault(vcpu,
			   "I/O request slot %u in state %u, which a request in flight cannot have",
			   vcpu->id, seen);
		vm_fault(vcpu, exit_of(access));
		return;
	}
}

bool ioreq_wait_polled(struct vcpu *vcpu)
{
	struct vm_ioreq *q = &vcpu->vm->ioreq;

	if (!q->polling || vcpu->paused || !ioreq_in_flight(vcpu) ||
	    bit_set(&q->broken, vcpu_bit(vcpu)))
		return false;
	const struct acrn_io_request *slot = &q->page->req_slot[vcpu->id];
	while (!__atomic_load_n(&vcpu->pcpu->mailbox, __ATOMIC_ACQUIRE)) {
		uint32_t state = ioreq_slot_state(slot);
		if (state != ACRN_IOREQ_STATE_PENDING && state != ACRN_IOREQ_STATE_PROCESSING)
			break;
		arch_cpu_relax();
	}
	return true;
}

void ioreq_drop(struct vcpu *vcpu, const char *why)
{
	struct vm_ioreq *q = &vcpu->vm->ioreq;
	uint32_t bit = vcpu_bit(vcpu);
	const struct io_access *a = &q->access[vcpu->id];

	if (!ioreq_in_flight(vcpu))
		return;
	spin_lock(&q->lock);
	ioreq_slot_reset(&q->page->req_slot[vcpu->id]);
	__atomic_fetch_and(&q->broken, ~bit, __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&q->in_flight, ~bit, __ATOMIC_SEQ_CST);
	spin_unlock(&q->lock);
	arch_io_abandon(vcpu);
	count(&q->stats.dropped);
	vm_log(vcpu->vm, "vCPU %u's I/O request (%s %s 0x%lx) dropped: %s", vcpu->id,
	       a->bus == IO_BUS_PORT ? "port" : "mmio", a->write ? "write" : "read", a->addr, why);
}

void ioreq_post_power_off(struct vm *vm)
{
	struct vm_ioreq *q = &vm->ioreq;
	const struct io_access off = { .bus = IO_BUS_PORT,
				       .addr = CAIRN_GUEST_PM1A_CNT_PORT,
				       .size = 2,
				       .write = true,
				       .value = CAIRN_GUEST_PM1A_S5 | CAIRN_GUEST_PM1A_CRASHED };
	int err = -ENODEV;

	uint32_t garbage = ACRN_IOREQ_STATE_FREE;

	spin_lock(&q->lock);
	if (q->page) {
		struct acrn_io_request *slot = &q->page->req_slot[0];

		/* vCPU 0's request, if any, was dropped (slot FREE) when it stopped: any other state
		 * is the Service VM's garbage (the fault may be that very state). The VM is out, no
		 * request of it can be lost: take the slot back, so its device model still learns. */
		garbage = ioreq_slot_state(slot);
		if (garbage != ACRN_IOREQ_STATE_FREE)
			ioreq_slot_reset(slot);
		err = ioreq_slot_post(slot, &off, NULL, q->polling);
	}
	spin_unlock(&q->lock);
	if (err) {
		vm_log(vm, "stopped; its device model was not told (no request page)");
		return;
	}
	if (garbage != ACRN_IOREQ_STATE_FREE)
		vm_log(vm, "slot 0 held state %u after the stop: set FREE for the notice", garbage);
	upcall(vm);
	vm_log(vm, "stopped; its device model is told as an ACPI S5 power-off");
}

int ioreq_notify(struct vm *vm, uint64_t vcpu_id)
{
	if (vcpu_id >= vm->nvcpus)
		return -EINVAL;
	struct vcpu *vcpu = &vm->vcpus[vcpu_id];
	if (!ioreq_in_flight(vcpu)) {
		count(&vm->ioreq.stats.spurious); /* a late or doubled answer: nothing to do */
		return 0;
	}
	pcpu_post(vcpu->pcpu, PCPU_REQ_IOREQ_DONE);
	return 0;
}

void ioreq_print_stats(const struct vm *vm)
{
	const struct ioreq_stats *s = &vm->ioreq.stats;
	const struct {
		const char *name;
		uint64_t count;
	} extra[] = {
		{ "unserved", s->unserved },
		{ "broken", s->broken },
		{ "dropped", s->dropped },
		{ "spurious", s->spurious },
		{ "upcalls-refused", s->upcalls_refused },
		{ "exit-less", s->upcalls_skipped },
	};
	char line[300];
	int len;

	if (!vm_is_user(vm))
		return;
	len = format_snprintf(line, sizeof(line),
			      "cairn: io requests of vm %s: pio %lu mmio %lu notified %lu polled "
			      "%lu",
			      vm->name, s->pio, s->mmio, s->notified, s->polled);
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
		if (extra[i].count && len < (int)sizeof(line))
			len += format_snprintf(line + len, sizeof(line) - (size_t)len, " (%s %lu)",
					       extra[i].name, extra[i].count);
	printf("%s\n", line);
}
