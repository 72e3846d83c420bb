/* SPDX-License-Identifier: BSD-3-Clause */
/* The device table: every device cairn-dm can give a User VM, in the order they are created. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "cairn/acrn.h"
#include "cairn/testdev.h"
#include "dm/dm.h"

/*
 * One entry per device: when the configuration wants it, and how it joins the bus. The -s PCI
 * devices are one entry here; their own table, by acrn-dm's names, is in dm/pci_devices.c.
 */
struct dm_device_type {
	const char *name;
	bool (*wanted)(const struct dm_config *cfg);
	int (*create)(struct dm_ctx *ctx);
};

static bool always(const struct dm_config *cfg)
{
	return true;
}

static bool want_debugexit(const struct dm_config *cfg)
{
	return cfg->debugexit;
}

static bool want_com1(const struct dm_config *cfg)
{
	return cfg->com1_stdio;
}

static bool want_testdev(const struct dm_config *cfg)
{
	return cfg->testdev;
}

static int add(struct dm_ctx *ctx, struct dm_region r)
{
	int err = dm_bus_add(&ctx->bus, &r);

	if (err)
		fprintf(stderr,
			"cairn-dm: device %s: cannot add its range 0x%" PRIx64 "+0x%" PRIx64
			": %d\n",
			r.name, r.start, r.size, err);
	return err;
}

static int pm1_create(struct dm_ctx *ctx)
{
	dm_power_init(&ctx->power);
	int err = add(ctx, dm_power_pm1_evt_region(&ctx->power));

	return err ? err : add(ctx, dm_power_pm1_region(&ctx->power));
}

static int pm_timer_create(struct dm_ctx *ctx)
{
	dm_pm_timer_init(&ctx->pm_timer);
	return add(ctx, dm_pm_timer_region(&ctx->pm_timer));
}

static void guest_reset(void *owner)
{
	dm_guest_event(owner, DM_GUEST_RESET);
}

static void guest_panicked(void *owner)
{
	dm_guest_event(owner, DM_GUEST_PANICKED);
}

static int reset_create(struct dm_ctx *ctx)
{
	dm_reset_init(&ctx->reset, guest_reset, ctx);
	return add(ctx, dm_reset_region(&ctx->reset));
}

static int pvpanic_create(struct dm_ctx *ctx)
{
	dm_pvpanic_init(&ctx->pvpanic, guest_panicked, ctx);
	return add(ctx, dm_pvpanic_region(&ctx->pvpanic));
}

static int debugexit_create(struct dm_ctx *ctx)
{
	return add(ctx, dm_power_debugexit_region(&ctx->power));
}

static void com1_output(void *opaque, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, text, len);

		if (n <= 0)
			return; /* stdout gone: the guest's output is lost, the VM goes on */
		text += n;
		len -= (size_t)n;
	}
}

/* IRQ 4 as a level through the HSM; a hypervisor without the virtual IOAPIC refuses it once. */
static void com1_irq(void *opaque, bool level)
{
	struct dm_ctx *ctx = opaque;
	int err = dm_vm_set_irqline(&ctx->vm, DM_UART_COM1_IRQ,
				    level ? ACRN_IRQLINE_OP_SET_HIGH : ACRN_IRQLINE_OP_SET_LOW);

	if (err && !ctx->irq_warned) {
		ctx->irq_warned = true;
		fprintf(stderr, "cairn-dm: com1: SET_IRQLINE %d refused (%d): no interrupts\n",
			DM_UART_COM1_IRQ, err);
	}
}

static int com1_create(struct dm_ctx *ctx)
{
	dm_uart_init(&ctx->com1, com1_output, com1_irq, ctx);
	return add(ctx, dm_uart_region(&ctx->com1, DM_UART_COM1_BASE));
}

static int testdev_create(struct dm_ctx *ctx)
{
	int err;

	dm_testdev_init(&ctx->testdev);
	err = add(ctx, dm_testdev_pio_region(&ctx->testdev));
	if (!err)
		err = add(ctx, dm_testdev_mmio_region(&ctx->testdev));
	if (!err)
		err = add(ctx, dm_testdev_pci_region(&ctx->testdev));
	return err;
}

