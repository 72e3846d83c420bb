/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the pCPU ownership map in hypervisor/core/pcpu_map.c. */
#include "core/pcpu_map.h"
#include "lib/errno.h"
#include "harness.h"

/* pCPUs 0-3, 8 and 63 usable. */
#define USABLE ((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 3) | (1ULL << 8) | (1ULL << 63))

TEST(init_owns_nothing)
{
	struct pcpu_map map = { .usable = 0, .owned = ~0ULL };

	pcpu_map_init(&map, USABLE);
	EXPECT_EQ(map.usable, USABLE);
	EXPECT_EQ(map.owned, 0);
	for (uint32_t id = 0; id < PCPU_MAP_MAX; id++)
		EXPECT_FALSE(pcpu_map_is_owned(&map, id));
}

TEST(allocate_specific_then_busy)
{
	struct pcpu_map map;

	pcpu_map_init(&map, USABLE);
	EXPECT_EQ(pcpu_map_allocate(&map, 2), 0);
	EXPECT_TRUE(pcpu_map_is_owned(&map, 2));
	EXPECT_FALSE(pcpu_map_is_owned(&map, 1));
	EXPECT_FALSE(pcpu_map_is_owned(&map, 3));
	EXPECT_EQ(map.owned, 1ULL << 2);
	EXPECT_EQ(pcpu_map_allocate(&map, 2), -EBUSY);
	EXPECT_EQ(map.owned, 1ULL << 2);
	EXPECT_EQ(pcpu_map_allocate(&map, 63), 0);
	EXPECT_TRUE(pcpu_map_is_owned(&map, 63));
	EXPECT_EQ(pcpu_map_allocate(&map, 63), -EBUSY);
	EXPECT_EQ(map.owned, (1ULL << 2) | (1ULL << 63));
}

TEST(allocate_unusable_or_out_of_range_is_enodev)
{
	struct pcpu_map map;

	pcpu_map_init(&map, USABLE);
	EXPECT_EQ(pcpu_map_allocate(&map, 4), -ENODEV);
	EXPECT_EQ(pcpu_map_allocate(&map, 62), -ENODEV);
	EXPECT_EQ(pcpu_map_allocate(&map, 64), -ENODEV);
	/* Would alias pCPU 0 or 8 if the shift were taken modulo 64. */
	EXPECT_EQ(pcpu_map_allocate(&map, 64 + 8), -ENODEV);
	EXPECT_EQ(pcpu_map_allocate(&map, 128), -ENODEV);
	EXPECT_EQ(pcpu_map_allocate(&map, UINT32_MAX), -ENODEV);
	EXPECT_EQ(map.owned, 0);
	EXPECT_FALSE(pcpu_map_is_owned(&map, 4));
	EXPECT_FALSE(pcpu_map_is_owned(&map, 64));

	/* Even with every pCPU usable. */
	pcpu_map_init(&map, ~0ULL);
	EXPECT_EQ(pcpu_map_allocate(&map, 64), -ENODEV);
	EXPECT_EQ(pcpu_map_allocate(&map, 64 + 8), -ENODEV);
	EXPECT_EQ(map.owned, 0);
}

TEST(allocate_any_picks_lowest_free_allowed)
{
	struct pcpu_map map;
	uint32_t id = 99;

	pcpu_map_init(&map, USABLE);
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), 0);
	EXPECT_EQ(id, 0);
	EXPECT_EQ(pcpu_map_allocate(&map, 2), 0);
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), 0);
	EXPECT_EQ(id, 1);
	/* 2 is taken and 4-7 are not usable: after 3 comes 8. */
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), 0);
	EXPECT_EQ(id, 3);
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), 0);
	EXPECT_EQ(id, 8);
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), 0);
	EXPECT_EQ(id, 63);
	EXPECT_EQ(map.owned, USABLE);
}

TEST(allocate_any_stays_within_allowed)
{
	struct pcpu_map map;
	uint32_t id = 99;

	pcpu_map_init(&map, USABLE);
	/* 5 is allowed but not usable; 3 is the only usable one allowed. */
	EXPECT_EQ(pcpu_map_allocate_any(&map, (1ULL << 5) | (1ULL << 3), &id), 0);
	EXPECT_EQ(id, 3);
	EXPECT_EQ(map.owned, 1ULL << 3);
	EXPECT_EQ(pcpu_map_allocate_any(&map, 1ULL << 63, &id), 0);
	EXPECT_EQ(id, 63);
	EXPECT_TRUE(pcpu_map_is_owned(&map, 63));
	EXPECT_FALSE(pcpu_map_is_owned(&map, 0));
}

