/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the bit arrays in hypervisor/lib/bitmap.c. */
#include <stdint.h>
#include <string.h>

#include "lib/bitmap.h"
#include "harness.h"

TEST(words_needed)
{
	EXPECT_EQ(BITMAP_WORDS(0), 0);
	EXPECT_EQ(BITMAP_WORDS(1), 1);
	EXPECT_EQ(BITMAP_WORDS(64), 1);
	EXPECT_EQ(BITMAP_WORDS(65), 2);
}

TEST(single_bits)
{
	uint64_t map[3] = { 0 };

	bitmap_set(map, 0);
	bitmap_set(map, 63);
	bitmap_set(map, 64);
	bitmap_set(map, 129);
	EXPECT_EQ(map[0], 0x8000000000000001ULL);
	EXPECT_EQ(map[1], 1);
	EXPECT_EQ(map[2], 2);
	EXPECT_TRUE(bitmap_test(map, 63));
	EXPECT_FALSE(bitmap_test(map, 62));
	EXPECT_FALSE(bitmap_test(map, 128));

	bitmap_clear(map, 63);
	bitmap_clear(map, 129);
	bitmap_clear(map, 5); /* already clear: no change */
	EXPECT_EQ(map[0], 1);
	EXPECT_EQ(map[1], 1);
	EXPECT_EQ(map[2], 0);
}

TEST(set_range_across_a_word_boundary)
{
	uint64_t map[2] = { 0 };

	bitmap_set_range(map, 60, 10);
	EXPECT_EQ(map[0], 0xf000000000000000ULL);
	EXPECT_EQ(map[1], 0x3f);
	EXPECT_FALSE(bitmap_test(map, 59));
	EXPECT_FALSE(bitmap_test(map, 70));
}

TEST(set_range_over_whole_words)
{
	uint64_t map[5] = { 0 };

	bitmap_set_range(map, 10, 200);
	EXPECT_EQ(map[0], ~0ULL << 10);
	EXPECT_EQ(map[1], ~0ULL);
	EXPECT_EQ(map[2], ~0ULL);
	EXPECT_EQ(map[3], (1ULL << 18) - 1);
	EXPECT_EQ(map[4], 0);

	memset(map, 0, sizeof(map));
	bitmap_set_range(map, 64, 64);
	EXPECT_EQ(map[0], 0);
	EXPECT_EQ(map[1], ~0ULL);
	EXPECT_EQ(map[2], 0);
}

TEST(clear_range_across_words)
{
	uint64_t map[3] = { ~0ULL, ~0ULL, ~0ULL };

	bitmap_clear_range(map, 62, 68);
	EXPECT_EQ(map[0], 0x3fffffffffffffffULL);
	EXPECT_EQ(map[1], 0);
	EXPECT_EQ(map[2], ~0ULL << 2);
}

TEST(empty_range_changes_nothing)
{
	uint64_t map[2] = { 0x1234, 0 };

	bitmap_set_range(map, 64, 0);
	bitmap_clear_range(map, 4, 0);
	EXPECT_EQ(map[0], 0x1234);
	EXPECT_EQ(map[1], 0);
}

TEST(count_set_ignores_bits_past_nbits)
{
	uint64_t map[2] = { ~0ULL, ~0ULL };

	EXPECT_EQ(bitmap_count_set(map, 128), 128);
	EXPECT_EQ(bitmap_count_set(map, 70), 70);
	EXPECT_EQ(bitmap_count_set(map, 64), 64);
	EXPECT_EQ(bitmap_count_set(map, 3), 3);
	EXPECT_EQ(bitmap_count_set(map, 0), 0);

	map[0] = 0x8000000000000001ULL;
	map[1] = 0xf0;
	EXPECT_EQ(bitmap_count_set(map, 128), 6);
	EXPECT_EQ(bitmap_count_set(map, 68), 2);
}

TEST(find_first_clear)
{
	uint64_t map[3] = { ~0ULL, ~0ULL, ~0ULL };

	EXPECT_EQ(bitmap_find_first_clear(map, 192), 192);
	bitmap_clear(map, 130);
	EXPECT_EQ(bitmap_find_first_clear(map, 192), 130);
	EXPECT_EQ(bitmap_find_first_clear(map, 131), 130);
	/* A clear bit at or past nbits does not count. */
	EXPECT_EQ(bitmap_find_first_clear(map, 130), 130);
	EXPECT_EQ(bitmap_find_first_clear(map, 100), 100);
	bitmap_clear(map, 3);
	EXPECT_EQ(bitmap_find_first_clear(map, 192), 3);
}

