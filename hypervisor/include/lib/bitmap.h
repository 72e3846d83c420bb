/* SPDX-License-Identifier: BSD-3-Clause */
/* Bit arrays of 64-bit words: set, clear, test and searches for free runs. */
#ifndef CAIRN_LIB_BITMAP_H
#define CAIRN_LIB_BITMAP_H

#include "lib/compiler.h"

#define BITMAP_WORD_BITS    64
#define BITMAP_WORDS(nbits) (((nbits) + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS)

static inline void bitmap_set(uint64_t *map, size_t bit)
{
	map[bit / BITMAP_WORD_BITS] |= 1ULL << (bit % BITMAP_WORD_BITS);
}

static inline void bitmap_clear(uint64_t *map, size_t bit)
{
	map[bit / BITMAP_WORD_BITS] &= ~(1ULL << (bit % BITMAP_WORD_BITS));
}

static inline bool bitmap_test(const uint64_t *map, size_t bit)
{
	return (map[bit / BITMAP_WORD_BITS] >> (bit % BITMAP_WORD_BITS)) & 1;
}

void bitmap_set_range(uint64_t *map, size_t start, size_t count);
void bitmap_clear_range(uint64_t *map, size_t start, size_t count);
size_t bitmap_count_set(const uint64_t *map, size_t nbits);
/* Index of the first clear bit below nbits, or nbits when every bit is set. */
size_t bitmap_find_first_clear(const uint64_t *map, size_t nbits);
/* Index of the first set bit below nbits, or nbits when none is set. */
size_t bitmap_find_first_set(const uint64_t *map, size_t nbits);
/*
 * Start of the lowest run of `count` clear bits whose start is a multiple of `align` (align >= 1)
 * and which ends at or below nbits; nbits when there is none or count is 0.
 */
size_t bitmap_find_clear_run(const uint64_t *map, size_t nbits, size_t count, size_t align);
/*
 * Like bitmap_find_clear_run(), but it is start + offset that must be a multiple of align: for maps
 * whose bit 0 stands for an unaligned unit (a page allocator whose base is not aligned to align).
 */
size_t bitmap_find_clear_run_offset(const uint64_t *map, size_t nbits, size_t count, size_t align,
				    size_t offset);

#endif
