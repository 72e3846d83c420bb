/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for split virtqueues and device status (dm/virtio/): a test driver against fake RAM. */
#include <string.h>

#include "dm/virtio.h"
#include "harness.h"
#include "virtio_driver.h"

#define RAM	  (1u << 20)
#define QSIZE	  8
#define CFG_VEC	  7
#define QUEUE_VEC 3

static struct vdrv drv;
static struct virtio_dev vd;
static struct virtq_chain chain;

static struct {
	int notified, resets, irqs, config_irqs;
	uint16_t last_vector;
} seen;

static void record_irq(void *transport, uint16_t vector)
{
	seen.irqs++;
	seen.last_vector = vector;
	seen.config_irqs += vector == CFG_VEC;
}

/* The test device: each chain's readable bytes are copied to its writable ones. */
static void copy_notify(struct virtio_dev *d, unsigned int q)
{
	uint8_t buf[4096];
	int got;

	seen.notified++;
	while ((got = virtq_pop(d, q, &chain)) == 1) {
		size_t n = virtq_chain_read(&chain, 0, buf, sizeof(buf));

		n = virtq_chain_write(&chain, 0, buf, n);
		virtq_push(d, q, chain.head, (uint32_t)n);
	}
	virtq_interrupt(d, q);
}

static void count_reset(struct virtio_dev *d)
{
	seen.resets++;
}

static const struct virtio_dev_ops copy_ops = { .queue_notify = copy_notify, .reset = count_reset };

static void setup_features(uint64_t offered)
{
	memset(&seen, 0, sizeof(seen));
	vdrv_init(&drv, RAM);
	virtio_dev_init(&vd, "copy", 99, &copy_ops, NULL, &drv.mem, offered, 0, 2, QSIZE);
	vd.interrupt = record_irq;
}

static void setup(void)
{
	setup_features(0);
	vdrv_start(&drv, &vd, 1, QSIZE);
	vd.config_vector = CFG_VEC;
	vd.queues[0].msix_vector = QUEUE_VEC;
}

static uint64_t buffer(const char *text, uint32_t len)
{
	uint64_t gpa = vdrv_alloc(&drv, len, 8);

	memset(vdrv_hva(&drv, gpa), 0, len);
	if (text)
		memcpy(vdrv_hva(&drv, gpa), text, strlen(text));
	return gpa;
}

