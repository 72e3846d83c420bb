/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the EPT entry format and EPTP (arch/x86/vmx/ept.c): the bits the builder writes. */
#include "lib/errno.h"
#include "ept.h"
#include "harness.h"
#include "stage2_fixture.h"

/* Raw EPT bits (SDM vol. 3, 29.3.2), written out here rather than taken from vmx.h. */
#define EPT_R	    (1ULL << 0)
#define EPT_W	    (1ULL << 1)
#define EPT_X	    (1ULL << 2)
#define EPT_RWX	    (EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB   (6ULL << 3)
#define EPT_MT_MASK (7ULL << 3)
#define EPT_IPAT    (1ULL << 6)

static void setup(struct stage2_pt *pt, bool pages_2m, bool pages_1g)
{
	pool_reset(POOL_PAGES);
	EXPECT_EQ(ept_init(pt, &pool_ops, pages_2m, pages_1g), 0);
}

static uint64_t raw_entry(const struct stage2_pt *pt, uint64_t gpa, int level)
{
	return stage2_raw_entry(pt, EPT_RWX, gpa, level);
}

/* Every entry above a leaf at `leaf_level` is its table's address with R, W and X, nothing else. */
static void expect_table_entries(const struct stage2_pt *pt, uint64_t gpa, int leaf_level)
{
	for (int level = 3; level > leaf_level; level--)
		EXPECT_EQ(raw_entry(pt, gpa, level) & ~ADDR_MSK, EPT_RWX);
}

TEST(leaf_bits_per_right_and_size)
{
	static const struct {
		uint32_t rights;
		uint64_t bits;
	} cases[] = {
		{ R, EPT_R }, { RW, EPT_R | EPT_W }, { RX, EPT_R | EPT_X }, { RWX, EPT_RWX }
	};
	struct stage2_pt pt;

	setup(&pt, true, true);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t g4 = i * 4 * KiB, g2 = (i + 1) * 2 * MiB, g1 = (i + 1) * GiB;
		uint64_t h4 = 0xABCD0000ULL + g4, h2 = 0x3456600000ULL + g2,
			 h1 = 0xFFF00000000ULL + g1;
		EXPECT_EQ(stage2_map(&pt, g4, h4, 4 * KiB, cases[i].rights), 0);
		EXPECT_EQ(stage2_map(&pt, g2, h2, 2 * MiB, cases[i].rights), 0);
		EXPECT_EQ(stage2_map(&pt, g1, h1, 1 * GiB, cases[i].rights), 0);
		/* Write-back, "ignore PAT" and accessed/dirty clear, bit 7 on the large leaves. */
		EXPECT_EQ(raw_entry(&pt, g4, 0), h4 | cases[i].bits | EPT_MT_WB);
		EXPECT_EQ(raw_entry(&pt, g2, 1), h2 | cases[i].bits | EPT_MT_WB | BIT_PS);
		EXPECT_EQ(raw_entry(&pt, g1, 2), h1 | cases[i].bits | EPT_MT_WB | BIT_PS);
		expect_table_entries(&pt, g4, 0);
		expect_table_entries(&pt, g2, 1);
		expect_table_entries(&pt, g1, 2);
	}
	stage2_teardown(&pt);
}

TEST(uncached_leaves_are_uc_and_splits_keep_the_type)
{
	struct stage2_pt pt;

	setup(&pt, true, true);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 0xFEC00000ULL - 2 * MiB, 2 * MiB, RW | STAGE2_UNCACHED),
		  0);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 1 * GiB, 1 * GiB, RWX), 0);
	EXPECT_EQ(raw_entry(&pt, 2 * MiB, 1), (0xFEC00000ULL - 2 * MiB) | EPT_R | EPT_W | BIT_PS);
	expect_maps(&pt, 2 * MiB, 0xFEC00000ULL - 2 * MiB, RW | STAGE2_UNCACHED, 2 * MiB);
	/* A 4 KiB hole in each: the 511 leaves left keep their memory type and rights. */
	EXPECT_EQ(stage2_unmap(&pt, 3 * MiB, 4 * KiB), 0);
	EXPECT_EQ(stage2_unmap(&pt, 1 * GiB + 4 * MiB, 4 * KiB), 0);
	EXPECT_EQ(raw_entry(&pt, 2 * MiB, 0), (0xFEC00000ULL - 2 * MiB) | EPT_R | EPT_W);
	EXPECT_EQ(raw_entry(&pt, 4 * MiB - 4 * KiB, 0), (0xFEC00000ULL - 4 * KiB) | EPT_R | EPT_W);
	expect_maps(&pt, 3 * MiB + 4 * KiB, 0xFEC00000ULL - 1 * MiB + 4 * KiB, RW | STAGE2_UNCACHED,
		    4 * KiB);
	EXPECT_EQ(raw_entry(&pt, 1 * GiB, 1), 1 * GiB | EPT_RWX | EPT_MT_WB | BIT_PS);
	EXPECT_EQ(raw_entry(&pt, 1 * GiB + 4 * MiB + 8 * KiB, 0),
		  (1 * GiB + 4 * MiB + 8 * KiB) | EPT_RWX | EPT_MT_WB);
	expect_unmapped(&pt, 3 * MiB);
	stage2_teardown(&pt);
}

