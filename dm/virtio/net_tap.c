/* SPDX-License-Identifier: BSD-3-Clause */
/* virtio-net's host side: attaching to an existing tap, and the device's MAC address. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm/virtio_devices.h"

#define TUN_DEVICE "/dev/net/tun"

/* 1-15 characters a network interface name may hold, none that would leave /sys/class/net. */
static bool valid_ifname(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

static bool sys_net_has(const char *name, const char *file)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s%s%s", name, file[0] ? "/" : "", file);
	return stat(path, &st) == 0;
}

/* The interface exists and is a tun/tap one: 0, or -errno with err saying why. */
static int check_existing_tap(const char *name, char *err, size_t err_size)
{
	if (!valid_ifname(name)) {
		snprintf(err, err_size, "'%s' is not an interface name (1-15 of A-Z a-z 0-9 . _ -)",
			 name);
		return -EINVAL;
	}
	if (!sys_net_has(name, "")) {
		snprintf(err, err_size,
			 "no tap '%s': create it first (/usr/lib/cairn/tap-setup, tunctl -t %s, "
			 "or ip tuntap add %s mode tap)",
			 name, name, name);
		return -ENODEV;
	}
	if (!sys_net_has(name, "tun_flags")) {
		snprintf(err, err_size, "'%s' is not a tap device", name);
		return -ENODEV;
	}
	return 0;
}

int virtio_net_open_tap(const char *name, char *err, size_t err_size)
{
	struct ifreq ifr;
	int e = check_existing_tap(name, err, err_size);
	int fd;

	if (e)
		return e;
	fd = open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		snprintf(err, err_size, "cannot open %s: %s (is the tun module loaded?)",
			 TUN_DEVICE, strerror(-e));
		return e;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = -errno;
		snprintf(err, err_size, "cannot attach to tap '%s': %s%s", name, strerror(-e),
			 e == -EBUSY	? " (another program has it)"
			 : e == -EINVAL ? " (a tun, or a tap made with other flags?)"
					: "");
		close(fd);
		return e;
	}
	return fd;
}

void virtio_net_default_mac(const char *vm_name, uint8_t slot, uint8_t func,
			    uint8_t mac[VIRTIO_NET_MAC_LEN])
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, 64-bit */
	uint8_t tail[2] = { slot, func };

	for (const char *p = vm_name ? vm_name : ""; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	for (unsigned int i = 0; i < sizeof(tail); i++)
		h = (h ^ tail[i]) * 0x100000001b3ull;
	mac[0] = 0x02; /* locally administered, unicast */
	for (unsigned int i = 1; i < VIRTIO_NET_MAC_LEN; i++)
		mac[i] = (uint8_t)(h >> (8 * (i - 1)));
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int virtio_net_parse_mac(const char *text, uint8_t mac[VIRTIO_NET_MAC_LEN])
{
	uint8_t any = 0;

	if (strlen(text) != 3 * VIRTIO_NET_MAC_LEN - 1)
		return -EINVAL;
	for (unsigned int i = 0; i < VIRTIO_NET_MAC_LEN; i++) {
		const char *p = text + 3 * i;
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0 || (i + 1 < VIRTIO_NET_MAC_LEN && p[2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		any |= mac[i];
	}
	return (mac[0] & 1) || !any ? -EINVAL : 0;
}
