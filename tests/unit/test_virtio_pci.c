/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the virtio-pci modern transport, driven through config space and the BAR as Linux does. */
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dm/virtio_pci.h"
#include "harness.h"
#include "virtio_driver.h"

#define SLOT	3
#define BAR_GPA 0xD0000000ull
#define QSIZE	16
#define NQ	2

static struct dm_bus bus;
static struct vdrv drv;
static struct virtio_dev vd;
static struct virtio_pci vp;
static struct virtq_chain chain;
static const uint8_t device_cfg[8] = "CAIRNCFG";

static struct {
	int count;
	uint32_t data;
} msis;
static struct {
	int calls;
	bool mapped;
	uint64_t base;
} maps;

static void send_msi(void *opaque, uint64_t addr, uint32_t data)
{
	msis.count++;
	msis.data = data;
}

static void notify_map(void *opaque, struct virtio_pci *p, bool mapped, uint64_t base)
{
	maps.calls++;
	maps.mapped = mapped;
	maps.base = base;
}

/* Echo device: each chain's readable bytes copied to its writable ones. */
static void copy_notify(struct virtio_dev *d, unsigned int q)
{
	uint8_t buf[256];

	while (virtq_pop(d, q, &chain) == 1) {
		size_t n = virtq_chain_read(&chain, 0, buf, sizeof(buf));

		virtq_push(d, q, chain.head, (uint32_t)virtq_chain_write(&chain, 0, buf, n));
	}
	virtq_interrupt(d, q);
}

static void cfg_read(struct virtio_dev *d, uint32_t off, uint8_t *buf, uint32_t len)
{
	memcpy(buf, device_cfg + off, len);
}

static const struct virtio_dev_ops ops = { .queue_notify = copy_notify, .config_read = cfg_read };

static uint64_t acc(enum dm_space space, uint64_t addr, unsigned int size, bool write, uint64_t v)
{
	struct dm_access a = {
		.space = space, .addr = addr, .size = size, .write = write, .value = v
	};

	dm_bus_access(&bus, &a);
	return a.value;
}

static uint32_t cfg_rd(unsigned int reg, unsigned int size)
{
	return (uint32_t)acc(DM_SPACE_PCI_CFG, DM_PCI_CFG_ADDR(0, SLOT, 0, reg), size, false, 0);
}

static void cfg_wr(unsigned int reg, unsigned int size, uint32_t v)
{
	acc(DM_SPACE_PCI_CFG, DM_PCI_CFG_ADDR(0, SLOT, 0, reg), size, true, v);
}

static uint64_t rd(uint64_t off, unsigned int size)
{
	return acc(DM_SPACE_MMIO, BAR_GPA + off, size, false, 0);
}

static void wr(uint64_t off, unsigned int size, uint64_t v)
{
	acc(DM_SPACE_MMIO, BAR_GPA + off, size, true, v);
}

/* The transport on the bus with BAR 4 at BAR_GPA and memory decoding on, as Linux leaves it. */
static void setup(void)
{
	memset(&msis, 0, sizeof(msis));
	memset(&maps, 0, sizeof(maps));
	dm_bus_init(&bus);
	vdrv_init(&drv, 1u << 20);
	virtio_dev_init(&vd, "vtest", VIRTIO_ID_RNG, &ops, NULL, &drv.mem, 1ull << 3,
			sizeof(device_cfg), NQ, QSIZE);
	ASSERT_EQ(virtio_pci_init(&vp, &vd, &bus, SLOT, 0, 0x00FF00, send_msi, NULL), 0);
	vp.notify_map = notify_map;
	ASSERT_EQ(dm_pci_func_register(&vp.func), 0);
	cfg_wr(DM_PCI_BAR0 + 4 * VIRTIO_PCI_BAR, 4, (uint32_t)BAR_GPA);
	cfg_wr(DM_PCI_BAR0 + 4 * VIRTIO_PCI_BAR + 4, 4, 0);
	cfg_wr(DM_PCI_COMMAND, 2, DM_PCI_COMMAND_MEMORY | DM_PCI_COMMAND_MASTER);
}

static void teardown(void)
{
	vdrv_free(&drv);
}

