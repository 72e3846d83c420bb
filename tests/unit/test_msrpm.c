/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the SVM MSR permission map (arch/x86/svm/msrpm.c) against the MSR policy lists. */
#include <stdio.h>

#include "x86/guest/msr_policy.h"
#include "harness.h"
#include "msrpm.h"

/* The APM's layout, written independently of msrpm.c: byte base + n/4, bit (n%4)*2 (+1 write). */
static bool apm_bit(const uint8_t *map, uint32_t msr, bool write, bool *covered)
{
	static const uint32_t first[3] = { 0x00000000, 0xC0000000, 0xC0010000 };
	static const uint32_t base[3] = { 0x0000, 0x0800, 0x1000 };

	for (int r = 0; r < 3; r++) {
		if (msr < first[r] || msr >= first[r] + 0x2000)
			continue;
		uint32_t n = msr - first[r];
		*covered = true;
		return (map[base[r] + n / 4] >> ((n % 4) * 2 + (write ? 1 : 0))) & 1;
	}
	*covered = false;
	return true;
}

static const struct msr_pass *find_pass(uint32_t msr)
{
	for (size_t i = 0; i < msr_passthrough_count; i++)
		if (msr_passthrough[i].index == msr)
			return &msr_passthrough[i];
	return NULL;
}

static uint8_t map[MSRPM_SIZE];

TEST(every_msr_in_the_three_ranges_matches_the_list_bit_for_bit)
{
	static const uint32_t first[3] = { 0x00000000, 0xC0000000, 0xC0010000 };
	unsigned mismatches = 0, passed = 0;

	msrpm_build(map, msr_passthrough, msr_passthrough_count);
	for (int r = 0; r < 3; r++) {
		for (uint32_t msr = first[r]; msr < first[r] + 0x2000; msr++) {
			const struct msr_pass *p = find_pass(msr);
			bool covered;
			bool rd = apm_bit(map, msr, false, &covered);
			bool wr = apm_bit(map, msr, true, &covered);
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

TEST(anchors_from_the_apm)
{
	msrpm_build(map, msr_passthrough, msr_passthrough_count);
	/* EFER 0xC0000080: byte 0x820, bits 0-1; both intercepted. */
	EXPECT_EQ(map[0x820] & 0x3, 0x3);
	/* LSTAR 0xC0000082: byte 0x820, bits 4-5; passes. */
	EXPECT_EQ(map[0x820] & 0x30, 0);
	/* VM_HSAVE_PA 0xC0010117: byte 0x1045, bits 6-7; VM_CR 0xC0010114: byte 0x1045 bits 0-1. */
	EXPECT_EQ(map[0x1045], 0xFF);
	/* TSC 0x10: byte 4 bits 0-1: read passes, write intercepted. */
	EXPECT_EQ(map[4] & 0x3, 0x2);
	/* The reserved quarter (0x1800-0x1FFF) stays all ones. */
	for (size_t i = 0x1800; i < MSRPM_SIZE; i++)
		EXPECT_EQ(map[i], 0xFF);
}

TEST(msrpm_read_bit_is_the_apm_index)
{
	EXPECT_EQ(msrpm_read_bit(0x0), 0);
	EXPECT_EQ(msrpm_read_bit(0x1FFF), 0x1FFF * 2);
	EXPECT_EQ(msrpm_read_bit(0xC0000080), 0x800 * 8 + 0x80 * 2);
	EXPECT_EQ(msrpm_read_bit(0xC0010117), 0x1000 * 8 + 0x117 * 2);
	EXPECT_EQ(msrpm_read_bit(0x2000), -1);
	EXPECT_EQ(msrpm_read_bit(0xC0002000), -1);
	EXPECT_EQ(msrpm_read_bit(0x4B564D01), -1); /* kvmclock: outside, always exits */
}

TEST(host_only_msrs_are_never_passed)
{
	for (size_t i = 0; i < msr_host_only_count; i++) {
		EXPECT_TRUE(msr_is_host_only(msr_host_only[i]));
		EXPECT_TRUE(find_pass(msr_host_only[i]) == NULL);
	}
	/* Even a list that names one does not open it. */
	struct msr_pass bad[] = { { 0xC0010117, true, true, "VM_HSAVE_PA" },
				  { 0xC0010114, true, true, "VM_CR" },
				  { 0xC0010010, true, true, "SYSCFG" } };
	msrpm_build(map, bad, 3);
	EXPECT_EQ(map[0x1045], 0xFF);
	EXPECT_EQ(map[0x1004] & 0x3, 0x3);
	EXPECT_FALSE(msr_is_host_only(0xC0000082));
	EXPECT_FALSE(msr_is_host_only(0x4B564D01));
}

TEST(emulated_and_control_msrs_exit)
{
	static const uint32_t exits[] = { 0xC0000080 /* EFER */,     0x1B /* APIC_BASE */,
					  0x2FF /* MTRR_DEF_TYPE */, 0x200 /* MTRR_PHYSBASE0 */,
					  0x8B /* PATCH_LEVEL */,    0x179 /* MCG_CAP */,
					  0xC0010015 /* HWCR */,     0x1D9 /* DEBUGCTL */ };
	bool covered;

	msrpm_build(map, msr_passthrough, msr_passthrough_count);
	for (size_t i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
		EXPECT_TRUE(apm_bit(map, exits[i], false, &covered));
		EXPECT_TRUE(apm_bit(map, exits[i], true, &covered));
	}
}

TEST(every_x2apic_msr_exits_both_ways)
{
	msrpm_build(map, msr_passthrough, msr_passthrough_count);
	for (uint32_t msr = 0x800; msr <= 0x8FF; msr++) {
		bool covered;
		EXPECT_TRUE(apm_bit(map, msr, false, &covered)); /* x2apic.c emulates each */
		EXPECT_TRUE(apm_bit(map, msr, true, &covered));
	}
}
