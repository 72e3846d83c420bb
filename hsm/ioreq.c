// SPDX-License-Identifier: GPL-2.0-only
/* The request page, the I/O clients, dispatch of PENDING slots to them and their completion. */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "hsm_drv.h"
#include "hypercall.h"

static struct workqueue_struct *hsm_wq;
static atomic64_t upcalls;

static void dispatch_all(struct work_struct *work)
{
	struct hsm_vm *vm;

	mutex_lock(&hsm_vms_lock);
	list_for_each_entry(vm, &hsm_vms, list)
	{
		mutex_lock(&vm->lock);
		hsm_ioreq_dispatch_locked(vm);
		mutex_unlock(&vm->lock);
	}
	mutex_unlock(&hsm_vms_lock);
}

static DECLARE_WORK(dispatch_work, dispatch_all);

int hsm_ioreq_init(void)
{
	hsm_wq = alloc_workqueue("cairn_hsm", WQ_HIGHPRI | WQ_MEM_RECLAIM | WQ_UNBOUND, 1);
	return hsm_wq ? 0 : -ENOMEM;
}

void hsm_ioreq_exit(void)
{
	destroy_workqueue(hsm_wq);
}

void hsm_ioreq_kick(void)
{
	atomic64_inc(&upcalls);
	queue_work(hsm_wq, &dispatch_work);
}

u64 hsm_upcalls(void)
{
	return atomic64_read(&upcalls);
}

/* --- The page --- */