/* The vendor capability of cfg_type type, walking the list as virtio_pci_find_capability. */
static unsigned int find_vcap(uint8_t type)
{
	for (unsigned int at = cfg_rd(DM_PCI_CAP_PTR, 1), n = 0; at && n < 48;
	     at = cfg_rd(at + 1, 1), n++)
		if (cfg_rd(at, 1) == DM_PCI_CAP_ID_VENDOR && cfg_rd(at + 3, 1) == type)
			return at;
	return 0;
}

TEST(the_function_shows_a_modern_virtio_device_and_its_capabilities)
{
	static const struct {
		uint8_t type;
		uint32_t off, len;
	} want[] = {
		{ VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_SIZE },
		{ VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFF, 1 },
		{ VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFF, sizeof(device_cfg) },
		{ VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFF, 4 * NQ },
	};

	setup();
	EXPECT_EQ(cfg_rd(0, 2), VIRTIO_PCI_VENDOR);
	EXPECT_EQ(cfg_rd(2, 2), 0x1040 + VIRTIO_ID_RNG);
	EXPECT_EQ(cfg_rd(DM_PCI_REVISION, 1), 1);
	EXPECT_EQ(cfg_rd(DM_PCI_SUBSYS_VENDOR_ID, 2), VIRTIO_PCI_VENDOR);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		unsigned int at = find_vcap(want[i].type);

		ASSERT_TRUE(at != 0);
		EXPECT_EQ(cfg_rd(at + 4, 1), VIRTIO_PCI_BAR);
		EXPECT_EQ(cfg_rd(at + 8, 4), want[i].off);
		EXPECT_EQ(cfg_rd(at + 12, 4), want[i].len);
	}
	EXPECT_EQ(cfg_rd(find_vcap(VIRTIO_PCI_CAP_NOTIFY_CFG) + 16, 4), VIRTIO_PCI_NOTIFY_MULT);
	EXPECT_TRUE(find_vcap(VIRTIO_PCI_CAP_PCI_CFG) != 0);
	EXPECT_EQ(cfg_rd(DM_PCI_BAR0 + 4 * VIRTIO_PCI_BAR, 4) & 0xF, 0xC); /* 64-bit, prefetch */
	EXPECT_EQ(maps.calls, 1);
	EXPECT_EQ(maps.base, BAR_GPA + VIRTIO_PCI_NOTIFY_OFF);
	teardown();
}

/* MSI-X on, vector i -> data 0x30 + i, all unmasked: what pci_alloc_irq_vectors leaves. */
static void enable_msix(void)
{
	unsigned int cap = 0;

	for (unsigned int at = cfg_rd(DM_PCI_CAP_PTR, 1); at; at = cfg_rd(at + 1, 1))
		if (cfg_rd(at, 1) == DM_PCI_CAP_ID_MSIX)
			cap = at;
	ASSERT_TRUE(cap != 0);
	EXPECT_EQ(cfg_rd(cap + 2, 2) & 0x7FF, NQ); /* NQ + 1 vectors */
	cfg_wr(cap + 2, 2, DM_PCI_MSIX_CTRL_ENABLE);
	for (unsigned int i = 0; i <= NQ; i++) {
		uint64_t e = VIRTIO_PCI_MSIX_TABLE_OFF + 16 * i;

		wr(e, 4, 0xFEE00000);
		wr(e + 4, 4, 0);
		wr(e + 8, 4, 0x30 + i);
		wr(e + 12, 4, 0);
	}
}

