/* SPDX-License-Identifier: BSD-3-Clause */
/* A virtio 1.x device's life: feature negotiation, the status byte, reset and DEVICE_NEEDS_RESET. */
#include <stdio.h>
#include <string.h>

#include "dm/virtio.h"

/* Ring features every cairn-dm device offers on top of its own. */
#define VIRTIO_RING_FEATURES                                                        \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_INDIRECT_DESC) | \
	 VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX))

static void queues_reset(struct virtio_dev *vd)
{
	for (unsigned int i = 0; i < vd->nqueues; i++) {
		uint16_t max = vd->queues[i].max_size;

		vd->queues[i] = (struct virtq){ .max_size = max,
						.size = max,
						.msix_vector = VIRTIO_NO_VECTOR };
	}
}

void virtio_dev_init(struct virtio_dev *vd, const char *name, uint16_t type,
		     const struct virtio_dev_ops *ops, void *opaque, const struct dm_mem *mem,
		     uint64_t features, uint32_t config_size, unsigned int nqueues,
		     uint16_t queue_max)
{
	memset(vd, 0, sizeof(*vd));
	pthread_mutex_init(&vd->lock, NULL);
	vd->name = name;
	vd->type = type;
	vd->ops = ops;
	vd->opaque = opaque;
	vd->mem = mem;
	vd->device_features = features | VIRTIO_RING_FEATURES;
	vd->config_size = config_size;
	vd->nqueues = nqueues < VIRTIO_MAX_QUEUES ? nqueues : VIRTIO_MAX_QUEUES;
	if (queue_max > VIRTQ_MAX_SIZE || !queue_max || (queue_max & (queue_max - 1)))
		queue_max = VIRTQ_MAX_SIZE;
	for (unsigned int i = 0; i < vd->nqueues; i++)
		vd->queues[i].max_size = queue_max;
	vd->config_vector = VIRTIO_NO_VECTOR;
	queues_reset(vd);
}

void virtio_dev_reset(struct virtio_dev *vd)
{
	vd->status = 0;
	vd->isr = 0;
	vd->driver_features = 0;
	vd->config_vector = VIRTIO_NO_VECTOR;
	vd->failure[0] = '\0';
	queues_reset(vd);
	if (vd->ops->reset)
		vd->ops->reset(vd);
}

static bool features_acceptable(const struct virtio_dev *vd)
{
	return !(vd->driver_features & ~vd->device_features) &&
	       (vd->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

void virtio_set_status(struct virtio_dev *vd, uint8_t status)
{
	uint8_t old = vd->status;

	if (status == 0) {
		virtio_dev_reset(vd);
		return;
	}
	if ((status & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    !features_acceptable(vd))
		status &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK; /* no legacy, nothing not offered */
	if ((status & VIRTIO_STATUS_DRIVER_OK) && !(status & VIRTIO_STATUS_FEATURES_OK))
		status &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK; /* not before the features */
	vd->status = (uint8_t)(status | (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	if ((vd->status & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK))
		for (unsigned int q = 0; q < vd->nqueues; q++)
			if (virtq_usable(vd, q) && vd->ops->queue_notify)
				vd->ops->queue_notify(vd, q);
}

void virtio_set_driver_features(struct virtio_dev *vd, unsigned int sel, uint32_t bits)
{
	if (sel > 1 || (vd->status & VIRTIO_STATUS_FEATURES_OK))
		return;
	vd->driver_features &= ~(0xFFFFFFFFull << (32 * sel));
	vd->driver_features |= (uint64_t)bits << (32 * sel);
}

void virtio_config_changed(struct virtio_dev *vd)
{
	vd->config_generation++;
	vd->isr |= VIRTIO_ISR_CONFIG;
	if ((vd->status & VIRTIO_STATUS_DRIVER_OK) && vd->interrupt)
		vd->interrupt(vd->transport, vd->config_vector);
}

void virtio_dev_fail(struct virtio_dev *vd, const char *why)
{
	if (vd->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return; /* told once; the driver has to reset it */
	vd->failures++;
	snprintf(vd->failure, sizeof(vd->failure), "%s", why);
	vd->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	vd->isr |= VIRTIO_ISR_CONFIG;
	if ((vd->status & VIRTIO_STATUS_DRIVER_OK) && vd->interrupt)
		vd->interrupt(vd->transport, vd->config_vector);
}
