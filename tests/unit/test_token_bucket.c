/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the token bucket in hypervisor/lib/token_bucket.c (vm_log's rate limit). */
#include <stdint.h>

#include "lib/token_bucket.h"
#include "harness.h"

TEST(burst_then_refused)
{
	struct token_bucket b = { 0 };

	for (int i = 0; i < 10; i++)
		EXPECT_TRUE(token_bucket_take(&b, 1000, 100, 10));
	EXPECT_FALSE(token_bucket_take(&b, 1000, 100, 10));
	EXPECT_FALSE(token_bucket_take(&b, 1099, 100, 10));
}

TEST(one_token_per_period)
{
	struct token_bucket b = { 0 };

	for (int i = 0; i < 3; i++)
		EXPECT_TRUE(token_bucket_take(&b, 0, 100, 3));
	EXPECT_FALSE(token_bucket_take(&b, 50, 100, 3));
	EXPECT_TRUE(token_bucket_take(&b, 100, 100, 3));
	EXPECT_FALSE(token_bucket_take(&b, 150, 100, 3));
	/* 250 is 2.5 periods after 0: one more token (the half period is kept for later). */
	EXPECT_TRUE(token_bucket_take(&b, 250, 100, 3));
	EXPECT_FALSE(token_bucket_take(&b, 299, 100, 3));
	EXPECT_TRUE(token_bucket_take(&b, 300, 100, 3));
}

TEST(never_more_than_burst)
{
	struct token_bucket b = { 0 };
	int allowed = 0;

	EXPECT_TRUE(token_bucket_take(&b, 0, 100, 4));
	for (int i = 0; i < 100; i++)
		allowed += token_bucket_take(&b, 1000000, 100, 4);
	EXPECT_EQ(allowed, 4);
}

TEST(bounded_over_a_long_flood)
{
	struct token_bucket b = { 0 };
	uint64_t allowed = 0;

	/* One attempt per tick for 10000 ticks, one token per 100 ticks after a burst of 10. */
	for (uint64_t t = 0; t < 10000; t++)
		allowed += token_bucket_take(&b, t, 100, 10);
	EXPECT_TRUE(allowed <= 10 + 10000 / 100);
	EXPECT_TRUE(allowed >= 10 + 10000 / 100 - 1);
}

TEST(clock_going_back_and_zero_period)
{
	struct token_bucket b = { 0 };

	EXPECT_TRUE(token_bucket_take(&b, 500, 100, 1));
	EXPECT_FALSE(token_bucket_take(&b, 100, 100, 1)); /* back in time: no token, no crash */
	EXPECT_TRUE(token_bucket_take(&b, 200, 100, 1));
	EXPECT_TRUE(token_bucket_take(&b, 201, 0, 2)); /* period 0 is taken as 1 tick */
}
