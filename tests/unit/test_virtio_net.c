/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for virtio-net: a SEQPACKET socket pair stands in for the tap, the test driver for Linux. */
#define _GNU_SOURCE /* unshare() */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dm/virtio_devices.h"
#include "harness.h"
#include "virtio_driver.h"

#define RAM   (4u << 20)
#define QSIZE 16
#define RXQ   0
#define TXQ   1
#define HDR   VIRTIO_NET_HDR_LEN

static struct vdrv drv;
static struct virtio_net net;
static int host_fd; /* the "tap"'s other end: what the host network sees */
static const uint8_t test_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static void setup(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		abort();
	host_fd = sv[1];
	vdrv_init(&drv, RAM);
	if (virtio_net_init(&net, &drv.mem, sv[0], test_mac))
		abort();
	vdrv_start(&drv, &net.vd, 2, QSIZE);
	if (virtio_net_start(&net))
		abort();
}

static void teardown(void)
{
	virtio_net_close(&net);
	if (host_fd >= 0)
		close(host_fd);
	vdrv_free(&drv);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The driver's side runs while the receive thread may be in the rings: under the device lock. */
static void push(unsigned int q, const struct vdrv_sg *sg, unsigned int n)
{
	pthread_mutex_lock(&net.vd.lock);
	vdrv_push(&drv, q, sg, n, false);
	pthread_mutex_unlock(&net.vd.lock);
}

static void kick(unsigned int q)
{
	pthread_mutex_lock(&net.vd.lock);
	net.vd.ops->queue_notify(&net.vd, q);
	pthread_mutex_unlock(&net.vd.lock);
}

static bool used(unsigned int q, uint32_t *id, uint32_t *len)
{
	bool got;

	pthread_mutex_lock(&net.vd.lock);
	got = vdrv_used(&drv, q, id, len);
	pthread_mutex_unlock(&net.vd.lock);
	return got;
}

/* Waits up to two seconds for a used entry of q. */
static bool wait_used(unsigned int q, uint32_t *id, uint32_t *len)
{
	for (int i = 0; i < 2000; i++) {
		if (used(q, id, len))
			return true;
		sleep_ms(1);
	}
	return false;
}

static uint64_t rx_buffer(uint32_t len)
{
	struct vdrv_sg sg = { vdrv_alloc(&drv, len, 16), len, true };

	memset(vdrv_hva(&drv, sg.gpa), 0xEE, len);
	push(RXQ, &sg, 1);
	return sg.gpa;
}

static void frame_of(uint8_t *f, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

TEST(config_offers_mac_link_up_and_one_pair)
{
	uint8_t cfg[VIRTIO_NET_CFG_SIZE];

	setup();
	EXPECT_TRUE(net.vd.device_features & VIRTIO_BIT(VIRTIO_NET_F_MAC));
	EXPECT_TRUE(net.vd.device_features & VIRTIO_BIT(VIRTIO_NET_F_STATUS));
	EXPECT_FALSE(net.vd.device_features & (1ull << 15)); /* no MRG_RXBUF */
	EXPECT_FALSE(net.vd.device_features & 1ull);	     /* no CSUM: headers are plain */
	EXPECT_EQ(net.vd.config_size, 10);
	net.vd.ops->config_read(&net.vd, 0, cfg, sizeof(cfg));
	EXPECT_MEMEQ(cfg, test_mac, 6);
	EXPECT_EQ(cfg[6] | cfg[7] << 8, VIRTIO_NET_S_LINK_UP);
	EXPECT_EQ(cfg[8] | cfg[9] << 8, 1);
	net.vd.ops->config_read(&net.vd, 6, cfg, 2);
	EXPECT_EQ(cfg[0], 1);
	teardown();
}

TEST(transmit_sends_each_chain_as_one_frame_without_its_header)
{
	struct vdrv_sg sg[3];
	uint8_t want[1500], got[2000];
	uint32_t id, len;

	setup();
	frame_of(want, sizeof(want), 3);
	sg[0] = (struct vdrv_sg){ vdrv_alloc(&drv, HDR, 16), HDR, false };
	sg[1] = (struct vdrv_sg){ vdrv_alloc(&drv, 700, 16), 700, false };
	sg[2] = (struct vdrv_sg){ vdrv_alloc(&drv, 800, 16), 800, false };
	memset(vdrv_hva(&drv, sg[0].gpa), 0, HDR);
	memcpy(vdrv_hva(&drv, sg[1].gpa), want, 700);
	memcpy(vdrv_hva(&drv, sg[2].gpa), want + 700, 800);
	push(TXQ, sg, 3);
	/* a second frame with the header and data in one buffer, as Linux sends small ones */
	sg[0] = (struct vdrv_sg){ vdrv_alloc(&drv, HDR + 60, 16), HDR + 60, false };
	memset(vdrv_hva(&drv, sg[0].gpa), 0, HDR);
	memcpy((uint8_t *)vdrv_hva(&drv, sg[0].gpa) + HDR, want + 100, 60);
	push(TXQ, sg, 1);
	kick(TXQ);
	EXPECT_EQ(recv(host_fd, got, sizeof(got), MSG_DONTWAIT), 1500);
	EXPECT_MEMEQ(got, want, 1500);
	EXPECT_EQ(recv(host_fd, got, sizeof(got), MSG_DONTWAIT), 60);
	EXPECT_MEMEQ(got, want + 100, 60);
	EXPECT_EQ(recv(host_fd, got, sizeof(got), MSG_DONTWAIT), -1);
	EXPECT_TRUE(used(TXQ, &id, &len));
	EXPECT_EQ(len, 0);
	EXPECT_TRUE(used(TXQ, &id, &len));
	EXPECT_EQ(net.tx_frames, 2);
	teardown();
}

TEST(receive_puts_a_zeroed_header_and_the_frame_byte_exact)
{
	uint8_t frame[1514], hdr[HDR] = { 0 };
	uint64_t gpa;
	uint32_t id, len;

	setup();
	gpa = rx_buffer(HDR + 1518);
	kick(RXQ);
	frame_of(frame, sizeof(frame), 9);
	ASSERT_EQ(send(host_fd, frame, sizeof(frame), 0), sizeof(frame));
	ASSERT_TRUE(wait_used(RXQ, &id, &len));
	EXPECT_EQ(len, HDR + sizeof(frame));
	hdr[10] = 1; /* num_buffers */
	EXPECT_MEMEQ(vdrv_hva(&drv, gpa), hdr, HDR);
	EXPECT_MEMEQ((uint8_t *)vdrv_hva(&drv, gpa) + HDR, frame, sizeof(frame));
	EXPECT_EQ(*((uint8_t *)vdrv_hva(&drv, gpa) + HDR + sizeof(frame)), 0xEE);
	EXPECT_EQ(net.rx_frames, 1);
	teardown();
}

TEST(a_full_receive_ring_leaves_frames_in_the_tap_and_loses_none)
{
	enum {
		FRAMES = 40,
		LEN = 200
	};
	uint64_t gpa[FRAMES];
	uint8_t frame[LEN];
	unsigned int got = 0;
	uint32_t id, len;

	setup();
	for (unsigned int i = 0; i < FRAMES; i++) {
		frame_of(frame, LEN, (uint8_t)i);
		ASSERT_EQ(send(host_fd, frame, LEN, 0), LEN);
	}
	for (unsigned int round = 0; got < FRAMES && round < FRAMES; round++) {
		unsigned int want = got + 3 < FRAMES ? 3 : FRAMES - got, first = got;

		for (unsigned int i = 0; i < want; i++)
			gpa[first + i] = rx_buffer(HDR + LEN);
		kick(RXQ);
		while (got < first + want && wait_used(RXQ, &id, &len)) {
			EXPECT_EQ(len, HDR + LEN);
			got++;
		}
		sleep_ms(20); /* no buffer now: nothing more may be taken from the "tap" */
		EXPECT_FALSE(used(RXQ, &id, &len));
	}
	EXPECT_EQ(got, FRAMES);
	for (unsigned int i = 0; i < FRAMES; i++) {
		frame_of(frame, LEN, (uint8_t)i);
		EXPECT_MEMEQ((uint8_t *)vdrv_hva(&drv, gpa[i]) + HDR, frame, LEN);
	}
	EXPECT_EQ(net.rx_frames, FRAMES);
	EXPECT_EQ(net.rx_lost + net.rx_too_big, 0);
	teardown();
}

TEST(malformed_transmit_chains_are_dropped_and_counted)
{
	struct vdrv_sg sg[3];
	uint8_t got[16];
	uint32_t id, len;

	setup();
	sg[0] = (struct vdrv_sg){ vdrv_alloc(&drv, 8, 16), 8, false }; /* shorter than the header */
	push(TXQ, sg, 1);
	sg[0] = (struct vdrv_sg){ vdrv_alloc(&drv, HDR + 10, 16), HDR + 10, false }; /* no frame */
	push(TXQ, sg, 1);
	for (unsigned int i = 0; i < 3; i++) /* 90000 bytes: longer than 64 KiB + header */
		sg[i] = (struct vdrv_sg){ vdrv_alloc(&drv, 30000, 16), 30000, false };
	push(TXQ, sg, 3);
	sg[0] = (struct vdrv_sg){ vdrv_alloc(&drv, 64, 16), 64, true }; /* nothing readable */
	push(TXQ, sg, 1);
	kick(TXQ);
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_TRUE(used(TXQ, &id, &len));
		EXPECT_EQ(len, 0);
	}
	EXPECT_EQ(net.tx_malformed, 4);
	EXPECT_EQ(net.tx_frames, 0);
	EXPECT_EQ(recv(host_fd, got, sizeof(got), MSG_DONTWAIT), -1);
	EXPECT_EQ(net.vd.failures, 0);
	teardown();
}

TEST(bad_receive_chains_and_frames_too_long_for_their_buffer)
{
	struct vdrv_sg sg = { 0, 64, false };
	uint8_t frame[100];
	uint64_t gpa;
	uint32_t id, len;

	setup();
	sg.gpa = vdrv_alloc(&drv, 64, 16); /* a readable buffer on the receive queue */
	push(RXQ, &sg, 1);
	sg = (struct vdrv_sg){ vdrv_alloc(&drv, 8, 16), 8, true }; /* no room for a header */
	push(RXQ, &sg, 1);
	gpa = rx_buffer(HDR + 20);
	kick(RXQ);
	ASSERT_TRUE(wait_used(RXQ, &id, &len));
	EXPECT_EQ(len, 0);
	ASSERT_TRUE(wait_used(RXQ, &id, &len));
	EXPECT_EQ(len, 0);
	EXPECT_EQ(net.rx_bad_chains, 2);
	frame_of(frame, sizeof(frame), 1);
	ASSERT_EQ(send(host_fd, frame, sizeof(frame), 0), sizeof(frame)); /* too long: dropped */
	ASSERT_EQ(send(host_fd, frame, 20, 0), 20);			  /* fits the same chain */
	ASSERT_TRUE(wait_used(RXQ, &id, &len));
	EXPECT_EQ(len, HDR + 20);
	EXPECT_MEMEQ((uint8_t *)vdrv_hva(&drv, gpa) + HDR, frame, 20);
	EXPECT_EQ(net.rx_too_big, 1);
	EXPECT_EQ(net.vd.failures, 0);
	teardown();
}

TEST(a_reset_takes_the_held_chain_away_and_frames_wait)
{
	uint8_t frame[60], before[HDR + 60];
	uint64_t gpa;
	uint32_t id, len;

	setup();
	gpa = rx_buffer(HDR + 60);
	kick(RXQ);
	sleep_ms(20); /* the thread holds the chain now */
	pthread_mutex_lock(&net.vd.lock);
	virtio_dev_reset(&net.vd);
	pthread_mutex_unlock(&net.vd.lock);
	memcpy(before, vdrv_hva(&drv, gpa), sizeof(before));
	frame_of(frame, sizeof(frame), 5);
	ASSERT_EQ(send(host_fd, frame, sizeof(frame), 0), sizeof(frame));
	sleep_ms(50);
	EXPECT_MEMEQ(vdrv_hva(&drv, gpa), before, sizeof(before)); /* old rings untouched */
	EXPECT_EQ(net.rx_frames, 0);
	EXPECT_EQ(net.rx_lost, 0);
	/* the driver starts again: the frame that waited in the "tap" arrives, in the new ring */
	pthread_mutex_lock(&net.vd.lock);
	vdrv_start(&drv, &net.vd, 2, QSIZE);
	pthread_mutex_unlock(&net.vd.lock);
	gpa = rx_buffer(HDR + 60);
	kick(RXQ);
	ASSERT_TRUE(wait_used(RXQ, &id, &len));
	EXPECT_EQ(len, HDR + 60);
	EXPECT_MEMEQ((uint8_t *)vdrv_hva(&drv, gpa) + HDR, frame, 60);
	EXPECT_EQ(net.rx_lost, 0);
	teardown();
}

TEST(the_backend_closing_stops_receiving_not_the_device)
{
	uint32_t id, len;

	setup();
	rx_buffer(HDR + 100);
	kick(RXQ);
	close(host_fd);
	sleep_ms(30);
	EXPECT_TRUE(net.backend_dead);
	EXPECT_FALSE(used(RXQ, &id, &len));
	host_fd = -1;
	teardown();
}

TEST(default_macs_are_stable_local_unicast_and_differ_by_slot)
{
	uint8_t a[6], b[6], c[6], d[6];

	virtio_net_default_mac("vm1", 4, 0, a);
	virtio_net_default_mac("vm1", 4, 0, b);
	virtio_net_default_mac("vm1", 5, 0, c);
	virtio_net_default_mac("vm2", 4, 0, d);
	EXPECT_MEMEQ(a, b, 6);
	EXPECT_TRUE(memcmp(a, c, 6) != 0);
	EXPECT_TRUE(memcmp(a, d, 6) != 0);
	EXPECT_EQ(a[0] & 3, 2); /* locally administered, not multicast */
}

TEST(mac_option_parsing)
{
	uint8_t m[6];
	static const char *const bad[] = { "",
					   "02:00:00:00:00",
					   "02:00:00:00:00:0",
					   "02:00:00:00:00:001",
					   "01:00:00:00:00:01",
					   "00:00:00:00:00:00",
					   "02-00-00-00-00-01",
					   "0g:00:00:00:00:01" };

	EXPECT_EQ(virtio_net_parse_mac("02:aB:cd:00:10:ff", m), 0);
	EXPECT_MEMEQ(m, "\x02\xab\xcd\x00\x10\xff", 6);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(virtio_net_parse_mac(bad[i], m), -EINVAL);
}

TEST(taps_that_do_not_exist_or_are_not_taps_are_one_clear_error)
{
	char err[256];

	EXPECT_EQ(virtio_net_open_tap("cairn-absent0", err, sizeof(err)), -ENODEV);
	EXPECT_TRUE(strstr(err, "no tap 'cairn-absent0'") != NULL);
	EXPECT_EQ(virtio_net_open_tap("../lo", err, sizeof(err)), -EINVAL);
	EXPECT_EQ(virtio_net_open_tap("", err, sizeof(err)), -EINVAL);
	EXPECT_EQ(virtio_net_open_tap("a-name-far-too-long", err, sizeof(err)), -EINVAL);
	if (access("/sys/class/net/lo", F_OK) == 0) {
		EXPECT_EQ(virtio_net_open_tap("lo", err, sizeof(err)), -ENODEV);
		EXPECT_TRUE(strstr(err, "not a tap") != NULL);
	}
}

/* ----- a real tap, in a network namespace of this test's own (root only) ----- */

#define TEST_ETHERTYPE 0x88B5 /* IEEE local experimental: nothing else sends it */

/* A private network and mount namespace with its own /sys, so the tap is seen and dies with us. */
static bool private_network(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET | CLONE_NEWNS))
		return false;
	return mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
	       mount("sysfs", "/sys", "sysfs", 0, NULL) == 0;
}