TEST(allocate_any_with_none_free_is_ebusy)
{
	struct pcpu_map map;
	uint32_t id = 99;

	pcpu_map_init(&map, USABLE);
	EXPECT_EQ(pcpu_map_allocate_any(&map, 0, &id), -EBUSY);
	/* Allowed, but none of them usable. */
	EXPECT_EQ(pcpu_map_allocate_any(&map, 0xF0, &id), -EBUSY);
	EXPECT_EQ(pcpu_map_allocate(&map, 8), 0);
	EXPECT_EQ(pcpu_map_allocate_any(&map, 1ULL << 8, &id), -EBUSY);
	EXPECT_EQ(id, 99);
	EXPECT_EQ(map.owned, 1ULL << 8);
	/* Everything taken. */
	for (int i = 0; i < 5; i++)
		EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), 0);
	EXPECT_EQ(map.owned, USABLE);
	id = 99;
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), -EBUSY);
	EXPECT_EQ(id, 99);
	/* Nothing usable at all. */
	pcpu_map_init(&map, 0);
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), -EBUSY);
	EXPECT_EQ(map.owned, 0);
}

TEST(free_of_a_free_pcpu_is_einval)
{
	struct pcpu_map map;

	pcpu_map_init(&map, USABLE);
	EXPECT_EQ(pcpu_map_free(&map, 1), -EINVAL);
	EXPECT_EQ(pcpu_map_free(&map, 4), -EINVAL);
	EXPECT_EQ(pcpu_map_free(&map, 64), -EINVAL);
	EXPECT_EQ(pcpu_map_allocate(&map, 1), 0);
	EXPECT_EQ(pcpu_map_free(&map, 1), 0);
	EXPECT_EQ(pcpu_map_free(&map, 1), -EINVAL);
	EXPECT_EQ(map.owned, 0);
	/* 65 must not free pCPU 1 through a wrapped shift. */
	EXPECT_EQ(pcpu_map_allocate(&map, 1), 0);
	EXPECT_EQ(pcpu_map_free(&map, 65), -EINVAL);
	EXPECT_TRUE(pcpu_map_is_owned(&map, 1));
	EXPECT_FALSE(pcpu_map_is_owned(&map, 65));
}

TEST(free_then_reallocate)
{
	struct pcpu_map map;
	uint32_t id = 99;

	pcpu_map_init(&map, USABLE);
	EXPECT_EQ(pcpu_map_allocate(&map, 0), 0);
	EXPECT_EQ(pcpu_map_allocate(&map, 1), 0);
	EXPECT_EQ(pcpu_map_allocate(&map, 3), 0);
	EXPECT_EQ(pcpu_map_free(&map, 1), 0);
	EXPECT_FALSE(pcpu_map_is_owned(&map, 1));
	EXPECT_TRUE(pcpu_map_is_owned(&map, 0));
	EXPECT_TRUE(pcpu_map_is_owned(&map, 3));
	EXPECT_EQ(map.owned, (1ULL << 0) | (1ULL << 3));
	EXPECT_EQ(pcpu_map_allocate_any(&map, ~0ULL, &id), 0);
	EXPECT_EQ(id, 1);
	EXPECT_EQ(pcpu_map_free(&map, 3), 0);
	EXPECT_EQ(pcpu_map_allocate(&map, 3), 0);
	EXPECT_TRUE(pcpu_map_is_owned(&map, 3));
	EXPECT_EQ(pcpu_map_free(&map, 63), -EINVAL);
	EXPECT_EQ(pcpu_map_allocate(&map, 63), 0);
	EXPECT_EQ(pcpu_map_free(&map, 63), 0);
	EXPECT_FALSE(pcpu_map_is_owned(&map, 63));
	EXPECT_EQ(map.owned, (1ULL << 0) | (1ULL << 1) | (1ULL << 3));
}
