// SPDX-License-Identifier: GPL-2.0-only
/* ioeventfds: an in-kernel I/O client whose ranges complete writes by signalling an eventfd. */
#include <linux/eventfd.h>
#include <linux/slab.h>

#include "hsm_drv.h"

struct hsm_ioeventfd {
	struct list_head list;
	struct eventfd_ctx *ctx;
	u64 addr;
	u64 data;
	u32 len;
	u32 type;
	bool wildcard; /* no DATAMATCH: any value signals */
};

/* The ranges of every ioeventfd of a VM have one owner, this marker. */
bool hsm_ioeventfd_owns(const struct hsm_vm *vm, const void *owner)
{
	return owner == &vm->ioeventfds;
}

void hsm_ioeventfd_init(struct hsm_vm *vm)
{
	INIT_LIST_HEAD(&vm->ioeventfds);
}

static void drop(struct hsm_vm *vm, struct hsm_ioeventfd *p)
{
	hsm_ranges_remove(vm->ranges, &vm->nranges, &vm->ioeventfds, p->type, p->addr,
			  p->addr + p->len - 1);
	list_del(&p->list);
	eventfd_ctx_put(p->ctx);
	kfree(p);
}

static int assign(struct hsm_vm *vm, const struct acrn_ioeventfd *arg)
{
	struct hsm_ioeventfd *p, *it;
	struct hsm_range range;
	int ret;

	if (!(arg->len == 1 || arg->len == 2 || arg->len == 4 || arg->len == 8) ||
	    arg->addr + arg->len - 1 < arg->addr)
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->ctx = eventfd_ctx_fdget(arg->fd);
	if (IS_ERR(p->ctx)) {
		ret = PTR_ERR(p->ctx);
		kfree(p);
		return ret;
	}
	p->addr = arg->addr;
	p->len = arg->len;
	p->type = arg->flags & ACRN_IOEVENTFD_FLAG_PIO ? ACRN_IOREQ_TYPE_PORTIO
						       : ACRN_IOREQ_TYPE_MMIO;
	p->wildcard = !(arg->flags & ACRN_IOEVENTFD_FLAG_DATAMATCH);
	p->data = p->wildcard ? 0 : arg->data;
	range = (struct hsm_range){ p->type, HSM_IOEVENTFD_SEQ, p->addr, p->addr + p->len - 1,
				    &vm->ioeventfds };
	mutex_lock(&vm->lock);
	ret = vm->live ? 0 : -EINVAL;
	list_for_each_entry(
		it, &vm->ioeventfds,
		list) if (!ret && it->ctx == p->ctx && it->addr == p->addr && it->type == p->type &&
			  (it->wildcard || p->wildcard || it->data == p->data)) ret = -EEXIST;
	if (!ret)
		ret = hsm_ranges_insert(vm->ranges, &vm->nranges, HSM_MAX_RANGES, &range);
	if (!ret)
		list_add_tail(&p->list, &vm->ioeventfds);
	mutex_unlock(&vm->lock);
	if (ret) {
		eventfd_ctx_put(p->ctx);
		kfree(p);
	}
	return ret;
}

/* As Linux: the first ioeventfd of that eventfd goes; none is not an error. */
static int deassign(struct hsm_vm *vm, const struct acrn_ioeventfd *arg)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fdget(arg->fd);
	struct hsm_ioeventfd *p;

	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	mutex_lock(&vm->lock);
	list_for_each_entry(p, &vm->ioeventfds, list)
	{
		if (p->ctx == ctx) {
			drop(vm, p);
			break;
		}
	}
	mutex_unlock(&vm->lock);
	eventfd_ctx_put(ctx);
	return 0;
}

int hsm_ioeventfd_config(struct hsm_vm *vm, const struct acrn_ioeventfd *arg)
{
	if (arg->reserved)
		return -EINVAL;
	if (arg->flags & ACRN_IOEVENTFD_FLAG_DEASSIGN)
		return deassign(vm, arg);
	return assign(vm, arg);
}

/* A request dispatched to an ioeventfd range: a matching write signals; reads and others do not. */
void hsm_ioeventfd_serve_locked(struct hsm_vm *vm, const struct acrn_io_request *req)
{
	const struct acrn_mmio_request *mmio = &req->reqs.mmio_request;
	const struct acrn_pio_request *pio = &req->reqs.pio_request;
	struct hsm_ioeventfd *p;
	u64 addr, size, value;

	if (pio->direction != ACRN_IOREQ_DIR_WRITE)
		return;
	if (req->type == ACRN_IOREQ_TYPE_MMIO) {
		addr = mmio->address;
		size = mmio->size;
		value = mmio->value & hsm_size_mask(size);
	} else {
		addr = pio->address;
		size = pio->size;
		value = pio->value & hsm_size_mask(size);
	}
	list_for_each_entry(p, &vm->ioeventfds, list)
	{
		if (p->type == req->type && p->addr == addr && p->len >= size &&
		    (p->wildcard || p->data == value)) {
			eventfd_signal(p->ctx, 1);
			return;
		}
	}
}

void hsm_ioeventfd_release_locked(struct hsm_vm *vm)
{
	struct hsm_ioeventfd *p, *next;

	list_for_each_entry_safe(p, next, &vm->ioeventfds, list) drop(vm, p);
}