static int make_tap(const char *name, bool persist)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR);

	strcpy(ifr.ifr_name, name);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) || (persist && ioctl(fd, TUNSETPERSIST, 1)))
		return -1;
	if (persist)
		close(fd);
	return fd;
}

static void link_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	strcpy(ifr.ifr_name, name);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		abort();
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		abort();
	close(s);
}

static void test_frame(uint8_t *f, size_t len, const uint8_t *src, uint8_t seed)
{
	frame_of(f, len, seed);
	memset(f, 0xFF, 6); /* broadcast */
	memcpy(f + 6, src, 6);
	f[12] = TEST_ETHERTYPE >> 8;
	f[13] = TEST_ETHERTYPE & 0xFF;
}

TEST(frames_cross_a_real_tap_both_ways)
{
	static const uint8_t host_mac[6] = { 0x02, 0x99, 0x88, 0x77, 0x66, 0x55 };
	uint8_t want[300], got[2048];
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	uint64_t gpa[8];
	char err[256];
	int tap_fd, pkt, held;
	bool found = false;

	if (!private_network()) {
		printf("# frames_cross_a_real_tap_both_ways: not root or no namespaces: only the "
		       "socket-pair tests ran\n");
		return;
	}
	ASSERT_TRUE(make_tap("ctap0", true) < 0 ? false : true);
	link_up("ctap0");
	tap_fd = virtio_net_open_tap("ctap0", err, sizeof(err));
	ASSERT_TRUE(tap_fd >= 0);
	held = virtio_net_open_tap("ctap0", err, sizeof(err)); /* one user at a time */
	EXPECT_EQ(held, -EBUSY);
	EXPECT_TRUE(strstr(err, "another program") != NULL);
	ll.sll_ifindex = (int)if_nametoindex("ctap0");
	pkt = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	ASSERT_TRUE(pkt >= 0 && bind(pkt, (struct sockaddr *)&ll, sizeof(ll)) == 0);

	vdrv_init(&drv, RAM);
	ASSERT_EQ(virtio_net_init(&net, &drv.mem, tap_fd, test_mac), 0);
	vdrv_start(&drv, &net.vd, 2, QSIZE);
	ASSERT_EQ(virtio_net_start(&net), 0);
	host_fd = -1;

	/* guest to host: the frame comes in on ctap0 as the host's packet socket sees it */
	{
		struct vdrv_sg sg = { vdrv_alloc(&drv, HDR + sizeof(want), 16), HDR + sizeof(want),
				      false };

		test_frame(want, sizeof(want), test_mac, 1);
		memset(vdrv_hva(&drv, sg.gpa), 0, HDR);
		memcpy((uint8_t *)vdrv_hva(&drv, sg.gpa) + HDR, want, sizeof(want));
		push(TXQ, &sg, 1);
		kick(TXQ);
	}
	for (int i = 0; i < 50 && !found; i++) {
		struct pollfd p = { .fd = pkt, .events = POLLIN };
		ssize_t n = poll(&p, 1, 100) == 1 ? recv(pkt, got, sizeof(got), 0) : 0;

		found = n == (ssize_t)sizeof(want) && !memcmp(got, want, sizeof(want));
	}
	EXPECT_TRUE(found);
	EXPECT_EQ(net.tx_frames, 1);

	/* host to guest: sent out of ctap0, read from the tap into a receive buffer */
	for (unsigned int i = 0; i < 8; i++)
		gpa[i] = rx_buffer(HDR + 1518);
	kick(RXQ);
	test_frame(want, sizeof(want), host_mac, 2);
	ASSERT_EQ(sendto(pkt, want, sizeof(want), 0, (struct sockaddr *)&ll, sizeof(ll)),
		  sizeof(want));
	found = false;
	for (unsigned int i = 0; i < 8 && !found; i++) {
		uint32_t id, len;
		const uint8_t *b;

		if (!wait_used(RXQ, &id, &len))
			break;
		b = (const uint8_t *)vdrv_hva(&drv, gpa[i]) +
		    HDR; /* used in order: one per frame */
		found = len == HDR + sizeof(want) && !memcmp(b, want, sizeof(want));
	}
	EXPECT_TRUE(found); /* among whatever else the kernel sent (IPv6 neighbour discovery) */
	close(pkt);
	teardown();
}
