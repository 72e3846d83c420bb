/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the nested page table builder in hypervisor/arch/x86/svm/npt.c. */
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "harness.h"
#include "npt.h"

/* Table pages come from a pool of host pages behind fake physical addresses above 4 GiB. */
#define POOL_PAGES 64
#define POOL_BASE  0x100000000ULL

/* Raw entry bits, written out here so the tests check the hardware format, not npt.c's names. */
#define BIT_P	 (1ULL << 0)
#define BIT_RW	 (1ULL << 1)
#define BIT_US	 (1ULL << 2)
#define BIT_PS	 (1ULL << 7)
#define BIT_NX	 (1ULL << 63)
#define ADDR_MSK 0x000FFFFFFFFFF000ULL

#define RW  (NPT_READ | NPT_WRITE)
#define RX  (NPT_READ | NPT_EXEC)
#define RWX (NPT_READ | NPT_WRITE | NPT_EXEC)

struct pool {
	void *pages[POOL_PAGES]; /* NULL when free: a freed page goes back to the host at once */
	size_t limit;		 /* allocations allowed before alloc_page fails */
	size_t allocs, frees;
};

static struct pool pool;

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

/* The pool index behind a fake physical address; fails the test when it names no live page. */
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

static void *pool_to_virt(void *ctx, uint64_t pa)
{
	return ((struct pool *)ctx)->pages[pool_index(ctx, pa)];
}

static const struct npt_ops pool_ops = { pool_alloc, pool_free, pool_to_virt, &pool };

static void pool_reset(size_t limit)
{
	memset(&pool, 0, sizeof(pool));
	pool.limit = limit;
}

/* An empty NPT over a fresh pool. */
static void setup(struct npt *npt, bool nx, bool gbpages)
{
	pool_reset(POOL_PAGES);
	EXPECT_EQ(npt_init(npt, &pool_ops, nx, gbpages), 0);
}

/*
 * Destroys the NPT and gives the host any page it did not free, so that a leak in npt.c fails only
 * the tests that count frees, not every test through LeakSanitizer.
 */
static void teardown(struct npt *npt)
{
	npt_destroy(npt);
	for (size_t i = 0; i < POOL_PAGES; i++)
		free(pool.pages[i]);
	memset(pool.pages, 0, sizeof(pool.pages));
}

/* The raw entry for gpa at `level` (3 = PML4); a failure, and 0, when the walk ends above it. */
static uint64_t raw_entry(const struct npt *npt, uint64_t gpa, int level)
{
	uint64_t *table = pool_to_virt(&pool, npt->root_pa);

	for (int l = 3;; l--) {
		uint64_t e = table[(gpa >> (12 + 9 * l)) & 511];
		if (l == level)
			return e;
		if (!EXPECT_TRUE((e & BIT_P) && !(e & BIT_PS)))
			return 0;
		table = pool_to_virt(&pool, e & ADDR_MSK);
	}
}

/* Expects gpa to translate to hpa with these rights and leaf size. */
static void expect_maps(const struct npt *npt, uint64_t gpa, uint64_t hpa, uint32_t rights,
			uint64_t size)
{
	uint64_t got_hpa = 0, got_size = 0;
	uint32_t got_rights = 0;

	EXPECT_EQ(npt_translate(npt, gpa, &got_hpa, &got_rights, &got_size), 0);
	EXPECT_EQ(got_hpa, hpa);
	EXPECT_EQ(got_rights, rights);
	EXPECT_EQ(got_size, size);
}

static void expect_unmapped(const struct npt *npt, uint64_t gpa)
{
	uint64_t hpa;

	EXPECT_EQ(npt_translate(npt, gpa, &hpa, NULL, NULL), -ENOENT);
}

TEST(init_allocates_one_empty_root_and_destroy_frees_it)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(pool.allocs, 1);
	EXPECT_EQ(npt.root_pa, POOL_BASE);
	expect_unmapped(&npt, 0);
	expect_unmapped(&npt, 0x7FFFFFFFF000ULL);
	npt_destroy(&npt);
	EXPECT_EQ(pool.frees, 1);
	EXPECT_EQ(npt.root_pa, 0);
}

