/* SPDX-License-Identifier: BSD-3-Clause */
/* A virtio device's queue notifications: an ioeventfd per queue, served on the device's thread. */
#ifndef CAIRN_DM_VIRTIO_NOTIFY_H
#define CAIRN_DM_VIRTIO_NOTIFY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dm/virtio_pci.h"
#include "dm/vm.h"

/*
 * Each queue has an eventfd. While the notify area is decoded, each is an ioeventfd at its
 * queue's notify address, so the HSM signals it without a request reaching cairn-dm; when the
 * HSM refuses (or before), the request path signals the same eventfd (dm/virtio/pci.c). Either
 * way the device's own thread serves the queue, never the I/O thread.
 */
struct virtio_notify {
	struct virtio_pci *vp;
	struct dm_vm *vm;
	int fds[VIRTIO_MAX_QUEUES];
	bool assigned[VIRTIO_MAX_QUEUES];
	uint64_t base; /* where they are assigned */
	int stop_fd;
	pthread_t thread;
	bool running;
	uint64_t kicks, refused; /* queue services; ioeventfds the HSM refused */
	int last_error;
};

/* Eventfds made and handed to the transport: 0 or -errno. */
int virtio_notify_init(struct virtio_notify *n, struct virtio_pci *vp, struct dm_vm *vm);
/* The device thread: 0 or -errno. */
int virtio_notify_start(struct virtio_notify *n);
/* Thread joined, ioeventfds deassigned, eventfds closed. */
void virtio_notify_stop(struct virtio_notify *n);

#endif
