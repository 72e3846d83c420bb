/* SPDX-License-Identifier: BSD-3-Clause */
/* Range clients: a port or MMIO range whose requests a thread of its own serves (Cairn's HSM ioctls). */
#include <errno.h>
#include <signal.h>

#include "dm/ioreq_range.h"

static void *range_thread(void *arg)
{
	struct dm_range_client *c = arg;
	struct cairn_ioreq_fetch fetch;

	for (;;) {
		uint64_t value;
		bool bad;
		int rc = dm_vm_range_client_fetch(c->vm, c->id, &fetch);

		if (__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
			break;
		if (rc == -EINTR)
			continue;
		if (rc) {
			if (c->on_end)
				c->on_end(c->ctx, false, rc == -ENODEV ? 0 : rc);
			break;
		}
		if (fetch.vcpu >= ACRN_IO_REQUEST_MAX) {
			c->stats.bad++;
			continue;
		}
		if (dm_ioreq_handle(c->bus, &fetch.request, &value, &bad) == DM_IO_POWEROFF) {
			if (c->on_end)
				c->on_end(c->ctx, true, 0);
			break;
		}
		if (bad)
			c->stats.bad++;
		else
			c->stats.served[fetch.request.type]++;
		if (dm_vm_range_client_complete(c->vm, c->id, fetch.vcpu, value))
			c->stats.finish_errors++;
	}
	return NULL;
}

int dm_range_client_start(struct dm_range_client *c)
{
	int err = dm_vm_range_client_create(c->vm, c->type, c->start, c->end, c->name, &c->id);

	if (err)
		return err;
	c->stop = false;
	err = -pthread_create(&c->thread, NULL, range_thread, c);
	if (err) {
		dm_vm_range_client_destroy(c->vm, c->id);
		return err;
	}
	c->running = true;
	return 0;
}

void dm_range_client_stop(struct dm_range_client *c)
{
	if (!c->running)
		return;
	__atomic_store_n(&c->stop, true, __ATOMIC_RELEASE);
	dm_vm_range_client_destroy(c->vm, c->id);
	pthread_kill(c->thread, SIGUSR1); /* in case the FETCH did not end: EINTR */
	pthread_join(c->thread, NULL);
	c->running = false;
}
