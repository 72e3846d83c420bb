/* SPDX-License-Identifier: BSD-3-Clause */
/* The reset control register at 0xCF9: a write with RST_CPU set asks cairn-dm to reset the VM. */
#include "dm/reset.h"

void dm_reset_init(struct dm_reset *r, void (*reset)(void *owner), void *owner)
{
	*r = (struct dm_reset){ .reset = reset, .owner = owner };
}

static enum dm_io_result reset_access(void *opaque, struct dm_access *a)
{
	struct dm_reset *r = opaque;
	uint8_t v = (uint8_t)a->value;

	if (!a->write) {
		a->value = __atomic_load_n(&r->control, __ATOMIC_RELAXED);
		return DM_IO_DONE;
	}
	__atomic_store_n(&r->control, v & DM_RESET_KEPT_BITS, __ATOMIC_RELAXED);
	if ((v & DM_RESET_RST_CPU) && r->reset)
		r->reset(r->owner);
	return DM_IO_DONE;
}

struct dm_region dm_reset_region(struct dm_reset *r)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = DM_RESET_PORT,
				   .size = 1,
				   .access = reset_access,
				   .opaque = r,
				   .name = "reset-control" };
}