TEST(ept_pointer_is_root_wb_and_a_4_level_walk)
{
	struct stage2_pt pt;

	setup(&pt, true, true);
	uint64_t eptp = ept_pointer(&pt);
	EXPECT_EQ(eptp & 7, 6);		  /* bits 2:0: paging-structure memory type WB */
	EXPECT_EQ((eptp >> 3) & 7, 3);	  /* bits 5:3: page-walk length - 1 */
	EXPECT_EQ(eptp & (1ULL << 6), 0); /* bit 6: accessed/dirty flags off */
	EXPECT_EQ(eptp & ADDR_MSK, pt.root_pa);
	EXPECT_EQ(eptp, POOL_BASE | 0x1E); /* nothing else set */
	stage2_teardown(&pt);
}

TEST(without_2m_pages_every_leaf_is_4k)
{
	struct stage2_pt pt;

	/* 1 GiB pages reported without 2 MiB ones are not used either. */
	setup(&pt, false, true);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 1 * GiB, 1 * GiB + 2 * MiB, RW), 0);
	expect_maps(&pt, 1 * GiB, 1 * GiB, RW, 4 * KiB);
	expect_maps(&pt, 2 * GiB + 2 * MiB - 1, 2 * GiB + 2 * MiB - 1, RW, 4 * KiB);
	EXPECT_EQ(raw_entry(&pt, 1 * GiB, 0), 1 * GiB | EPT_R | EPT_W | EPT_MT_WB);
	/* Root, PDPT, two PDs and 512 + 1 page tables. */
	EXPECT_EQ(pool.allocs, 517);
	stage2_destroy(&pt);
	EXPECT_EQ(pool.frees, 517);
	stage2_teardown(&pt);
}

TEST(rights_ept_cannot_express_are_refused_and_write_nothing)
{
	struct stage2_pt pt;

	setup(&pt, true, true);
	/* Write-only and write+execute without read are EPT misconfigurations. */
	EXPECT_EQ(stage2_map(&pt, 0, 0, 4 * KiB, STAGE2_WRITE), -EINVAL);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 4 * KiB, STAGE2_WRITE | STAGE2_EXEC), -EINVAL);
	/* Execute-only needs a capability bit: refused as on NPT. */
	EXPECT_EQ(stage2_map(&pt, 0, 0, 4 * KiB, STAGE2_EXEC), -EINVAL);
	EXPECT_EQ(pool.allocs, 1);
	EXPECT_EQ(raw_entry(&pt, 0, 3), 0);
	stage2_teardown(&pt);
}

TEST(an_entry_with_only_execute_is_present)
{
	struct stage2_pt pt;

	setup(&pt, true, true);
	EXPECT_EQ(stage2_map(&pt, 0x5000, 0x9000, 4 * KiB, R), 0);
	/* What a backend with execute-only support would write: bit 2 alone makes it present. */
	uint64_t *pte = pool_to_virt(&pool, raw_entry(&pt, 0x5000, 1) & ADDR_MSK);
	pte[5] = 0x9000 | EPT_X | EPT_MT_WB;
	expect_maps(&pt, 0x5abc, 0x9abc, STAGE2_EXEC, 4 * KiB);
	pte[5] = 0x9000 | EPT_MT_WB; /* memory type alone: not present */
	expect_unmapped(&pt, 0x5000);
	stage2_teardown(&pt);
}
