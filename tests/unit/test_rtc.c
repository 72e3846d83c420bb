/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the RTC date conversion in hypervisor/arch/x86/rtc.c. */
#include "x86/rtc.h"
#include "harness.h"

uint64_t tsc_khz; /* rtc.c reads the TSC rate; the hypervisor defines it in tsc.c */

static uint64_t to_unix(uint32_t y, uint32_t mo, uint32_t d, uint32_t h, uint32_t mi, uint32_t s)
{
	struct rtc_time t = { y, mo, d, h, mi, s };
	return rtc_to_unix(&t);
}

TEST(epoch_and_known_dates)
{
	EXPECT_EQ(to_unix(1970, 1, 1, 0, 0, 0), 0);
	EXPECT_EQ(to_unix(1970, 1, 2, 0, 0, 1), 86401);
	EXPECT_EQ(to_unix(2000, 1, 1, 0, 0, 0), 946684800);
	EXPECT_EQ(to_unix(2026, 11, 23, 18, 9, 54), 1795457394);
	EXPECT_EQ(to_unix(2038, 1, 19, 3, 14, 8), 2147483648ull);
}

TEST(leap_years)
{
	/* 2024 is a leap year, 2100 is not, 2000 is. */
	EXPECT_EQ(to_unix(2024, 3, 1, 0, 0, 0) - to_unix(2024, 2, 28, 0, 0, 0), 2 * 86400);
	EXPECT_EQ(to_unix(2100, 3, 1, 0, 0, 0) - to_unix(2100, 2, 28, 0, 0, 0), 1 * 86400);
	EXPECT_EQ(to_unix(2000, 3, 1, 0, 0, 0) - to_unix(2000, 2, 28, 0, 0, 0), 2 * 86400);
	EXPECT_EQ(to_unix(2025, 1, 1, 0, 0, 0) - to_unix(2024, 1, 1, 0, 0, 0), 366 * 86400);
}

TEST(out_of_range_is_zero)
{
	EXPECT_EQ(to_unix(1969, 12, 31, 23, 59, 59), 0);
	EXPECT_EQ(to_unix(2026, 0, 1, 0, 0, 0), 0);
	EXPECT_EQ(to_unix(2026, 13, 1, 0, 0, 0), 0);
	EXPECT_EQ(to_unix(2026, 1, 0, 0, 0, 0), 0);
	EXPECT_EQ(to_unix(2026, 1, 32, 0, 0, 0), 0);
	EXPECT_EQ(to_unix(2026, 1, 1, 24, 0, 0), 0);
	EXPECT_EQ(to_unix(2026, 1, 1, 0, 60, 0), 0);
	EXPECT_EQ(to_unix(10000, 1, 1, 0, 0, 0), 0);
}
