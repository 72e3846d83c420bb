/* SPDX-License-Identifier: BSD-3-Clause */
/* The ACPI PM timer at port 0x408 (ACRN's place): a 32-bit count at 3.579545 MHz since the VM began. */
#include <time.h>

#include "dm/pm_timer.h"

#define NSEC_PER_SEC 1000000000ull

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

void dm_pm_timer_init(struct dm_pm_timer *t)
{
	t->start_ns = monotonic_ns();
}

uint32_t dm_pm_timer_count(uint64_t elapsed_ns)
{
	return (uint32_t)((unsigned __int128)elapsed_ns * DM_PM_TIMER_HZ / NSEC_PER_SEC);
}

static enum dm_io_result pm_timer_access(void *opaque, struct dm_access *a)
{
	struct dm_pm_timer *t = opaque;

	if (!a->write)
		a->value = dm_pm_timer_count(monotonic_ns() - t->start_ns) >> (8 * a->offset);
	return DM_IO_DONE;
}

struct dm_region dm_pm_timer_region(struct dm_pm_timer *t)
{
	return (struct dm_region){ .space = DM_SPACE_PIO,
				   .start = DM_PM_TIMER_PORT,
				   .size = DM_PM_TIMER_LEN,
				   .access = pm_timer_access,
				   .opaque = t,
				   .name = "pm-timer" };
}
