/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio-net on a frame backend: a receive thread that reads only into a held chain, tx on notify. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dm/virtio_devices.h"

#define RECEIVEQ	0
#define TRANSMITQ	1
#define HDR_NUM_BUFFERS 10 /* offset of num_buffers in virtio_net_hdr_v1 */

static void wake(struct virtio_net *n)
{
	uint64_t one = 1;

	if (write(n->wake_fd, &one, sizeof(one)) < 0) {
		/* the counter is saturated: the thread has a wake-up pending anyway */
	}
}

/* Takes the next well-formed receive chain into rx_chain (lock held): true if one is held. */
static bool take_rx_chain(struct virtio_net *n)
{
	struct virtio_dev *vd = &n->vd;
	bool answered = false;

	while (!n->rx_held && virtq_pop(vd, RECEIVEQ, &n->rx_chain) == 1) {
		if (n->rx_chain.nout || n->rx_chain.in_len < VIRTIO_NET_HDR_LEN) {
			n->rx_bad_chains++; /* no place for a frame: given back empty */
			virtq_push(vd, RECEIVEQ, n->rx_chain.head, 0);
			answered = true;
			continue;
		}
		n->rx_held = true;
	}
	if (answered)
		virtq_interrupt(vd, RECEIVEQ);
	return n->rx_held;
}

/* Puts a frame read from the backend into the held chain (lock held). */
static void deliver(struct virtio_net *n, size_t len)
{
	struct virtio_dev *vd = &n->vd;
	uint8_t hdr[VIRTIO_NET_HDR_LEN] = { 0 };

	if (!n->rx_held || !virtq_usable(vd, RECEIVEQ)) {
		n->rx_lost++;
		return;
	}
	if (len > VIRTIO_NET_FRAME_MAX || len > n->rx_chain.in_len - VIRTIO_NET_HDR_LEN) {
		n->rx_too_big++; /* the chain stays held for the next frame */
		return;
	}
	hdr[HDR_NUM_BUFFERS] = 1;
	virtq_chain_write(&n->rx_chain, 0, hdr, sizeof(hdr));
	virtq_chain_write(&n->rx_chain, VIRTIO_NET_HDR_LEN, n->rx_frame, len);
	virtq_push(vd, RECEIVEQ, n->rx_chain.head, (uint32_t)(VIRTIO_NET_HDR_LEN + len));
	virtq_interrupt(vd, RECEIVEQ);
	n->rx_held = false;
	n->rx_frames++;
}

/* Reads one frame if the backend has one: its length, 0 for none now, -1 when it is gone. */
static ssize_t read_frame(struct virtio_net *n)
{
	for (;;) {
		ssize_t r = read(n->fd, n->rx_frame, sizeof(n->rx_frame));

		if (r > 0)
			return r;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1; /* end of file or a hard error: the tap went away */
	}
}

static void drain_wake(struct virtio_net *n)
{
	uint64_t count;

	if (read(n->wake_fd, &count, sizeof(count)) < 0) {
		/* nothing pending: spurious */
	}
}

/* Polls the backend only while a chain is held, so a full ring leaves frames in the tap. */
static void *rx_thread(void *arg)
{
	struct virtio_net *n = arg;

	for (;;) {
		struct pollfd fds[2] = { { .fd = n->wake_fd, .events = POLLIN },
					 { .fd = -1, .events = POLLIN } };
		bool stop;

		pthread_mutex_lock(&n->vd.lock);
		stop = n->stop;
		if (!n->backend_dead && take_rx_chain(n))
			fds[1].fd = n->fd;
		pthread_mutex_unlock(&n->vd.lock);
		if (stop)
			break;
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN) {
			drain_wake(n); /* buffers, a reset or stop: look at the ring again first */
			continue;
		}
		if (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) {
			ssize_t len = read_frame(n);

			pthread_mutex_lock(&n->vd.lock);
			if (len < 0)
				n->backend_dead = true;
			else if (len > 0)
				deliver(n, (size_t)len);
			pthread_mutex_unlock(&n->vd.lock);
		}
	}
	return NULL;
}

