/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio 1.x devices, transport-neutral: split virtqueues, feature negotiation, status and reset. */
#ifndef CAIRN_DM_VIRTIO_H
#define CAIRN_DM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm/mem.h"

/* Numbers from the virtio 1.1 specification (2.1, 2.6, 6). */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX	    29
#define VIRTIO_F_VERSION_1	    32

#define VIRTIO_STATUS_ACKNOWLEDGE	 0x01
#define VIRTIO_STATUS_DRIVER		 0x02
#define VIRTIO_STATUS_DRIVER_OK		 0x04
#define VIRTIO_STATUS_FEATURES_OK	 0x08
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED		 0x80

#define VIRTIO_ISR_QUEUE  0x1
#define VIRTIO_ISR_CONFIG 0x2

#define VIRTQ_DESC_F_NEXT	   1
#define VIRTQ_DESC_F_WRITE	   2
#define VIRTQ_DESC_F_INDIRECT	   4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTIO_ID_NET	  1
#define VIRTIO_ID_BLOCK	  2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG	  4

#define VIRTQ_MAX_SIZE	  256		 /* the largest queue a cairn-dm device offers */
#define VIRTQ_CHAIN_MAX	  VIRTQ_MAX_SIZE /* buffers in one chain, indirect ones included */
#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_NO_VECTOR  0xFFFF

#define VIRTIO_BIT(f) (1ull << (f))

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "a split-ring descriptor is 16 bytes");

/*
 * One split virtqueue. The driver's fields are set through the transport while the queue is not
 * enabled; enabling checks them and keeps the host pointers, which stay valid because guest RAM
 * is one mapping for the VM's life. The rings are guest memory a vCPU may change at any time:
 * every index and descriptor is read once into cairn-dm's memory and checked there.
 */
struct virtq {
	uint16_t max_size;
	uint16_t size;
	uint16_t msix_vector;
	bool enabled;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* the device's side */
	const struct virtq_desc *desc;
	uint8_t *avail, *used;
	uint16_t last_avail;	 /* next available-ring entry to take */
	uint16_t used_idx;	 /* our copy of used->idx */
	uint16_t signalled_used; /* used_idx when interrupts were last considered */
};

/* A buffer of a chain: host pointer into guest RAM, checked to lie wholly inside it. */
struct virtq_buf {
	uint8_t *hva;
	uint32_t len;
};

/* One descriptor chain: nout device-readable buffers, then nin device-writable ones. */
struct virtq_chain {
	uint16_t head;
	unsigned int nout, nin;
	uint64_t out_len, in_len;
	struct virtq_buf bufs[VIRTQ_CHAIN_MAX];
};

struct virtio_dev;

/*
 * What a device implements (besides its feature bits and config size, which are data). Every op
 * is called with the device's lock held. The transport owns the queues and calls queue_notify
 * when the driver says queue q has new buffers (and once for each enabled queue at DRIVER_OK).
 */
struct virtio_dev_ops {
	void (*config_read)(struct virtio_dev *vd, uint32_t off, uint8_t *buf, uint32_t len);
	void (*config_write)(struct virtio_dev *vd, uint32_t off, const uint8_t *buf, uint32_t len);
	void (*queue_notify)(struct virtio_dev *vd, unsigned int q);
	void (*reset)(struct virtio_dev *vd);
};

/* Called to interrupt the driver (the transport's MSI-X vector, lock held). */
typedef void (*virtio_interrupt_fn)(void *transport, uint16_t vector);

struct virtio_dev {
	const char *name;
	uint16_t type; /* VIRTIO_ID_* */
	const struct virtio_dev_ops *ops;
	void *opaque; /* the device's own state */
	const struct dm_mem *mem;
	pthread_mutex_t lock;
	uint64_t device_features; /* offered: the device's and the ring's */
	uint64_t driver_features; /* accepted at FEATURES_OK */
	uint32_t config_size;
	uint8_t status;
	uint8_t isr;
	uint8_t config_generation;
	uint16_t config_vector;
	unsigned int nqueues;
	struct virtq queues[VIRTIO_MAX_QUEUES];
	virtio_interrupt_fn interrupt;
	void *transport;
	uint64_t failures; /* times the device set DEVICE_NEEDS_RESET */
	char failure[128]; /* why, the first time since the last reset */
};

/* A device with nqueues queues of at most queue_max entries each (a power of two). */
void virtio_dev_init(struct virtio_dev *vd, const char *name, uint16_t type,
		     const struct virtio_dev_ops *ops, void *opaque, const struct dm_mem *mem,
		     uint64_t features, uint32_t config_size, unsigned int nqueues,
		     uint16_t queue_max);

/* Back to the state after power-on: status 0, features and queues cleared, ops->reset. */
void virtio_dev_reset(struct virtio_dev *vd);

/*
 * The driver wrote the status byte: 0 resets; FEATURES_OK is kept only if the accepted features
 * are offered ones and include VERSION_1 (the driver reads it back to learn); DRIVER_OK kicks
 * every enabled queue. DEVICE_NEEDS_RESET stays until a reset.
 */
void virtio_set_status(struct virtio_dev *vd, uint8_t status);

/* The driver wrote 32 bits of its features at word sel (0 or 1); ignored after FEATURES_OK. */
void virtio_set_driver_features(struct virtio_dev *vd, unsigned int sel, uint32_t bits);

/* The driver enabled queue q: checks size (a power of two up to max_size), alignment, that the
 * rings lie in RAM; on failure the device needs a reset and the queue stays off. 0 or -EINVAL. */
int virtq_enable(struct virtio_dev *vd, unsigned int q);

/* True if a device may use queue q now: DRIVER_OK, enabled, not needing a reset. */
bool virtq_usable(const struct virtio_dev *vd, unsigned int q);

/*
 * Takes the next available chain of queue q into *c: 1, 0 when there is none, or -EIO when the
 * driver's rings are malformed (a descriptor loop, a chain longer than the table, an indirect
 * table that is nested, not a multiple of 16 or outside RAM, a buffer outside RAM, a readable
 * buffer after a writable one, an index out of range): the device then needs a reset.
 */
int virtq_pop(struct virtio_dev *vd, unsigned int q, struct virtq_chain *c);

/* Returns chain head to the driver with written bytes (at most what it could hold). */
void virtq_push(struct virtio_dev *vd, unsigned int q, uint16_t head, uint32_t written);

/* After pushes: interrupts the driver unless it asked not to (used_event, NO_INTERRUPT). */
void virtq_interrupt(struct virtio_dev *vd, unsigned int q);

/* Sets DEVICE_NEEDS_RESET (why: for the log) and tells the driver by a config interrupt. */
void virtio_dev_fail(struct virtio_dev *vd, const char *why);

/* The config-change interrupt (a device whose config changed calls it). */
void virtio_config_changed(struct virtio_dev *vd);

/* Copies from a chain's readable bytes at off (to dst) or to its writable bytes at off (from
 * src); returns how many fitted. */
size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst, size_t len);
size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *src, size_t len);

static inline bool virtio_has_feature(const struct virtio_dev *vd, unsigned int bit)
{
	return vd->driver_features & VIRTIO_BIT(bit);
}

#endif
