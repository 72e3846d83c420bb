/* SPDX-License-Identifier: BSD-3-Clause */
/* A test virtio driver: fake guest RAM, split rings laid out as Linux lays them, chains pushed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_driver.h"

void vdrv_init(struct vdrv *d, uint64_t ram_size)
{
	memset(d, 0, sizeof(*d));
	d->mem.hva = calloc(1, ram_size);
	if (!d->mem.hva)
		abort();
	d->mem.size = ram_size;
	d->mem.fd = -1;
	d->heap = 0x1000; /* GPA 0 stays unused, as a NULL would */
}

void vdrv_free(struct vdrv *d)
{
	free(d->mem.hva);
	memset(d, 0, sizeof(*d));
}

uint64_t vdrv_alloc(struct vdrv *d, uint64_t len, uint64_t align)
{
	uint64_t at = (d->heap + align - 1) & ~(align - 1);

	if (at + len > d->mem.size) {
		fprintf(stderr, "vdrv: fake RAM full\n");
		abort();
	}
	d->heap = at + len;
	return at;
}

void *vdrv_hva(struct vdrv *d, uint64_t gpa)
{
	return d->mem.hva + gpa;
}

static void put16(struct vdrv *d, uint64_t gpa, uint16_t v)
{
	__atomic_store_n((uint16_t *)vdrv_hva(d, gpa), v, __ATOMIC_RELEASE);
}

static uint16_t get16(struct vdrv *d, uint64_t gpa)
{
	return __atomic_load_n((uint16_t *)vdrv_hva(d, gpa), __ATOMIC_ACQUIRE);
}

void vdrv_layout(struct vdrv *d, unsigned int q, uint16_t size)
{
	struct vdrv_queue *vq = &d->q[q];

	*vq = (struct vdrv_queue){ .size = size };
	vq->desc = vdrv_alloc(d, 16ull * size, 16);
	vq->avail = vdrv_alloc(d, 6ull + 2ull * size, 2);
	vq->used = vdrv_alloc(d, 6ull + 8ull * size, 4);
}

void vdrv_attach(struct vdrv *d, struct virtio_dev *vd, unsigned int q)
{
	vd->queues[q].size = d->q[q].size;
	vd->queues[q].desc_gpa = d->q[q].desc;
	vd->queues[q].avail_gpa = d->q[q].avail;
	vd->queues[q].used_gpa = d->q[q].used;
}

void vdrv_start(struct vdrv *d, struct virtio_dev *vd, unsigned int nqueues, uint16_t size)
{
	virtio_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_set_driver_features(vd, 0, (uint32_t)vd->device_features);
	virtio_set_driver_features(vd, 1, (uint32_t)(vd->device_features >> 32));
	virtio_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				      VIRTIO_STATUS_FEATURES_OK);
	for (unsigned int q = 0; q < nqueues; q++) {
		vdrv_layout(d, q, size);
		vdrv_attach(d, vd, q);
		virtq_enable(vd, q);
	}
	virtio_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				      VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void put_desc(struct vdrv *d, uint64_t table, unsigned int i, const struct vdrv_sg *sg,
		     uint16_t flags, uint16_t next)
{
	struct virtq_desc desc = { .addr = sg->gpa,
				   .len = sg->len,
				   .flags =
					   (uint16_t)(flags | (sg->write ? VIRTQ_DESC_F_WRITE : 0)),
				   .next = next };

	memcpy(vdrv_hva(d, table + 16ull * i), &desc, sizeof(desc));
}

uint16_t vdrv_push(struct vdrv *d, unsigned int q, const struct vdrv_sg *sg, unsigned int n,
		   bool indirect)
{
	struct vdrv_queue *vq = &d->q[q];
	uint16_t head = vq->next_desc % vq->size;

	if (indirect) {
		uint64_t table = vdrv_alloc(d, 16ull * n, 16);
		struct vdrv_sg whole = { .gpa = table, .len = 16 * n };

		for (unsigned int i = 0; i < n; i++)
			put_desc(d, table, i, &sg[i], i + 1 < n ? VIRTQ_DESC_F_NEXT : 0,
				 (uint16_t)(i + 1));
		put_desc(d, vq->desc, head, &whole, VIRTQ_DESC_F_INDIRECT, 0);
		vq->next_desc++;
	} else {
		for (unsigned int i = 0; i < n; i++) {
			uint16_t at = vq->next_desc++ % vq->size;

			put_desc(d, vq->desc, at, &sg[i], i + 1 < n ? VIRTQ_DESC_F_NEXT : 0,
				 vq->next_desc % vq->size);
		}
	}
	put16(d, vq->avail + 4 + 2ull * (vq->avail_idx % vq->size), head);
	vq->avail_idx++;
	put16(d, vq->avail + 2, vq->avail_idx);
	return head;
}

bool vdrv_used(struct vdrv *d, unsigned int q, uint32_t *id, uint32_t *len)
{
	struct vdrv_queue *vq = &d->q[q];
	uint64_t elem;

	if (get16(d, vq->used + 2) == vq->used_seen)
		return false;
	elem = vq->used + 4 + 8ull * (vq->used_seen % vq->size);
	memcpy(id, vdrv_hva(d, elem), 4);
	memcpy(len, vdrv_hva(d, elem + 4), 4);
	vq->used_seen++;
	return true;
}

void vdrv_set_avail_flags(struct vdrv *d, unsigned int q, uint16_t flags)
{
	put16(d, d->q[q].avail, flags);
}

void vdrv_set_used_event(struct vdrv *d, unsigned int q, uint16_t event)
{
	put16(d, d->q[q].avail + 4 + 2ull * d->q[q].size, event);
}

uint16_t vdrv_avail_event(struct vdrv *d, unsigned int q)
{
	return get16(d, d->q[q].used + 4 + 8ull * d->q[q].size);
}
