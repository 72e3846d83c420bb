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
	} dev;
	bool is_blk;
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

static int net_create(struct dm_ctx *ctx, struct dm_pci_dev *d, char *err, size_t err_size)
{
	snprintf(err, err_size, "not available in this cairn-dm yet");
	return -ENOSYS;
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

		if (e) {
			fprintf(stderr, "cairn-dm: %s: no device thread: %s\n", d->slot->type,
				strerror(-e));
			return -1;
		}
	}
	return 0;
}

void dm_pci_devices_stop(struct dm_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->npci; i++) {
		struct dm_pci_dev *d = ctx->pci[i];

		if (!d->vd)
			continue;
		virtio_notify_stop(&d->notify);
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

void dm_pci_devices_destroy(struct dm_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->npci; i++) {
		if (ctx->pci[i]->notify.vp)
			virtio_notify_stop(&ctx->pci[i]->notify); /* again is harmless */
		if (ctx->pci[i]->is_blk)
			virtio_blk_close(&ctx->pci[i]->dev.blk);
		free(ctx->pci[i]);
		ctx->pci[i] = NULL;
	}
	ctx->npci = 0;
	ctx->console = NULL;
	dm_msi_close(&ctx->msi);
}