TEST(map_4k_translates_offsets_and_nothing_beside_it)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 0x5000, 0x123000, 0x1000, RWX), 0);
	expect_maps(&npt, 0x5000, 0x123000, RWX, 4 * KiB);
	expect_maps(&npt, 0x5abc, 0x123abc, RWX, 4 * KiB);
	expect_maps(&npt, 0x5fff, 0x123fff, RWX, 4 * KiB);
	expect_unmapped(&npt, 0x4fff);
	expect_unmapped(&npt, 0x6000);
	/* The rights and size outputs are optional. */
	uint64_t hpa = 0;
	EXPECT_EQ(npt_translate(&npt, 0x5008, &hpa, NULL, NULL), 0);
	EXPECT_EQ(hpa, 0x123008);
	teardown(&npt);
}

TEST(leaf_size_follows_alignment_of_both_addresses)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 4 * MiB, 2 * MiB, RWX), 0);
	expect_maps(&npt, 2 * MiB, 4 * MiB, RWX, 2 * MiB);
	/* A 2 MiB aligned GPA over a 4 KiB aligned HPA can only use 4 KiB leaves. */
	EXPECT_EQ(npt_map(&npt, 6 * MiB, 8 * MiB + 0x1000, 2 * MiB, RWX), 0);
	expect_maps(&npt, 6 * MiB, 8 * MiB + 0x1000, RWX, 4 * KiB);
	expect_maps(&npt, 8 * MiB - 0x1000, 10 * MiB, RWX, 4 * KiB);
	/* And the other way round. */
	EXPECT_EQ(npt_map(&npt, 10 * MiB + 0x1000, 12 * MiB, 2 * MiB, RWX), 0);
	expect_maps(&npt, 10 * MiB + 0x1000, 12 * MiB, RWX, 4 * KiB);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 3 * GiB, 1 * GiB, RWX), 0);
	expect_maps(&npt, 1 * GiB, 3 * GiB, RWX, 1 * GiB);
	/* 1 GiB over 2 MiB alignment: 2 MiB leaves. */
	EXPECT_EQ(npt_map(&npt, 4 * GiB, 8 * GiB + 2 * MiB, 1 * GiB, RWX), 0);
	expect_maps(&npt, 4 * GiB, 8 * GiB + 2 * MiB, RWX, 2 * MiB);
	expect_maps(&npt, 5 * GiB - 2 * MiB, 9 * GiB, RWX, 2 * MiB);
	teardown(&npt);
}

TEST(without_gbpages_1g_ranges_use_2m_leaves)
{
	struct npt npt;

	setup(&npt, true, false);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 3 * GiB, 1 * GiB, RWX), 0);
	expect_maps(&npt, 1 * GiB, 3 * GiB, RWX, 2 * MiB);
	expect_maps(&npt, 1 * GiB + 0x3456789, 3 * GiB + 0x3456789, RWX, 2 * MiB);
	expect_maps(&npt, 2 * GiB - 1, 4 * GiB - 1, RWX, 2 * MiB);
	EXPECT_EQ(raw_entry(&npt, 1 * GiB, 2) & BIT_PS, 0);
	EXPECT_EQ(raw_entry(&npt, 1 * GiB, 1) & BIT_PS, BIT_PS);
	/* Root, one PDPT, one PD: the 512 leaves sit in the PD. */
	EXPECT_EQ(pool.allocs, 3);
	teardown(&npt);
}

TEST(mixed_range_uses_the_largest_leaf_each_piece_allows)
{
	struct npt npt;
	uint64_t gpa = 1 * GiB - 2 * MiB - 0x1000, hpa = 5 * GiB - 2 * MiB - 0x1000;
	uint64_t size = 0x1000 + 2 * MiB + 1 * GiB + 2 * MiB + 0x1000;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, gpa, hpa, size, RW), 0);
	expect_maps(&npt, gpa, hpa, RW, 4 * KiB);
	expect_maps(&npt, 1 * GiB - 2 * MiB, 5 * GiB - 2 * MiB, RW, 2 * MiB);
	expect_maps(&npt, 1 * GiB, 5 * GiB, RW, 1 * GiB);
	expect_maps(&npt, 2 * GiB + 0x1234, 6 * GiB + 0x1234, RW, 2 * MiB);
	expect_maps(&npt, 2 * GiB + 2 * MiB, 6 * GiB + 2 * MiB, RW, 4 * KiB);
	expect_unmapped(&npt, gpa - 0x1000);
	expect_unmapped(&npt, gpa + size);
	teardown(&npt);
}

