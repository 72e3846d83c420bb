/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's ACPI PM timer (dm/hw/pm_timer.c): rate, wrap, reads through the bus. */
#include <time.h>

#include "dm/bus.h"
#include "dm/pm_timer.h"
#include "harness.h"

TEST(count_runs_at_3_579545_mhz_and_wraps_at_32_bits)
{
	EXPECT_EQ(dm_pm_timer_count(0), 0);
	EXPECT_EQ(dm_pm_timer_count(1000000000ull), 3579545);
	EXPECT_EQ(dm_pm_timer_count(100000000ull), 357954); /* Linux's 100 ms calibration */
	EXPECT_EQ(dm_pm_timer_count(280ull), 1);	    /* one tick is 279.4 ns */
	/* 2^32 ticks is 1199.86 s: the count wraps, as a 32-bit PM timer's does. */
	EXPECT_EQ(dm_pm_timer_count(1200ull * 1000000000ull), (uint32_t)(1200ull * 3579545ull));
	EXPECT_EQ(dm_pm_timer_count(~0ull),
		  (uint32_t)((unsigned __int128)~0ull * 3579545 / 1000000000));
}

TEST(reads_through_the_bus_advance_and_writes_change_nothing)
{
	struct dm_pm_timer t;
	struct dm_bus bus = { 0 };
	struct dm_region r;
	struct dm_access a = { .space = DM_SPACE_PIO, .addr = DM_PM_TIMER_PORT, .size = 4 };
	struct timespec pause = { 0, 2000000 };
	uint64_t first;

	dm_pm_timer_init(&t);
	r = dm_pm_timer_region(&t);
	ASSERT_EQ(dm_bus_add(&bus, &r), 0);
	EXPECT_EQ(dm_bus_access(&bus, &a), DM_IO_DONE);
	first = a.value;
	nanosleep(&pause, NULL);
	a.write = true;
	a.value = 0;
	EXPECT_EQ(dm_bus_access(&bus, &a), DM_IO_DONE); /* ignored: the count goes on */
	a.write = false;
	EXPECT_EQ(dm_bus_access(&bus, &a), DM_IO_DONE);
	EXPECT_TRUE(a.value - first >= 7000); /* 2 ms is 7159 ticks */
	EXPECT_TRUE(a.value <= 0xFFFFFFFFull);
	a.size = 1;
	a.addr = DM_PM_TIMER_PORT + 3;
	EXPECT_EQ(dm_bus_access(&bus, &a), DM_IO_DONE);
	EXPECT_TRUE(a.value <= 0xFF);
}
