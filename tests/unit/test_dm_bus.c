/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's bus (dm/bus.c): registration, whole-access lookup, unclaimed accesses. */
#include <errno.h>
#include <string.h>

#include "dm/bus.h"
#include "harness.h"

static struct dm_bus bus;

struct recorder {
	int calls;
	struct dm_access last;
	uint64_t answer;
};

static enum dm_io_result record(void *opaque, struct dm_access *a)
{
	struct recorder *r = opaque;

	r->calls++;
	r->last = *a;
	if (!a->write)
		a->value = r->answer;
	return DM_IO_DONE;
}

static struct dm_region region(enum dm_space space, uint64_t start, uint64_t size,
			       struct recorder *r)
{
	return (struct dm_region){ .space = space,
				   .start = start,
				   .size = size,
				   .access = record,
				   .opaque = r,
				   .name = "r" };
}

/* Whether an access of size at addr finds a region, and whose (NULL: that none does). */
static bool found(uint64_t addr, unsigned int size, enum dm_space space, const void *owner)
{
	struct dm_region r;
	bool hit = dm_bus_find(&bus, space, addr, size, &r);

	return owner ? hit && r.opaque == owner && r.start <= addr : !hit;
}

TEST(adjacent_regions_are_fine_overlapping_ones_are_refused)
{
	struct recorder a = { 0 };
	struct dm_region r;

	r = region(DM_SPACE_PIO, 0x100, 0x10, &a);
	EXPECT_EQ(dm_bus_add(&bus, &r), 0);
	r = region(DM_SPACE_PIO, 0x110, 0x10, &a); /* right after */
	EXPECT_EQ(dm_bus_add(&bus, &r), 0);
	r = region(DM_SPACE_PIO, 0xF0, 0x10, &a); /* right before */
	EXPECT_EQ(dm_bus_add(&bus, &r), 0);
	r = region(DM_SPACE_PIO, 0x10F, 1, &a); /* last byte of the first */
	EXPECT_EQ(dm_bus_add(&bus, &r), -EEXIST);
	r = region(DM_SPACE_PIO, 0x0, 0x1000, &a); /* covers them all */
	EXPECT_EQ(dm_bus_add(&bus, &r), -EEXIST);
	r = region(DM_SPACE_PIO, 0x108, 0x4, &a); /* inside one */
	EXPECT_EQ(dm_bus_add(&bus, &r), -EEXIST);
	r = region(DM_SPACE_MMIO, 0x100, 0x10, &a); /* same numbers, another space */
	EXPECT_EQ(dm_bus_add(&bus, &r), 0);
	EXPECT_EQ(bus.count, 4);
}

TEST(bad_regions_are_refused)
{
	struct recorder a = { 0 };
	struct dm_region r;

	r = region(DM_SPACE_PIO, 0x100, 0, &a);
	EXPECT_EQ(dm_bus_add(&bus, &r), -EINVAL);
	r = region(DM_SPACE_MMIO, ~0ull - 1, 4, &a); /* wraps */
	EXPECT_EQ(dm_bus_add(&bus, &r), -EINVAL);
	r = region(DM_SPACE_COUNT, 0, 4, &a);
	EXPECT_EQ(dm_bus_add(&bus, &r), -EINVAL);
	r = region(DM_SPACE_PIO, 0, 4, &a);
	r.access = NULL;
	EXPECT_EQ(dm_bus_add(&bus, &r), -EINVAL);
	r = region(DM_SPACE_MMIO, ~0ull - 3, 4, &a); /* start + size is 2^64: wraps too */
	EXPECT_EQ(dm_bus_add(&bus, &r), -EINVAL);
	r = region(DM_SPACE_MMIO, ~0ull - 4, 4, &a); /* the last region there can be */
	EXPECT_EQ(dm_bus_add(&bus, &r), 0);
	EXPECT_EQ(bus.count, 1);
}