TEST(translate_offsets_inside_large_pages)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 7 * GiB, 1 * GiB, RX), 0);
	EXPECT_EQ(npt_map(&npt, 4 * MiB, 64 * MiB, 2 * MiB, RW), 0);
	expect_maps(&npt, 1 * GiB + 0x12345678, 7 * GiB + 0x12345678, RX, 1 * GiB);
	expect_maps(&npt, 2 * GiB - 1, 8 * GiB - 1, RX, 1 * GiB);
	expect_maps(&npt, 4 * MiB + 0x1abcde, 64 * MiB + 0x1abcde, RW, 2 * MiB);
	expect_maps(&npt, 6 * MiB - 1, 66 * MiB - 1, RW, 2 * MiB);
	expect_unmapped(&npt, 2 * GiB);
	expect_unmapped(&npt, 6 * MiB);
	teardown(&npt);
}

TEST(rights_with_nx_supported)
{
	static const uint32_t rights[] = { NPT_READ, RW, RX, RWX };
	struct npt npt;

	setup(&npt, true, true);
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++) {
		EXPECT_EQ(npt_map(&npt, i * 4 * KiB, 1 * MiB + i * 4 * KiB, 4 * KiB, rights[i]), 0);
		EXPECT_EQ(npt_map(&npt, (i + 1) * 2 * MiB, (i + 1) * 2 * MiB, 2 * MiB, rights[i]),
			  0);
		EXPECT_EQ(npt_map(&npt, (i + 1) * GiB, (i + 1) * GiB, 1 * GiB, rights[i]), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++) {
		expect_maps(&npt, i * 4 * KiB, 1 * MiB + i * 4 * KiB, rights[i], 4 * KiB);
		expect_maps(&npt, (i + 1) * 2 * MiB, (i + 1) * 2 * MiB, rights[i], 2 * MiB);
		expect_maps(&npt, (i + 1) * GiB, (i + 1) * GiB, rights[i], 1 * GiB);
	}
	teardown(&npt);
}

TEST(rights_without_nx_are_always_executable)
{
	struct npt npt;

	setup(&npt, false, true);
	EXPECT_EQ(npt_map(&npt, 0, 0, 4 * KiB, NPT_READ), 0);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 2 * MiB, 2 * MiB, RW), 0);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 1 * GiB, 1 * GiB, NPT_READ), 0);
	expect_maps(&npt, 0, 0, RX, 4 * KiB);
	expect_maps(&npt, 2 * MiB, 2 * MiB, RWX, 2 * MiB);
	expect_maps(&npt, 1 * GiB, 1 * GiB, RX, 1 * GiB);
	teardown(&npt);
}

/* Checks P and U/S (and RW on tables) on every level above a leaf at `leaf_level`. */
static void expect_table_bits(const struct npt *npt, uint64_t gpa, int leaf_level)
{
	for (int level = 3; level > leaf_level; level--) {
		uint64_t e = raw_entry(npt, gpa, level);
		EXPECT_EQ(e & (BIT_P | BIT_RW | BIT_US | BIT_PS | BIT_NX), BIT_P | BIT_RW | BIT_US);
	}
}

TEST(raw_entry_bits_with_nx)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 0x3000, 0xABCDE000, 4 * KiB, NPT_READ), 0);
	EXPECT_EQ(npt_map(&npt, 0x4000, 0xABCDF000, 4 * KiB, RWX), 0);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 0x3456600000ULL, 2 * MiB, RW), 0);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 0xFFFFC0000000ULL, 1 * GiB, RX), 0);
	expect_table_bits(&npt, 0x3000, 0);
	expect_table_bits(&npt, 2 * MiB, 1);
	expect_table_bits(&npt, 1 * GiB, 2);
	EXPECT_EQ(raw_entry(&npt, 0x3000, 0), 0xABCDE000ULL | BIT_P | BIT_US | BIT_NX);
	EXPECT_EQ(raw_entry(&npt, 0x4000, 0), 0xABCDF000ULL | BIT_P | BIT_US | BIT_RW);
	EXPECT_EQ(raw_entry(&npt, 2 * MiB, 1),
		  0x3456600000ULL | BIT_P | BIT_US | BIT_RW | BIT_PS | BIT_NX);
	EXPECT_EQ(raw_entry(&npt, 1 * GiB, 2), 0xFFFFC0000000ULL | BIT_P | BIT_US | BIT_PS);
	teardown(&npt);
}

