/* SPDX-License-Identifier: BSD-3-Clause */
/* A test virtio driver: fake guest RAM, split rings laid out as Linux lays them, chains pushed. */
#ifndef CAIRN_TESTS_UNIT_VIRTIO_DRIVER_H
#define CAIRN_TESTS_UNIT_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "dm/mem.h"
#include "dm/virtio.h"

struct vdrv_queue {
	uint16_t size;
	uint64_t desc, avail, used;
	uint16_t avail_idx; /* the driver's next available index */
	uint16_t used_seen; /* used entries taken back */
	uint16_t next_desc; /* descriptors are handed out round-robin */
};

/* Fake guest RAM is one exact-size heap block: any access past it trips ASan. */
struct vdrv {
	struct dm_mem mem;
	uint64_t heap; /* next free GPA for buffers */
	struct vdrv_queue q[VIRTIO_MAX_QUEUES];
};

/* One buffer of a chain the test pushes: gpa and length, device-writable or not. */
struct vdrv_sg {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

void vdrv_init(struct vdrv *d, uint64_t ram_size);
void vdrv_free(struct vdrv *d);
/* Bump allocation in guest RAM (never freed); aborts the test when RAM is used up. */
uint64_t vdrv_alloc(struct vdrv *d, uint64_t len, uint64_t align);
void *vdrv_hva(struct vdrv *d, uint64_t gpa);

/* Allocates queue q's rings for size entries (zeroed), as Linux's vring_create_virtqueue. */
void vdrv_layout(struct vdrv *d, unsigned int q, uint16_t size);
/* Tells a device's queue where the rings are, as the transport's registers would. */
void vdrv_attach(struct vdrv *d, struct virtio_dev *vd, unsigned int q);
/* A device with its features accepted (all offered) and DRIVER_OK, queues 0..n-1 enabled. */
void vdrv_start(struct vdrv *d, struct virtio_dev *vd, unsigned int nqueues, uint16_t size);

/* Writes a chain (indirect: in one indirect table) and makes it available; returns its head. */
uint16_t vdrv_push(struct vdrv *d, unsigned int q, const struct vdrv_sg *sg, unsigned int n,
		   bool indirect);
/* Takes the next used entry: true with id and len, or false when there is none. */
bool vdrv_used(struct vdrv *d, unsigned int q, uint32_t *id, uint32_t *len);

/* Driver-side ring fields. */
void vdrv_set_avail_flags(struct vdrv *d, unsigned int q, uint16_t flags);
void vdrv_set_used_event(struct vdrv *d, unsigned int q, uint16_t event);
uint16_t vdrv_avail_event(struct vdrv *d, unsigned int q);

#endif