/* One transmit chain: header skipped, the frame written as one packet (lock held). */
static void transmit_one(struct virtio_net *n, const struct virtq_chain *c)
{
	uint64_t len = c->out_len;

	if (len < VIRTIO_NET_HDR_LEN + VIRTIO_NET_ETH_HLEN ||
	    len > VIRTIO_NET_HDR_LEN + VIRTIO_NET_FRAME_MAX) {
		n->tx_malformed++;
		return;
	}
	len -= VIRTIO_NET_HDR_LEN;
	virtq_chain_read(c, VIRTIO_NET_HDR_LEN, n->tx_frame, (size_t)len);
	for (;;) {
		ssize_t w = write(n->fd, n->tx_frame, (size_t)len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w == (ssize_t)len)
			n->tx_frames++;
		else
			n->tx_errors++; /* the host's queue is full or the tap is gone */
		return;
	}
}

static void transmit(struct virtio_net *n)
{
	struct virtio_dev *vd = &n->vd;

	while (virtq_pop(vd, TRANSMITQ, &n->tx_chain) == 1) {
		transmit_one(n, &n->tx_chain);
		virtq_push(vd, TRANSMITQ, n->tx_chain.head, 0);
	}
	virtq_interrupt(vd, TRANSMITQ);
}

static void net_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_net *n = vd->opaque;

	if (q == TRANSMITQ)
		transmit(n);
	else
		wake(n); /* receive buffers: the thread takes one and reads the tap again */
}

static void net_config_read(struct virtio_dev *vd, uint32_t off, uint8_t *buf, uint32_t len)
{
	struct virtio_net *n = vd->opaque;
	uint8_t cfg[VIRTIO_NET_CFG_SIZE] = { 0 };

	memcpy(cfg, n->mac, VIRTIO_NET_MAC_LEN);
	cfg[6] = VIRTIO_NET_S_LINK_UP; /* status, little-endian */
	cfg[8] = 1;		       /* max_virtqueue_pairs */
	memset(buf, 0, len);
	if (off < sizeof(cfg))
		memcpy(buf, cfg + off, len < sizeof(cfg) - off ? len : sizeof(cfg) - off);
}

static void net_reset(struct virtio_dev *vd)
{
	struct virtio_net *n = vd->opaque;

	n->rx_held = false; /* the held chain belonged to the old rings */
	wake(n);
}

static const struct virtio_dev_ops net_ops = { .config_read = net_config_read,
					       .queue_notify = net_notify,
					       .reset = net_reset };

int virtio_net_init(struct virtio_net *n, const struct dm_mem *mem, int fd,
		    const uint8_t mac[VIRTIO_NET_MAC_LEN])
{
	int flags = fcntl(fd, F_GETFL);

	virtio_dev_init(&n->vd, "virtio-net", VIRTIO_ID_NET, &net_ops, n, mem,
			VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS),
			VIRTIO_NET_CFG_SIZE, 2, VIRTQ_MAX_SIZE);
	memcpy(n->mac, mac, VIRTIO_NET_MAC_LEN);
	n->fd = fd;
	n->rx_held = n->stop = n->rx_running = n->backend_dead = false;
	n->rx_frames = n->tx_frames = n->rx_too_big = n->rx_lost = 0;
	n->rx_bad_chains = n->tx_malformed = n->tx_errors = 0;
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		n->wake_fd = -1;
		return -errno;
	}
	n->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return n->wake_fd < 0 ? -errno : 0;
}

int virtio_net_start(struct virtio_net *n)
{
	int err = -pthread_create(&n->rx_thread, NULL, rx_thread, n);

	n->rx_running = !err;
	return err;
}

void virtio_net_stop(struct virtio_net *n)
{
	if (!n->rx_running)
		return;
	pthread_mutex_lock(&n->vd.lock);
	n->stop = true;
	wake(n);
	pthread_mutex_unlock(&n->vd.lock);
	pthread_join(n->rx_thread, NULL);
	n->rx_running = false;
}

void virtio_net_close(struct virtio_net *n)
{
	virtio_net_stop(n);
	if (n->wake_fd >= 0)
		close(n->wake_fd);
	if (n->fd >= 0)
		close(n->fd);
	n->wake_fd = n->fd = -1;
}
