/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's virtio devices (dm/virtio/{rng,blk,console,net}.c): state and how each is made. */
#ifndef CAIRN_DM_VIRTIO_DEVICES_H
#define CAIRN_DM_VIRTIO_DEVICES_H

#include <pthread.h>
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
	int wake_fd;	  /* an eventfd written when room appears after a refusal, or -1 */
	bool input_waits; /* virtio_console_receive refused bytes */
};
void virtio_console_init(struct virtio_console *c, const struct dm_mem *mem,
			 virtio_console_output_fn output, void *opaque);
/*
 * Bytes typed on cairn-dm's stdin, for the guest's hvc0 (any thread): returns how many it took
 * (into the driver's buffers, or held while there is room). For the rest, wait for wake_fd (the
 * driver adds receive buffers, or a reset empties what was held) and offer them again: nothing is
 * dropped, so pasted text arrives whole.
 */
size_t virtio_console_receive(struct virtio_console *c, const uint8_t *bytes, size_t len);
/* Where room for refused input is signalled (an eventfd the input thread polls; -1: nowhere). */
void virtio_console_set_wake_fd(struct virtio_console *c, int fd);

/*
 * virtio-net on a tap (virtio 1.1, 5.1): receiveq 0, transmitq 1, no control queue, no offloads.
 * Offers MAC and STATUS (link always up), not MRG_RXBUF: every frame goes into one receive chain
 * behind a 12-byte header (VERSION_1's, num_buffers 1), the guest's transmit header is skipped.
 * The backend is any fd that reads and writes whole frames (the tap, or a SEQPACKET socket in
 * the tests); a receive thread reads it only while it holds a receive chain to put the frame in.
 */
#define VIRTIO_NET_F_MAC     5
#define VIRTIO_NET_F_STATUS  16
#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_HDR_LEN   12	   /* struct virtio_net_hdr_v1 */
#define VIRTIO_NET_ETH_HLEN  14	   /* a frame shorter than this is not one */
#define VIRTIO_NET_FRAME_MAX 65536 /* longest frame either way */
#define VIRTIO_NET_CFG_SIZE  10	   /* mac, status, max_virtqueue_pairs */
#define VIRTIO_NET_MAC_LEN   6

struct virtio_net {
	struct virtio_dev vd;
	struct virtq_chain rx_chain, tx_chain;
	bool rx_held; /* rx_chain is a receive chain taken and not yet answered */
	int fd;	      /* the backend, non-blocking */
	int wake_fd;  /* eventfd: receive buffers arrived, a reset, or stop */
	bool stop;
	bool rx_running;
	bool backend_dead; /* a read failed for good: no more receiving */
	pthread_t rx_thread;
	uint8_t mac[VIRTIO_NET_MAC_LEN];
	uint8_t rx_frame[VIRTIO_NET_FRAME_MAX + 1]; /* the receive thread's */
	uint8_t tx_frame[VIRTIO_NET_FRAME_MAX];	    /* under the lock */
	uint64_t rx_frames, tx_frames;
	uint64_t rx_too_big;	/* frames longer than the chain held for them: dropped */
	uint64_t rx_lost;	/* frames read while a reset took the chain away: dropped */
	uint64_t rx_bad_chains; /* receive chains with readable buffers or no room for a header */
	uint64_t tx_malformed;	/* chains shorter than header + Ethernet header, or too long */
	uint64_t tx_errors;	/* frames the backend refused */
};
/* The device on backend fd (kept; closed by virtio_net_close): 0 or -errno. */
int virtio_net_init(struct virtio_net *n, const struct dm_mem *mem, int fd,
		    const uint8_t mac[VIRTIO_NET_MAC_LEN]);
/* The receive thread: 0 or -errno. virtio_net_stop joins it; virtio_net_close closes the fds. */
int virtio_net_start(struct virtio_net *n);
void virtio_net_stop(struct virtio_net *n);
void virtio_net_close(struct virtio_net *n);

/* Attaches to the existing tap name (IFF_TAP | IFF_NO_PI): the fd, or -errno with err saying
 * why. It never creates one (dm/README.md says why). */
int virtio_net_open_tap(const char *name, char *err, size_t err_size);
/* A stable locally administered unicast MAC from the VM's name and the device's slot. */
void virtio_net_default_mac(const char *vm_name, uint8_t slot, uint8_t func,
			    uint8_t mac[VIRTIO_NET_MAC_LEN]);
/* "xx:xx:xx:xx:xx:xx", unicast and not all zeros: 0 or -EINVAL. */
int virtio_net_parse_mac(const char *text, uint8_t mac[VIRTIO_NET_MAC_LEN]);

#endif
