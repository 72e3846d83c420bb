/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's virtio devices (dm/virtio/{rng,blk,console,net}.c): state and how each is made. */
#ifndef CAIRN_DM_VIRTIO_DEVICES_H
#define CAIRN_DM_VIRTIO_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm/virtio.h"

/* virtio-rng (acrn-dm's virtio-rnd): one queue, filled from getrandom(). */
struct virtio_rng {
	struct virtio_dev vd;
	struct virtq_chain chain;
	uint64_t bytes;
};
void virtio_rng_init(struct virtio_rng *r, const struct dm_mem *mem);

/* virtio-blk on a raw image file (virtio 1.1, 5.2). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO	      5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9
#define VIRTIO_BLK_T_IN	      0
#define VIRTIO_BLK_T_OUT      1
#define VIRTIO_BLK_T_FLUSH    4
#define VIRTIO_BLK_T_GET_ID   8
#define VIRTIO_BLK_S_OK	      0
#define VIRTIO_BLK_S_IOERR    1
#define VIRTIO_BLK_S_UNSUPP   2
#define VIRTIO_BLK_SECTOR     512
#define VIRTIO_BLK_ID_BYTES   20
#define VIRTIO_BLK_SEG_MAX    (VIRTQ_CHAIN_MAX - 2) /* a chain: header, data segments, status */
#define VIRTIO_BLK_SIZE_MAX   (1u << 20)
#define VIRTIO_BLK_CFG_SIZE   24 /* capacity, size_max, seg_max, geometry, blk_size */

struct virtio_blk {
	struct virtio_dev vd;
	struct virtq_chain chain;
	int fd;
	bool ro;
	uint64_t sectors;
	char id[VIRTIO_BLK_ID_BYTES];
	uint64_t reads, writes, flushes, errors;
};
/* Opens path (read-only when ro) as the disk: 0, or -errno with err saying why. */
int virtio_blk_open(struct virtio_blk *b, const struct dm_mem *mem, const char *path, bool ro,
		    char *err, size_t err_size);
void virtio_blk_close(struct virtio_blk *b);

/* virtio-console with one port (no multiport): receiveq 0, transmitq 1 (virtio 1.1, 5.3). */
#define VIRTIO_CONSOLE_PENDING 4096 /* input held while the driver has no receive buffer */

typedef void (*virtio_console_output_fn)(void *opaque, const uint8_t *bytes, size_t len);

struct virtio_console {
	struct virtio_dev vd;
	struct virtq_chain chain;
	virtio_console_output_fn output;
	void *output_opaque;
	uint8_t pending[VIRTIO_CONSOLE_PENDING];
	size_t npending;
	uint64_t dropped; /* input bytes lost with no buffer and no room */
};
void virtio_console_init(struct virtio_console *c, const struct dm_mem *mem,
			 virtio_console_output_fn output, void *opaque);
/* Bytes typed on cairn-dm's stdin, for the guest's hvc0 (any thread). */
void virtio_console_receive(struct virtio_console *c, const uint8_t *bytes, size_t len);

#endif
