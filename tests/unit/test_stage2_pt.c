/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the second-stage page-table builder (arch/x86/stage2_pt.c), run on NPT and EPT. */
#include "lib/errno.h"
#include "ept.h"
#include "harness.h"
#include "npt.h"
#include "stage2_fixture.h"

/* One format under test: how to make an empty table of it, and what makes its entries present. */
struct stage2_case {
	int (*init)(struct stage2_pt *pt, const struct stage2_ops *ops, bool pages_1g);
	uint64_t present_bits;
};

static int npt_case_init(struct stage2_pt *pt, const struct stage2_ops *ops, bool pages_1g)
{
	return npt_init(pt, ops, true, pages_1g);
}

static int ept_case_init(struct stage2_pt *pt, const struct stage2_ops *ops, bool pages_1g)
{
	return ept_init(pt, ops, true, pages_1g);
}

static const struct stage2_case npt_case = { npt_case_init, 1ULL << 0 };
static const struct stage2_case ept_case = { ept_case_init, 7ULL };

/* STAGE2_TEST(name) { ... } is one body run as two tests, npt_name and ept_name. */
#define STAGE2_TEST(name)                                            \
	static void stage2_body_##name(const struct stage2_case *c); \
	TEST(npt_##name)                                             \
	{                                                            \
		stage2_body_##name(&npt_case);                       \
	}                                                            \
	TEST(ept_##name)                                             \
	{                                                            \
		stage2_body_##name(&ept_case);                       \
	}                                                            \
	static void stage2_body_##name(const struct stage2_case *c)

/* An empty table of the case's format over a fresh pool. */
static void setup(const struct stage2_case *c, struct stage2_pt *pt, bool pages_1g)
{
	pool_reset(POOL_PAGES);
	EXPECT_EQ(c->init(pt, &pool_ops, pages_1g), 0);
}

static uint64_t raw_entry(const struct stage2_case *c, const struct stage2_pt *pt, uint64_t gpa,
			  int level)
{
	return stage2_raw_entry(pt, c->present_bits, gpa, level);
}

STAGE2_TEST(init_allocates_one_empty_root_and_destroy_frees_it)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(pool.allocs, 1);
	EXPECT_EQ(pt.root_pa, POOL_BASE);
	expect_unmapped(&pt, 0);
	expect_unmapped(&pt, 0x7FFFFFFFF000ULL);
	stage2_destroy(&pt);
	EXPECT_EQ(pool.frees, 1);
	EXPECT_EQ(pt.root_pa, 0);
}

STAGE2_TEST(map_4k_translates_offsets_and_nothing_beside_it)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 0x5000, 0x123000, 0x1000, RWX), 0);
	expect_maps(&pt, 0x5000, 0x123000, RWX, 4 * KiB);
	expect_maps(&pt, 0x5abc, 0x123abc, RWX, 4 * KiB);
	expect_maps(&pt, 0x5fff, 0x123fff, RWX, 4 * KiB);
	expect_unmapped(&pt, 0x4fff);
	expect_unmapped(&pt, 0x6000);
	/* The rights and size outputs are optional. */
	uint64_t hpa = 0;
	EXPECT_EQ(stage2_translate(&pt, 0x5008, &hpa, NULL, NULL), 0);
	EXPECT_EQ(hpa, 0x123008);
	stage2_teardown(&pt);
}

STAGE2_TEST(leaf_size_follows_alignment_of_both_addresses)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 4 * MiB, 2 * MiB, RWX), 0);
	expect_maps(&pt, 2 * MiB, 4 * MiB, RWX, 2 * MiB);
	/* A 2 MiB aligned GPA over a 4 KiB aligned HPA can only use 4 KiB leaves. */
	EXPECT_EQ(stage2_map(&pt, 6 * MiB, 8 * MiB + 0x1000, 2 * MiB, RWX), 0);
	expect_maps(&pt, 6 * MiB, 8 * MiB + 0x1000, RWX, 4 * KiB);
	expect_maps(&pt, 8 * MiB - 0x1000, 10 * MiB, RWX, 4 * KiB);
	/* And the other way round. */
	EXPECT_EQ(stage2_map(&pt, 10 * MiB + 0x1000, 12 * MiB, 2 * MiB, RWX), 0);
	expect_maps(&pt, 10 * MiB + 0x1000, 12 * MiB, RWX, 4 * KiB);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 3 * GiB, 1 * GiB, RWX), 0);
	expect_maps(&pt, 1 * GiB, 3 * GiB, RWX, 1 * GiB);
	/* 1 GiB over 2 MiB alignment: 2 MiB leaves. */
	EXPECT_EQ(stage2_map(&pt, 4 * GiB, 8 * GiB + 2 * MiB, 1 * GiB, RWX), 0);
	expect_maps(&pt, 4 * GiB, 8 * GiB + 2 * MiB, RWX, 2 * MiB);
	expect_maps(&pt, 5 * GiB - 2 * MiB, 9 * GiB, RWX, 2 * MiB);
	stage2_teardown(&pt);
}