static bool needs_reset(void)
{
	return vd.status & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

TEST(features_ok_needs_version_1_and_only_offered_bits)
{
	setup_features(1u << 5);
	EXPECT_TRUE(vd.device_features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	virtio_set_status(&vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_set_driver_features(&vd, 0, 1u << 5); /* a legacy driver: no VERSION_1 */
	virtio_set_status(&vd, 0x0B);
	EXPECT_EQ(vd.status, 0x03);
	virtio_set_driver_features(&vd, 1, 1u << 0 | 1u << 8); /* VERSION_1 and an unoffered bit */
	virtio_set_status(&vd, 0x0B);
	EXPECT_EQ(vd.status, 0x03);
	virtio_set_status(&vd, 0x07); /* DRIVER_OK without FEATURES_OK */
	EXPECT_EQ(vd.status, 0x03);
	virtio_set_driver_features(&vd, 1, 1u << 0);
	virtio_set_status(&vd, 0x0B);
	EXPECT_EQ(vd.status, 0x0B);
	virtio_set_driver_features(&vd, 0, 0); /* too late: frozen */
	EXPECT_EQ(vd.driver_features, VIRTIO_BIT(VIRTIO_F_VERSION_1) | (1u << 5));
	virtio_set_driver_features(&vd, 2, ~0u);
	EXPECT_EQ(vd.driver_features, VIRTIO_BIT(VIRTIO_F_VERSION_1) | (1u << 5));
	vdrv_free(&drv);
}

TEST(a_direct_chain_is_read_written_and_returned)
{
	struct vdrv_sg sg[4];
	uint32_t id, len;
	uint16_t head;

	setup();
	sg[0] = (struct vdrv_sg){ buffer("hello, ", 7), 7, false };
	sg[1] = (struct vdrv_sg){ buffer("world", 5), 5, false };
	sg[2] = (struct vdrv_sg){ buffer(NULL, 4), 4, true };
	sg[3] = (struct vdrv_sg){ buffer(NULL, 16), 16, true };
	head = vdrv_push(&drv, 0, sg, 4, false);
	copy_notify(&vd, 0);
	ASSERT_TRUE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_EQ(id, head);
	EXPECT_EQ(len, 12);
	EXPECT_MEMEQ(vdrv_hva(&drv, sg[2].gpa), "hell", 4);
	EXPECT_MEMEQ(vdrv_hva(&drv, sg[3].gpa), "o, world\0", 9);
	EXPECT_EQ(chain.nout, 2);
	EXPECT_EQ(chain.nin, 2);
	EXPECT_EQ(chain.out_len, 12);
	EXPECT_EQ(chain.in_len, 20);
	EXPECT_EQ(seen.irqs, 1);
	EXPECT_EQ(seen.last_vector, QUEUE_VEC);
	EXPECT_FALSE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_FALSE(needs_reset());
	vdrv_free(&drv);
}

TEST(an_indirect_chain_and_ring_wrap_around)
{
	struct vdrv_sg sg[3];
	uint32_t id, len;

	setup();
	sg[0] = (struct vdrv_sg){ buffer("ab", 2), 2, false };
	sg[1] = (struct vdrv_sg){ buffer("cd", 2), 2, false };
	sg[2] = (struct vdrv_sg){ buffer(NULL, 8), 8, true };
	for (int round = 0; round < 3 * QSIZE; round++) {
		uint16_t head = vdrv_push(&drv, 0, sg, 3, round % 2);

		copy_notify(&vd, 0);
		ASSERT_TRUE(vdrv_used(&drv, 0, &id, &len));
		EXPECT_EQ(id, head);
		EXPECT_EQ(len, 4);
	}
	EXPECT_MEMEQ(vdrv_hva(&drv, sg[2].gpa), "abcd", 4);
	EXPECT_EQ(vd.queues[0].used_idx, 3 * QSIZE);
	EXPECT_FALSE(needs_reset());
	vdrv_free(&drv);
}

TEST(no_interrupt_flag_and_event_idx_suppress_interrupts)
{
	struct vdrv_sg sg = { 0, 8, true };
	uint32_t id, len;

	setup();
	sg.gpa = buffer(NULL, 8);
	ASSERT_TRUE(virtio_has_feature(&vd, VIRTIO_F_RING_EVENT_IDX));
	/* event-idx: interrupt only when used->idx passes used_event. */
	vdrv_set_used_event(&drv, 0, 2);
	for (int i = 0; i < 4; i++) {
		vdrv_push(&drv, 0, &sg, 1, false);
		copy_notify(&vd, 0);
		EXPECT_TRUE(vdrv_used(&drv, 0, &id, &len));
	}
	EXPECT_EQ(seen.irqs, 1);		 /* when used->idx went past used_event 2 */
	EXPECT_EQ(vdrv_avail_event(&drv, 0), 4); /* the device asks to hear of entry 4 */
	vdrv_free(&drv);

	/* Without event-idx, the NO_INTERRUPT flag. */
	setup_features(0);
	vdrv_start(&drv, &vd, 0, QSIZE);
	virtio_set_status(&vd, 0);
	virtio_set_status(&vd, 0x03);
	virtio_set_driver_features(&vd, 1, 1);
	virtio_set_status(&vd, 0x0B);
	vdrv_layout(&drv, 0, QSIZE);
	vdrv_attach(&drv, &vd, 0);
	EXPECT_EQ(virtq_enable(&vd, 0), 0);
	virtio_set_status(&vd, 0x0F);
	sg.gpa = buffer(NULL, 8);
	vdrv_set_avail_flags(&drv, 0, VIRTQ_AVAIL_F_NO_INTERRUPT);
	vdrv_push(&drv, 0, &sg, 1, false);
	copy_notify(&vd, 0);
	EXPECT_EQ(seen.irqs, 0);
	vdrv_set_avail_flags(&drv, 0, 0);
	vdrv_push(&drv, 0, &sg, 1, false);
	copy_notify(&vd, 0);
	EXPECT_EQ(seen.irqs, 1);
	vdrv_free(&drv);
}

TEST(driver_ok_kicks_the_enabled_queues_and_reset_clears_the_device)
{
	setup();
	EXPECT_EQ(seen.notified, 1); /* queue 0 at DRIVER_OK */
	virtio_set_status(&vd, 0);
	EXPECT_EQ(seen.resets, 1);
	EXPECT_EQ(vd.status, 0);
	EXPECT_EQ(vd.driver_features, 0);
	EXPECT_FALSE(vd.queues[0].enabled);
	EXPECT_EQ(vd.queues[0].size, QSIZE);
	EXPECT_EQ(vd.queues[0].msix_vector, VIRTIO_NO_VECTOR);
	EXPECT_EQ(virtq_pop(&vd, 0, &chain), 0); /* nothing before the driver sets it up again */
	vdrv_free(&drv);
}

/* Writes raw descriptor i of queue 0. */
static void raw_desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { addr, len, flags, next };

	memcpy(vdrv_hva(&drv, drv.q[0].desc + 16ull * i), &d, sizeof(d));
}

/* Makes head available, notifies, and checks that the device refused it and asked for a reset. */
static void expect_refused(uint16_t head, const char *what)
{
	uint32_t id, len;
	uint16_t *ring = vdrv_hva(&drv, drv.q[0].avail + 4 + 2ull * (drv.q[0].avail_idx % QSIZE));

	*ring = head;
	drv.q[0].avail_idx++;
	*(uint16_t *)vdrv_hva(&drv, drv.q[0].avail + 2) = drv.q[0].avail_idx;
	copy_notify(&vd, 0);
	if (!needs_reset() || vdrv_used(&drv, 0, &id, &len) || seen.config_irqs != 1 ||
	    vd.failures != 1)
		EXPECT_STREQ(what, "refused");
	EXPECT_EQ(virtq_pop(&vd, 0, &chain), 0); /* nothing more until a reset */
	EXPECT_TRUE(vd.failure[0] != '\0');
}

TEST(malformed_chains_need_a_reset_and_touch_nothing)
{
	static const struct {
		const char *what;
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} bad[] = {
		{ "a loop onto itself", 0x2000, 8, VIRTQ_DESC_F_NEXT, 0 },
		{ "next out of range", 0x2000, 8, VIRTQ_DESC_F_NEXT, QSIZE },
		{ "a buffer past RAM", RAM - 4, 8, 0, 0 },
		{ "a buffer address that wraps", ~0ull - 2, 8, 0, 0 },
		{ "an indirect table not a multiple of 16", 0x3000, 24, VIRTQ_DESC_F_INDIRECT, 0 },
		{ "an empty indirect table", 0x3000, 0, VIRTQ_DESC_F_INDIRECT, 0 },
		{ "an indirect table past RAM", RAM - 16, 32, VIRTQ_DESC_F_INDIRECT, 0 },
		{ "an indirect table with NEXT", 0x3000, 16,
		  VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1 },
		{ "an indirect table longer than a chain", 0x3000, 16 * (VIRTQ_CHAIN_MAX + 1),
		  VIRTQ_DESC_F_INDIRECT, 0 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup();
		raw_desc(0, bad[i].addr, bad[i].len, bad[i].flags, bad[i].next);
		expect_refused(0, bad[i].what);
		/* A reset and a new setup make the device work again. */
		virtio_set_status(&vd, 0);
		EXPECT_FALSE(needs_reset());
		vdrv_free(&drv);
	}
}

TEST(malformed_chain_structures_need_a_reset)
{
	uint64_t table;

	setup(); /* a two-descriptor loop */
	raw_desc(0, 0x2000, 8, VIRTQ_DESC_F_NEXT, 1);
	raw_desc(1, 0x2000, 8, VIRTQ_DESC_F_NEXT, 0);
	expect_refused(0, "two-descriptor loop");
	vdrv_free(&drv);

	setup(); /* readable after writable */
	raw_desc(0, 0x2000, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	raw_desc(1, 0x2000, 8, 0, 0);
	expect_refused(0, "readable after writable");
	vdrv_free(&drv);

	setup(); /* an indirect table holding an indirect descriptor */
	table = vdrv_alloc(&drv, 32, 16);
	raw_desc(0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	memcpy(vdrv_hva(&drv, table), &(struct virtq_desc){ table, 16, VIRTQ_DESC_F_INDIRECT, 0 },
	       16);
	expect_refused(0, "nested indirect");
	vdrv_free(&drv);

	setup(); /* a loop inside an indirect table */
	table = vdrv_alloc(&drv, 32, 16);
	raw_desc(0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	memcpy(vdrv_hva(&drv, table), &(struct virtq_desc){ 0x2000, 8, VIRTQ_DESC_F_NEXT, 1 }, 16);
	memcpy(vdrv_hva(&drv, table + 16), &(struct virtq_desc){ 0x2000, 8, VIRTQ_DESC_F_NEXT, 0 },
	       16);
	expect_refused(0, "indirect loop");
	vdrv_free(&drv);

	setup(); /* a head out of range */
	expect_refused(QSIZE + 3, "head out of range");
	vdrv_free(&drv);
}

TEST(an_available_index_too_far_ahead_needs_a_reset)
{
	setup();
	*(uint16_t *)vdrv_hva(&drv, drv.q[0].avail + 2) = QSIZE + 1;
	copy_notify(&vd, 0);
	EXPECT_TRUE(needs_reset());
	EXPECT_EQ(vd.queues[0].used_idx, 0);
	vdrv_free(&drv);
}

TEST(indirect_chains_need_the_feature)
{
	struct vdrv_sg sg = { 0x2000, 8, true };

	setup_features(0);
	virtio_set_status(&vd, 0x03);
	virtio_set_driver_features(&vd, 1, 1); /* VERSION_1 only */
	virtio_set_status(&vd, 0x0B);
	vdrv_layout(&drv, 0, QSIZE);
	vdrv_attach(&drv, &vd, 0);
	ASSERT_EQ(virtq_enable(&vd, 0), 0);
	virtio_set_status(&vd, 0x0F);
	vdrv_push(&drv, 0, &sg, 1, true);
	copy_notify(&vd, 0);
	EXPECT_TRUE(needs_reset());
	vdrv_free(&drv);
}

TEST(queues_with_bad_rings_are_not_enabled)
{
	static const struct {
		uint16_t size;
		uint64_t desc, avail, used;
	} bad[] = {
		{ 6, 0x1000, 0x2000, 0x3000 },	       /* not a power of two */
		{ 2 * QSIZE, 0x1000, 0x2000, 0x3000 }, /* above the maximum */
		{ 0, 0x1000, 0x2000, 0x3000 },
		{ QSIZE, 0x1008, 0x2000, 0x3000 }, /* descriptor table misaligned */
		{ QSIZE, 0x1000, 0x2001, 0x3000 },
		{ QSIZE, 0x1000, 0x2000, 0x3002 },
		{ QSIZE, RAM - 64, 0x2000, 0x3000 }, /* past RAM */
		{ QSIZE, 0x1000, RAM - 4, 0x3000 },
		{ QSIZE, 0x1000, 0x2000, ~0ull - 3 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup_features(0);
		virtio_set_status(&vd, 0x03);
		virtio_set_driver_features(&vd, 1, 1);
		virtio_set_status(&vd, 0x0B);
		vd.queues[0].size = bad[i].size;
		vd.queues[0].desc_gpa = bad[i].desc;
		vd.queues[0].avail_gpa = bad[i].avail;
		vd.queues[0].used_gpa = bad[i].used;
		EXPECT_EQ(virtq_enable(&vd, 0), -22);
		EXPECT_FALSE(vd.queues[0].enabled);
		EXPECT_TRUE(needs_reset());
		vdrv_free(&drv);
	}
}
