/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz test of the virtqueue code: random and mutated rings and descriptors against exact-size RAM. */
#include <stdio.h>
#include <string.h>

#include "dm/virtio.h"
#include "harness.h"
#include "virtio_driver.h"

#define RAM    (64u << 10) /* small, so random addresses often land near and past its end */
#define ROUNDS 20000

static struct vdrv drv;
static struct virtio_dev vd;
static struct virtq_chain chain;
static unsigned int outside; /* buffers a popped chain had outside guest RAM (must stay 0) */
static unsigned int popped, refused;

/* xorshift64*: deterministic, so a failure repeats with the same inputs. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static bool inside_ram(const struct virtq_buf *b)
{
	return b->hva >= drv.mem.hva && b->hva <= drv.mem.hva + RAM &&
	       b->len <= (uint64_t)(drv.mem.hva + RAM - b->hva);
}

/* The device touches every byte it is given: reading and writing past RAM trips ASan. */
static void touch_all(struct virtio_dev *d, unsigned int q)
{
	int got;

	while ((got = virtq_pop(d, q, &chain)) == 1) {
		uint8_t sum = 0;

		popped++;
		for (unsigned int i = 0; i < chain.nout + chain.nin; i++) {
			const struct virtq_buf *b = &chain.bufs[i];

			outside += !inside_ram(b);
			for (uint32_t j = 0; j < b->len; j++)
				sum = (uint8_t)(sum + b->hva[j]);
			if (i >= chain.nout && b->len)
				memset(b->hva, sum, b->len);
		}
		virtq_push(d, q, chain.head, (uint32_t)chain.in_len);
	}
	refused += got < 0;
	virtq_interrupt(d, q);
}

static void no_irq(void *transport, uint16_t vector)
{
}

static const struct virtio_dev_ops ops = { .queue_notify = touch_all };

/* A guest address: mostly inside RAM, often near its end, sometimes past it or wrapping. */
static uint64_t random_addr(uint64_t *s)
{
	uint64_t r = next_random(s);

	switch (r % 8) {
	case 0:
		return RAM - (r >> 8) % 64;
	case 1:
		return RAM + (r >> 8) % 4096;
	case 2:
		return ~0ull - (r >> 8) % 64;
	case 3:
		return (r >> 8) % 64;
	default:
		return (r >> 8) % RAM;
	}
}

static uint32_t random_len(uint64_t *s)
{
	uint64_t r = next_random(s);

	switch (r % 6) {
	case 0:
		return (uint32_t)(r >> 8);
	case 1:
		return 16 * (uint32_t)((r >> 8) % 20); /* plausible indirect tables */
	default:
		return (uint32_t)((r >> 8) % 512);
	}
}

static void random_desc(uint64_t *s, uint64_t at, uint16_t size)
{
	uint64_t r = next_random(s);
	struct virtq_desc d = { .addr = random_addr(s),
				.len = random_len(s),
				.flags = (uint16_t)((r & 3) | ((r >> 3) % 8 ? 0 : 4)),
				.next = (uint16_t)((r >> 8) % (size + 2u)) };

	if (at + sizeof(d) <= RAM)
		memcpy(vdrv_hva(&drv, at), &d, sizeof(d));
}

/* Fills the queue's table, some indirect-looking tables and the available ring with noise. */
static void scribble(uint64_t *s, uint16_t size)
{
	for (unsigned int i = 0; i < size; i++)
		random_desc(s, drv.q[0].desc + 16ull * i, size);
	for (unsigned int i = 0; i < 8; i++)
		random_desc(s, (next_random(s) % RAM) & ~15ull, size);
	for (unsigned int i = 0; i < size; i++) {
		uint16_t head = (uint16_t)(next_random(s) % (size + 2u));

		memcpy(vdrv_hva(&drv, drv.q[0].avail + 4 + 2ull * i), &head, 2);
	}
}

TEST(random_rings_never_reach_outside_guest_ram)
{
	uint64_t s = 0x9E3779B97F4A7C15ull;
	static const uint16_t sizes[] = { 1, 2, 4, 16, 64, 256 };

	for (int round = 0; round < ROUNDS; round++) {
		uint16_t size = sizes[next_random(&s) % 6];
		uint64_t r = next_random(&s);

		vdrv_init(&drv, RAM);
		virtio_dev_init(&vd, "fuzz", 99, &ops, NULL, &drv.mem, 0, 0, 1, VIRTQ_MAX_SIZE);
		vd.interrupt = no_irq;
		/* Sometimes without indirect descriptors or event-idx. */
		vd.device_features &= ~(r & 1 ? VIRTIO_BIT(VIRTIO_F_RING_INDIRECT_DESC) : 0);
		vd.device_features &= ~(r & 2 ? VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX) : 0);
		vdrv_start(&drv, &vd, 1, size);
		scribble(&s, size);
		for (int kick = 0; kick < 4; kick++) {
			uint16_t idx =
				(uint16_t)(vd.queues[0].last_avail + next_random(&s) % (size + 3u));

			if (next_random(&s) % 4 == 0)
				idx = (uint16_t)next_random(&s); /* any index at all */
			memcpy(vdrv_hva(&drv, drv.q[0].avail + 2), &idx, 2);
			touch_all(&vd, 0);
			if (next_random(&s) % 8 == 0)
				scribble(&s, size);
		}
		vdrv_free(&drv);
	}
	fprintf(stderr, "%u chains served, %u refused\n", popped, refused);
	EXPECT_EQ(outside, 0);
	EXPECT_TRUE(popped > ROUNDS / 10); /* well-formed chains got through */
	EXPECT_TRUE(refused > ROUNDS / 4); /* and malformed ones were refused */
}

TEST(mutated_valid_chains_never_reach_outside_guest_ram)
{
	uint64_t s = 0xC2B2AE3D27D4EB4Full;

	for (int round = 0; round < ROUNDS; round++) {
		struct vdrv_sg sg[6];
		unsigned int n = 1 + (unsigned int)(next_random(&s) % 6);
		uint64_t table_byte;

		vdrv_init(&drv, RAM);
		virtio_dev_init(&vd, "fuzz", 99, &ops, NULL, &drv.mem, 0, 0, 1, VIRTQ_MAX_SIZE);
		vd.interrupt = no_irq;
		vdrv_start(&drv, &vd, 1, 16);
		for (unsigned int i = 0; i < n; i++)
			sg[i] = (struct vdrv_sg){ vdrv_alloc(&drv, 64, 8), 64, i >= n / 2 };
		vdrv_push(&drv, 0, sg, n, next_random(&s) & 1);
		/* Flip a few bits anywhere in the rings, the tables or the buffers. */
		for (int flips = 1 + (int)(next_random(&s) % 4); flips > 0; flips--) {
			table_byte = drv.q[0].desc + next_random(&s) % (drv.heap - drv.q[0].desc);
			*(uint8_t *)vdrv_hva(&drv, table_byte) ^=
				(uint8_t)(1u << (next_random(&s) % 8));
		}
		touch_all(&vd, 0);
		vdrv_free(&drv);
	}
	fprintf(stderr, "%u chains served, %u refused\n", popped, refused);
	EXPECT_EQ(outside, 0);
	EXPECT_TRUE(popped > ROUNDS / 4);
	EXPECT_TRUE(refused > ROUNDS / 20);
}
