/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the reset control register (dm/hw/reset.c) and pvpanic (dm/hw/pvpanic.c) through the bus. */
#include "dm/bus.h"
#include "dm/pvpanic.h"
#include "dm/reset.h"
#include "harness.h"

static int calls;

static void called(void *owner)
{
	calls += *(int *)owner;
}

static uint64_t port(struct dm_bus *bus, uint64_t addr, bool write, uint64_t value)
{
	struct dm_access a = {
		.space = DM_SPACE_PIO, .addr = addr, .size = 1, .write = write, .value = value
	};
	EXPECT_EQ(dm_bus_access(bus, &a), DM_IO_DONE);
	return a.value;
}

TEST(reset_control_resets_on_rst_cpu_only_and_keeps_sys_rst)
{
	struct dm_bus bus = { 0 };
	struct dm_reset reset;
	int one = 1;

	dm_bus_init(&bus);
	dm_reset_init(&reset, called, &one);
	struct dm_region r = dm_reset_region(&reset);
	ASSERT_EQ(dm_bus_add(&bus, &r), 0);
	calls = 0;
	port(&bus, DM_RESET_PORT, true, 0x02); /* SYS_RST alone: Linux's first write */
	EXPECT_EQ(calls, 0);
	EXPECT_EQ(port(&bus, DM_RESET_PORT, false, 0), 0x02);
	port(&bus, DM_RESET_PORT, true, DM_RESET_VALUE);
	EXPECT_EQ(calls, 1);
	EXPECT_EQ(port(&bus, DM_RESET_PORT, false, 0), 0x02); /* RST_CPU does not stick */
	port(&bus, DM_RESET_PORT, true, 0xF1);		      /* junk without RST_CPU */
	EXPECT_EQ(calls, 1);
	EXPECT_EQ(port(&bus, DM_RESET_PORT, false, 0), 0x00);
}

TEST(pvpanic_reports_its_events_and_a_panicked_write)
{
	struct dm_bus bus = { 0 };
	struct dm_pvpanic p;
	int one = 1;

	dm_bus_init(&bus);
	dm_pvpanic_init(&p, called, &one);
	struct dm_region r = dm_pvpanic_region(&p);
	ASSERT_EQ(dm_bus_add(&bus, &r), 0);
	calls = 0;
	EXPECT_EQ(port(&bus, DM_PVPANIC_PORT, false, 0),
		  DM_PVPANIC_PANICKED | DM_PVPANIC_CRASH_LOADED);
	port(&bus, DM_PVPANIC_PORT, true, DM_PVPANIC_CRASH_LOADED);
	EXPECT_EQ(calls, 0);
	port(&bus, DM_PVPANIC_PORT, true, 0x80);
	EXPECT_EQ(calls, 0);
	port(&bus, DM_PVPANIC_PORT, true, DM_PVPANIC_PANICKED);
	EXPECT_EQ(calls, 1);
	EXPECT_EQ(p.events, 2);
}
