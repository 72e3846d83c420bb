/* SPDX-License-Identifier: BSD-3-Clause */
/* MSI delivery for cairn-dm's devices: HC_INJECT_MSI through the HSM, or an irqfd per message. */
#include <sys/eventfd.h>
#include <unistd.h>

#include "dm/msi.h"

void dm_msi_init(struct dm_msi *m, struct dm_vm *vm, bool irqfd)
{
	*m = (struct dm_msi){ .vm = vm, .irqfd = irqfd };
	pthread_mutex_init(&m->lock, NULL);
}

/* The eventfd of (addr, data), assigned on first use; -1 when there is none (lock held). */
static int route_fd(struct dm_msi *m, uint64_t addr, uint32_t data)
{
	struct dm_msi_route *r;
	int fd;

	for (unsigned int i = 0; i < m->nroutes; i++)
		if (m->routes[i].addr == addr && m->routes[i].data == data)
			return m->routes[i].fd;
	if (m->nroutes == DM_MSI_ROUTES)
		return -1;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -1;
	if (dm_vm_irqfd(m->vm, fd, addr, data, false)) {
		close(fd);
		m->irqfd = false; /* this HSM will not take them: inject from now on */
		return -1;
	}
	r = &m->routes[m->nroutes++];
	*r = (struct dm_msi_route){ .addr = addr, .data = data, .fd = fd };
	return fd;
}

void dm_msi_send(void *opaque, uint64_t addr, uint32_t data)
{
	struct dm_msi *m = opaque;
	uint64_t one = 1;
	int fd = -1;

	pthread_mutex_lock(&m->lock);
	if (m->irqfd)
		fd = route_fd(m, addr, data);
	if (fd >= 0 && write(fd, &one, sizeof(one)) == sizeof(one))
		m->signalled++;
	else if (dm_vm_inject_msi(m->vm, addr, data) == 0)
		m->injected++;
	else
		m->failed++;
	pthread_mutex_unlock(&m->lock);
}

void dm_msi_close(struct dm_msi *m)
{
	pthread_mutex_lock(&m->lock);
	for (unsigned int i = 0; i < m->nroutes; i++) {
		dm_vm_irqfd(m->vm, m->routes[i].fd, m->routes[i].addr, m->routes[i].data, true);
		close(m->routes[i].fd);
	}
	m->nroutes = 0;
	pthread_mutex_unlock(&m->lock);
}
