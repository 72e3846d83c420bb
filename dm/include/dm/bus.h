/* SPDX-License-Identifier: BSD-3-Clause */
/* One registry of the User VM's port, MMIO and PCI-configuration ranges, and the devices behind them. */
#ifndef CAIRN_DM_BUS_H
#define CAIRN_DM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every request cairn-dm serves becomes one struct dm_access on one of three address spaces. PCI
 * configuration space is addressed as ECAM lays it out (bus << 20 | device << 15 | function << 12
 * | register), so one function is a 4 KiB range and a PCI device registers like any other
 * (dm/pci/ does).
 *
 * Regions change while the VM runs: a PCI BAR the guest moves, or whose decoding it turns on or
 * off, is removed and added again. The registry is therefore behind a reader-writer lock: the
 * I/O thread, range-client threads and device threads look up under the read lock, and a lookup
 * copies the region out and drops the lock before calling the device, so a device may add or
 * remove regions from inside its own access function (a BAR write does). An access that raced
 * with a move reaches the device at the address it was issued to, as on real hardware a posted
 * write to a BAR being moved may. A device serialises its own state, and its opaque pointer
 * must stay valid until the bus is no longer used (devices live as long as the VM).
 */
enum dm_space {
	DM_SPACE_PIO,
	DM_SPACE_MMIO,
	DM_SPACE_PCI_CFG,
	DM_SPACE_COUNT,
};

#define DM_PCI_CFG_ADDR(bus, dev, func, reg)                                            \
	(((uint64_t)(bus) << 20) | ((uint64_t)(dev) << 15) | ((uint64_t)(func) << 12) | \
	 (uint64_t)(reg))
#define DM_PCI_CFG_FUNC_SIZE 0x1000u

struct dm_access {
	enum dm_space space;
	uint64_t addr;	 /* in the space */
	uint64_t offset; /* from the start of the region that serves it (set by dm_bus_access) */
	unsigned int size;
	bool write;
	uint64_t value; /* in for a write, out for a read; masked to size either way */
};

/* What a device's access function returns. */
enum dm_io_result {
	DM_IO_DONE = 0,	    /* served: complete the request */
	DM_IO_POWEROFF = 1, /* the guest asked to power off: do not complete, end the VM */
};

typedef enum dm_io_result (*dm_io_fn)(void *opaque, struct dm_access *access);

struct dm_region {
	enum dm_space space;
	uint64_t start;
	uint64_t size; /* bytes; start + size must not wrap */
	dm_io_fn access;
	void *opaque;
	const char *name;
};

#define DM_BUS_MAX_REGIONS 128

struct dm_bus {
	pthread_rwlock_t
		lock; /* a zeroed bus is an initialised one (glibc), as dm_bus_init makes */
	struct dm_region regions[DM_BUS_MAX_REGIONS];
	size_t count;
	uint64_t unclaimed[DM_SPACE_COUNT]; /* accesses no region served wholly */
};

/* The all-ones value of a size-byte access (size 1-8). */
static inline uint64_t dm_size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

void dm_bus_init(struct dm_bus *bus);

/* Adds a region (any time, any thread): 0, -EINVAL (no size, wraps, no function, bad space),
 * -EEXIST (overlaps one already there), -ENOSPC (full). */
int dm_bus_add(struct dm_bus *bus, const struct dm_region *region);

/* Removes the region of space that starts at start and has this opaque: 0 or -ENOENT. */
int dm_bus_remove(struct dm_bus *bus, enum dm_space space, uint64_t start, const void *opaque);

/* Copies the region holding all of [addr, addr + size) in space to *out: true, or false if none. */
bool dm_bus_find(struct dm_bus *bus, enum dm_space space, uint64_t addr, unsigned int size,
		 struct dm_region *out);

/*
 * Serves one access: the region that holds it whole gets it (with offset set); a read nobody
 * serves answers all ones and a write is dropped, both counted. The value is masked to the size
 * before and after. Returns the device's result (DM_IO_DONE when unclaimed).
 */
enum dm_io_result dm_bus_access(struct dm_bus *bus, struct dm_access *access);

#endif
