/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the AMD IOMMU I/O page table builder in hypervisor/drivers/amd_iommu_pgtable.c. */
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "drivers/amd_iommu_pgtable.h"
#include "harness.h"

#define POOL_PAGES 32
#define POOL_BASE  0x100000000ULL /* fake physical addresses of the pool's pages */

static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static size_t pool_used, pool_limit = POOL_PAGES;

static int pool_alloc(void *ctx, uint64_t *pa)
{
	if (pool_used == pool_limit)
		return -ENOMEM;
	memset(pool[pool_used], 0, 4096);
	*pa = POOL_BASE + pool_used++ * 4096;
	return 0;
}

static void *pool_virt(void *ctx, uint64_t pa)
{
	return pool[(pa - POOL_BASE) / 4096];
}

static const struct iopt_ops ops = { pool_alloc, pool_virt, NULL };

static uint64_t entry_at(const struct iopt *pt, int level_from_top, uint64_t addr)
{
	uint64_t *t = pool_virt(NULL, pt->root_pa);

	for (int level = 4;; level--) {
		uint64_t e = t[(addr >> (12 + 9 * (level - 1))) & 511];
		if (4 - level == level_from_top)
			return e;
		t = pool_virt(NULL, e & IOPT_ADDR_MASK);
	}
}

static bool maps(const struct iopt *pt, uint64_t addr, bool write)
{
	uint64_t target = 0;

	return iopt_translate(pt, addr, write, &target) == 0 && target == addr;
}

TEST(identity_map_with_4k_and_2m_pages)
{
	struct iopt pt;

	ASSERT_EQ(iopt_init(&pt, &ops), 0);
	/* 0x5000000 + 6 MiB + 8 KiB: three 2 MiB pages and two 4 KiB ones. */
	ASSERT_EQ(iopt_map_identity(&pt, 0x5000000, 0x600000 + 0x2000), 0);
	EXPECT_TRUE(maps(&pt, 0x5000000, true));
	EXPECT_TRUE(maps(&pt, 0x55FFFFF, false));
	EXPECT_TRUE(maps(&pt, 0x5601FFF, true));
	EXPECT_FALSE(maps(&pt, 0x5602000, false));
	EXPECT_FALSE(maps(&pt, 0x4FFFFFF, true));
	EXPECT_FALSE(maps(&pt, 0x100000, false)); /* 1 MiB: where the hypervisor lives */

	/* The hardware format: root and upper tables say the next level, leaves say 0. */
	uint64_t pml4e = entry_at(&pt, 0, 0x5000000);
	EXPECT_EQ(pml4e & (IOPT_PRESENT | IOPT_NEXT_MASK | IOPT_READ | IOPT_WRITE),
		  IOPT_PRESENT | 3ULL << 9 | IOPT_READ | IOPT_WRITE);
	uint64_t pde = entry_at(&pt, 2, 0x5000000);
	EXPECT_EQ(pde, 0x5000000 | IOPT_PRESENT | IOPT_READ | IOPT_WRITE); /* a 2 MiB leaf */
	uint64_t pte = entry_at(&pt, 3, 0x5601000);
	EXPECT_EQ(pte, 0x5601000 | IOPT_PRESENT | IOPT_READ | IOPT_WRITE);
	EXPECT_EQ(pool_used, 4u); /* root, PDPT, PD and one page table */
}

TEST(ranges_that_grow_and_overlap)
{
	struct iopt pt;

	ASSERT_EQ(iopt_init(&pt, &ops), 0);
	ASSERT_EQ(iopt_map_identity(&pt, 0x3000, 0x1000), 0);
	ASSERT_EQ(iopt_map_identity(&pt, 0x200000, 0x200000), 0);
	ASSERT_EQ(iopt_map_identity(&pt, 0x0, 0x400000), 0); /* covers both */
	EXPECT_TRUE(maps(&pt, 0x0, true));
	EXPECT_TRUE(maps(&pt, 0x3FFFFF, true));
	EXPECT_FALSE(maps(&pt, 0x400000, true));
	/* High addresses use other upper-level slots. */
	ASSERT_EQ(iopt_map_identity(&pt, 0x8000000000ULL, 0x1000), 0);
	EXPECT_TRUE(maps(&pt, 0x8000000FFFULL, false));
	EXPECT_FALSE(maps(&pt, 0x7FFFFFF000ULL, false));
}

TEST(bad_arguments_and_no_memory)
{
	struct iopt pt;

	ASSERT_EQ(iopt_init(&pt, &ops), 0);
	EXPECT_EQ(iopt_map_identity(&pt, 0x1001, 0x1000), -EINVAL);
	EXPECT_EQ(iopt_map_identity(&pt, 0x1000, 0x800), -EINVAL);
	EXPECT_EQ(iopt_map_identity(&pt, 0x1000, 0), -EINVAL);
	EXPECT_EQ(iopt_map_identity(&pt, IOPT_ADDR_LIMIT, 0x1000), -EINVAL);
	EXPECT_EQ(iopt_map_identity(&pt, IOPT_ADDR_LIMIT - 0x1000, 0x2000), -EINVAL);
	uint64_t target;
	EXPECT_EQ(iopt_translate(&pt, IOPT_ADDR_LIMIT, false, &target), -EFAULT);
	pool_limit = pool_used + 1; /* a PDPT, then no PD */
	EXPECT_EQ(iopt_map_identity(&pt, 0x40000000, 0x1000), -ENOMEM);
}
