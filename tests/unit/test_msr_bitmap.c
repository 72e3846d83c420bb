/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the VMX MSR bitmap (arch/x86/vmx/msr_bitmap.c) against the MSR policy lists. */
#include <stdio.h>

#include "x86/guest/msr_policy.h"
#include "harness.h"
#include "msr_bitmap.h"

/*
 * The SDM's layout (vol. 3, 25.6.9), written independently of msr_bitmap.c: read bitmap for
 * 0-1FFFh at byte 0, for C0000000h-C0001FFFh at byte 1024, the write bitmaps at 2048 and 3072.
 */
static bool sdm_bit(const uint8_t *map, uint32_t msr, bool write, bool *covered)
{
	uint32_t base, n;

	if (msr < 0x2000) {
		base = write ? 2048 : 0;
		n = msr;
	} else if (msr >= 0xC0000000 && msr < 0xC0002000) {
		base = write ? 3072 : 1024;
		n = msr - 0xC0000000;
	} else {
		*covered = false;
		return true;
	}
	*covered = true;
	return (map[base + n / 8] >> (n % 8)) & 1;
}

static const struct msr_pass *find_pass(uint32_t msr)
{
	for (size_t i = 0; i < msr_passthrough_count; i++)
		if (msr_passthrough[i].index == msr)
			return &msr_passthrough[i];
	return NULL;
}

static uint8_t map[MSR_BITMAP_SIZE];

TEST(every_msr_in_both_ranges_matches_the_list_bit_for_bit)
{
	static const uint32_t first[2] = { 0x00000000, 0xC0000000 };
	unsigned mismatches = 0, passed = 0;

	msr_bitmap_build(map, msr_passthrough, msr_passthrough_count);
	for (int r = 0; r < 2; r++) {
		for (uint32_t msr = first[r]; msr < first[r] + 0x2000; msr++) {
			const struct msr_pass *p = find_pass(msr);
			bool covered;
			bool rd = sdm_bit(map, msr, false, &covered);
			bool wr = sdm_bit(map, msr, true, &covered);
			EXPECT_TRUE(covered);
			if (rd != !(p && p->read) || wr != !(p && p->write)) {
				mismatches++;
				fprintf(stderr, "# msr 0x%x: read %d write %d\n", msr, rd, wr);
			}
			passed += !rd + !wr;
		}
	}
	EXPECT_EQ(mismatches, 0);
	EXPECT_TRUE(passed > 0);
}

TEST(anchors_from_the_sdm)
{
	msr_bitmap_build(map, msr_passthrough, msr_passthrough_count);
	/* TSC 0x10: read passes (byte 2 bit 0), write exits (byte 2048 + 2 bit 0). */
	EXPECT_EQ(map[2] & 1, 0);
	EXPECT_EQ(map[2048 + 2] & 1, 1);
	/* EFER 0xC0000080: byte 1024 + 16 bit 0 and 3072 + 16 bit 0, both exit. */
	EXPECT_EQ(map[1024 + 16] & 1, 1);
	EXPECT_EQ(map[3072 + 16] & 1, 1);
	/* LSTAR 0xC0000082: bit 2 of the same bytes, passes both ways. */
	EXPECT_EQ(map[1024 + 16] & 4, 0);
	EXPECT_EQ(map[3072 + 16] & 4, 0);
	/* IA32_FEATURE_CONTROL 0x3A and the VMX capability MSRs 0x480-0x491 exit. */
	EXPECT_EQ(map[0x3A / 8] >> (0x3A % 8) & 1, 1);
	for (uint32_t msr = 0x480; msr <= 0x491; msr++) {
		EXPECT_EQ(map[msr / 8] >> (msr % 8) & 1, 1);
		EXPECT_EQ(map[2048 + msr / 8] >> (msr % 8) & 1, 1);
	}
}

TEST(read_bit_index_and_ranges)
{
	EXPECT_EQ(msr_bitmap_read_bit(0x0), 0);
	EXPECT_EQ(msr_bitmap_read_bit(0x1FFF), 0x1FFF);
	EXPECT_EQ(msr_bitmap_read_bit(0xC0000000), 1024 * 8);
	EXPECT_EQ(msr_bitmap_read_bit(0xC0001FFF), 1024 * 8 + 0x1FFF);
	EXPECT_EQ(msr_bitmap_read_bit(0x2000), -1);
	EXPECT_EQ(msr_bitmap_read_bit(0xC0002000), -1);
	EXPECT_EQ(msr_bitmap_read_bit(0xC0010114), -1); /* AMD's ranges: always exit on VMX */
	EXPECT_EQ(msr_bitmap_read_bit(0x4B564D01), -1);
}

TEST(host_only_msrs_are_never_passed)
{
	struct msr_pass bad[] = { { 0x1D9, true, true, "DEBUGCTL" },
				  { 0xC0000082, true, true, "LSTAR" } };

	msr_bitmap_build(map, bad, 2);
	EXPECT_EQ(map[0x1D9 / 8] >> (0x1D9 % 8) & 1, 1);
	EXPECT_EQ(map[2048 + 0x1D9 / 8] >> (0x1D9 % 8) & 1, 1);
	EXPECT_EQ(map[1024 + 16] & 4, 0);
}

TEST(every_x2apic_msr_exits_both_ways)
{
	msr_bitmap_build(map, msr_passthrough, msr_passthrough_count);
	for (uint32_t msr = 0x800; msr <= 0x8FF; msr++) {
		bool covered;
		EXPECT_TRUE(sdm_bit(map, msr, false, &covered)); /* x2apic.c emulates each */
		EXPECT_TRUE(sdm_bit(map, msr, true, &covered));
	}
}