TEST(find_first_set)
{
	uint64_t map[3] = { 0 };

	EXPECT_EQ(bitmap_find_first_set(map, 192), 192);
	bitmap_set(map, 64);
	EXPECT_EQ(bitmap_find_first_set(map, 192), 64);
	EXPECT_EQ(bitmap_find_first_set(map, 64), 64);
	map[2] = ~0ULL;
	EXPECT_EQ(bitmap_find_first_set(map, 60), 60);
	bitmap_set(map, 0);
	EXPECT_EQ(bitmap_find_first_set(map, 192), 0);
}

TEST(find_clear_run_without_alignment)
{
	uint64_t map[2] = { 0 };

	EXPECT_EQ(bitmap_find_clear_run(map, 128, 128, 1), 0);
	bitmap_set_range(map, 0, 62);
	/* The run 62..66 crosses into the second word. */
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 5, 1), 62);
	bitmap_set(map, 65);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 4, 1), 66);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 3, 1), 62);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 2, 1), 62);
	/* align 0 is treated as 1. */
	bitmap_set(map, 62);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 1, 0), 63);
}

TEST(find_clear_run_with_alignment)
{
	uint64_t map[2] = { 0 };

	bitmap_set_range(map, 0, 3);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 4, 4), 4);
	bitmap_set(map, 5);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 4, 4), 8);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 1, 64), 64);
	/* Alignments need not be powers of two. */
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 3, 3), 6);
	/* Start 0 is a multiple of any alignment, however large. */
	map[0] = 0;
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 1, SIZE_MAX), 0);
}

TEST(find_clear_run_with_offset)
{
	uint64_t map[1] = { 0 };

	/* Bit 3 stands for unit 4 when the map starts at unit 1. */
	EXPECT_EQ(bitmap_find_clear_run_offset(map, 64, 2, 4, 1), 3);
	EXPECT_EQ(bitmap_find_clear_run_offset(map, 64, 2, 4, 4), 0);
	EXPECT_EQ(bitmap_find_clear_run_offset(map, 64, 2, 4, 7), 1);
	bitmap_set(map, 4);
	EXPECT_EQ(bitmap_find_clear_run_offset(map, 64, 2, 4, 1), 7);
}

TEST(find_clear_run_none_found)
{
	uint64_t map[2] = { ~0ULL, ~0ULL };

	EXPECT_EQ(bitmap_find_clear_run(map, 128, 1, 1), 128);
	map[1] = 0;
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 65, 1), 128);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 64, 1), 64);
	/* A run must end at or below nbits even if the word goes on. */
	EXPECT_EQ(bitmap_find_clear_run(map, 100, 37, 1), 100);
	EXPECT_EQ(bitmap_find_clear_run(map, 100, 36, 1), 64);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 1, 128), 128);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 1, SIZE_MAX), 128);
	EXPECT_EQ(bitmap_find_clear_run(map, 128, 0, 1), 128);
	EXPECT_EQ(bitmap_find_clear_run(map, 0, 1, 1), 0);
}

/* Small deterministic generator, so that a failure can be reproduced. */
static uint64_t test_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* The obvious quadratic search the real one must agree with. */
static size_t naive_clear_run(const uint64_t *map, size_t nbits, size_t count, size_t align,
			      size_t offset)
{
	size_t start, i;

	for (start = 0; count && start + count <= nbits; start++) {
		if ((start + offset) % align)
			continue;
		for (i = 0; i < count && !bitmap_test(map, start + i); i++)
			;
		if (i == count)
			return start;
	}
	return nbits;
}

TEST(find_clear_run_matches_naive_search)
{
	uint64_t state = 0x9e3779b97f4a7c15ULL;
	uint64_t map[4];
	size_t round, nbits, count, align, offset;

	for (round = 0; round < 20000; round++) {
		/* Sparse and dense maps, so that runs of every length show up. */
		map[0] = test_random(&state) & test_random(&state);
		map[1] = test_random(&state) | test_random(&state);
		map[2] = test_random(&state) & test_random(&state) & test_random(&state);
		map[3] = round % 2 ? 0 : test_random(&state);
		nbits = test_random(&state) % 257;
		count = test_random(&state) % 12;
		align = 1 + test_random(&state) % 9;
		offset = test_random(&state) % 11;
		EXPECT_EQ(bitmap_find_clear_run_offset(map, nbits, count, align, offset),
			  naive_clear_run(map, nbits, count, align, offset));
		EXPECT_EQ(bitmap_find_first_clear(map, nbits),
			  naive_clear_run(map, nbits, 1, 1, 0));
	}
}
