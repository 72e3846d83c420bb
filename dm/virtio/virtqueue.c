/* SPDX-License-Identifier: BSD-3-Clause */
/* Split virtqueues in guest RAM: checked rings, descriptor chains (direct and indirect), event-idx. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dm/virtio.h"

/* Ring layouts (virtio 1.1, 2.6): flags, idx, ring[size], then the event-idx word. */
#define RING_FLAGS 0
#define RING_IDX   2
#define RING_START 4
#define USED_ELEM  8

static uint64_t avail_bytes(uint16_t size)
{
	return RING_START + 2ull * size + 2;
}

static uint64_t used_bytes(uint16_t size)
{
	return RING_START + (uint64_t)USED_ELEM * size + 2;
}

static uint16_t load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
}

int virtq_enable(struct virtio_dev *vd, unsigned int q)
{
	struct virtq *vq = &vd->queues[q];
	uint16_t n = vq->size;
	const char *why = NULL;

	if (!n || n > vq->max_size || (n & (n - 1)))
		why = "queue size not a power of two up to the maximum";
	else if (vq->desc_gpa % 16 || vq->avail_gpa % 2 || vq->used_gpa % 4)
		why = "ring misaligned";
	else if (!(vq->desc = dm_gpa_to_hva(vd->mem, vq->desc_gpa, 16ull * n)) ||
		 !(vq->avail = dm_gpa_to_hva(vd->mem, vq->avail_gpa, avail_bytes(n))) ||
		 !(vq->used = dm_gpa_to_hva(vd->mem, vq->used_gpa, used_bytes(n))))
		why = "ring outside guest RAM";
	if (why) {
		char text[128];

		snprintf(text, sizeof(text), "queue %u: %s", q, why);
		vq->desc = NULL;
		vq->avail = vq->used = NULL;
		virtio_dev_fail(vd, text);
		return -EINVAL;
	}
	vq->last_avail = vq->used_idx = vq->signalled_used = 0;
	vq->enabled = true;
	return 0;
}

bool virtq_usable(const struct virtio_dev *vd, unsigned int q)
{
	return q < vd->nqueues && vd->queues[q].enabled &&
	       (vd->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET)) ==
		       VIRTIO_STATUS_DRIVER_OK;
}

static int chain_fail(struct virtio_dev *vd, unsigned int q, const char *why)
{
	char text[128];

	snprintf(text, sizeof(text), "queue %u: %s", q, why);
	virtio_dev_fail(vd, text);
	return -EIO;
}

/* Adds one buffer of descriptor d to the chain; NULL, or why it is refused. */
static const char *chain_add(struct virtio_dev *vd, struct virtq_chain *c,
			     const struct virtq_desc *d)
{
	uint8_t *hva = dm_gpa_to_hva(vd->mem, d->addr, d->len);

	if (!hva)
		return "buffer outside guest RAM";
	if (c->nout + c->nin == VIRTQ_CHAIN_MAX)
		return "chain with too many buffers";
	if (d->flags & VIRTQ_DESC_F_WRITE) {
		c->nin++;
		c->in_len += d->len;
	} else {
		if (c->nin)
			return "readable buffer after a writable one";
		c->nout++;
		c->out_len += d->len;
	}
	c->bufs[c->nout + c->nin - 1] = (struct virtq_buf){ .hva = hva, .len = d->len };
	return NULL;
}

/* Switches the walk to the indirect table d points to; NULL, or why it is refused. */
static const char *enter_indirect(struct virtio_dev *vd, const struct virtq_desc *d,
				  const struct virtq_desc **table, uint32_t *entries)
{
	if (!virtio_has_feature(vd, VIRTIO_F_RING_INDIRECT_DESC))
		return "indirect descriptor not negotiated";
	if (*entries != 0)
		return "nested indirect table";
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return "indirect descriptor with NEXT";
	if (!d->len || d->len % sizeof(struct virtq_desc) ||
	    d->len / sizeof(struct virtq_desc) > VIRTQ_CHAIN_MAX)
		return "indirect table length not a multiple of 16 up to the chain limit";
	*table = dm_gpa_to_hva(vd->mem, d->addr, d->len);
	if (!*table)
		return "indirect table outside guest RAM";
	*entries = d->len / sizeof(struct virtq_desc);
	return NULL;
}

/* Follows the chain at head; every descriptor is copied once and checked in the copy. */
static const char *walk_chain(struct virtio_dev *vd, const struct virtq *vq, uint16_t head,
			      struct virtq_chain *c)
{
	const struct virtq_desc *table = vq->desc;
	uint32_t entries = 0; /* of the indirect table; 0 while in the queue's own */
	uint32_t limit = vq->size, budget = vq->size, idx = head;
	const char *why;

