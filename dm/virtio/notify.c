/* SPDX-License-Identifier: BSD-3-Clause */
/* A virtio device's queue notifications: an ioeventfd per queue, served on the device's thread. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dm/virtio_notify.h"

static void deassign_all(struct virtio_notify *n)
{
	for (unsigned int q = 0; q < n->vp->vd->nqueues; q++) {
		if (!n->assigned[q])
			continue;
		dm_vm_ioeventfd(n->vm, n->fds[q], n->base + VIRTIO_PCI_NOTIFY_MULT * q,
				VIRTIO_PCI_NOTIFY_MULT, false, true);
		n->assigned[q] = false;
	}
}

/* The notify area moved, appeared or went away (called under the function's lock). */
static void notify_map(void *opaque, struct virtio_pci *vp, bool mapped, uint64_t base)
{
	struct virtio_notify *n = opaque;

	deassign_all(n);
	if (!mapped)
		return;
	n->base = base;
	for (unsigned int q = 0; q < vp->vd->nqueues; q++) {
		int err = dm_vm_ioeventfd(n->vm, n->fds[q], base + VIRTIO_PCI_NOTIFY_MULT * q,
					  VIRTIO_PCI_NOTIFY_MULT, false, false);

		n->assigned[q] = !err;
		if (err) {
			n->refused++; /* served through the request path instead */
			n->last_error = err;
		}
	}
}

int virtio_notify_init(struct virtio_notify *n, struct virtio_pci *vp, struct dm_vm *vm)
{
	memset(n, 0, sizeof(*n));
	n->vp = vp;
	n->vm = vm;
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		n->fds[q] = -1;
	n->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (n->stop_fd < 0)
		return -errno;
	for (unsigned int q = 0; q < vp->vd->nqueues; q++) {
		n->fds[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (n->fds[q] < 0)
			return -errno;
		vp->notify_fd[q] = n->fds[q];
	}
	vp->notify_map = notify_map;
	vp->notify_opaque = n;
	return 0;
}

static void *notify_thread(void *arg)
{
	struct virtio_notify *n = arg;
	unsigned int nq = n->vp->vd->nqueues;
	struct pollfd fds[VIRTIO_MAX_QUEUES + 1];

	for (unsigned int q = 0; q < nq; q++)
		fds[q] = (struct pollfd){ .fd = n->fds[q], .events = POLLIN };
	fds[nq] = (struct pollfd){ .fd = n->stop_fd, .events = POLLIN };
	for (;;) {
		if (poll(fds, nq + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[nq].revents)
			break;
		for (unsigned int q = 0; q < nq; q++) {
			uint64_t count;

			if (!(fds[q].revents & POLLIN) ||
			    read(n->fds[q], &count, sizeof(count)) != sizeof(count))
				continue;
			n->kicks++;
			virtio_pci_queue_kick(n->vp, q);
		}
	}
	return NULL;
}

int virtio_notify_start(struct virtio_notify *n)
{
	int err = -pthread_create(&n->thread, NULL, notify_thread, n);

	n->running = !err;
	return err;
}

void virtio_notify_stop(struct virtio_notify *n)
{
	uint64_t one = 1;

	if (n->running) {
		if (write(n->stop_fd, &one, sizeof(one)) == sizeof(one))
			pthread_join(n->thread, NULL);
		n->running = false;
	}
	pthread_mutex_lock(&n->vp->func.lock); /* no map change meanwhile */
	deassign_all(n);
	n->vp->notify_map = NULL;
	pthread_mutex_unlock(&n->vp->func.lock);
	for (unsigned int q = 0; q < n->vp->vd->nqueues; q++) {
		if (n->fds[q] >= 0)
			close(n->fds[q]);
		n->vp->notify_fd[q] = -1;
		n->fds[q] = -1;
	}
	if (n->stop_fd >= 0)
		close(n->stop_fd);
	n->stop_fd = -1;
}