STAGE2_TEST(without_gbpages_1g_ranges_use_2m_leaves)
{
	struct stage2_pt pt;

	setup(c, &pt, false);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 3 * GiB, 1 * GiB, RWX), 0);
	expect_maps(&pt, 1 * GiB, 3 * GiB, RWX, 2 * MiB);
	expect_maps(&pt, 1 * GiB + 0x3456789, 3 * GiB + 0x3456789, RWX, 2 * MiB);
	expect_maps(&pt, 2 * GiB - 1, 4 * GiB - 1, RWX, 2 * MiB);
	EXPECT_EQ(raw_entry(c, &pt, 1 * GiB, 2) & BIT_PS, 0);
	EXPECT_EQ(raw_entry(c, &pt, 1 * GiB, 1) & BIT_PS, BIT_PS);
	/* Root, one PDPT, one PD: the 512 leaves sit in the PD. */
	EXPECT_EQ(pool.allocs, 3);
	stage2_teardown(&pt);
}

STAGE2_TEST(mixed_range_uses_the_largest_leaf_each_piece_allows)
{
	struct stage2_pt pt;
	uint64_t gpa = 1 * GiB - 2 * MiB - 0x1000, hpa = 5 * GiB - 2 * MiB - 0x1000;
	uint64_t size = 0x1000 + 2 * MiB + 1 * GiB + 2 * MiB + 0x1000;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, gpa, hpa, size, RW), 0);
	expect_maps(&pt, gpa, hpa, RW, 4 * KiB);
	expect_maps(&pt, 1 * GiB - 2 * MiB, 5 * GiB - 2 * MiB, RW, 2 * MiB);
	expect_maps(&pt, 1 * GiB, 5 * GiB, RW, 1 * GiB);
	expect_maps(&pt, 2 * GiB + 0x1234, 6 * GiB + 0x1234, RW, 2 * MiB);
	expect_maps(&pt, 2 * GiB + 2 * MiB, 6 * GiB + 2 * MiB, RW, 4 * KiB);
	expect_unmapped(&pt, gpa - 0x1000);
	expect_unmapped(&pt, gpa + size);
	stage2_teardown(&pt);
}

STAGE2_TEST(translate_offsets_inside_large_pages)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 7 * GiB, 1 * GiB, RX), 0);
	EXPECT_EQ(stage2_map(&pt, 4 * MiB, 64 * MiB, 2 * MiB, RW), 0);
	expect_maps(&pt, 1 * GiB + 0x12345678, 7 * GiB + 0x12345678, RX, 1 * GiB);
	expect_maps(&pt, 2 * GiB - 1, 8 * GiB - 1, RX, 1 * GiB);
	expect_maps(&pt, 4 * MiB + 0x1abcde, 64 * MiB + 0x1abcde, RW, 2 * MiB);
	expect_maps(&pt, 6 * MiB - 1, 66 * MiB - 1, RW, 2 * MiB);
	expect_unmapped(&pt, 2 * GiB);
	expect_unmapped(&pt, 6 * MiB);
	stage2_teardown(&pt);
}