/* virtio_pci_modern's probe and setup_vq, and virtio_dev_probe's status steps. */
static void linux_probe(void)
{
	uint64_t features;

	wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_STATUS, 1), 0);
	wr(VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 0);
	features = rd(VIRTIO_PCI_COMMON_DF, 4);
	wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 1);
	features |= rd(VIRTIO_PCI_COMMON_DF, 4) << 32;
	EXPECT_EQ(features, vd.device_features);
	wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	wr(VIRTIO_PCI_COMMON_GF, 4, (uint32_t)features);
	wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	wr(VIRTIO_PCI_COMMON_GF, 4, (uint32_t)(features >> 32));
	wr(VIRTIO_PCI_COMMON_STATUS, 1, 0x0B);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_STATUS, 1), 0x0B);
	enable_msix();
	wr(VIRTIO_PCI_COMMON_MSIX, 2, NQ);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_MSIX, 2), NQ);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_NUMQ, 2), NQ);
	for (unsigned int q = 0; q < NQ; q++) {
		wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
		EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QSIZE);
		EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		vdrv_layout(&drv, q, QSIZE);
		wr(VIRTIO_PCI_COMMON_Q_SIZE, 2, QSIZE);
		wr(VIRTIO_PCI_COMMON_Q_DESC, 4, (uint32_t)drv.q[q].desc);
		wr(VIRTIO_PCI_COMMON_Q_DESC + 4, 4, 0);
		wr(VIRTIO_PCI_COMMON_Q_AVAIL, 4, (uint32_t)drv.q[q].avail);
		wr(VIRTIO_PCI_COMMON_Q_AVAIL + 4, 4, 0);
		wr(VIRTIO_PCI_COMMON_Q_USED, 8, drv.q[q].used);
		wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, q);
		EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), q);
		EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_NOFF, 2), q);
		wr(VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
		EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
		EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_DESC, 8), drv.q[q].desc);
	}
	wr(VIRTIO_PCI_COMMON_STATUS, 1, 0x0F);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_STATUS, 1), 0x0F);
}

TEST(linux_s_probe_sets_the_device_up_and_a_notify_gets_an_msi)
{
	struct vdrv_sg sg[2];
	uint32_t id, len;

	setup();
	linux_probe();
	sg[0] = (struct vdrv_sg){ vdrv_alloc(&drv, 4, 4), 4, false };
	sg[1] = (struct vdrv_sg){ vdrv_alloc(&drv, 4, 4), 4, true };
	memcpy(vdrv_hva(&drv, sg[0].gpa), "ping", 4);
	vdrv_push(&drv, 1, sg, 2, false);
	wr(VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * 1, 2, 1); /* vp_notify: the index */
	ASSERT_TRUE(vdrv_used(&drv, 1, &id, &len));
	EXPECT_EQ(len, 4);
	EXPECT_MEMEQ(vdrv_hva(&drv, sg[1].gpa), "ping", 4);
	EXPECT_EQ(msis.count, 1);
	EXPECT_EQ(msis.data, 0x31); /* queue 1's vector */
	EXPECT_FALSE(vdrv_used(&drv, 0, &id, &len));
	teardown();
}

TEST(device_config_and_the_pci_config_access_capability)
{
	unsigned int cap;

	setup();
	EXPECT_EQ(rd(VIRTIO_PCI_DEVICE_OFF, 4), 0x52494143u);	  /* "CAIR" */
	EXPECT_EQ(rd(VIRTIO_PCI_DEVICE_OFF + 4, 4), 0x4746434Eu); /* "NCFG" */
	EXPECT_EQ(rd(VIRTIO_PCI_DEVICE_OFF + 6, 4), 0);		  /* runs past its end */
	EXPECT_EQ(rd(VIRTIO_PCI_DEVICE_OFF + 8, 1), 0);
	cap = find_vcap(VIRTIO_PCI_CAP_PCI_CFG);
	cfg_wr(cap + 4, 1, VIRTIO_PCI_BAR);
	cfg_wr(cap + 8, 4, VIRTIO_PCI_COMMON_NUMQ);
	cfg_wr(cap + 12, 4, 2);
	EXPECT_EQ(cfg_rd(cap + 16, 2), NQ);
	cfg_wr(cap + 8, 4, VIRTIO_PCI_COMMON_STATUS); /* a write through the window */
	cfg_wr(cap + 12, 4, 1);
	cfg_wr(cap + 16, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_STATUS, 1), VIRTIO_STATUS_ACKNOWLEDGE);
	cfg_wr(cap + 12, 4, 3); /* a length it cannot do: nothing */
	EXPECT_EQ(cfg_rd(cap + 16, 4), 0);
	cfg_wr(cap + 4, 1, 0); /* another BAR: nothing */
	cfg_wr(cap + 12, 4, 1);
	EXPECT_EQ(cfg_rd(cap + 16, 1), 0);
	teardown();
}

