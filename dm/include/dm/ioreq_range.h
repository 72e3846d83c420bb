/* SPDX-License-Identifier: BSD-3-Clause */
/* Range clients: a port or MMIO range whose requests a thread of its own serves (Cairn's HSM ioctls). */
#ifndef CAIRN_DM_IOREQ_RANGE_H
#define CAIRN_DM_IOREQ_RANGE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dm/bus.h"
#include "dm/ioreq.h"
#include "dm/vm.h"

/*
 * The HSM hands every request wholly inside [start, end] to this client rather than to the
 * default one (abi/cairn/cairn_hsm.h). Its thread loops CLIENT_FETCH (a copy of the request),
 * serves it through the same bus as the default client, and answers with CLIENT_COMPLETE. A
 * request that powers the VM off calls on_poweroff and ends the thread.
 */
struct dm_range_client {
	/* in */
	struct dm_vm *vm;
	struct dm_bus *bus;
	uint32_t type; /* ACRN_IOREQ_TYPE_PORTIO or ACRN_IOREQ_TYPE_MMIO */
	uint64_t start, end;
	const char *name;
	void (*on_end)(void *ctx, bool poweroff, int err);
	void *ctx;
	/* state */
	uint32_t id;
	pthread_t thread;
	bool running, stop;
	struct dm_ioreq_stats stats;
};

/* Creates the client in the HSM and starts its thread: 0 or -errno. */
int dm_range_client_start(struct dm_range_client *c);

/* Destroys the client (its blocked FETCH returns -ENODEV) and joins the thread. */
void dm_range_client_stop(struct dm_range_client *c);

#endif
