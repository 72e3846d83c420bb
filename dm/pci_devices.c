/* SPDX-License-Identifier: BSD-3-Clause */
/* The -s device table: each PCI device type cairn-dm offers, its options, and its life. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm/dm.h"
#include "dm/pci.h"
#include "dm/virtio_devices.h"
#include "dm/virtio_notify.h"
#include "dm/virtio_pci.h"

#define CLASS_STORAGE_OTHER 0x018000
#define CLASS_COMM_OTHER    0x078000
#define CLASS_OTHER	    0xFF0000

struct dm_pci_dev {
	const struct dm_pci_slot *slot;
	struct dm_pci_func *func;
	struct dm_pci_func hostbridge;
	struct virtio_dev *vd; /* NULL: not a virtio device */
	struct virtio_pci vp;
	struct virtio_notify notify;
	union {
		struct virtio_rng rng;
		struct virtio_blk blk;
		struct virtio_console console;
		struct virtio_net net;
	} dev;
	bool is_blk, is_net;
};

struct dm_pci_type {
	const char *name;
	int (*create)(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size);
};

static int no_options(const struct dm_pci_dev *d, char *err, size_t err_size)
{
	if (!d->slot->options[0])
		return 0;
	snprintf(err, err_size, "takes no options, not '%s'", d->slot->options);
	return -EINVAL;
}

static int hostbridge_create(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size)
{
	int e = no_options(d, err, err_size);

	if (e)
		return e;
	dm_pci_hostbridge_init(&d->hostbridge, &ctx->bus);
	d->hostbridge.dev = d->slot->slot;
	d->hostbridge.fn = d->slot->func;
	d->func = &d->hostbridge;
	return 0;
}

static int rng_create(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size)
{
	int e = no_options(d, err, err_size);

	if (e)
		return e;
	virtio_rng_init(&d->dev.rng, &ctx->mem);
	d->vd = &d->dev.rng.vd;
	return 0;
}

/* <image>[,ro] */
static int blk_create(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size)
{
	char path[sizeof(d->slot->options)];
	char *comma;
	bool ro = false;
	int e;

	strcpy(path, d->slot->options);
	comma = strchr(path, ',');
	if (comma) {
		*comma = '\0';
		if (strcmp(comma + 1, "ro") != 0) {
			snprintf(err, err_size, "unknown option '%s' (only ro)", comma + 1);
			return -EINVAL;
		}
		ro = true;
	}
	if (!path[0]) {
		snprintf(err, err_size, "needs a disk image: -s <slot>,virtio-blk,<file>[,ro]");
		return -EINVAL;
	}
	e = virtio_blk_open(&d->dev.blk, &ctx->mem, path, ro, err, err_size);
	if (e)
		return e;
	d->vd = &d->dev.blk.vd;
	d->is_blk = true;
	return 0;
}

static void console_output(void *opaque, const uint8_t *bytes, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, bytes, len);

		if (n <= 0)
			return; /* stdout gone: the guest's output is lost, the VM goes on */
		bytes += n;
		len -= (size_t)n;
	}
}

/* @stdio:stdio_port (acrn-dm's) or stdio: one port on cairn-dm's stdin and stdout. */
static int console_create(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size)
{
	const char *o = d->slot->options;

	if (strcmp(o, "@stdio:stdio_port") != 0 && strcmp(o, "stdio") != 0) {
		snprintf(err, err_size, "only @stdio:stdio_port or stdio, not '%s'", o);
		return -EINVAL;
	}
	if (ctx->cfg->com1_stdio || ctx->console) {
		snprintf(err, err_size,
			 "stdio is taken already (-l com1,stdio or another console)");
		return -EBUSY;
	}
	virtio_console_init(&d->dev.console, &ctx->mem, console_output, NULL);
	d->vd = &d->dev.console.vd;
	ctx->console = &d->dev.console;
	return 0;
}