TEST(bad_driver_values_are_refused_or_ignored)
{
	setup();
	wr(VIRTIO_PCI_COMMON_STATUS, 1, 0x03);
	wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 7);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_DF, 4), 0);
	wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	wr(VIRTIO_PCI_COMMON_GF, 4, 1u << 3); /* no VERSION_1 */
	wr(VIRTIO_PCI_COMMON_STATUS, 1, 0x0B);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_STATUS, 1), 0x03);
	wr(VIRTIO_PCI_COMMON_MSIX, 2, NQ + 1); /* no such vector */
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_MSIX, 2), VIRTIO_NO_VECTOR);
	wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, NQ); /* no such queue */
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
	wr(VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
	wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 0);
	wr(VIRTIO_PCI_COMMON_Q_SIZE, 1, 4); /* a byte of a 16-bit register: dropped */
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QSIZE);
	wr(VIRTIO_PCI_COMMON_Q_SIZE, 2, 3);
	wr(VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1); /* a size that is not a power of two */
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	EXPECT_TRUE(rd(VIRTIO_PCI_COMMON_STATUS, 1) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	EXPECT_EQ(rd(VIRTIO_PCI_COMMON_STATUS, 1), 0);
	teardown();
}

TEST(an_ioeventfd_queue_is_served_by_its_thread_and_follows_the_bar)
{
	struct vdrv_sg sg = { 0, 8, true };
	uint64_t count = 0;
	uint32_t id, len;
	int fd = eventfd(0, EFD_NONBLOCK);

	ASSERT_TRUE(fd >= 0);
	setup();
	linux_probe();
	vp.notify_fd[0] = fd;
	sg.gpa = vdrv_alloc(&drv, 8, 8);
	vdrv_push(&drv, 0, &sg, 1, false);
	wr(VIRTIO_PCI_NOTIFY_OFF, 2, 0); /* the HSM did not take it: the eventfd is signalled */
	EXPECT_FALSE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_EQ(read(fd, &count, sizeof(count)), sizeof(count));
	EXPECT_EQ(count, 1);
	virtio_pci_queue_kick(&vp, 0); /* what the device thread does */
	EXPECT_TRUE(vdrv_used(&drv, 0, &id, &len));
	EXPECT_EQ(msis.data, 0x30);
	cfg_wr(DM_PCI_BAR0 + 4 * VIRTIO_PCI_BAR, 4, 0xE0000000);
	EXPECT_EQ(maps.mapped, true);
	EXPECT_EQ(maps.base, 0xE0000000 + VIRTIO_PCI_NOTIFY_OFF);
	cfg_wr(DM_PCI_COMMAND, 2, 0);
	EXPECT_EQ(maps.mapped, false);
	close(fd);
	teardown();
}

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

TEST(random_bar_and_config_accesses_never_crash)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	uint64_t s = 0x1234567890ABCDEFull;

	setup();
	linux_probe();
	for (int i = 0; i < 50000; i++) {
		uint64_t r = next_random(&s), v = next_random(&s);
		unsigned int size = sizes[r % 4];
		uint64_t off = (r >> 8) % (VIRTIO_PCI_NOTIFY_OFF + 0x40);

		if ((r >> 40) % 4 == 0)
			off = (r >> 8) % 0x40;
		if ((r >> 44) % 16 == 0) {
			cfg_wr((unsigned int)((r >> 8) % 0x100) & ~3u, 4, (uint32_t)v);
			cfg_wr(DM_PCI_COMMAND, 2, DM_PCI_COMMAND_MEMORY);
			cfg_wr(DM_PCI_BAR0 + 4 * VIRTIO_PCI_BAR, 4, (uint32_t)BAR_GPA);
			cfg_wr(DM_PCI_BAR0 + 4 * VIRTIO_PCI_BAR + 4, 4, 0);
		} else if ((r >> 48) & 1) {
			wr(off, size, v);
		} else {
			rd(off, size);
		}
	}
	EXPECT_EQ(vp.vd, &vd);
	EXPECT_TRUE(vd.nqueues == NQ);
	teardown();
}
