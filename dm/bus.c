/* SPDX-License-Identifier: BSD-3-Clause */
/* One registry of the User VM's port, MMIO and PCI-configuration ranges, and the devices behind them. */
#include <errno.h>

#include "dm/bus.h"

static bool overlaps(const struct dm_region *r, enum dm_space space, uint64_t start, uint64_t size)
{
	return r->space == space && start < r->start + r->size && r->start < start + size;
}

int dm_bus_add(struct dm_bus *bus, const struct dm_region *region)
{
	if (region->space >= DM_SPACE_COUNT || !region->size || !region->access ||
	    region->start + region->size < region->start)
		return -EINVAL;
	for (size_t i = 0; i < bus->count; i++)
		if (overlaps(&bus->regions[i], region->space, region->start, region->size))
			return -EEXIST;
	if (bus->count == DM_BUS_MAX_REGIONS)
		return -ENOSPC;
	bus->regions[bus->count++] = *region;
	return 0;
}

const struct dm_region *dm_bus_find(const struct dm_bus *bus, enum dm_space space, uint64_t addr,
				    unsigned int size)
{
	if (size == 0 || addr + size < addr)
		return NULL;
	for (size_t i = 0; i < bus->count; i++) {
		const struct dm_region *r = &bus->regions[i];

		if (r->space == space && addr >= r->start && addr - r->start < r->size &&
		    size <= r->size - (addr - r->start))
			return r;
	}
	return NULL;
}

enum dm_io_result dm_bus_access(struct dm_bus *bus, struct dm_access *access)
{
	const struct dm_region *r = dm_bus_find(bus, access->space, access->addr, access->size);
	uint64_t mask = dm_size_mask(access->size);
	enum dm_io_result result;

	access->value &= mask;
	if (!r) {
		if (access->space < DM_SPACE_COUNT)
			__atomic_fetch_add(&bus->unclaimed[access->space], 1, __ATOMIC_RELAXED);
		if (!access->write)
			access->value = mask;
		return DM_IO_DONE;
	}
	access->offset = access->addr - r->start;
	if (!access->write)
		access->value = 0;
	result = r->access(r->opaque, access);
	access->value &= mask;
	return result;
}
