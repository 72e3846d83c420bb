/* SPDX-License-Identifier: BSD-3-Clause */
/* One registry of the User VM's port, MMIO and PCI-configuration ranges, and the devices behind them. */
#include <errno.h>
#include <string.h>

#include "dm/bus.h"

void dm_bus_init(struct dm_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pthread_rwlock_init(&bus->lock, NULL);
}

static bool overlaps(const struct dm_region *r, enum dm_space space, uint64_t start, uint64_t size)
{
	return r->space == space && start < r->start + r->size && r->start < start + size;
}

static int add_locked(struct dm_bus *bus, const struct dm_region *region)
{
	for (size_t i = 0; i < bus->count; i++)
		if (overlaps(&bus->regions[i], region->space, region->start, region->size))
			return -EEXIST;
	if (bus->count == DM_BUS_MAX_REGIONS)
		return -ENOSPC;
	bus->regions[bus->count++] = *region;
	return 0;
}

int dm_bus_add(struct dm_bus *bus, const struct dm_region *region)
{
	int err;

	if (region->space >= DM_SPACE_COUNT || !region->size || !region->access ||
	    region->start + region->size < region->start)
		return -EINVAL;
	pthread_rwlock_wrlock(&bus->lock);
	err = add_locked(bus, region);
	pthread_rwlock_unlock(&bus->lock);
	return err;
}

int dm_bus_remove(struct dm_bus *bus, enum dm_space space, uint64_t start, const void *opaque)
{
	int err = -ENOENT;

	pthread_rwlock_wrlock(&bus->lock);
	for (size_t i = 0; i < bus->count; i++) {
		struct dm_region *r = &bus->regions[i];

		if (r->space == space && r->start == start && r->opaque == opaque) {
			memmove(r, r + 1, (bus->count - i - 1) * sizeof(*r));
			bus->count--;
			err = 0;
			break;
		}
	}
	pthread_rwlock_unlock(&bus->lock);
	return err;
}

bool dm_bus_find(struct dm_bus *bus, enum dm_space space, uint64_t addr, unsigned int size,
		 struct dm_region *out)
{
	bool found = false;

	if (size == 0 || addr + size < addr)
		return false;
	pthread_rwlock_rdlock(&bus->lock);
	for (size_t i = 0; i < bus->count && !found; i++) {
		const struct dm_region *r = &bus->regions[i];

		if (r->space == space && addr >= r->start && addr - r->start < r->size &&
		    size <= r->size - (addr - r->start)) {
			*out = *r;
			found = true;
		}
	}
	pthread_rwlock_unlock(&bus->lock);
	return found;
}

enum dm_io_result dm_bus_access(struct dm_bus *bus, struct dm_access *access)
{
	uint64_t mask = dm_size_mask(access->size);
	struct dm_region r;
	enum dm_io_result result;

	access->value &= mask;
	if (!dm_bus_find(bus, access->space, access->addr, access->size, &r)) {
		if (access->space < DM_SPACE_COUNT)
			__atomic_fetch_add(&bus->unclaimed[access->space], 1, __ATOMIC_RELAXED);
		if (!access->write)
			access->value = mask;
		return DM_IO_DONE;
	}
	access->offset = access->addr - r.start;
	if (!access->write)
		access->value = 0;
	result = r.access(r.opaque, access);
	access->value &= mask;
	return result;
}
