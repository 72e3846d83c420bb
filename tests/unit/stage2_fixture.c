/* SPDX-License-Identifier: BSD-3-Clause */
/* Test fixture for the second-stage page-table builder: a page pool, a raw walker, translate checks. */
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "harness.h"
#include "stage2_fixture.h"

struct pool pool;

static int pool_alloc(void *ctx, uint64_t *pa)
{
	struct pool *p = ctx;

	if (p->allocs == p->limit)
		return -ENOMEM;
	for (size_t i = 0; i < POOL_PAGES; i++) {
		if (p->pages[i])
			continue;
		p->pages[i] = aligned_alloc(4096, 4096);
		if (!p->pages[i])
			abort();
		memset(p->pages[i], 0, 4096);
		p->allocs++;
		*pa = POOL_BASE + i * 4096;
		return 0;
	}
	return -ENOMEM;
}

static size_t pool_index(struct pool *p, uint64_t pa)
{
	size_t i = (size_t)((pa - POOL_BASE) / 4096);

	if (!EXPECT_TRUE(pa >= POOL_BASE && (pa & 0xFFF) == 0 && i < POOL_PAGES && p->pages[i]))
		abort();
	return i;
}

static void pool_free(void *ctx, uint64_t pa)
{
	struct pool *p = ctx;
	size_t i = pool_index(p, pa);

	free(p->pages[i]);
	p->pages[i] = NULL;
	p->frees++;
}

void *pool_to_virt(void *ctx, uint64_t pa)
{
	return ((struct pool *)ctx)->pages[pool_index(ctx, pa)];
}

const struct stage2_ops pool_ops = { pool_alloc, pool_free, pool_to_virt, &pool };

void pool_reset(size_t limit)
{
	memset(&pool, 0, sizeof(pool));
	pool.limit = limit;
}

void stage2_teardown(struct stage2_pt *pt)
{
	stage2_destroy(pt);
	for (size_t i = 0; i < POOL_PAGES; i++)
		free(pool.pages[i]);
	memset(pool.pages, 0, sizeof(pool.pages));
}

uint64_t stage2_raw_entry(const struct stage2_pt *pt, uint64_t present_bits, uint64_t gpa,
			  int level)
{
	uint64_t *table = pool_to_virt(&pool, pt->root_pa);

	for (int l = 3;; l--) {
		uint64_t e = table[(gpa >> (12 + 9 * l)) & 511];
		if (l == level)
			return e;
		if (!EXPECT_TRUE((e & present_bits) && !(e & BIT_PS)))
			return 0;
		table = pool_to_virt(&pool, e & ADDR_MSK);
	}
}

void expect_maps(const struct stage2_pt *pt, uint64_t gpa, uint64_t hpa, uint32_t flags,
		 uint64_t size)
{
	uint64_t got_hpa = 0, got_size = 0;
	uint32_t got_flags = 0;

	EXPECT_EQ(stage2_translate(pt, gpa, &got_hpa, &got_flags, &got_size), 0);
	EXPECT_EQ(got_hpa, hpa);
	EXPECT_EQ(got_flags, flags);
	EXPECT_EQ(got_size, size);
}

void expect_unmapped(const struct stage2_pt *pt, uint64_t gpa)
{
	uint64_t hpa;

	EXPECT_EQ(stage2_translate(pt, gpa, &hpa, NULL, NULL), -ENOENT);
}