TEST(the_registry_fills_up)
{
	struct recorder a = { 0 };

	for (uint64_t i = 0; i < DM_BUS_MAX_REGIONS; i++) {
		struct dm_region r = region(DM_SPACE_MMIO, i * 0x1000, 0x1000, &a);

		EXPECT_EQ(dm_bus_add(&bus, &r), 0);
	}
	struct dm_region r = region(DM_SPACE_MMIO, 0x1000000, 0x1000, &a);
	EXPECT_EQ(dm_bus_add(&bus, &r), -ENOSPC);
}

TEST(only_a_region_holding_the_whole_access_serves_it)
{
	struct recorder a = { 0 }, b = { 0 };
	struct dm_region ra = region(DM_SPACE_PIO, 0x100, 8, &a),
			 rb = region(DM_SPACE_PIO, 0x108, 8, &b);

	ASSERT_EQ(dm_bus_add(&bus, &ra), 0);
	ASSERT_EQ(dm_bus_add(&bus, &rb), 0);
	EXPECT_TRUE(found(0x100, 4, DM_SPACE_PIO, &a));
	EXPECT_TRUE(found(0x104, 4, DM_SPACE_PIO, &a));
	EXPECT_TRUE(found(0x108, 1, DM_SPACE_PIO, &b));
	EXPECT_TRUE(found(0x106, 4, DM_SPACE_PIO, NULL));  /* straddles the two */
	EXPECT_TRUE(found(0xFE, 4, DM_SPACE_PIO, NULL));   /* starts before */
	EXPECT_TRUE(found(0x10E, 4, DM_SPACE_PIO, NULL));  /* runs past the end */
	EXPECT_TRUE(found(0x100, 4, DM_SPACE_MMIO, NULL)); /* another space */
	EXPECT_TRUE(found(0x100, 0, DM_SPACE_PIO, NULL));
	EXPECT_TRUE(found(~0ull, 2, DM_SPACE_PIO, NULL)); /* wraps */
}

TEST(a_removed_region_serves_nothing_and_its_place_is_free_again)
{
	struct recorder a = { 0 }, b = { 0 };
	struct dm_region ra = region(DM_SPACE_MMIO, 0x1000, 0x1000, &a),
			 rb = region(DM_SPACE_MMIO, 0x3000, 0x1000, &b);

	ASSERT_EQ(dm_bus_add(&bus, &ra), 0);
	ASSERT_EQ(dm_bus_add(&bus, &rb), 0);
	EXPECT_EQ(dm_bus_remove(&bus, DM_SPACE_MMIO, 0x1000, &b), -ENOENT); /* not b's */
	EXPECT_EQ(dm_bus_remove(&bus, DM_SPACE_PIO, 0x1000, &a), -ENOENT);  /* not that space */
	EXPECT_EQ(dm_bus_remove(&bus, DM_SPACE_MMIO, 0x1000, &a), 0);
	EXPECT_EQ(bus.count, 1);
	EXPECT_TRUE(found(0x1000, 4, DM_SPACE_MMIO, NULL));
	EXPECT_TRUE(found(0x3000, 4, DM_SPACE_MMIO, &b)); /* the other one stays */
	ra.start = 0x2000;				  /* moved: a BAR the guest reprogrammed */
	EXPECT_EQ(dm_bus_add(&bus, &ra), 0);
	EXPECT_TRUE(found(0x2FFC, 4, DM_SPACE_MMIO, &a));
	EXPECT_EQ(dm_bus_remove(&bus, DM_SPACE_MMIO, 0x2000, &a), 0);
	EXPECT_EQ(dm_bus_remove(&bus, DM_SPACE_MMIO, 0x2000, &a), -ENOENT);
}

/* A device that moves its own region when written, as a BAR register write does. */
static enum dm_io_result move_self(void *opaque, struct dm_access *a)
{
	struct dm_region r = region(DM_SPACE_MMIO, a->value, 0x1000, opaque);

	r.access = move_self;
	if (dm_bus_remove(&bus, DM_SPACE_MMIO, a->addr - a->offset, opaque) == 0)
		dm_bus_add(&bus, &r);
	return DM_IO_DONE;
}

