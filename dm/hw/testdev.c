/* SPDX-License-Identifier: BSD-3-Clause */
/* The iotest guest's test device: a port range, an MMIO range and a PCI function (abi/cairn/testdev.h). */
#include <string.h>

#include "cairn/testdev.h"
#include "dm/testdev.h"

static void range_init(struct dm_testdev_range *r, uint64_t base, uint64_t window, unsigned int max)
{
	pthread_mutex_init(&r->lock, NULL);
	r->base = base;
	r->window = window;
	r->max = max;
}

void dm_testdev_init(struct dm_testdev *t)
{
	memset(t, 0, sizeof(*t));
	range_init(&t->pio, CAIRN_TESTDEV_PORT_BASE, CAIRN_TESTDEV_PORT_WINDOW, 4);
	range_init(&t->mmio, CAIRN_TESTDEV_MMIO_BASE, CAIRN_TESTDEV_MMIO_WINDOW, 8);
	pthread_mutex_init(&t->cfg_lock, NULL);
}

/* The counters after the window: WRITES then BAD, each max bytes wide, read-only. */
static enum dm_io_result range_access(struct dm_testdev_range *r, struct dm_access *a)
{
	uint64_t mask = dm_size_mask(a->size);

	pthread_mutex_lock(&r->lock);
	if (a->offset + a->size <= r->window) {
		if (a->write) {
			if (a->value != (cairn_testdev_pattern(r->next) & mask))
				r->bad++;
			r->next++;
			r->writes++;
			r->last = a->value;
		} else {
			a->value = cairn_testdev_answer(a->addr, r->last) & mask;
			r->reads++;
		}
	} else if (a->write) {
		r->bad++;
	} else if (a->offset == r->window && a->size == r->max) {
		a->value = r->writes & mask;
	} else if (a->offset == r->window + r->max && a->size == r->max) {
		a->value = r->bad & mask;
	} else {
		a->value = mask; /* a counter read in pieces: unclaimed */
	}
	pthread_mutex_unlock(&r->lock);
	return DM_IO_DONE;
}

static enum dm_io_result pio_access(void *opaque, struct dm_access *a)
{
	return range_access(&((struct dm_testdev *)opaque)->pio, a);
}

static enum dm_io_result mmio_access(void *opaque, struct dm_access *a)
{
	return range_access(&((struct dm_testdev *)opaque)->mmio, a);
}

/* One byte of the type-0 header as the function shows it. */
static uint8_t cfg_byte(const struct dm_testdev *t, uint64_t reg)
{
	const uint32_t id = CAIRN_TESTDEV_PCI_VENDOR | (uint32_t)CAIRN_TESTDEV_PCI_DEVICE << 16;
	const uint32_t class_rev = (uint32_t)CAIRN_TESTDEV_PCI_CLASS << 8; /* revision 0 */

	if (reg < 4)
		return (uint8_t)(id >> (8 * reg));
	if (reg < 6)
		return (uint8_t)(t->command >> (8 * (reg - 4)));
	if (reg >= 8 && reg < 12)
		return (uint8_t)(class_rev >> (8 * (reg - 8)));
	if (reg == 0x3C)
		return t->int_line;
	if (reg >= CAIRN_TESTDEV_PCI_SCRATCH &&
	    reg < CAIRN_TESTDEV_PCI_SCRATCH + CAIRN_TESTDEV_PCI_SCRATCH_SIZE)
		return t->scratch[reg - CAIRN_TESTDEV_PCI_SCRATCH];
	return 0; /* status, header type 0, BARs, capabilities pointer, pin: all zero */
}

static void cfg_write_byte(struct dm_testdev *t, uint64_t reg, uint8_t v)
{
	if (reg == 4)
		t->command = (uint16_t)((t->command & 0xFF00) | v);
	else if (reg == 5)
		t->command = (uint16_t)((t->command & 0x00FF) | (uint16_t)v << 8);
	else if (reg == 0x3C)
		t->int_line = v;
	else if (reg >= CAIRN_TESTDEV_PCI_SCRATCH &&
		 reg < CAIRN_TESTDEV_PCI_SCRATCH + CAIRN_TESTDEV_PCI_SCRATCH_SIZE)
		t->scratch[reg - CAIRN_TESTDEV_PCI_SCRATCH] = v;
	/* everything else is read-only */
}

static enum dm_io_result pci_access(void *opaque, struct dm_access *a)
{
	struct dm_testdev *t = opaque;

	pthread_mutex_lock(&t->cfg_lock);
	if (a->write) {
		for (unsigned int i = 0; i < a->size; i++)
			cfg_write_byte(t, a->offset + i, (uint8_t)(a->value >> (8 * i)));
	} else {
		a->value = 0;
		for (unsigned int i = 0; i < a->size; i++)
			a->value |= (uint64_t)cfg_byte(t, a->offset + i) << (8 * i);
	}
	pthread_mutex_unlock(&t->cfg_lock);
	return DM_IO_DONE;
}

struct dm_region dm_testdev_pio_region(struct dm_testdev *t)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = CAIRN_TESTDEV_PORT_BASE,
				   .size = CAIRN_TESTDEV_PORT_SIZE,
				   .access = pio_access,
				   .opaque = t,
				   .name = "testdev-pio" };
}

struct dm_region dm_testdev_mmio_region(struct dm_testdev *t)
{
	return (struct dm_region){ .space = DM_SPACE_MMIO,
				   .start = CAIRN_TESTDEV_MMIO_BASE,
				   .size = CAIRN_TESTDEV_MMIO_SIZE,
				   .access = mmio_access,
				   .opaque = t,
				   .name = "testdev-mmio" };
}

struct dm_region dm_testdev_pci_region(struct dm_testdev *t)
{
	return (struct dm_region){
		.space = DM_SPACE_PCI_CFG,
		.start = DM_PCI_CFG_ADDR(CAIRN_TESTDEV_PCI_BUS, CAIRN_TESTDEV_PCI_DEV,
					 CAIRN_TESTDEV_PCI_FUNC, 0),
		.size = DM_PCI_CFG_FUNC_SIZE,
		.access = pci_access,
		.opaque = t,
		.name = "testdev-pci",
	};
}