STAGE2_TEST(rights_read_back_as_mapped)
{
	static const uint32_t rights[] = { R, RW, RX, RWX };
	struct stage2_pt pt;

	setup(c, &pt, true);
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++) {
		EXPECT_EQ(stage2_map(&pt, i * 4 * KiB, 1 * MiB + i * 4 * KiB, 4 * KiB, rights[i]),
			  0);
		EXPECT_EQ(stage2_map(&pt, (i + 1) * 2 * MiB, (i + 1) * 2 * MiB, 2 * MiB, rights[i]),
			  0);
		EXPECT_EQ(stage2_map(&pt, (i + 1) * GiB, (i + 1) * GiB, 1 * GiB, rights[i]), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++) {
		expect_maps(&pt, i * 4 * KiB, 1 * MiB + i * 4 * KiB, rights[i], 4 * KiB);
		expect_maps(&pt, (i + 1) * 2 * MiB, (i + 1) * 2 * MiB, rights[i], 2 * MiB);
		expect_maps(&pt, (i + 1) * GiB, (i + 1) * GiB, rights[i], 1 * GiB);
	}
	stage2_teardown(&pt);
}

STAGE2_TEST(unmapped_addresses_are_enoent)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 0x7FFFFFFFF000ULL, 0xFFFFFFFFFF000ULL, 4 * KiB, RWX), 0);
	expect_maps(&pt, 0x7FFFFFFFF000ULL, 0xFFFFFFFFFF000ULL, RWX, 4 * KiB);
	expect_unmapped(&pt, 0x7FFFFFFFE000ULL);
	expect_unmapped(&pt, 0);
	/* Beyond 2^48 nothing is mapped, even where the index bits name a mapped page. */
	expect_unmapped(&pt, (1ULL << 48) + 0x7FFFFFFFF000ULL);
	expect_unmapped(&pt, (1ULL << 63) + 0x7FFFFFFFF000ULL);
	stage2_teardown(&pt);
}

/* True when gpa lies in one of the n ranges {gpa, size}. */
static bool in_ranges(const uint64_t (*ranges)[2], size_t n, uint64_t gpa)
{
	for (size_t i = 0; i < n; i++)
		if (gpa >= ranges[i][0] && gpa - ranges[i][0] < ranges[i][1])
			return true;
	return false;
}

STAGE2_TEST(a_guest_sees_only_what_was_mapped)
{
	static const uint64_t ranges[][2] = {
		{ 0x9000, 0x3000 },
		{ 6 * MiB, 2 * MiB },
		{ 3 * GiB, 1 * GiB },
		{ 600 * GiB + 0x7000, 0x1000 },
	};
	struct stage2_pt pt;
	uint64_t hpa;
	size_t hits = 0;

	setup(c, &pt, true);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
		EXPECT_EQ(stage2_map(&pt, ranges[i][0], ranges[i][0] + 64 * GiB, ranges[i][1], RW),
			  0);
	/* Every 4 KiB page of the first 16 MiB, every 2 MiB of 8 GiB, around each range. */
	for (uint64_t gpa = 0; gpa < 16 * MiB; gpa += 4 * KiB)
		hits += stage2_translate(&pt, gpa, &hpa, NULL, NULL) == 0;
	for (uint64_t gpa = 16 * MiB; gpa < 8 * GiB; gpa += 2 * MiB)
		hits += stage2_translate(&pt, gpa, &hpa, NULL, NULL) == 0;
	EXPECT_EQ(hits, 3 + 512 + 512);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++) {
		for (int d = -2; d <= 2; d++) {
			uint64_t gpa = ranges[i][0] + d * 4 * KiB;
			EXPECT_EQ(stage2_translate(&pt, gpa, &hpa, NULL, NULL) == 0,
				  in_ranges(ranges, ARRAY_SIZE(ranges), gpa));
			gpa = ranges[i][0] + ranges[i][1] + d * 4 * KiB;
			EXPECT_EQ(stage2_translate(&pt, gpa, &hpa, NULL, NULL) == 0,
				  in_ranges(ranges, ARRAY_SIZE(ranges), gpa));
		}
	}
	/* One address in each 512 GiB slot of the GPA space: only slot 1 has anything. */
	for (uint64_t slot = 0; slot < 512; slot++) {
		uint64_t gpa = slot * 512 * GiB + 600 * GiB - 512 * GiB + 0x7000;
		EXPECT_EQ(stage2_translate(&pt, gpa, &hpa, NULL, NULL) == 0, slot == 1);
	}
	stage2_teardown(&pt);
}

