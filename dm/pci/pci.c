/* SPDX-License-Identifier: BSD-3-Clause */
/* PCI functions on cairn-dm's bus: the type-0 header, its capability list, and memory BARs. */
#include <errno.h>
#include <string.h>

#include "dm/pci.h"
#include "pci_internal.h"

#define BAR_AREA_END  (DM_PCI_BAR0 + 4 * DM_PCI_BARS)
#define CAP_AREA_BASE 0x40

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint16_t dm_pci_cfg16(const struct dm_pci_func *f, unsigned int off)
{
	return (uint16_t)(f->cfg[off] | f->cfg[off + 1] << 8);
}

void dm_pci_func_init(struct dm_pci_func *f, struct dm_bus *bus, uint8_t dev, uint8_t fn,
		      const struct dm_pci_id *id, const char *name)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->bus = bus;
	f->name = name;
	f->dev = dev;
	f->fn = fn;
	f->cap_end = CAP_AREA_BASE;
	put16(&f->cfg[DM_PCI_VENDOR_ID], id->vendor);
	put16(&f->cfg[DM_PCI_DEVICE_ID], id->device);
	f->cfg[DM_PCI_REVISION] = id->revision;
	put16(&f->cfg[DM_PCI_CLASS_PROG], (uint16_t)id->class_code);
	f->cfg[DM_PCI_CLASS_PROG + 2] = (uint8_t)(id->class_code >> 16);
	put16(&f->cfg[DM_PCI_SUBSYS_VENDOR_ID], id->subsys_vendor);
	put16(&f->cfg[DM_PCI_SUBSYS_ID], id->subsys);
	/* Writable: memory space, bus master, INTx disable; cache line, latency; interrupt line. */
	f->wmask[DM_PCI_COMMAND] = DM_PCI_COMMAND_MEMORY | DM_PCI_COMMAND_MASTER;
	f->wmask[DM_PCI_COMMAND + 1] = DM_PCI_COMMAND_INTX_OFF >> 8;
	f->wmask[0x0C] = 0xFF;
	f->wmask[0x0D] = 0xFF;
	f->wmask[DM_PCI_INT_LINE] = 0xFF;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The BAR registers as the BAR state says: address bits, type and prefetch bits. */
static void bars_to_cfg(struct dm_pci_func *f)
{
	memset(&f->cfg[DM_PCI_BAR0], 0, 4 * DM_PCI_BARS);
	for (unsigned int i = 0; i < DM_PCI_BARS; i++) {
		const struct dm_pci_bar *b = &f->bars[i];
		uint32_t low = (uint32_t)b->addr | (b->prefetchable ? DM_PCI_BAR_MEM_PREFETCH : 0);

		if (b->type == DM_PCI_BAR_NONE)
			continue;
		if (b->type == DM_PCI_BAR_MEM64) {
			low |= DM_PCI_BAR_MEM_TYPE_64;
			put32(&f->cfg[DM_PCI_BAR0 + 4 * (i + 1)], (uint32_t)(b->addr >> 32));
		}
		put32(&f->cfg[DM_PCI_BAR0 + 4 * i], low);
	}
}

/* The BAR state from register bytes the guest wrote: the address, cut to the BAR's alignment. */
static void bars_from_bytes(struct dm_pci_func *f, const uint8_t *regs)
{
	for (unsigned int i = 0; i < DM_PCI_BARS; i++) {
		struct dm_pci_bar *b = &f->bars[i];
		uint64_t addr = get32(&regs[4 * i]) & ~0xFull;

		if (b->type == DM_PCI_BAR_NONE)
			continue;
		if (b->type == DM_PCI_BAR_MEM64)
			addr |= (uint64_t)get32(&regs[4 * (i + 1)]) << 32;
		b->addr = addr & ~(b->size - 1);
	}
	bars_to_cfg(f);
}

