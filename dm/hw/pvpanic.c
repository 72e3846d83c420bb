/* SPDX-License-Identifier: BSD-3-Clause */
/* The pvpanic port: reads give the supported events, a PANICKED write tells cairn-dm the guest panicked. */
#include "dm/pvpanic.h"

void dm_pvpanic_init(struct dm_pvpanic *p, void (*panicked)(void *owner), void *owner)
{
	*p = (struct dm_pvpanic){ .panicked = panicked, .owner = owner };
}

static enum dm_io_result pvpanic_access(void *opaque, struct dm_access *a)
{
	struct dm_pvpanic *p = opaque;

	if (!a->write) {
		a->value = DM_PVPANIC_PANICKED | DM_PVPANIC_CRASH_LOADED;
		return DM_IO_DONE;
	}
	if (a->value & (DM_PVPANIC_PANICKED | DM_PVPANIC_CRASH_LOADED))
		__atomic_fetch_add(&p->events, 1, __ATOMIC_RELAXED);
	if ((a->value & DM_PVPANIC_PANICKED) && p->panicked)
		p->panicked(p->owner);
	return DM_IO_DONE;
}

struct dm_region dm_pvpanic_region(struct dm_pvpanic *p)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = DM_PVPANIC_PORT,
				   .size = 1,
				   .access = pvpanic_access,
				   .opaque = p,
				   .name = "pvpanic" };
}