TEST(raw_entry_bits_without_nx)
{
	struct npt npt;

	setup(&npt, false, true);
	EXPECT_EQ(npt_map(&npt, 0x3000, 0x7000, 4 * KiB, NPT_READ), 0);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 4 * MiB, 2 * MiB, RW), 0);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 2 * GiB, 1 * GiB, NPT_READ), 0);
	expect_table_bits(&npt, 0x3000, 0);
	expect_table_bits(&npt, 2 * MiB, 1);
	expect_table_bits(&npt, 1 * GiB, 2);
	EXPECT_EQ(raw_entry(&npt, 0x3000, 0), 0x7000ULL | BIT_P | BIT_US);
	EXPECT_EQ(raw_entry(&npt, 2 * MiB, 1), 4 * MiB | BIT_P | BIT_US | BIT_RW | BIT_PS);
	EXPECT_EQ(raw_entry(&npt, 1 * GiB, 2), 2 * GiB | BIT_P | BIT_US | BIT_PS);
	teardown(&npt);
}

TEST(unmapped_addresses_are_enoent)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 0x7FFFFFFFF000ULL, 0xFFFFFFFFFF000ULL, 4 * KiB, RWX), 0);
	expect_maps(&npt, 0x7FFFFFFFF000ULL, 0xFFFFFFFFFF000ULL, RWX, 4 * KiB);
	expect_unmapped(&npt, 0x7FFFFFFFE000ULL);
	expect_unmapped(&npt, 0);
	/* Beyond 2^48 nothing is mapped, even where the index bits name a mapped page. */
	expect_unmapped(&npt, (1ULL << 48) + 0x7FFFFFFFF000ULL);
	expect_unmapped(&npt, (1ULL << 63) + 0x7FFFFFFFF000ULL);
	teardown(&npt);
}

/* True when gpa lies in one of the n ranges {gpa, size}. */
static bool in_ranges(const uint64_t (*ranges)[2], size_t n, uint64_t gpa)
{
	for (size_t i = 0; i < n; i++)
		if (gpa >= ranges[i][0] && gpa - ranges[i][0] < ranges[i][1])
			return true;
	return false;
}

TEST(a_guest_sees_only_what_was_mapped)
{
	static const uint64_t ranges[][2] = {
		{ 0x9000, 0x3000 },
		{ 6 * MiB, 2 * MiB },
		{ 3 * GiB, 1 * GiB },
		{ 600 * GiB + 0x7000, 0x1000 },
	};
	struct npt npt;
	uint64_t hpa;
	size_t hits = 0;

	setup(&npt, true, true);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
		EXPECT_EQ(npt_map(&npt, ranges[i][0], ranges[i][0] + 64 * GiB, ranges[i][1], RW),
			  0);
	/* Every 4 KiB page of the first 16 MiB, every 2 MiB of 8 GiB, around each range. */
	for (uint64_t gpa = 0; gpa < 16 * MiB; gpa += 4 * KiB)
		hits += npt_translate(&npt, gpa, &hpa, NULL, NULL) == 0;
	for (uint64_t gpa = 16 * MiB; gpa < 8 * GiB; gpa += 2 * MiB)
		hits += npt_translate(&npt, gpa, &hpa, NULL, NULL) == 0;
	EXPECT_EQ(hits, 3 + 512 + 512);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		for (int d = -2; d <= 2; d++) {
			uint64_t gpa = ranges[i][0] + d * 4 * KiB;
			EXPECT_EQ(npt_translate(&npt, gpa, &hpa, NULL, NULL) == 0,
				  in_ranges(ranges, ARRAY_SIZE(ranges), gpa));
			gpa = ranges[i][0] + ranges[i][1] + d * 4 * KiB;
			EXPECT_EQ(npt_translate(&npt, gpa, &hpa, NULL, NULL) == 0,
				  in_ranges(ranges, ARRAY_SIZE(ranges), gpa));
		}
	}
	/* One address in each 512 GiB slot of the GPA space: only slot 1 has anything. */
	for (uint64_t slot = 0; slot < 512; slot++) {
		uint64_t gpa = slot * 512 * GiB + 600 * GiB - 512 * GiB + 0x7000;
		EXPECT_EQ(npt_translate(&npt, gpa, &hpa, NULL, NULL) == 0, slot == 1);
	}
	teardown(&npt);
}

