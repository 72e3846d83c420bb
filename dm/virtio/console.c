/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio-console, one port on cairn-dm's stdio: the guest's hvc0 (receiveq 0, transmitq 1). */
#include <string.h>
#include <unistd.h>

#include "dm/virtio_devices.h"

#define RECEIVEQ  0
#define TRANSMITQ 1
#define CFG_SIZE  12 /* cols, rows, max_nr_ports, emerg_wr: all 0 without their features */

/* Room appeared for held input: if input is waiting for it, say so (lock held). */
static void room_made(struct virtio_console *c)
{
	uint64_t one = 1;

	if (!c->input_waits || c->wake_fd < 0)
		return;
	c->input_waits = false;
	if (write(c->wake_fd, &one, sizeof(one)) < 0) {
		/* the eventfd's counter is full: a wake-up is pending anyway */
	}
}

/* Moves held input into the driver's receive buffers (lock held). */
static void deliver_pending(struct virtio_console *c)
{
	struct virtio_dev *vd = &c->vd;
	bool pushed = false;

	while (c->npending && virtq_pop(vd, RECEIVEQ, &c->chain) == 1) {
		size_t n = virtq_chain_write(&c->chain, 0, c->pending, c->npending);

		memmove(c->pending, c->pending + n, c->npending - n);
		c->npending -= n;
		virtq_push(vd, RECEIVEQ, c->chain.head, (uint32_t)n);
		pushed = true;
	}
	if (pushed) {
		virtq_interrupt(vd, RECEIVEQ);
		room_made(c);
	}
}

static void transmit(struct virtio_console *c)
{
	struct virtio_dev *vd = &c->vd;

	while (virtq_pop(vd, TRANSMITQ, &c->chain) == 1) {
		for (unsigned int i = 0; i < c->chain.nout; i++)
			if (c->output && c->chain.bufs[i].len)
				c->output(c->output_opaque, c->chain.bufs[i].hva,
					  c->chain.bufs[i].len);
		virtq_push(vd, TRANSMITQ, c->chain.head, 0);
	}
	virtq_interrupt(vd, TRANSMITQ);
}

static void console_notify(struct virtio_dev *vd, unsigned int q)
{
	struct virtio_console *c = vd->opaque;

	if (q == TRANSMITQ)
		transmit(c);
	else
		deliver_pending(c);
}

static void console_config_read(struct virtio_dev *vd, uint32_t off, uint8_t *buf, uint32_t len)
{
	memset(buf, 0, len);
}

static void console_reset(struct virtio_dev *vd)
{
	struct virtio_console *c = vd->opaque;

	c->npending = 0;
	room_made(c);
}

static const struct virtio_dev_ops console_ops = { .config_read = console_config_read,
						   .queue_notify = console_notify,
						   .reset = console_reset };

void virtio_console_init(struct virtio_console *c, const struct dm_mem *mem,
			 virtio_console_output_fn output, void *opaque)
{
	virtio_dev_init(&c->vd, "virtio-console", VIRTIO_ID_CONSOLE, &console_ops, c, mem, 0,
			CFG_SIZE, 2, VIRTQ_MAX_SIZE);
	c->output = output;
	c->output_opaque = opaque;
	c->npending = 0;
	c->wake_fd = -1;
	c->input_waits = false;
}

size_t virtio_console_receive(struct virtio_console *c, const uint8_t *bytes, size_t len)
{
	size_t taken = 0;

	pthread_mutex_lock(&c->vd.lock);
	for (;;) {
		size_t room = sizeof(c->pending) - c->npending;
		size_t n = len - taken < room ? len - taken : room;

		memcpy(c->pending + c->npending, bytes + taken, n);
		c->npending += n;
		taken += n;
		deliver_pending(c);
		if (taken == len || c->npending == sizeof(c->pending))
			break; /* all taken, or no buffer drained the held bytes: wait */
	}
	if (taken < len)
		c->input_waits = true;
	pthread_mutex_unlock(&c->vd.lock);
	return taken;
}

void virtio_console_set_wake_fd(struct virtio_console *c, int fd)
{
	pthread_mutex_lock(&c->vd.lock);
	c->wake_fd = fd;
	pthread_mutex_unlock(&c->vd.lock);
}
