/* SPDX-License-Identifier: BSD-3-Clause */
/* The iotest guest's test device: a port range, an MMIO range and a PCI function (abi/cairn/testdev.h). */
#ifndef CAIRN_DM_TESTDEV_H
#define CAIRN_DM_TESTDEV_H

#include <pthread.h>
#include <stdint.h>

#include "dm/bus.h"

/* One range: what it expects next and what it saw. */
struct dm_testdev_range {
	pthread_mutex_t lock;
	uint64_t next;	  /* index of the next write: it must carry cairn_testdev_pattern(next) */
	uint64_t last;	  /* the last value written to the window */
	uint64_t writes;  /* writes to the window */
	uint64_t bad;	  /* writes with another value, and writes outside the window */
	uint64_t reads;	  /* reads of the window */
	uint64_t window;  /* bytes of data window at the start of the range */
	uint64_t base;	  /* the range's first address */
	unsigned int max; /* widest access: 4 for ports, 8 for MMIO */
};

struct dm_testdev {
	struct dm_testdev_range pio, mmio;
	pthread_mutex_t cfg_lock;
	uint16_t command;
	uint8_t scratch[16];
	uint8_t int_line;
};

void dm_testdev_init(struct dm_testdev *t);

/* The three regions for the bus: ports, MMIO, the PCI function's configuration space. */
struct dm_region dm_testdev_pio_region(struct dm_testdev *t);
struct dm_region dm_testdev_mmio_region(struct dm_testdev *t);
struct dm_region dm_testdev_pci_region(struct dm_testdev *t);

#endif