	*c = (struct virtq_chain){ .head = head };
	if (head >= vq->size)
		return "available head out of range";
	for (;;) {
		struct virtq_desc d;

		if (budget-- == 0)
			return "descriptor loop or chain longer than its table";
		memcpy(&d, &table[idx], sizeof(d));
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			why = enter_indirect(vd, &d, &table, &entries);
			if (why)
				return why;
			limit = entries;
			budget = limit;
			idx = 0;
			continue;
		}
		why = chain_add(vd, c, &d);
		if (why)
			return why;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return NULL;
		idx = d.next;
		if (idx >= limit)
			return "next descriptor out of range";
	}
}

/* Tells the driver which available index we will look at next (event-idx). */
static void set_avail_event(struct virtio_dev *vd, struct virtq *vq)
{
	if (virtio_has_feature(vd, VIRTIO_F_RING_EVENT_IDX))
		store16(vq->used + RING_START + (uint64_t)USED_ELEM * vq->size, vq->last_avail);
}

int virtq_pop(struct virtio_dev *vd, unsigned int q, struct virtq_chain *c)
{
	struct virtq *vq = &vd->queues[q];
	uint16_t avail_idx, pending, head;
	const char *why;

	if (!virtq_usable(vd, q))
		return 0;
	avail_idx = load16(vq->avail + RING_IDX);
	if (avail_idx == vq->last_avail) {
		set_avail_event(vd, vq);
		__atomic_thread_fence(__ATOMIC_SEQ_CST); /* then look again: no wake-up lost */
		avail_idx = load16(vq->avail + RING_IDX);
		if (avail_idx == vq->last_avail)
			return 0;
	}
	pending = (uint16_t)(avail_idx - vq->last_avail);
	if (pending > vq->size)
		return chain_fail(vd, q, "available index more than a queue ahead");
	head = load16(vq->avail + RING_START + 2ull * (vq->last_avail % vq->size));
	vq->last_avail++;
	set_avail_event(vd, vq);
	why = walk_chain(vd, vq, head, c);
	return why ? chain_fail(vd, q, why) : 1;
}

void virtq_push(struct virtio_dev *vd, unsigned int q, uint16_t head, uint32_t written)
{
	struct virtq *vq = &vd->queues[q];
	uint8_t *elem;
	uint32_t id = head;

	if (!virtq_usable(vd, q))
		return;
	elem = vq->used + RING_START + (uint64_t)USED_ELEM * (vq->used_idx % vq->size);
	memcpy(elem, &id, 4);
	memcpy(elem + 4, &written, 4);
	vq->used_idx++;
	store16(vq->used + RING_IDX, vq->used_idx); /* release: the element is seen first */
}

/* Whether the driver wants an interrupt for the used entries pushed since the last check. */
static bool wants_interrupt(struct virtio_dev *vd, struct virtq *vq)
{
	uint16_t event, old = vq->signalled_used, now = vq->used_idx;

	if (now == old)
		return false; /* nothing new */
	vq->signalled_used = now;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* used->idx before the driver's flags */
	if (!virtio_has_feature(vd, VIRTIO_F_RING_EVENT_IDX))
		return !(load16(vq->avail + RING_FLAGS) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	event = load16(vq->avail + RING_START + 2ull * vq->size);
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

void virtq_interrupt(struct virtio_dev *vd, unsigned int q)
{
	struct virtq *vq = &vd->queues[q];

	if (!virtq_usable(vd, q) || !wants_interrupt(vd, vq))
		return;
	vd->isr |= VIRTIO_ISR_QUEUE;
	if (vd->interrupt)
		vd->interrupt(vd->transport, vq->msix_vector);
}

/* Copies between buf and the chain's buffers [first, first + count), from byte off of them. */
static size_t chain_copy(const struct virtq_chain *c, unsigned int first, unsigned int count,
			 uint64_t off, uint8_t *buf, size_t len, bool to_guest)
{
	size_t done = 0;

	for (unsigned int i = first; i < first + count && done < len; i++) {
		const struct virtq_buf *b = &c->bufs[i];
		size_t n;

		if (off >= b->len) {
			off -= b->len;
			continue;
		}
		n = b->len - off < len - done ? b->len - off : len - done;
		if (to_guest)
			memcpy(b->hva + off, buf + done, n);
		else
			memcpy(buf + done, b->hva + off, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst, size_t len)
{
	return chain_copy(c, 0, c->nout, off, dst, len, false);
}

size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *src, size_t len)
{
	return chain_copy(c, c->nout, c->nin, off, (uint8_t *)src, len, true);
}