STAGE2_TEST(unmap_4k_inside_2m_keeps_the_neighbours)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 6 * MiB, 10 * MiB, 2 * MiB, RW), 0);
	size_t before = pool.allocs;
	EXPECT_EQ(stage2_unmap(&pt, 6 * MiB + 0x5000, 0x1000), 0);
	EXPECT_EQ(pool.allocs, before + 1);
	expect_unmapped(&pt, 6 * MiB + 0x5000);
	expect_unmapped(&pt, 6 * MiB + 0x5fff);
	expect_maps(&pt, 6 * MiB, 10 * MiB, RW, 4 * KiB);
	expect_maps(&pt, 6 * MiB + 0x4fff, 10 * MiB + 0x4fff, RW, 4 * KiB);
	expect_maps(&pt, 6 * MiB + 0x6000, 10 * MiB + 0x6000, RW, 4 * KiB);
	expect_maps(&pt, 8 * MiB - 1, 12 * MiB - 1, RW, 4 * KiB);
	expect_unmapped(&pt, 8 * MiB);
	stage2_teardown(&pt);
}

STAGE2_TEST(remap_4k_inside_2m_keeps_the_neighbours)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 6 * MiB, 10 * MiB, 2 * MiB, RWX), 0);
	EXPECT_EQ(stage2_map(&pt, 7 * MiB, 0x77777000, 0x1000, R), 0);
	expect_maps(&pt, 7 * MiB + 0x10, 0x77777010, R, 4 * KiB);
	expect_maps(&pt, 7 * MiB - 0x1000, 11 * MiB - 0x1000, RWX, 4 * KiB);
	expect_maps(&pt, 7 * MiB + 0x1000, 11 * MiB + 0x1000, RWX, 4 * KiB);
	expect_maps(&pt, 6 * MiB, 10 * MiB, RWX, 4 * KiB);
	expect_maps(&pt, 8 * MiB - 0x1000, 12 * MiB - 0x1000, RWX, 4 * KiB);
	stage2_teardown(&pt);
}

STAGE2_TEST(unmap_2m_inside_1g_splits_to_2m_leaves)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 5 * GiB, 1 * GiB, RX), 0);
	EXPECT_EQ(stage2_unmap(&pt, 1 * GiB + 10 * MiB, 2 * MiB), 0);
	expect_unmapped(&pt, 1 * GiB + 10 * MiB);
	expect_unmapped(&pt, 1 * GiB + 12 * MiB - 1);
	expect_maps(&pt, 1 * GiB + 8 * MiB, 5 * GiB + 8 * MiB, RX, 2 * MiB);
	expect_maps(&pt, 1 * GiB + 12 * MiB, 5 * GiB + 12 * MiB, RX, 2 * MiB);
	expect_maps(&pt, 2 * GiB - 1, 6 * GiB - 1, RX, 2 * MiB);
	/* And a 4 KiB hole in one of those 2 MiB leaves splits it once more. */
	EXPECT_EQ(stage2_unmap(&pt, 1 * GiB + 0x3000, 0x1000), 0);
	expect_unmapped(&pt, 1 * GiB + 0x3000);
	expect_maps(&pt, 1 * GiB + 0x2000, 5 * GiB + 0x2000, RX, 4 * KiB);
	expect_maps(&pt, 1 * GiB + 0x4000, 5 * GiB + 0x4000, RX, 4 * KiB);
	expect_maps(&pt, 1 * GiB + 2 * MiB, 5 * GiB + 2 * MiB, RX, 2 * MiB);
	stage2_teardown(&pt);
}

STAGE2_TEST(unmap_straddling_large_pages)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 32 * MiB, 6 * MiB, RW), 0);
	EXPECT_EQ(stage2_unmap(&pt, 3 * MiB, 4 * MiB), 0);
	expect_maps(&pt, 2 * MiB, 32 * MiB, RW, 4 * KiB);
	expect_maps(&pt, 3 * MiB - 1, 33 * MiB - 1, RW, 4 * KiB);
	expect_unmapped(&pt, 3 * MiB);
	expect_unmapped(&pt, 4 * MiB);
	expect_unmapped(&pt, 6 * MiB);
	expect_unmapped(&pt, 7 * MiB - 1);
	expect_maps(&pt, 7 * MiB, 37 * MiB, RW, 4 * KiB);
	expect_maps(&pt, 8 * MiB - 1, 38 * MiB - 1, RW, 4 * KiB);
	/* The whole 2 MiB leaf in the middle went without a split. */
	EXPECT_EQ(raw_entry(c, &pt, 4 * MiB, 1), 0);
	/* Unmapping what is not mapped changes nothing and allocates nothing. */
	size_t before = pool.allocs;
	EXPECT_EQ(stage2_unmap(&pt, 100 * GiB, 1 * GiB + 0x1000), 0);
	EXPECT_EQ(pool.allocs, before);
	stage2_teardown(&pt);
}