TEST(unmap_4k_inside_2m_keeps_the_neighbours)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 6 * MiB, 10 * MiB, 2 * MiB, RW), 0);
	size_t before = pool.allocs;
	EXPECT_EQ(npt_unmap(&npt, 6 * MiB + 0x5000, 0x1000), 0);
	EXPECT_EQ(pool.allocs, before + 1);
	expect_unmapped(&npt, 6 * MiB + 0x5000);
	expect_unmapped(&npt, 6 * MiB + 0x5fff);
	expect_maps(&npt, 6 * MiB, 10 * MiB, RW, 4 * KiB);
	expect_maps(&npt, 6 * MiB + 0x4fff, 10 * MiB + 0x4fff, RW, 4 * KiB);
	expect_maps(&npt, 6 * MiB + 0x6000, 10 * MiB + 0x6000, RW, 4 * KiB);
	expect_maps(&npt, 8 * MiB - 1, 12 * MiB - 1, RW, 4 * KiB);
	expect_unmapped(&npt, 8 * MiB);
	teardown(&npt);
}

TEST(remap_4k_inside_2m_keeps_the_neighbours)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 6 * MiB, 10 * MiB, 2 * MiB, RWX), 0);
	EXPECT_EQ(npt_map(&npt, 7 * MiB, 0x77777000, 0x1000, NPT_READ), 0);
	expect_maps(&npt, 7 * MiB + 0x10, 0x77777010, NPT_READ, 4 * KiB);
	expect_maps(&npt, 7 * MiB - 0x1000, 11 * MiB - 0x1000, RWX, 4 * KiB);
	expect_maps(&npt, 7 * MiB + 0x1000, 11 * MiB + 0x1000, RWX, 4 * KiB);
	expect_maps(&npt, 6 * MiB, 10 * MiB, RWX, 4 * KiB);
	expect_maps(&npt, 8 * MiB - 0x1000, 12 * MiB - 0x1000, RWX, 4 * KiB);
	teardown(&npt);
}

TEST(unmap_2m_inside_1g_splits_to_2m_leaves)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 5 * GiB, 1 * GiB, RX), 0);
	EXPECT_EQ(npt_unmap(&npt, 1 * GiB + 10 * MiB, 2 * MiB), 0);
	expect_unmapped(&npt, 1 * GiB + 10 * MiB);
	expect_unmapped(&npt, 1 * GiB + 12 * MiB - 1);
	expect_maps(&npt, 1 * GiB + 8 * MiB, 5 * GiB + 8 * MiB, RX, 2 * MiB);
	expect_maps(&npt, 1 * GiB + 12 * MiB, 5 * GiB + 12 * MiB, RX, 2 * MiB);
	expect_maps(&npt, 2 * GiB - 1, 6 * GiB - 1, RX, 2 * MiB);
	/* And a 4 KiB hole in one of those 2 MiB leaves splits it once more. */
	EXPECT_EQ(npt_unmap(&npt, 1 * GiB + 0x3000, 0x1000), 0);
	expect_unmapped(&npt, 1 * GiB + 0x3000);
	expect_maps(&npt, 1 * GiB + 0x2000, 5 * GiB + 0x2000, RX, 4 * KiB);
	expect_maps(&npt, 1 * GiB + 0x4000, 5 * GiB + 0x4000, RX, 4 * KiB);
	expect_maps(&npt, 1 * GiB + 2 * MiB, 5 * GiB + 2 * MiB, RX, 2 * MiB);
	teardown(&npt);
}

