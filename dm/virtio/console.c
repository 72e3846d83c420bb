/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio-console, one port on cairn-dm's stdio: the guest's hvc0 (receiveq 0, transmitq 1). */
#include <string.h>

#include "dm/virtio_devices.h"

#define RECEIVEQ  0
#define TRANSMITQ 1
#define CFG_SIZE  12 /* cols, rows, max_nr_ports, emerg_wr: all 0 without their features */

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
	if (pushed)
		virtq_interrupt(vd, RECEIVEQ);
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
	c->dropped = 0;
}

void virtio_console_receive(struct virtio_console *c, const uint8_t *bytes, size_t len)
{
	size_t room;

	pthread_mutex_lock(&c->vd.lock);
	room = sizeof(c->pending) - c->npending;
	if (len > room) {
		c->dropped += len - room;
		len = room;
	}
	memcpy(c->pending + c->npending, bytes, len);
	c->npending += len;
	deliver_pending(c);
	pthread_mutex_unlock(&c->vd.lock);
}