STAGE2_TEST(large_map_over_small_ones_frees_their_table)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 0x1000, 0x3000, RW), 0);
	EXPECT_EQ(pool.allocs, 4);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 4 * MiB, 2 * MiB, RX), 0);
	EXPECT_EQ(pool.frees, 1);
	expect_maps(&pt, 2 * MiB + 0x1000, 4 * MiB + 0x1000, RX, 2 * MiB);
	/* Unmapping the whole 1 GiB frees the PD that held the 2 MiB leaf. */
	EXPECT_EQ(stage2_unmap(&pt, 0, 1 * GiB), 0);
	EXPECT_EQ(pool.frees, 2);
	expect_unmapped(&pt, 2 * MiB);
	stage2_teardown(&pt);
}

STAGE2_TEST(bad_arguments_are_einval_and_allocate_nothing)
{
	const uint64_t gpa_top = 1ULL << 48, hpa_top = 1ULL << 52;
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 0x1001, 0, 0x1000, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0x800, 0x1000, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1800, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, gpa_top - 0x1000, 0, 0x2000, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, gpa_top, 0, 0x1000, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, gpa_top + 0x1000, 0, 0x1000, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, hpa_top + 0x1000, 0x1000, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, hpa_top - 0x1000, 0x2000, RW), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, hpa_top, 0x1000, RW), -EINVAL);
	/* A size that wraps the 64-bit address space. */
	EXPECT_EQ(stage2_map(&pt, 0x1000, 0x1000, 0xFFFFFFFFFFFFF000ULL, RW), -EINVAL);
	/* Rights without READ: EPT would take them for a misconfiguration, NPT cannot say them. */
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1000, STAGE2_WRITE | STAGE2_EXEC), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1000, STAGE2_WRITE), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1000, STAGE2_EXEC), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1000, STAGE2_UNCACHED | STAGE2_WRITE), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1000, 0), -EINVAL);
	/* Flags the builder does not know. */
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1000, RW | (1u << 4)), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 0x1000, RW | (1u << 31)), -EINVAL);
	EXPECT_EQ(stage2_unmap(&pt, 0x1001, 0x1000), -EINVAL);
	EXPECT_EQ(stage2_unmap(&pt, 0, 0x10), -EINVAL);
	EXPECT_EQ(stage2_unmap(&pt, 0, 0), -EINVAL);
	EXPECT_EQ(stage2_unmap(&pt, gpa_top - 0x1000, 0x2000), -EINVAL);
	EXPECT_EQ(stage2_unmap(&pt, gpa_top + 0x1000, 0x1000), -EINVAL);
	EXPECT_EQ(stage2_unmap(&pt, 0x1000, 0xFFFFFFFFFFFFF000ULL), -EINVAL);
	EXPECT_EQ(pool.allocs, 1);
	/* The last page of each space is fine. */
	EXPECT_EQ(stage2_map(&pt, gpa_top - 0x1000, hpa_top - 0x1000, 0x1000, RW), 0);
	expect_maps(&pt, gpa_top - 1, hpa_top - 1, RW, 4 * KiB);
	EXPECT_EQ(stage2_unmap(&pt, gpa_top - 0x1000, 0x1000), 0);
	expect_unmapped(&pt, gpa_top - 1);
	stage2_teardown(&pt);
}