TEST(unmap_straddling_large_pages)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 32 * MiB, 6 * MiB, RW), 0);
	EXPECT_EQ(npt_unmap(&npt, 3 * MiB, 4 * MiB), 0);
	expect_maps(&npt, 2 * MiB, 32 * MiB, RW, 4 * KiB);
	expect_maps(&npt, 3 * MiB - 1, 33 * MiB - 1, RW, 4 * KiB);
	expect_unmapped(&npt, 3 * MiB);
	expect_unmapped(&npt, 4 * MiB);
	expect_unmapped(&npt, 6 * MiB);
	expect_unmapped(&npt, 7 * MiB - 1);
	expect_maps(&npt, 7 * MiB, 37 * MiB, RW, 4 * KiB);
	expect_maps(&npt, 8 * MiB - 1, 38 * MiB - 1, RW, 4 * KiB);
	/* The whole 2 MiB leaf in the middle went without a split. */
	EXPECT_EQ(raw_entry(&npt, 4 * MiB, 1), 0);
	/* Unmapping what is not mapped changes nothing and allocates nothing. */
	size_t before = pool.allocs;
	EXPECT_EQ(npt_unmap(&npt, 100 * GiB, 1 * GiB + 0x1000), 0);
	EXPECT_EQ(pool.allocs, before);
	teardown(&npt);
}

TEST(large_map_over_small_ones_frees_their_table)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 0x1000, 0x3000, RW), 0);
	EXPECT_EQ(pool.allocs, 4);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 4 * MiB, 2 * MiB, RX), 0);
	EXPECT_EQ(pool.frees, 1);
	expect_maps(&npt, 2 * MiB + 0x1000, 4 * MiB + 0x1000, RX, 2 * MiB);
	/* Unmapping the whole 1 GiB frees the PD that held the 2 MiB leaf. */
	EXPECT_EQ(npt_unmap(&npt, 0, 1 * GiB), 0);
	EXPECT_EQ(pool.frees, 2);
	expect_unmapped(&npt, 2 * MiB);
	teardown(&npt);
}

TEST(bad_arguments_are_einval_and_allocate_nothing)
{
	const uint64_t gpa_top = 1ULL << 48, hpa_top = 1ULL << 52;
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 0x1001, 0, 0x1000, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, 0x800, 0x1000, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, 0, 0x1800, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, 0, 0, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, gpa_top - 0x1000, 0, 0x2000, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, gpa_top, 0, 0x1000, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, gpa_top + 0x1000, 0, 0x1000, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, hpa_top + 0x1000, 0x1000, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, hpa_top - 0x1000, 0x2000, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, hpa_top, 0x1000, RW), -EINVAL);
	/* A size that wraps the 64-bit address space. */
	EXPECT_EQ(npt_map(&npt, 0x1000, 0x1000, 0xFFFFFFFFFFFFF000ULL, RW), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, 0, 0x1000, NPT_WRITE | NPT_EXEC), -EINVAL);
	EXPECT_EQ(npt_map(&npt, 0, 0, 0x1000, 0), -EINVAL);
	EXPECT_EQ(npt_unmap(&npt, 0x1001, 0x1000), -EINVAL);
	EXPECT_EQ(npt_unmap(&npt, 0, 0x10), -EINVAL);
	EXPECT_EQ(npt_unmap(&npt, 0, 0), -EINVAL);
	EXPECT_EQ(npt_unmap(&npt, gpa_top - 0x1000, 0x2000), -EINVAL);
	EXPECT_EQ(npt_unmap(&npt, gpa_top + 0x1000, 0x1000), -EINVAL);
	EXPECT_EQ(npt_unmap(&npt, 0x1000, 0xFFFFFFFFFFFFF000ULL), -EINVAL);
	EXPECT_EQ(pool.allocs, 1);
	/* The last page of each space is fine. */
	EXPECT_EQ(npt_map(&npt, gpa_top - 0x1000, hpa_top - 0x1000, 0x1000, RW), 0);
	expect_maps(&npt, gpa_top - 1, hpa_top - 1, RW, 4 * KiB);
	EXPECT_EQ(npt_unmap(&npt, gpa_top - 0x1000, 0x1000), 0);
	expect_unmapped(&npt, gpa_top - 1);
	teardown(&npt);
}

