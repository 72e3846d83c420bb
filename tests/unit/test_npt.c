/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the NPT entry format (arch/x86/svm/npt.c): the bits the builder writes. */
#include "harness.h"
#include "npt.h"
#include "stage2_fixture.h"

/* Raw entry bits, written out here so the tests check the hardware format, not npt.c's names. */
#define BIT_P  (1ULL << 0)
#define BIT_RW (1ULL << 1)
#define BIT_US (1ULL << 2)
#define BIT_NX (1ULL << 63)

/* An empty NPT over a fresh pool, with or without EFER.NXE, 1 GiB leaves allowed. */
static void setup(struct stage2_pt *pt, bool nx)
{
	pool_reset(POOL_PAGES);
	EXPECT_EQ(npt_init(pt, &pool_ops, nx, true), 0);
}

static uint64_t raw_entry(const struct stage2_pt *pt, uint64_t gpa, int level)
{
	return stage2_raw_entry(pt, BIT_P, gpa, level);
}

TEST(rights_without_nx_are_always_executable)
{
	struct stage2_pt pt;

	setup(&pt, false);
	EXPECT_EQ(stage2_map(&pt, 0, 0, 4 * KiB, R), 0);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 2 * MiB, 2 * MiB, RW), 0);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 1 * GiB, 1 * GiB, R), 0);
	expect_maps(&pt, 0, 0, RX, 4 * KiB);
	expect_maps(&pt, 2 * MiB, 2 * MiB, RWX, 2 * MiB);
	expect_maps(&pt, 1 * GiB, 1 * GiB, RX, 1 * GiB);
	stage2_teardown(&pt);
}

/* Checks P and U/S (and RW on tables) on every level above a leaf at `leaf_level`. */
static void expect_table_bits(const struct stage2_pt *pt, uint64_t gpa, int leaf_level)
{
	for (int level = 3; level > leaf_level; level--) {
		uint64_t e = raw_entry(pt, gpa, level);
		EXPECT_EQ(e & (BIT_P | BIT_RW | BIT_US | BIT_PS | BIT_NX), BIT_P | BIT_RW | BIT_US);
	}
}

TEST(raw_entry_bits_with_nx)
{
	struct stage2_pt pt;

	setup(&pt, true);
	EXPECT_EQ(stage2_map(&pt, 0x3000, 0xABCDE000, 4 * KiB, R), 0);
	EXPECT_EQ(stage2_map(&pt, 0x4000, 0xABCDF000, 4 * KiB, RWX), 0);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 0x3456600000ULL, 2 * MiB, RW), 0);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 0xFFFFC0000000ULL, 1 * GiB, RX), 0);
	expect_table_bits(&pt, 0x3000, 0);
	expect_table_bits(&pt, 2 * MiB, 1);
	expect_table_bits(&pt, 1 * GiB, 2);
	EXPECT_EQ(raw_entry(&pt, 0x3000, 0), 0xABCDE000ULL | BIT_P | BIT_US | BIT_NX);
	EXPECT_EQ(raw_entry(&pt, 0x4000, 0), 0xABCDF000ULL | BIT_P | BIT_US | BIT_RW);
	EXPECT_EQ(raw_entry(&pt, 2 * MiB, 1),
		  0x3456600000ULL | BIT_P | BIT_US | BIT_RW | BIT_PS | BIT_NX);
	EXPECT_EQ(raw_entry(&pt, 1 * GiB, 2), 0xFFFFC0000000ULL | BIT_P | BIT_US | BIT_PS);
	stage2_teardown(&pt);
}

TEST(raw_entry_bits_without_nx)
{
	struct stage2_pt pt;

	setup(&pt, false);
	EXPECT_EQ(stage2_map(&pt, 0x3000, 0x7000, 4 * KiB, R), 0);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 4 * MiB, 2 * MiB, RW), 0);
	EXPECT_EQ(stage2_map(&pt, 1 * GiB, 2 * GiB, 1 * GiB, R), 0);
	expect_table_bits(&pt, 0x3000, 0);
	expect_table_bits(&pt, 2 * MiB, 1);
	expect_table_bits(&pt, 1 * GiB, 2);
	EXPECT_EQ(raw_entry(&pt, 0x3000, 0), 0x7000ULL | BIT_P | BIT_US);
	EXPECT_EQ(raw_entry(&pt, 2 * MiB, 1), 4 * MiB | BIT_P | BIT_US | BIT_RW | BIT_PS);
	EXPECT_EQ(raw_entry(&pt, 1 * GiB, 2), 2 * GiB | BIT_P | BIT_US | BIT_PS);
	stage2_teardown(&pt);
}

TEST(uncached_has_no_npt_bit)
{
	struct stage2_pt pt;

	setup(&pt, true);
	EXPECT_EQ(stage2_map(&pt, 0x3000, 0x7000, 4 * KiB, RW | STAGE2_UNCACHED), 0);
	EXPECT_EQ(stage2_map(&pt, 2 * MiB, 4 * MiB, 2 * MiB, RW), 0);
	/* The host MTRRs give device ranges their type: the leaf is the one a cached map writes. */
	EXPECT_EQ(raw_entry(&pt, 0x3000, 0), 0x7000ULL | BIT_P | BIT_US | BIT_RW | BIT_NX);
	expect_maps(&pt, 0x3000, 0x7000, RW, 4 * KiB);
	stage2_teardown(&pt);
}