int dm_pci_func_add_bar(struct dm_pci_func *f, unsigned int bar, enum dm_pci_bar_type type,
			uint64_t size, dm_io_fn access, void *opaque)
{
	bool wide = type == DM_PCI_BAR_MEM64;

	if (bar >= DM_PCI_BARS || (wide && bar + 1 >= DM_PCI_BARS) ||
	    (type != DM_PCI_BAR_MEM32 && !wide) || !is_pow2(size) || size < DM_PCI_BAR_MIN_SIZE ||
	    (!wide && size > (1ull << 31)) || f->bars[bar].type != DM_PCI_BAR_NONE ||
	    (bar > 0 && f->bars[bar - 1].type == DM_PCI_BAR_MEM64) ||
	    (wide && f->bars[bar + 1].type != DM_PCI_BAR_NONE))
		return -EINVAL;
	f->bars[bar] = (struct dm_pci_bar){ .type = type,
					    .prefetchable = wide,
					    .size = size,
					    .access = access,
					    .opaque = opaque,
					    .func = f };
	bars_to_cfg(f);
	return 0;
}

int dm_pci_func_add_cap(struct dm_pci_func *f, const uint8_t *cap, uint8_t len, uint8_t *offset)
{
	unsigned int at = f->cap_end;

	if (len < 2)
		return -EINVAL;
	if (at + len > DM_PCI_CFG_SIZE)
		return -ENOSPC;
	memcpy(&f->cfg[at], cap, len);
	f->cfg[at + 1] = 0;
	if (f->cap_last)
		f->cfg[f->cap_last + 1] = (uint8_t)at;
	else
		f->cfg[DM_PCI_CAP_PTR] = (uint8_t)at;
	f->cfg[DM_PCI_STATUS] |= DM_PCI_STATUS_CAP_LIST;
	f->cap_last = (uint8_t)at;
	f->cap_end = (uint16_t)((at + len + 3) & ~3u);
	*offset = (uint8_t)at;
	return 0;
}

void dm_pci_func_set_writable(struct dm_pci_func *f, uint16_t off, const uint8_t *mask,
			      uint16_t len)
{
	for (uint16_t i = 0; i < len && off + i < DM_PCI_CFG_SIZE; i++)
		if (off + i >= CAP_AREA_BASE)
			f->wmask[off + i] = mask[i];
}

int dm_pci_func_place_bars(struct dm_pci_func *f, uint64_t *next, uint64_t limit)
{
	for (unsigned int i = 0; i < DM_PCI_BARS; i++) {
		struct dm_pci_bar *b = &f->bars[i];
		uint64_t at = (*next + b->size - 1) & ~(b->size - 1);

		if (b->type == DM_PCI_BAR_NONE)
			continue;
		if (at < *next || at + b->size > limit || at + b->size < at)
			return -ENOSPC;
		b->addr = at;
		*next = at + b->size;
	}
	bars_to_cfg(f);
	return 0;
}

/* The MMIO region of a decoded BAR: MSI-X's table and PBA are the function's, the rest the
 * device's. */
static enum dm_io_result bar_access(void *opaque, struct dm_access *a)
{
	struct dm_pci_bar *b = opaque;
	struct dm_pci_func *f = b->func;

	if (dm_pci_msix_bar_access(f, (unsigned int)(b - f->bars), a))
		return DM_IO_DONE;
	return b->access ? b->access(b->opaque, a) : DM_IO_DONE;
}

static void bar_unmap(struct dm_pci_func *f, unsigned int i)
{
	struct dm_pci_bar *b = &f->bars[i];

	dm_bus_remove(f->bus, DM_SPACE_MMIO, b->mapped_addr, b);
	b->mapped = false;
	if (f->bar_changed)
		f->bar_changed(f->bar_opaque, i, false, b->mapped_addr);
}