TEST(allocation_failure_is_enomem)
{
	struct npt npt;

	pool_reset(0);
	EXPECT_EQ(npt_init(&npt, &pool_ops, true, true), -ENOMEM);
	EXPECT_EQ(pool.allocs, 0);

	/* Room for the root and one table below it: a 4 KiB map needs three. */
	pool_reset(2);
	EXPECT_EQ(npt_init(&npt, &pool_ops, true, true), 0);
	EXPECT_EQ(npt_map(&npt, 0x1000, 0x1000, 0x1000, RW), -ENOMEM);
	expect_unmapped(&npt, 0x1000);
	/* A 1 GiB leaf still fits. */
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 1 * GiB, 1 * GiB, RW), 0);
	/* Splitting it does not; the leaf stays as it was. */
	EXPECT_EQ(npt_unmap(&npt, 1 * GiB, 0x1000), -ENOMEM);
	EXPECT_EQ(npt_map(&npt, 1 * GiB, 0, 0x1000, RW), -ENOMEM);
	expect_maps(&npt, 1 * GiB, 1 * GiB, RW, 1 * GiB);
	expect_maps(&npt, 2 * GiB - 1, 2 * GiB - 1, RW, 1 * GiB);
	teardown(&npt);
	EXPECT_EQ(pool.allocs, 2);
}

TEST(split_failure_one_level_down_keeps_the_2m_leaf)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 2 * MiB, 2 * MiB, 2 * MiB, RX), 0);
	pool.limit = pool.allocs;
	EXPECT_EQ(npt_unmap(&npt, 3 * MiB, 0x1000), -ENOMEM);
	expect_maps(&npt, 3 * MiB, 3 * MiB, RX, 2 * MiB);
	pool.limit = POOL_PAGES;
	EXPECT_EQ(npt_unmap(&npt, 3 * MiB, 0x1000), 0);
	expect_unmapped(&npt, 3 * MiB);
	teardown(&npt);
}

TEST(destroy_frees_tables_above_large_leaves)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 0, 0, 1 * GiB + 2 * MiB, RWX), 0);
	EXPECT_EQ(npt_map(&npt, 1000 * GiB, 0, 1 * GiB, RW), 0);
	EXPECT_EQ(npt_unmap(&npt, 1000 * GiB + 2 * MiB, 2 * MiB), 0);
	EXPECT_EQ(npt_map(&npt, 0x7FFFFFE00000ULL, 0, 2 * MiB, NPT_READ), 0);
	EXPECT_EQ(pool.allocs, 7);
	npt_destroy(&npt);
	EXPECT_EQ(pool.frees, pool.allocs);
	teardown(&npt);
}

/*
 * Regression (fixed): free_subtree() asks is_leaf(t[i], level - 1) of entries that sit at
 * `level`, so it takes every pointer to a 4 KiB page table for a leaf and never frees the table.
 */
TEST(destroy_frees_4k_page_tables)
{
	struct npt npt;

	setup(&npt, true, false);
	EXPECT_EQ(npt_map(&npt, 0, 0, 2 * MiB + 0x3000, RWX), 0);
	EXPECT_EQ(npt_map(&npt, 5 * GiB + 0x1000, 0x1000, 0x1000, RW), 0);
	EXPECT_EQ(npt_map(&npt, 1000 * GiB, 0, 1 * GiB, RW), 0);
	EXPECT_EQ(npt_unmap(&npt, 1000 * GiB + 0x7000, 0x1000), 0);
	EXPECT_EQ(npt_map(&npt, 0x7FFFFFFFF000ULL, 0, 0x1000, NPT_READ), 0);
	EXPECT_EQ(pool.allocs, 12);
	EXPECT_EQ(pool.frees, 0);
	npt_destroy(&npt);
	EXPECT_EQ(pool.frees, pool.allocs);
	teardown(&npt);
}

/* Regression (fixed): the same free_subtree() slip when an unmap clears a whole 1 GiB. */
TEST(unmap_of_1g_frees_4k_page_tables)
{
	struct npt npt;

	setup(&npt, true, true);
	EXPECT_EQ(npt_map(&npt, 1 * GiB + 0x5000, 0x5000, 0x1000, RW), 0);
	EXPECT_EQ(pool.allocs, 4);
	/* The PD and the page table under it both go. */
	EXPECT_EQ(npt_unmap(&npt, 1 * GiB, 1 * GiB), 0);
	EXPECT_EQ(pool.frees, 2);
	expect_unmapped(&npt, 1 * GiB + 0x5000);
	teardown(&npt);
}