TEST(a_device_may_move_its_region_from_its_own_access_function)
{
	struct recorder a = { 0 };
	struct dm_region r = region(DM_SPACE_MMIO, 0x10000, 0x1000, &a);
	struct dm_access acc = {
		.space = DM_SPACE_MMIO, .addr = 0x10008, .size = 8, .write = true, .value = 0x40000
	};

	r.access = move_self;
	ASSERT_EQ(dm_bus_add(&bus, &r), 0);
	EXPECT_EQ(dm_bus_access(&bus, &acc), DM_IO_DONE); /* no deadlock: the lock is not held */
	EXPECT_TRUE(found(0x10000, 4, DM_SPACE_MMIO, NULL));
	EXPECT_TRUE(found(0x40000, 4, DM_SPACE_MMIO, &a));
}

TEST(an_access_gets_its_offset_and_a_masked_value)
{
	struct recorder a = { .answer = 0x1122334455667788ull };
	struct dm_region r = region(DM_SPACE_MMIO, 0xC0000000, 0x1000, &a);
	struct dm_access acc = { .space = DM_SPACE_MMIO,
				 .addr = 0xC0000010,
				 .size = 2,
				 .write = true,
				 .value = 0xABCDEF };

	ASSERT_EQ(dm_bus_add(&bus, &r), 0);
	EXPECT_EQ(dm_bus_access(&bus, &acc), DM_IO_DONE);
	EXPECT_EQ(a.calls, 1);
	EXPECT_EQ(a.last.offset, 0x10);
	EXPECT_EQ(a.last.value, 0xCDEF); /* the device never sees bytes beyond the access */
	acc = (struct dm_access){ .space = DM_SPACE_MMIO, .addr = 0xC0000FFC, .size = 4 };
	EXPECT_EQ(dm_bus_access(&bus, &acc), DM_IO_DONE);
	EXPECT_EQ(a.last.offset, 0xFFC);
	EXPECT_EQ(acc.value, 0x55667788); /* nor does the guest */
	acc = (struct dm_access){ .space = DM_SPACE_MMIO, .addr = 0xC0000008, .size = 8 };
	dm_bus_access(&bus, &acc);
	EXPECT_EQ(acc.value, 0x1122334455667788ull);
}

TEST(unclaimed_reads_float_high_and_writes_vanish)
{
	struct recorder a = { 0 };
	struct dm_region r = region(DM_SPACE_PIO, 0x100, 8, &a);
	struct dm_access acc = { .space = DM_SPACE_PIO, .addr = 0x200, .size = 2 };

	ASSERT_EQ(dm_bus_add(&bus, &r), 0);
	EXPECT_EQ(dm_bus_access(&bus, &acc), DM_IO_DONE);
	EXPECT_EQ(acc.value, 0xFFFF);
	acc = (struct dm_access){ .space = DM_SPACE_PIO, .addr = 0x106, .size = 4 }; /* partial */
	dm_bus_access(&bus, &acc);
	EXPECT_EQ(acc.value, 0xFFFFFFFF);
	acc = (struct dm_access){ .space = DM_SPACE_PCI_CFG,
				  .addr = DM_PCI_CFG_ADDR(0, 4, 0, 0),
				  .size = 4,
				  .write = true,
				  .value = 1 };
	dm_bus_access(&bus, &acc);
	EXPECT_EQ(a.calls, 0);
	EXPECT_EQ(bus.unclaimed[DM_SPACE_PIO], 2);
	EXPECT_EQ(bus.unclaimed[DM_SPACE_PCI_CFG], 1);
	EXPECT_EQ(bus.unclaimed[DM_SPACE_MMIO], 0);
}

TEST(pci_config_addresses_are_ecam_shaped)
{
	EXPECT_EQ(DM_PCI_CFG_ADDR(0, 3, 0, 0x40), 0x18040);
	EXPECT_EQ(DM_PCI_CFG_ADDR(255, 31, 7, 0xFFF), 0xFFFFFFF);
	EXPECT_EQ(DM_PCI_CFG_ADDR(1, 0, 0, 0), 0x100000);
	EXPECT_EQ(dm_size_mask(1), 0xFF);
	EXPECT_EQ(dm_size_mask(8), ~0ull);
}