static void bar_map(struct dm_pci_func *f, unsigned int i)
{
	struct dm_pci_bar *b = &f->bars[i];
	struct dm_region r = { .space = DM_SPACE_MMIO,
			       .start = b->addr,
			       .size = b->size,
			       .access = bar_access,
			       .opaque = b,
			       .name = f->name };

	if (dm_bus_add(f->bus, &r)) {
		f->map_failures++; /* overlaps another device, or wraps: not decoded there */
		return;
	}
	b->mapped = true;
	b->mapped_addr = b->addr;
	if (f->bar_changed)
		f->bar_changed(f->bar_opaque, i, true, b->addr);
}

/* Brings the bus in line with the command register and the BARs: each BAR decoded where it is
 * programmed while memory space is on, nowhere otherwise. Address 0 means "not placed". */
static void bars_update_decode(struct dm_pci_func *f)
{
	bool memory = dm_pci_cfg16(f, DM_PCI_COMMAND) & DM_PCI_COMMAND_MEMORY;

	for (unsigned int i = 0; i < DM_PCI_BARS; i++) {
		struct dm_pci_bar *b = &f->bars[i];
		bool want = memory && b->type != DM_PCI_BAR_NONE && b->addr != 0;

		if (b->mapped && (!want || b->mapped_addr != b->addr))
			bar_unmap(f, i);
		if (want && !b->mapped)
			bar_map(f, i);
	}
}

static void cfg_read(struct dm_pci_func *f, struct dm_access *a)
{
	a->value = 0;
	for (unsigned int i = 0; i < a->size; i++)
		if (a->offset + i < DM_PCI_CFG_SIZE)
			a->value |= (uint64_t)f->cfg[a->offset + i] << (8 * i);
}

static void cfg_write(struct dm_pci_func *f, const struct dm_access *a)
{
	uint8_t bars[4 * DM_PCI_BARS];
	bool bars_written = false, decode = false;

	memcpy(bars, &f->cfg[DM_PCI_BAR0], sizeof(bars));
	for (unsigned int i = 0; i < a->size; i++) {
		uint64_t off = a->offset + i;
		uint8_t v = (uint8_t)(a->value >> (8 * i));

		if (off >= DM_PCI_CFG_SIZE)
			break; /* extended space: nothing there */
		if (off >= DM_PCI_BAR0 && off < BAR_AREA_END) {
			bars[off - DM_PCI_BAR0] = v;
			bars_written = true;
			continue;
		}
		f->cfg[off] = (uint8_t)((f->cfg[off] & ~f->wmask[off]) | (v & f->wmask[off]));
		decode |= off == DM_PCI_COMMAND;
	}
	if (bars_written)
		bars_from_bytes(f, bars);
	if (bars_written || decode)
		bars_update_decode(f);
	dm_pci_msix_cfg_written(f, a->offset, a->size);
}

static bool in_hook(const struct dm_pci_func *f, const struct dm_access *a)
{
	return f->hook.access && a->offset >= f->hook.start &&
	       a->offset + a->size <= (uint64_t)f->hook.start + f->hook.len;
}

enum dm_io_result dm_pci_cfg_access(void *opaque, struct dm_access *a)
{
	struct dm_pci_func *f = opaque;

	if (in_hook(f, a))
		return f->hook.access(f->hook.opaque, a);
	pthread_mutex_lock(&f->lock);
	if (a->write)
		cfg_write(f, a);
	else
		cfg_read(f, a);
	pthread_mutex_unlock(&f->lock);
	return DM_IO_DONE;
}

int dm_pci_func_register(struct dm_pci_func *f)
{
	struct dm_region r = {
		.space = DM_SPACE_PCI_CFG,
		.start = DM_PCI_CFG_ADDR(f->busno, f->dev, f->fn, 0),
		.size = DM_PCI_CFG_FUNC_SIZE,
		.access = dm_pci_cfg_access,
		.opaque = f,
		.name = f->name,
	};

	return dm_bus_add(f->bus, &r);
}
