/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the -s device table (dm/pci_devices.c): what each type makes, and every refusal. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm/dm.h"
#include "dm/options.h"
#include "dm/virtio_pci.h"
#include "harness.h"

static struct dm_config cfg;
static struct dm_ctx ctx;
static char disk[64];

static void slot(const char *text)
{
	char err[128];

	if (dm_parse_pci_slot(text, &cfg.pci_slots[cfg.npci_slots++], err, sizeof(err)))
		abort();
}

static void setup(void)
{
	int fd;

	memset(&cfg, 0, sizeof(cfg));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.vm.fd = -1; /* no HSM: every ioeventfd and irqfd is refused */
	dm_bus_init(&ctx.bus);
	ctx.mem.hva = calloc(1, 1 << 20);
	ctx.mem.size = 1 << 20;
	strcpy(disk, "/tmp/cairn-pcidev-XXXXXX");
	fd = mkstemp(disk);
	if (fd < 0 || ftruncate(fd, 1 << 20))
		abort();
	close(fd);
}

static void teardown(void)
{
	dm_pci_devices_destroy(&ctx);
	free(ctx.mem.hva);
	unlink(disk);
}

static uint32_t cfg_rd(unsigned int dev, unsigned int reg)
{
	struct dm_access a = { .space = DM_SPACE_PCI_CFG,
			       .addr = DM_PCI_CFG_ADDR(0, dev, 0, reg),
			       .size = 4 };

	dm_bus_access(&ctx.bus, &a);
	return (uint32_t)a.value;
}

TEST(the_issue_s_options_make_their_devices)
{
	char blk[96];

	setup();
	snprintf(blk, sizeof(blk), "3,virtio-blk,%s", disk);
	slot("0:0,hostbridge");
	slot(blk);
	slot("5,virtio-console,@stdio:stdio_port");
	slot("6,virtio-rnd");
	ASSERT_EQ(dm_pci_devices_create(&ctx), 0);
	EXPECT_EQ(cfg_rd(0, 0), 0x0B00CA12u);
	EXPECT_EQ(cfg_rd(0, 8) >> 8, 0x060000);
	EXPECT_EQ(cfg_rd(3, 0), 0x10421AF4u);
	EXPECT_EQ(cfg_rd(5, 0), 0x10431AF4u);
	EXPECT_EQ(cfg_rd(6, 0), 0x10441AF4u);
	EXPECT_EQ(cfg_rd(4, 0), 0xFFFFFFFFu); /* nothing there */
	EXPECT_NOT_NULL(ctx.console);
	/* Each BAR placed apart in the window, as firmware would. */
	EXPECT_EQ(cfg_rd(3, 0x20) & ~0xFu, DM_PCI_MMIO32_BASE);
	EXPECT_EQ(cfg_rd(5, 0x20) & ~0xFu, DM_PCI_MMIO32_BASE + VIRTIO_PCI_BAR_SIZE);
	EXPECT_EQ(cfg_rd(6, 0x20) & ~0xFu, DM_PCI_MMIO32_BASE + 2 * VIRTIO_PCI_BAR_SIZE);
	teardown();
}

/* How many of this process's eventfds are readable; *count gets the last one's counter. */
static int signalled_eventfds(uint64_t *count)
{
	int found = 0;

	for (int fd = 3; fd < 256; fd++) {
		char link[64], target[64];
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strstr(target, "eventfd") && poll(&p, 1, 0) == 1 && read(fd, count, 8) == 8)
			found++;
	}
	return found;
}

TEST(a_refused_ioeventfd_falls_back_to_the_request_path)
{
	struct dm_access a = { .space = DM_SPACE_PCI_CFG,
			       .addr = DM_PCI_CFG_ADDR(0, 6, 0, DM_PCI_COMMAND),
			       .size = 2,
			       .write = true,
			       .value = DM_PCI_COMMAND_MEMORY };
	struct dm_access notify = { .space = DM_SPACE_MMIO,
				    .addr = DM_PCI_MMIO32_BASE + VIRTIO_PCI_NOTIFY_OFF,
				    .size = 2,
				    .write = true };
	uint64_t count = 0;

	setup();
	slot("6,virtio-rnd");
	ASSERT_EQ(dm_pci_devices_create(&ctx), 0);
	dm_bus_access(&ctx.bus, &a); /* memory on: the notify area is decoded */
	EXPECT_EQ(ctx.npci, 1);
	dm_bus_access(&ctx.bus, &notify);
	/* The eventfd of queue 0 was signalled by cairn-dm itself: exactly one eventfd is
	 * readable now (the device's private state is not visible here, its fds are). */
	EXPECT_EQ(signalled_eventfds(&count), 1);
	EXPECT_EQ(count, 1);
	teardown();
}

TEST(a_vm_reset_resets_every_virtio_device)
{
	struct dm_access on = { .space = DM_SPACE_PCI_CFG,
				.addr = DM_PCI_CFG_ADDR(0, 6, 0, DM_PCI_COMMAND),
				.size = 2,
				.write = true,
				.value = DM_PCI_COMMAND_MEMORY };
	struct dm_access status = { .space = DM_SPACE_MMIO,
				    .addr = DM_PCI_MMIO32_BASE + VIRTIO_PCI_COMMON_STATUS,
				    .size = 1,
				    .write = true,
				    .value = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER };

	setup();
	slot("6,virtio-rnd");
	ASSERT_EQ(dm_pci_devices_create(&ctx), 0);
	dm_bus_access(&ctx.bus, &on);
	dm_bus_access(&ctx.bus, &status);
	status.write = false;
	dm_bus_access(&ctx.bus, &status);
	EXPECT_EQ(status.value, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	dm_pci_devices_reset(&ctx);
	dm_bus_access(&ctx.bus, &status);
	EXPECT_EQ(status.value, 0);
	teardown();
}

TEST(bad_devices_are_refused_with_one_line)
{
	static const char *const bad[] = {
		"3,virtio-blk,/nonexistent/disk.img",
		"3,virtio-blk,",
		"3,virtio-gpu",
		"3,virtio-rnd,fast",
		"3,virtio-console,@pty:pty_port",
		"3,virtio-net,tap=cairn-absent0", /* no such tap: never created */
		"3,virtio-net,cairn-absent0",
		"3,virtio-net",
		"3,virtio-net,mac=02:00:00:00:00:01",
		"3,virtio-net,tap=a,tap=b",
		"3,virtio-net,tap=../lo",
		"3,virtio-net,tap=lo,mac=01:00:00:00:00:01",
		"3,virtio-net,tap=lo,vhost=on",
		"3,virtio-net,tap=lo", /* not a tap */
		"3,hostbridge,x",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup();
		slot(bad[i]);
		EXPECT_EQ(dm_pci_devices_create(&ctx), -1);
		teardown();
	}
	setup();
	cfg.com1_stdio = true; /* stdio taken */
	slot("5,virtio-console,stdio");
	EXPECT_EQ(dm_pci_devices_create(&ctx), -1);
	teardown();
}
