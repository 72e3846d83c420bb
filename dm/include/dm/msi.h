/* SPDX-License-Identifier: BSD-3-Clause */
/* MSI delivery for cairn-dm's devices: HC_INJECT_MSI through the HSM, or an irqfd per message. */
#ifndef CAIRN_DM_MSI_H
#define CAIRN_DM_MSI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dm/vm.h"

#define DM_MSI_ROUTES 32

/*
 * One function sends an MSI either way (dm/README.md says which is the default and why).
 * irqfd mode keeps one eventfd per distinct (address, data) the guest programmed, assigned as an
 * irqfd on first use; a message past DM_MSI_ROUTES, or an irqfd the HSM refuses, is injected.
 */
struct dm_msi_route {
	uint64_t addr;
	uint32_t data;
	int fd;
};

struct dm_msi {
	struct dm_vm *vm;
	bool irqfd;
	pthread_mutex_t lock;
	struct dm_msi_route routes[DM_MSI_ROUTES];
	unsigned int nroutes;
	uint64_t injected, signalled, failed;
};

void dm_msi_init(struct dm_msi *m, struct dm_vm *vm, bool irqfd);
/* Sends one MSI (a dm_pci_msi_fn: opaque is the struct dm_msi). */
void dm_msi_send(void *opaque, uint64_t addr, uint32_t data);
/* Deassigns and closes the irqfds. */
void dm_msi_close(struct dm_msi *m);

#endif
