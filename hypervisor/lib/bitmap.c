/* SPDX-License-Identifier: BSD-3-Clause */
/* Bit arrays of 64-bit words: range updates, counts and searches for set, clear and free runs. */
#include "lib/bitmap.h"

#define BITMAP_ALL_ONES (~0ULL)

/* Bits [shift, shift + n) of a word; n is 1..64 and shift + n at most 64. */
static uint64_t bitmap_word_mask(size_t shift, size_t n)
{
	return (n == BITMAP_WORD_BITS ? BITMAP_ALL_ONES : (1ULL << n) - 1) << shift;
}

static void bitmap_update_range(uint64_t *map, size_t start, size_t count, bool set)
{
	while (count) {
		size_t shift = start % BITMAP_WORD_BITS;
		size_t n = MIN(count, BITMAP_WORD_BITS - shift);
		uint64_t mask = bitmap_word_mask(shift, n);

		if (set)
			map[start / BITMAP_WORD_BITS] |= mask;
		else
			map[start / BITMAP_WORD_BITS] &= ~mask;
		start += n;
		count -= n;
	}
}

void bitmap_set_range(uint64_t *map, size_t start, size_t count)
{
	bitmap_update_range(map, start, count, true);
}

void bitmap_clear_range(uint64_t *map, size_t start, size_t count)
{
	bitmap_update_range(map, start, count, false);
}

/* Population count by bit slicing: the freestanding build has neither POPCNT nor libgcc. */
static size_t bitmap_popcount(uint64_t v)
{
	v = v - ((v >> 1) & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (size_t)((v * 0x0101010101010101ULL) >> 56);
}

size_t bitmap_count_set(const uint64_t *map, size_t nbits)
{
	size_t full = nbits / BITMAP_WORD_BITS;
	size_t tail = nbits % BITMAP_WORD_BITS;
	size_t count = 0;
	size_t i;

	for (i = 0; i < full; i++)
		count += bitmap_popcount(map[i]);
	/* Bits past nbits in the last word are not part of the map. */
	if (tail)
		count += bitmap_popcount(map[full] & bitmap_word_mask(0, tail));
	return count;
}

/* First bit in [from, nbits) equal to `value`, or nbits when there is none. */
static size_t bitmap_find_next(const uint64_t *map, size_t nbits, size_t from, bool value)
{
	uint64_t invert = value ? 0 : BITMAP_ALL_ONES;
	size_t word;
	uint64_t bits;

	if (from >= nbits)
		return nbits;
	word = from / BITMAP_WORD_BITS;
	bits = (map[word] ^ invert) & (BITMAP_ALL_ONES << (from % BITMAP_WORD_BITS));
	while (!bits) {
		if (++word >= BITMAP_WORDS(nbits))
			return nbits;
		bits = map[word] ^ invert;
	}
	return MIN(word * BITMAP_WORD_BITS + (size_t)__builtin_ctzll(bits), nbits);
}

size_t bitmap_find_first_clear(const uint64_t *map, size_t nbits)
{
	return bitmap_find_next(map, nbits, 0, false);
}

size_t bitmap_find_first_set(const uint64_t *map, size_t nbits)
{
	return bitmap_find_next(map, nbits, 0, true);
}

/*
 * Smallest index >= from, below nbits, that is congruent to residue modulo align; nbits if none.
 * Works on remainders so that a huge align cannot overflow.
 */
static size_t bitmap_align_up(size_t from, size_t nbits, size_t align, size_t residue)
{
	size_t rem = from % align;
	size_t delta = residue >= rem ? residue - rem : align - (rem - residue);

	if (from >= nbits || delta >= nbits - from)
		return nbits;
	return from + delta;
}

size_t bitmap_find_clear_run_offset(const uint64_t *map, size_t nbits, size_t count, size_t align,
				    size_t offset)
{
	size_t start = 0;
	size_t residue;
	size_t set;

	if (!count)
		return nbits;
	align = align ? align : 1;
	/* The residue start must have so that start + offset is a multiple of align. */
	residue = (align - offset % align) % align;
	for (;;) {
		start = bitmap_find_next(map, nbits, start, false);
		start = bitmap_align_up(start, nbits, align, residue);
		if (start >= nbits || count > nbits - start)
			return nbits;
		set = bitmap_find_next(map, start + count, start, true);
		if (set == start + count)
			return start;
		/* No run can start at or before a set bit and still contain none. */
		start = set + 1;
	}
}

size_t bitmap_find_clear_run(const uint64_t *map, size_t nbits, size_t count, size_t align)
{
	return bitmap_find_clear_run_offset(map, nbits, count, align, 0);
}