/* One option of virtio-net: tap=<name>, a bare <name> (acrn-dm's older form), mac=<mac>. */
static int net_option(char *opt, const char **tap, uint8_t *mac, bool *mac_given, char *err,
		      size_t err_size)
{
	if (!strncmp(opt, "mac=", 4)) {
		if (virtio_net_parse_mac(opt + 4, mac)) {
			snprintf(err, err_size, "'%s': a unicast xx:xx:xx:xx:xx:xx, not all zeros",
				 opt);
			return -EINVAL;
		}
		*mac_given = true;
		return 0;
	}
	if (*tap) {
		snprintf(err, err_size, "'%s': one tap only", opt);
		return -EINVAL;
	}
	if (strchr(opt, '=') && strncmp(opt, "tap=", 4)) {
		snprintf(err, err_size, "unknown option '%s' (tap=<name>, mac=<mac>)", opt);
		return -EINVAL;
	}
	*tap = strncmp(opt, "tap=", 4) ? opt : opt + 4;
	return 0;
}

/* tap=<name>[,mac=<mac>] or <name>[,mac=<mac>]: a tap that exists already. */
static int net_create(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size)
{
	char opts[sizeof(d->slot->options)];
	const char *tap = NULL;
	uint8_t mac[VIRTIO_NET_MAC_LEN];
	bool mac_given = false;
	char *save = NULL;
	int e, fd;

	strcpy(opts, d->slot->options);
	for (char *opt = strtok_r(opts, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
		if ((e = net_option(opt, &tap, mac, &mac_given, err, err_size)))
			return e;
	if (!tap || !tap[0]) {
		snprintf(err, err_size, "needs a tap: -s <slot>,virtio-net,tap=<name>[,mac=<mac>]");
		return -EINVAL;
	}
	if (!mac_given)
		virtio_net_default_mac(ctx->cfg->vm_name, d->slot->slot, d->slot->func, mac);
	fd = virtio_net_open_tap(tap, err, err_size);
	if (fd < 0)
		return fd;
	e = virtio_net_init(&d->dev.net, &ctx->mem, fd, mac);
	d->is_net = true; /* closed with the device, whatever happens next */
	if (e) {
		snprintf(err, err_size, "cannot set up tap '%s': %s", tap, strerror(-e));
		return e;
	}
	d->vd = &d->dev.net.vd;
	return 0;
}

/* Every -s device type, by acrn-dm's names. */
static const struct dm_pci_type dm_pci_types[] = {
	{ "hostbridge", hostbridge_create },  { "virtio-blk", blk_create },
	{ "virtio-console", console_create }, { "virtio-rnd", rng_create },
	{ "virtio-net", net_create },
};

static const struct dm_pci_type *find_type(const char *name)
{
	for (size_t i = 0; i < sizeof(dm_pci_types) / sizeof(dm_pci_types[0]); i++)
		if (!strcmp(dm_pci_types[i].name, name))
			return &dm_pci_types[i];
	return NULL;
}

static uint32_t class_of(uint16_t type)
{
	switch (type) {
	case VIRTIO_ID_NET:
		return 0x020000;
	case VIRTIO_ID_BLOCK:
		return CLASS_STORAGE_OTHER;
	case VIRTIO_ID_CONSOLE:
		return CLASS_COMM_OTHER;
	default:
		return CLASS_OTHER;
	}
}

/* The virtio transport around d->vd, its notifications, its BAR placed. */
static int attach_virtio(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size)
{
	int e = virtio_pci_init(&d->vp, d->vd, &ctx->bus, d->slot->slot, d->slot->func,
				class_of(d->vd->type), dm_msi_send, &ctx->msi);

	if (!e)
		e = virtio_notify_init(&d->notify, &d->vp, &ctx->vm);
	if (e) {
		snprintf(err, err_size, "cannot set up its transport: %s", strerror(-e));
		return e;
	}
	d->func = &d->vp.func;
	return 0;
}

static int create_one(struct dm_ctx *ctx, const struct dm_pci_slot *s)
{
	const struct dm_pci_type *t = find_type(s->type);
	struct dm_pci_dev *d;
	char err[256] = "";
	int e;

	if (!t) {
		fprintf(stderr,
			"cairn-dm: -s %u:%u,%s: unknown device (hostbridge, virtio-blk, "
			"virtio-console, virtio-rnd, virtio-net)\n",
			s->slot, s->func, s->type);
		return -1;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	d->slot = s;
	ctx->pci[ctx->npci++] = d;
	e = t->create(ctx, d, err, sizeof(err));
	if (!e && d->vd)
		e = attach_virtio(ctx, d, err, sizeof(err));
	if (!e && dm_pci_func_place_bars(d->func, &ctx->pci_bar_next,
					 DM_PCI_MMIO32_BASE + DM_PCI_MMIO32_SIZE)) {
		snprintf(err, sizeof(err), "no room left for its BARs in the PCI window");
		e = -ENOSPC;
	}
	if (!e && dm_pci_func_register(d->func)) {
		snprintf(err, sizeof(err), "cannot add its configuration space");
		e = -EEXIST;
	}
	if (e)
		fprintf(stderr, "cairn-dm: -s %u:%u,%s: %s\n", s->slot, s->func, s->type, err);
	return e ? -1 : 0;
}

int dm_pci_devices_create(struct dm_ctx *ctx)
{
	ctx->pci_bar_next = DM_PCI_MMIO32_BASE;
	dm_msi_init(&ctx->msi, &ctx->vm, ctx->cfg->virtio_irqfd);
	for (unsigned int i = 0; i < ctx->cfg->npci_slots; i++)
		if (create_one(ctx, &ctx->cfg->pci_slots[i]))
			return -1;
	return 0;
}

int dm_pci_devices_start(struct dm_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->npci; i++) {
		struct dm_pci_dev *d = ctx->pci[i];
		int e = d->vd ? virtio_notify_start(&d->notify) : 0;

		if (!e && d->is_net)
			e = virtio_net_start(&d->dev.net);

		if (e) {
			fprintf(stderr, "cairn-dm: %s: no device thread: %s\n", d->slot->type,
				strerror(-e));
			return -1;
		}
	}
	return 0;
}

static void print_net_stats(struct dm_pci_dev *d)
{
	struct virtio_net *n = &d->dev.net;

	virtio_net_stop(n);
	fprintf(stderr,
		"cairn-dm: virtio-net at %u:%u: %" PRIu64 " frames in, %" PRIu64
		" out; dropped: %" PRIu64 " too long for their buffer, %" PRIu64
		" at a reset, %" PRIu64 " malformed to send, %" PRIu64
		" refused by the tap; %" PRIu64 " bad receive chains\n",
		d->slot->slot, d->slot->func, n->rx_frames, n->tx_frames, n->rx_too_big, n->rx_lost,
		n->tx_malformed, n->tx_errors, n->rx_bad_chains);
}

void dm_pci_devices_stop(struct dm_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->npci; i++) {
		struct dm_pci_dev *d = ctx->pci[i];

		if (!d->vd)
			continue;
		virtio_notify_stop(&d->notify);
		if (d->is_net)
			print_net_stats(d);
		fprintf(stderr,
			"cairn-dm: %s at %u:%u: %" PRIu64 " queue services, %" PRIu64
			" ioeventfds refused (last %d), %" PRIu64 " resets needed%s%s\n",
			d->slot->type, d->slot->slot, d->slot->func, d->notify.kicks,
			d->notify.refused, d->notify.last_error, d->vd->failures,
			d->vd->failure[0] ? ": " : "", d->vd->failure);
	}
	if (ctx->npci)
		fprintf(stderr,
			"cairn-dm: MSIs: %" PRIu64 " injected, %" PRIu64 " through irqfds, %" PRIu64
			" failed\n",
			ctx->msi.injected, ctx->msi.signalled, ctx->msi.failed);
}

void dm_pci_devices_reset(struct dm_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->npci; i++) {
		struct virtio_dev *vd = ctx->pci[i]->vd;

		if (!vd)
			continue;
		pthread_mutex_lock(&vd->lock);
		virtio_dev_reset(vd); /* queues off: no thread touches the old guest's rings */
		pthread_mutex_unlock(&vd->lock);
	}
}

void dm_pci_devices_destroy(struct dm_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->npci; i++) {
		if (ctx->pci[i]->notify.vp)
			virtio_notify_stop(&ctx->pci[i]->notify); /* again is harmless */
		if (ctx->pci[i]->is_blk)
			virtio_blk_close(&ctx->pci[i]->dev.blk);
		if (ctx->pci[i]->is_net)
			virtio_net_close(&ctx->pci[i]->dev.net);
		free(ctx->pci[i]);
		ctx->pci[i] = NULL;
	}
	ctx->npci = 0;
	ctx->console = NULL;
	dm_msi_close(&ctx->msi);
}