int hsm_ioreq_page_pin(struct hsm_vm *vm, u64 user_addr)
{
	struct page *page;
	int n;

	if (!user_addr || !PAGE_ALIGNED(user_addr))
		return -EINVAL;
	n = pin_user_pages_fast(user_addr, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (n != 1)
		return n < 0 ? n : -EFAULT;
	vm->ioreq_page = page;
	vm->ioreq_buf = page_address(page);
	return 0;
}

/* HC_SET_IOREQ_BUFFER takes the GPA of a u64 that holds the page's GPA (= its physical address). */
int hsm_ioreq_page_register(struct hsm_vm *vm)
{
	u64 *holder = kzalloc(sizeof(*holder), GFP_KERNEL);
	long ret;

	if (!holder)
		return -ENOMEM;
	*holder = page_to_phys(vm->ioreq_page);
	ret = hcall_set_ioreq_buffer(vm->vmid, virt_to_phys(holder));
	kfree(holder);
	return ret;
}

void hsm_ioreq_page_release(struct hsm_vm *vm)
{
	if (vm->ioreq_page)
		unpin_user_page(vm->ioreq_page);
	vm->ioreq_page = NULL;
	vm->ioreq_buf = NULL;
}

static struct acrn_io_request *slot_of(struct hsm_vm *vm, u32 vcpu)
{
	return &vm->ioreq_buf->req_slot[vcpu];
}

/* PROCESSING -> COMPLETE, then (notification mode) HC_NOTIFY_REQUEST_FINISH. */
static int finish_locked(struct hsm_vm *vm, u32 vcpu)
{
	long ret;

	if (hsm_slot_finish(slot_of(vm, vcpu))) {
		vm->stats.stale++;
		return -EINVAL;
	}
	vm->stats.completed++;
	if (vm->polling)
		return 0;
	ret = hcall_notify_request_finish(vm->vmid, vcpu);
	if (ret < 0) {
		vm->stats.notify_fail++;
		pr_warn_ratelimited("cairn_hsm: vm %u vcpu %u: HC_NOTIFY_REQUEST_FINISH: %ld\n",
				    vm->vmid, vcpu, ret);
	}
	return ret;
}

static void release_holder_locked(struct hsm_vm *vm, u32 vcpu)
{
	struct hsm_client *c = vm->holder[vcpu];

	if (!c)
		return;
	clear_bit(vcpu, &c->pending);
	clear_bit(vcpu, &c->held);
	vm->holder[vcpu] = NULL;
}

/* A request nobody will answer (its client went, or a clear): a read gets all-ones. */
static void orphan_locked(struct hsm_vm *vm, u32 vcpu)
{
	struct acrn_io_request *slot = slot_of(vm, vcpu);

	release_holder_locked(vm, vcpu);
	if (hsm_load_acquire(&slot->processed) != ACRN_IOREQ_STATE_PROCESSING)
		return;
	hsm_slot_answer(slot, &vm->inflight[vcpu], ~0ull);
	vm->stats.orphaned++;
	finish_locked(vm, vcpu);
}

/* --- Dispatch --- */

static void route_locked(struct hsm_vm *vm, u32 vcpu, int range)
{
	struct acrn_io_request *slot = slot_of(vm, vcpu);
	struct hsm_client *c;

	if (range >= 0 && hsm_ioeventfd_owns(vm, vm->ranges[range].owner)) {
		hsm_slot_take(slot, true);
		hsm_slot_answer(slot, &vm->inflight[vcpu], 0); /* reads of an ioeventfd read 0 */
		hsm_ioeventfd_serve_locked(vm, &vm->inflight[vcpu]);
		vm->stats.dispatched++;
		vm->stats.ioeventfd++;
		finish_locked(vm, vcpu);
		return;
	}
	c = range >= 0 ? vm->ranges[range].owner : vm->default_client;
	if (!c) {
		vm->stats.no_client++; /* stays PENDING until a default client attaches */
		return;
	}
	hsm_slot_take(slot, !c->is_default); /* ACRN's userspace skips kernel_handled slots */
	vm->holder[vcpu] = c;
	set_bit(vcpu, &c->pending);
	c->dispatched++;
	vm->stats.dispatched++;
	if (c->is_default)
		vm->stats.to_default++;
	else
		vm->stats.to_range++;
	wake_up_interruptible(&c->wq);
}

void hsm_ioreq_dispatch_locked(struct hsm_vm *vm)
{
	u32 i;
	int range;

	/* An exit-less VM's device model claims PENDING slots itself: none of them is ours. */
	if (!vm->live || !vm->ioreq_buf || vm->exitless)
		return;
	for (i = 0; i < vm->vcpu_num; i++) {
		struct acrn_io_request *slot = slot_of(vm, i);
		struct acrn_io_request *req = &vm->inflight[i];

		if (!hsm_slot_pending(slot))
			continue;
		/* a range client never sees the page: PENDING under it is a scribble */
		if (vm->holder[i] && !vm->holder[i]->is_default) {
			vm->stats.scribbled++;
			continue;
		}
		switch (hsm_dispatch_slot(slot, &vm->conf_addr, vm->ranges, vm->nranges, &range,
					  req)) {
		case HSM_BAD:
			vm->stats.bad++;
			pr_warn_ratelimited(
				"cairn_hsm: vm %u vcpu %u: malformed request (type %u)\n", vm->vmid,
				i, req->type);
			hsm_slot_take(slot, true);
			finish_locked(vm, i);
			break;
		case HSM_DONE:
			vm->stats.conf_addr++;
			hsm_slot_take(slot, true);
			finish_locked(vm, i);
			break;
		case HSM_ROUTE:
			if (req->type == ACRN_IOREQ_TYPE_PCICFG)
				vm->stats.pci_cfg++;
			route_locked(vm, i, range);
			break;
		}
	}
}

/* --- Clients --- */

static void client_free(struct kref *ref)
{
	kfree(container_of(ref, struct hsm_client, ref));
}

static struct hsm_client *client_new(struct hsm_vm *vm, bool is_default)
{
	struct hsm_client *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	kref_init(&c->ref);
	init_waitqueue_head(&c->wq);
	INIT_LIST_HEAD(&c->list);
	c->vm = vm;
	c->is_default = is_default;
	return c;
}

/* Its requests are answered all-ones, its waiters woken (-ENODEV), its ranges gone. */
static void client_kill_locked(struct hsm_vm *vm, struct hsm_client *c)
{
	u32 i;

	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		if (vm->holder[i] == c)
			orphan_locked(vm, i);
	if (c->is_default) {
		vm->default_client = NULL;
	} else {
		list_del_init(&c->list);
		hsm_ranges_remove_owner(vm->ranges, &vm->nranges, c);
	}
	WRITE_ONCE(c->destroying, true);
	wake_up_interruptible_all(&c->wq);
	kref_put(&c->ref, client_free);
}

void hsm_ioreq_destroy_clients_locked(struct hsm_vm *vm)
{
	struct hsm_client *c, *next;

	list_for_each_entry_safe(c, next, &vm->clients, list) client_kill_locked(vm, c);
	if (vm->default_client)
		client_kill_locked(vm, vm->default_client);
}

void hsm_ioreq_forget_locked(struct hsm_vm *vm)
{
	u32 i;

	for (i = 0; i < ACRN_IO_REQUEST_MAX; i++)
		release_holder_locked(vm, i);
	vm->conf_addr = 0;
}

/* Waits until `c` has a request or is destroyed; the caller holds a reference. */
static int client_wait(struct hsm_client *c)
{
	int ret =
		wait_event_interruptible(c->wq, READ_ONCE(c->pending) || READ_ONCE(c->destroying));

	if (READ_ONCE(c->destroying))
		return -ENODEV;
	return ret;
}

int hsm_default_client_create(struct hsm_vm *vm)
{
	struct hsm_client *c;
	int ret = 0;

	mutex_lock(&vm->lock);
	if (!vm->live) {
		ret = -EINVAL;
	} else if (vm->default_client) {
		ret = -EEXIST;
	} else {
		c = client_new(vm, true);
		if (c) {
			strscpy(c->name, "default", sizeof(c->name));
			vm->default_client = c;
		} else {
			ret = -ENOMEM;
		}
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int hsm_default_client_destroy(struct hsm_vm *vm)
{
	mutex_lock(&vm->lock);
	if (vm->default_client)
		client_kill_locked(vm, vm->default_client);
	mutex_unlock(&vm->lock);
	return 0;
}

int hsm_default_client_attach(struct hsm_vm *vm)
{
	struct hsm_client *c;
	int ret;

	mutex_lock(&vm->lock);
	c = vm->default_client;
	if (!c) {
		mutex_unlock(&vm->lock);
		return -ENODEV;
	}
	kref_get(&c->ref);
	hsm_ioreq_dispatch_locked(vm);
	mutex_unlock(&vm->lock);
	ret = client_wait(c);
	kref_put(&c->ref, client_free);
	return ret;
}

int hsm_default_client_finish(struct hsm_vm *vm, u32 vcpu)
{
	struct hsm_client *c;
	int ret;

	mutex_lock(&vm->lock);
	c = vm->default_client;
	if (!vm->live || !vm->ioreq_buf || vcpu >= vm->vcpu_num || !c || vm->holder[vcpu] != c) {
		mutex_unlock(&vm->lock);
		return -EINVAL;
	}
	release_holder_locked(vm, vcpu);
	c->completed++;
	ret = finish_locked(vm, vcpu);
	mutex_unlock(&vm->lock);
	return ret;
}

void hsm_ioreq_clear(struct hsm_vm *vm)
{
	u32 i;

	mutex_lock(&vm->lock);
	for (i = 0; vm->live && vm->ioreq_buf && i < vm->vcpu_num; i++) {
		struct acrn_io_request *slot = slot_of(vm, i);

		if (vm->holder[i]) {
			orphan_locked(vm, i);
		} else if (hsm_slot_pending(slot)) {
			memcpy(&vm->inflight[i], slot, sizeof(*slot));
			hsm_slot_take(slot, true);
			hsm_slot_answer(slot, &vm->inflight[i], ~0ull);
			vm->stats.orphaned++;
			finish_locked(vm, i);
		}
	}
	mutex_unlock(&vm->lock);
}

/* --- Cairn's range clients --- */

static struct hsm_client *range_client_find(struct hsm_vm *vm, u32 id)
{
	struct hsm_client *c;

	list_for_each_entry(c, &vm->clients, list) if (c->id == id) return c;
	return NULL;
}

int hsm_range_client_create(struct hsm_vm *vm, struct cairn_ioreq_range_client *arg)
{
	struct hsm_range range = { arg->type, 0, arg->start, arg->end, NULL };
	struct hsm_client *c, *it;
	unsigned int count = 0;
	int ret = hsm_range_check(arg->type, arg->start, arg->end);

	if (ret)
		return ret;
	mutex_lock(&vm->lock);
	list_for_each_entry(it, &vm->clients, list) count++;
	if (!vm->live) {
		ret = -EINVAL;
	} else if (count >= HSM_MAX_RANGE_CLIENTS) {
		ret = -ENOSPC;
	} else if (!(c = client_new(vm, false))) {
		ret = -ENOMEM;
	} else {
		c->id = ++vm->next_client_id;
		c->seq = c->id; /* seq 0 is the ioeventfd client's */
		c->type = arg->type;
		c->start = arg->start;
		c->end = arg->end;
		memcpy(c->name, arg->name, sizeof(arg->name));
		c->name[sizeof(arg->name)] = '\0';
		range.seq = c->seq;
		range.owner = c;
		ret = hsm_ranges_insert(vm->ranges, &vm->nranges, HSM_MAX_RANGES, &range);
		if (ret) {
			kfree(c);
		} else {
			list_add_tail(&c->list, &vm->clients);
			arg->id = c->id;
		}
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int hsm_range_client_fetch(struct hsm_vm *vm, struct cairn_ioreq_fetch *arg)
{
	struct hsm_client *c;
	int ret;

	mutex_lock(&vm->lock);
	c = range_client_find(vm, arg->id);
	if (!c) {
		mutex_unlock(&vm->lock);
		return -ENODEV;
	}
	kref_get(&c->ref);
	hsm_ioreq_dispatch_locked(vm);
	mutex_unlock(&vm->lock);
	for (;;) {
		ret = client_wait(c);
		if (ret)
			break;
		mutex_lock(&vm->lock);
		if (c->destroying) {
			ret = -ENODEV;
		} else if (c->pending) {
			u32 vcpu = __ffs(c->pending);

			clear_bit(vcpu, &c->pending);
			set_bit(vcpu, &c->held);
			arg->vcpu = vcpu;
			arg->request = vm->inflight[vcpu];
			arg->request.processed = ACRN_IOREQ_STATE_PROCESSING;
			ret = 1;
		}
		mutex_unlock(&vm->lock);
		if (ret)
			break;
	}
	kref_put(&c->ref, client_free);
	return ret > 0 ? 0 : ret;
}

int hsm_range_client_complete(struct hsm_vm *vm, const struct cairn_ioreq_complete *arg)
{
	struct hsm_client *c;
	int ret = -EINVAL;

	mutex_lock(&vm->lock);
	c = range_client_find(vm, arg->id);
	if (c && vm->ioreq_buf && arg->vcpu < vm->vcpu_num && vm->holder[arg->vcpu] == c &&
	    test_bit(arg->vcpu, &c->held)) {
		hsm_slot_answer(slot_of(vm, arg->vcpu), &vm->inflight[arg->vcpu], arg->value);
		release_holder_locked(vm, arg->vcpu);
		c->completed++;
		ret = finish_locked(vm, arg->vcpu);
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int hsm_range_client_destroy(struct hsm_vm *vm, u32 id)
{
	struct hsm_client *c;

	mutex_lock(&vm->lock);
	c = range_client_find(vm, id);
	if (c)
		client_kill_locked(vm, c);
	mutex_unlock(&vm->lock);
	return c ? 0 : -ENODEV;
}