static bool want_pci(const struct dm_config *cfg)
{
	return cfg->npci_slots > 0;
}

static const struct dm_device_type dm_device_table[] = {
	{ "pm1a-cnt", always, pm1_create },
	{ "pm-timer", always, pm_timer_create },
	{ "reset-control", always, reset_create },
	{ "pvpanic", always, pvpanic_create },
	{ "debugexit", want_debugexit, debugexit_create },
	{ "com1", want_com1, com1_create },
	{ "testdev", want_testdev, testdev_create },
	{ "pci", want_pci, dm_pci_devices_create },
};

int dm_devices_create(struct dm_ctx *ctx)
{
	for (size_t i = 0; i < sizeof(dm_device_table) / sizeof(dm_device_table[0]); i++) {
		const struct dm_device_type *d = &dm_device_table[i];
		int err;

		if (!d->wanted(ctx->cfg))
			continue;
		err = d->create(ctx);
		if (err)
			return err;
	}
	return 0;
}

static void range_end(void *opaque, bool poweroff, int err)
{
	struct dm_ctx *ctx = opaque;

	if (err)
		fprintf(stderr, "cairn-dm: range client: FETCH failed: %d\n", err);
	dm_request_stop(ctx, poweroff ? DM_STOP_POWEROFF
			     : err    ? DM_STOP_ERROR
				      : DM_STOP_CLIENT_GONE);
}

int dm_devices_start_clients(struct dm_ctx *ctx)
{
	const struct dm_region pio = dm_testdev_pio_region(&ctx->testdev);
	const struct dm_region mmio = dm_testdev_mmio_region(&ctx->testdev);

	if (dm_pci_devices_start(ctx))
		return -1;
	if (!ctx->cfg->testdev_clients)
		return 0;
	ctx->ranges[0] = (struct dm_range_client){
		.vm = &ctx->vm,
		.bus = &ctx->bus,
		.type = ACRN_IOREQ_TYPE_PORTIO,
		.start = pio.start,
		.end = pio.start + pio.size - 1,
		.name = pio.name,
		.on_end = range_end,
		.ctx = ctx,
	};
	ctx->ranges[1] = (struct dm_range_client){
		.vm = &ctx->vm,
		.bus = &ctx->bus,
		.type = ACRN_IOREQ_TYPE_MMIO,
		.start = mmio.start,
		.end = mmio.start + mmio.size - 1,
		.name = mmio.name,
		.on_end = range_end,
		.ctx = ctx,
	};
	for (ctx->nranges = 0; ctx->nranges < 2; ctx->nranges++) {
		int err = dm_range_client_start(&ctx->ranges[ctx->nranges]);

		if (err) {
			fprintf(stderr, "cairn-dm: range client %s: %d\n",
				ctx->ranges[ctx->nranges].name, err);
			return err;
		}
	}
	return 0;
}

static void print_range(const char *name, struct dm_testdev_range *r)
{
	pthread_mutex_lock(&r->lock);
	fprintf(stderr,
		"cairn-dm: testdev %s: %" PRIu64 " writes, %" PRIu64 " reads, %" PRIu64 " bad\n",
		name, r->writes, r->reads, r->bad);
	pthread_mutex_unlock(&r->lock);
}

void dm_devices_stop(struct dm_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->nranges; i++) {
		struct dm_range_client *c = &ctx->ranges[i];

		dm_range_client_stop(c);
		fprintf(stderr,
			"cairn-dm: range client %s (id %u): %" PRIu64 " served, %" PRIu64 " bad\n",
			c->name, c->id, c->stats.served[0] + c->stats.served[1], c->stats.bad);
	}
	ctx->nranges = 0;
	dm_pci_devices_stop(ctx);
	if (ctx->cfg->com1_stdio)
		dm_uart_flush(&ctx->com1);
	if (ctx->cfg->testdev) {
		print_range("pio", &ctx->testdev.pio);
		print_range("mmio", &ctx->testdev.mmio);
	}
}

void dm_devices_destroy(struct dm_ctx *ctx)
{
	dm_pci_devices_destroy(ctx);
}