STAGE2_TEST(allocation_failure_is_enomem)
{
	struct stage2_pt pt;

	pool_reset(0);
	EXPECT_EQ(c->init(&pt, &pool_ops, true), -ENOMEM);
	EXPECT_EQ(pool.allocs, 0);

	/* Room for the root and one table below it: a 4 KiB map needs three. */
	pool_reset(2);
	EXPECT_EQ(c->init(&pt, &pool_ops, true), 0);
	EXPECT_EQ(stage2_map(&pt, 0x1000, 0x1000, 0x1000, RW), -ENOMEM);
	expect_unmapped(&pt, 0x1000);
	/* A 1 GiB leaf still fits. */
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 1 * GiB, 1 * GiB, RW), 0);
	/* Splitting it does not; the leaf stays as it was. */
	EXPECT_EQ(stage2_unmap(&pt, 1 * GiB, 0x1000), -ENOMEM);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 0, 0x1000, RW), -ENOMEM);
	expect_maps(&pt, 1 * GiB, 1 * GiB, RW, 1 * GiB);
	expect_maps(&pt, 2 * GiB - 1, 2 * GiB - 1, RW, 1 * GiB);
	stage2_teardown(&pt);
	EXPECT_EQ(pool.allocs, 2);
}

STAGE2_TEST(split_failure_one_level_down_keeps_the_2m_leaf)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 2 * MiB, 2 * MiB, RX), 0);
	pool.limit = pool.allocs;
	EXPECT_EQ(stage2_unmap(&pt, 3 * MiB, 0x1000), -ENOMEM);
	expect_maps(&pt, 3 * MiB, 3 * MiB, RX, 2 * MiB);
	pool.limit = POOL_PAGES;
	EXPECT_EQ(stage2_unmap(&pt, 3 * MiB, 0x1000), 0);
	expect_unmapped(&pt, 3 * MiB);
	stage2_teardown(&pt);
}

STAGE2_TEST(destroy_frees_tables_above_large_leaves)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 1 * GiB + 2 * MiB, RWX), 0);
	EXPECT_EQ(stage2_map(&pt, 1000 * GiB, 0, 1 * GiB, RW), 0);
	EXPECT_EQ(stage2_unmap(&pt, 1000 * GiB + 2 * MiB, 2 * MiB), 0);
	EXPECT_EQ(stage2_map(&pt, 0x7FFFFFE00000ULL, 0, 2 * MiB, R), 0);
	EXPECT_EQ(pool.allocs, 7);
	stage2_destroy(&pt);
	EXPECT_EQ(pool.frees, pool.allocs);
	stage2_teardown(&pt);
}

/*
 * Regression (fixed, then in npt.c): free_subtree() asks is_leaf(t[i], level - 1) of entries that sit at
 * `level`, so it takes every pointer to a 4 KiB page table for a leaf and never frees the table.
 */
STAGE2_TEST(destroy_frees_4k_page_tables)
{
	struct stage2_pt pt;

	setup(c, &pt, false);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 2 * MiB + 0x3000, RWX), 0);
	EXPECT_EQ(stage2_map(&pt, 5 * GiB + 0x1000, 0x1000, 0x1000, RW), 0);
	EXPECT_EQ(stage2_map(&pt, 1000 * GiB, 0, 1 * GiB, RW), 0);
	EXPECT_EQ(stage2_unmap(&pt, 1000 * GiB + 0x7000, 0x1000), 0);
	EXPECT_EQ(stage2_map(&pt, 0x7FFFFFFFF000ULL, 0, 0x1000, R), 0);
	EXPECT_EQ(pool.allocs, 12);
	EXPECT_EQ(pool.frees, 0);
	stage2_destroy(&pt);
	EXPECT_EQ(pool.frees, pool.allocs);
	stage2_teardown(&pt);
}

/* Regression (fixed): the same free_subtree() slip when an unmap clears a whole 1 GiB. */
STAGE2_TEST(unmap_of_1g_frees_4k_page_tables)
{
	struct stage2_pt pt;

	setup(c, &pt, true);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB + 0x5000, 0x5000, 0x1000, RW), 0);
	EXPECT_EQ(pool.allocs, 4);
	/* The PD and the page table under it both go. */
	EXPECT_EQ(stage2_unmap(&pt, 1 * GiB, 1 * GiB), 0);
	EXPECT_EQ(pool.frees, 2);
	expect_unmapped(&pt, 1 * GiB + 0x5000);
	stage2_teardown(&pt);
}
