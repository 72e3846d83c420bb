// SPDX-License-Identifier: GPL-2.0-only
/* irqfds: an eventfd that, when signalled, injects its MSI into the User VM (HC_INJECT_MSI). */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "hsm_drv.h"
#include "hypercall.h"

struct hsm_irqfd {
	struct hsm_vm *vm;
	struct list_head list; /* vm->irqfds, under vm->irqfds_lock */
	struct eventfd_ctx *ctx;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct shutdown;
	bool detached;		   /* unlinked: off the eventfd's wait queue, no more wakeups */
	struct acrn_msi_entry msi; /* kmalloc'd with the rest: its physical address is passed */
};

/*
 * Takes it off the VM's list and the eventfd's wait queue (once that returns, no wakeup runs or
 * will run, so no new shutdown work is queued). Called with vm->irqfds_lock held.
 */
static void unlink_locked(struct hsm_irqfd *irqfd)
{
	u64 count;

	eventfd_ctx_remove_wait_queue(irqfd->ctx, &irqfd->wait, &count);
	irqfd->detached = true;
	list_del_init(&irqfd->list);
}

/* After unlink_locked, without the lock: a shutdown work still queued for it is waited for. */
static void free_irqfd(struct hsm_irqfd *irqfd)
{
	cancel_work_sync(&irqfd->shutdown);
	eventfd_ctx_put(irqfd->ctx);
	kfree(irqfd);
}

/* The eventfd was closed (EPOLLHUP): forget it, in process context. */
static void shutdown_work(struct work_struct *work)
{
	struct hsm_irqfd *irqfd = container_of(work, struct hsm_irqfd, shutdown);
	struct hsm_vm *vm = irqfd->vm;
	bool mine;

	mutex_lock(&vm->irqfds_lock);
	mine = !irqfd->detached; /* else a deassign or a release has it and frees it */
	if (mine)
		unlink_locked(irqfd);
	mutex_unlock(&vm->irqfds_lock);
	if (mine) {
		eventfd_ctx_put(irqfd->ctx);
		kfree(irqfd);
	}
}

/* Runs with the eventfd's wait-queue lock held and interrupts off: no sleeping here. */
static int wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct hsm_irqfd *irqfd = container_of(wait, struct hsm_irqfd, wait);
	__poll_t flags = key_to_poll(key);

	if (flags & EPOLLIN)
		hcall_inject_msi(irqfd->vm->vmid, virt_to_phys(&irqfd->msi));
	if (flags & EPOLLHUP)
		queue_work(irqfd->vm->irqfd_wq, &irqfd->shutdown);
	return 0;
}

static void poll_func(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct hsm_irqfd *irqfd = container_of(pt, struct hsm_irqfd, pt);

	add_wait_queue(wqh, &irqfd->wait);
}

int hsm_irqfd_init(struct hsm_vm *vm)
{
	vm->irqfd_wq = alloc_workqueue("cairn_hsm_irqfd%u", 0, 0, vm->vmid);
	return vm->irqfd_wq ? 0 : -ENOMEM;
}

static int assign(struct hsm_vm *vm, const struct acrn_irqfd *arg)
{
	struct hsm_irqfd *irqfd, *it;
	struct fd f;
	__poll_t events;
	int ret = 0;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->msi = arg->msi;
	INIT_LIST_HEAD(&irqfd->list);
	INIT_WORK(&irqfd->shutdown, shutdown_work);
	init_waitqueue_func_entry(&irqfd->wait, wakeup);
	init_poll_funcptr(&irqfd->pt, poll_func);
	f = fdget(arg->fd);
	if (!f.file) {
		kfree(irqfd);
		return -EBADF;
	}
	irqfd->ctx = eventfd_ctx_fileget(f.file);
	if (IS_ERR(irqfd->ctx)) {
		ret = PTR_ERR(irqfd->ctx);
		goto out;
	}
	mutex_lock(&vm->irqfds_lock);
	list_for_each_entry(it, &vm->irqfds, list) if (it->ctx == irqfd->ctx) ret = -EBUSY;
	if (!ret && !vm->irqfd_wq)
		ret = -EINVAL;
	if (!ret) {
		list_add_tail(&irqfd->list, &vm->irqfds);
		/* a signal already pending is delivered now */
		events = vfs_poll(f.file, &irqfd->pt);
		if (events & EPOLLIN)
			hcall_inject_msi(vm->vmid, virt_to_phys(&irqfd->msi));
	}
	mutex_unlock(&vm->irqfds_lock);
	if (ret)
		eventfd_ctx_put(irqfd->ctx);
out:
	fdput(f);
	if (ret)
		kfree(irqfd);
	return ret;
}

static int deassign(struct hsm_vm *vm, const struct acrn_irqfd *arg)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fdget(arg->fd);
	struct hsm_irqfd *irqfd, *found = NULL;

	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	mutex_lock(&vm->irqfds_lock);
	list_for_each_entry(irqfd, &vm->irqfds, list)
	{
		if (irqfd->ctx == ctx) {
			found = irqfd;
			unlink_locked(found);
			break;
		}
	}
	mutex_unlock(&vm->irqfds_lock);
	if (found)
		free_irqfd(found);
	eventfd_ctx_put(ctx);
	return 0;
}

int hsm_irqfd_config(struct hsm_vm *vm, const struct acrn_irqfd *arg)
{
	if (arg->flags & ~ACRN_IRQFD_FLAG_DEASSIGN)
		return -EINVAL;
	if (arg->flags & ACRN_IRQFD_FLAG_DEASSIGN)
		return deassign(vm, arg);
	return assign(vm, arg);
}

/* Every irqfd is unlinked under the lock, then freed without it (waiting for its shutdown work). */
void hsm_irqfd_release(struct hsm_vm *vm)
{
	struct hsm_irqfd *irqfd, *next;
	LIST_HEAD(gone);

	mutex_lock(&vm->irqfds_lock);
	list_for_each_entry_safe(irqfd, next, &vm->irqfds, list)
	{
		unlink_locked(irqfd);
		list_add_tail(&irqfd->list, &gone);
	}
	mutex_unlock(&vm->irqfds_lock);
	list_for_each_entry_safe(irqfd, next, &gone, list) free_irqfd(irqfd);
	if (vm->irqfd_wq)
		destroy_workqueue(vm->irqfd_wq);
	vm->irqfd_wq = NULL;
}
