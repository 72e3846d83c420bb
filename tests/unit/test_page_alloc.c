/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the physical page allocator in hypervisor/mm/page_alloc.c. */
#include <stdint.h>
#include <string.h>

#include "lib/bitmap.h"
#include "lib/errno.h"
#include "mm/page_alloc.h"
#include "harness.h"

#define TEST_BASE  0x100000ULL /* 1 MiB */
#define TEST_PAGES 256
#define TEST_LIMIT (TEST_BASE + TEST_PAGES * PAGE_SIZE)
#define PAGE(n)	   (TEST_BASE + PAGE_SIZE * (n))

static uint64_t test_bitmap[BITMAP_WORDS(TEST_PAGES) + 1];

/* An allocator over TEST_BASE..TEST_LIMIT with every page available. */
static void setup_all_free(struct page_alloc *pa)
{
	EXPECT_EQ(page_alloc_init(pa, TEST_BASE, TEST_LIMIT, test_bitmap, ARRAY_SIZE(test_bitmap)),
		  0);
	page_alloc_add_free(pa, TEST_BASE, TEST_PAGES * PAGE_SIZE);
}

TEST(bitmap_words_cover_rounded_range)
{
	EXPECT_EQ(page_alloc_bitmap_words(0, PAGE_SIZE), 1);
	EXPECT_EQ(page_alloc_bitmap_words(0, 64 * PAGE_SIZE), 1);
	EXPECT_EQ(page_alloc_bitmap_words(0, 64 * PAGE_SIZE + 1), 2);
	EXPECT_EQ(page_alloc_bitmap_words(PAGE_SIZE - 1, 64 * PAGE_SIZE + 1), 2);
	EXPECT_EQ(page_alloc_bitmap_words(PAGE_SIZE, 65 * PAGE_SIZE), 1);
	EXPECT_EQ(page_alloc_bitmap_words(PAGE_SIZE, PAGE_SIZE), 0);
	EXPECT_EQ(page_alloc_bitmap_words(2 * PAGE_SIZE, PAGE_SIZE), 0);
	EXPECT_EQ(page_alloc_bitmap_words(100 * PAGE_SIZE, PAGE_SIZE), 0);
}

TEST(init_starts_with_nothing_available)
{
	struct page_alloc pa;
	uint64_t phys = 0;

	memset(test_bitmap, 0, sizeof(test_bitmap));
	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, test_bitmap, 4), 0);
	EXPECT_EQ(pa.npages, TEST_PAGES);
	EXPECT_EQ(page_alloc_free_count(&pa), 0);
	EXPECT_EQ(page_alloc_pages(&pa, 1, 1, &phys), -ENOMEM);
	EXPECT_FALSE(page_alloc_range_is_free(&pa, TEST_BASE, PAGE_SIZE));
}

TEST(init_rounds_outward)
{
	struct page_alloc pa;

	EXPECT_EQ(page_alloc_init(&pa, 0x1800, 0x3001, test_bitmap, 1), 0);
	EXPECT_EQ(pa.base, 0x1000);
	EXPECT_EQ(pa.npages, 3);
}

TEST(init_rejects_bad_arguments)
{
	struct page_alloc pa;
	size_t words = ARRAY_SIZE(test_bitmap);

	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_BASE, test_bitmap, words), -EINVAL);
	EXPECT_EQ(page_alloc_init(&pa, TEST_LIMIT, TEST_BASE, test_bitmap, words), -EINVAL);
	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, NULL, words), -EINVAL);
	/* A limit that cannot be rounded up to a page. */
	EXPECT_EQ(page_alloc_init(&pa, 0, UINT64_MAX, test_bitmap, words), -EINVAL);
}

TEST(init_needs_a_big_enough_bitmap)
{
	struct page_alloc pa;
	size_t words = page_alloc_bitmap_words(TEST_BASE, TEST_LIMIT);

	EXPECT_EQ(words, 4);
	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, test_bitmap, words - 1), -ENOSPC);
	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT + 1, test_bitmap, words), -ENOSPC);
	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, test_bitmap, words), 0);
}

TEST(add_free_rounds_inward)
{
	struct page_alloc pa;

	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, test_bitmap, 4), 0);
	/* Half a page, two whole pages, half a page: only the whole ones become available. */
	page_alloc_add_free(&pa, PAGE(0) + 0x800, 3 * PAGE_SIZE);
	EXPECT_EQ(page_alloc_free_count(&pa), 2);
	EXPECT_FALSE(page_alloc_range_is_free(&pa, PAGE(0), PAGE_SIZE));
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(1), 2 * PAGE_SIZE));
	EXPECT_FALSE(page_alloc_range_is_free(&pa, PAGE(3), PAGE_SIZE));
	/* Less than a whole page: nothing. */
	page_alloc_add_free(&pa, PAGE(10) + 1, PAGE_SIZE);
	EXPECT_EQ(page_alloc_free_count(&pa), 2);
}

TEST(add_free_is_clipped_and_idempotent)
{
	struct page_alloc pa;

	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, test_bitmap, 4), 0);
	page_alloc_add_free(&pa, 0, UINT64_MAX);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES);
	page_alloc_add_free(&pa, TEST_BASE, 16 * PAGE_SIZE);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES);
	EXPECT_EQ(bitmap_count_set(test_bitmap, TEST_PAGES), 0);

	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, test_bitmap, 4), 0);
	page_alloc_add_free(&pa, 0, TEST_BASE);
	page_alloc_add_free(&pa, TEST_LIMIT, 64 * PAGE_SIZE);
	page_alloc_add_free(&pa, UINT64_MAX - 10, 100);
	EXPECT_EQ(page_alloc_free_count(&pa), 0);
}

/* Allocates single pages until none is left; returns how many, none of them in [lo, hi). */
static size_t drain_avoiding(struct page_alloc *pa, uint64_t lo, uint64_t hi)
{
	uint64_t phys;
	size_t n = 0;

	while (page_alloc_pages(pa, 1, 1, &phys) == 0) {
		EXPECT_TRUE(phys < lo || phys >= hi);
		n++;
	}
	return n;
}

TEST(reserve_after_add_is_never_handed_out)
{
	struct page_alloc pa;

	setup_all_free(&pa);
	page_alloc_reserve(&pa, PAGE(5), 2 * PAGE_SIZE);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 2);
	EXPECT_EQ(drain_avoiding(&pa, PAGE(5), PAGE(7)), TEST_PAGES - 2);
	EXPECT_EQ(page_alloc_free_count(&pa), 0);
}

TEST(reserve_rounds_outward)
{
	struct page_alloc pa;

	setup_all_free(&pa);
	/* Two bytes straddling the boundary between pages 1 and 2 take both pages. */
	page_alloc_reserve(&pa, PAGE(2) - 1, 2);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 2);
	EXPECT_FALSE(page_alloc_range_is_free(&pa, PAGE(1), 1));
	EXPECT_FALSE(page_alloc_range_is_free(&pa, PAGE(2), 1));
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(0), PAGE_SIZE));
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(3), PAGE_SIZE));
	EXPECT_EQ(drain_avoiding(&pa, PAGE(1), PAGE(3)), TEST_PAGES - 2);
}

TEST(overlapping_reserves_count_once)
{
	struct page_alloc pa;

	setup_all_free(&pa);
	page_alloc_reserve(&pa, PAGE(10), 4 * PAGE_SIZE);
	page_alloc_reserve(&pa, PAGE(12), 4 * PAGE_SIZE);
	page_alloc_reserve(&pa, PAGE(11), 1);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 6);
	EXPECT_EQ(drain_avoiding(&pa, PAGE(10), PAGE(16)), TEST_PAGES - 6);
}

TEST(reserve_outside_or_empty_changes_nothing)
{
	struct page_alloc pa;

	setup_all_free(&pa);
	page_alloc_reserve(&pa, PAGE(3), 0);
	page_alloc_reserve(&pa, PAGE(4) + 5, 0);
	page_alloc_reserve(&pa, 0, TEST_BASE);
	page_alloc_reserve(&pa, TEST_LIMIT, PAGE_SIZE);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES);
	/* A range running off the top of the address space is clipped, not wrapped. */
	page_alloc_reserve(&pa, PAGE(TEST_PAGES - 1), UINT64_MAX);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 1);
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(0), PAGE_SIZE));
}

TEST(alignment_is_of_the_physical_address)
{
	struct page_alloc pa;
	uint64_t phys = 0;

	/* A base at an odd page: alignment cannot be counted from bit 0 of the bitmap. */
	EXPECT_EQ(page_alloc_init(&pa, 0x101000, 0x101000 + 64 * PAGE_SIZE, test_bitmap, 1), 0);
	page_alloc_add_free(&pa, 0, UINT64_MAX);
	EXPECT_EQ(page_alloc_pages(&pa, 1, 4, &phys), 0);
	EXPECT_EQ(phys, 0x104000);
	EXPECT_EQ(page_alloc_pages(&pa, 2, 0, &phys), 0);
	EXPECT_EQ(phys, 0x101000);
	EXPECT_EQ(page_alloc_pages(&pa, 3, 8, &phys), 0);
	EXPECT_EQ(phys, 0x108000);
	EXPECT_EQ(page_alloc_pages(&pa, 1, 1, &phys), 0);
	EXPECT_EQ(phys, 0x103000);
	EXPECT_EQ(page_alloc_pages(&pa, 16, 16, &phys), 0);
	EXPECT_EQ(phys, 0x110000);
	EXPECT_EQ(page_alloc_free_count(&pa), 64 - 23);
}

TEST(exhaustion_returns_enomem_and_harms_nothing)
{
	struct page_alloc pa;
	uint64_t phys = 0x1234;

	EXPECT_EQ(page_alloc_init(&pa, TEST_BASE, TEST_LIMIT, test_bitmap, 4), 0);
	page_alloc_add_free(&pa, PAGE(20), 10 * PAGE_SIZE);
	EXPECT_EQ(page_alloc_pages(&pa, 11, 1, &phys), -ENOMEM);
	EXPECT_EQ(phys, 0x1234);
	EXPECT_EQ(page_alloc_free_count(&pa), 10);
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(20), 10 * PAGE_SIZE));
	/* No aligned run of 4 fits in pages 20..29 at a 16-page alignment. */
	EXPECT_EQ(page_alloc_pages(&pa, 4, 16, &phys), -ENOMEM);

	EXPECT_EQ(page_alloc_pages(&pa, 10, 1, &phys), 0);
	EXPECT_EQ(phys, PAGE(20));
	EXPECT_EQ(page_alloc_pages(&pa, 1, 1, &phys), -ENOMEM);
	EXPECT_EQ(phys, PAGE(20));
	EXPECT_EQ(page_alloc_free_count(&pa), 0);
}

TEST(zero_count_or_no_result_pointer_is_einval)
{
	struct page_alloc pa;
	uint64_t phys;

	setup_all_free(&pa);
	EXPECT_EQ(page_alloc_pages(&pa, 0, 1, &phys), -EINVAL);
	EXPECT_EQ(page_alloc_pages(&pa, 1, 1, NULL), -EINVAL);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES);
}

TEST(free_then_realloc_gets_the_same_pages)
{
	struct page_alloc pa;
	uint64_t a = 0, b = 0;

	setup_all_free(&pa);
	EXPECT_EQ(page_alloc_pages(&pa, 3, 1, &a), 0);
	EXPECT_EQ(page_alloc_pages(&pa, 1, 1, &b), 0);
	EXPECT_EQ(b, a + 3 * PAGE_SIZE);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 4);
	EXPECT_EQ(page_alloc_free(&pa, a, 3), 0);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 1);
	EXPECT_TRUE(page_alloc_range_is_free(&pa, a, 3 * PAGE_SIZE));
	EXPECT_EQ(page_alloc_pages(&pa, 3, 1, &b), 0);
	EXPECT_EQ(b, a);
}

TEST(double_free_is_einval_and_changes_nothing)
{
	struct page_alloc pa;
	uint64_t a = 0;

	setup_all_free(&pa);
	EXPECT_EQ(page_alloc_pages(&pa, 4, 1, &a), 0);
	EXPECT_EQ(page_alloc_free(&pa, a + PAGE_SIZE, 1), 0);
	EXPECT_EQ(page_alloc_free(&pa, a + PAGE_SIZE, 1), -EINVAL);
	/* Page a is still in use, but a + 1 page is not: the whole free is refused. */
	EXPECT_EQ(page_alloc_free(&pa, a, 2), -EINVAL);
	EXPECT_FALSE(page_alloc_range_is_free(&pa, a, PAGE_SIZE));
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 3);
	/* Pages that were never handed out cannot be freed either. */
	EXPECT_EQ(page_alloc_free(&pa, PAGE(100), 1), -EINVAL);
	EXPECT_EQ(page_alloc_free_count(&pa), TEST_PAGES - 3);
}

TEST(bad_free_arguments_are_einval)
{
	struct page_alloc pa;
	uint64_t a = 0;

	setup_all_free(&pa);
	page_alloc_reserve(&pa, 0, UINT64_MAX);
	EXPECT_EQ(page_alloc_free_count(&pa), 0);
	/* Bits past the covered pages look in use: a free must not reach them. */
	test_bitmap[ARRAY_SIZE(test_bitmap) - 1] = ~0ULL;
	EXPECT_EQ(page_alloc_free(&pa, TEST_BASE - PAGE_SIZE, 1), -EINVAL);
	EXPECT_EQ(page_alloc_free(&pa, TEST_BASE - PAGE_SIZE, 2), -EINVAL);
	EXPECT_EQ(page_alloc_free(&pa, TEST_LIMIT, 1), -EINVAL);
	EXPECT_EQ(page_alloc_free(&pa, TEST_LIMIT + PAGE_SIZE, 1), -EINVAL);
	EXPECT_EQ(page_alloc_free(&pa, PAGE(TEST_PAGES - 2), 3), -EINVAL);
	EXPECT_EQ(page_alloc_free(&pa, PAGE(0), SIZE_MAX), -EINVAL);
	EXPECT_EQ(page_alloc_free(&pa, PAGE(1) + 8, 1), -EINVAL);
	EXPECT_EQ(page_alloc_free(&pa, PAGE(1), 0), -EINVAL);
	EXPECT_EQ(page_alloc_free_count(&pa), 0);
	/* The same pages are fine to free with good arguments. */
	EXPECT_EQ(page_alloc_free(&pa, PAGE(TEST_PAGES - 2), 2), 0);
	EXPECT_EQ(page_alloc_pages(&pa, 2, 1, &a), 0);
	EXPECT_EQ(a, PAGE(TEST_PAGES - 2));
}

TEST(range_is_free_edges)
{
	struct page_alloc pa;

	setup_all_free(&pa);
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(0), TEST_PAGES * PAGE_SIZE));
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(3), 0));
	EXPECT_FALSE(page_alloc_range_is_free(&pa, TEST_BASE - 1, 2));
	EXPECT_FALSE(page_alloc_range_is_free(&pa, TEST_LIMIT - 1, 2));
	EXPECT_FALSE(page_alloc_range_is_free(&pa, TEST_LIMIT, PAGE_SIZE));
	EXPECT_FALSE(page_alloc_range_is_free(&pa, PAGE(0), UINT64_MAX));
	page_alloc_reserve(&pa, PAGE(7), 1);
	EXPECT_FALSE(page_alloc_range_is_free(&pa, PAGE(6) + 1, PAGE_SIZE));
	EXPECT_TRUE(page_alloc_range_is_free(&pa, PAGE(6) + 1, PAGE_SIZE - 1));
}

/* Everything the random test needs to predict the allocator. */
struct shadow {
	bool available[TEST_PAGES];
	size_t free_pages;
	uint64_t base_pfn;
	uint64_t block_phys[TEST_PAGES];
	size_t block_count[TEST_PAGES];
	size_t nblocks;
};

static uint64_t test_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* The lowest aligned run of available pages in the shadow, or -1. */
static long shadow_find(const struct shadow *s, size_t count, size_t align)
{
	size_t first, i;

	for (first = 0; first + count <= TEST_PAGES; first++) {
		if (align > 1 && (s->base_pfn + first) % align)
			continue;
		for (i = 0; i < count && s->available[first + i]; i++)
			;
		if (i == count)
			return (long)first;
	}
	return -1;
}

static void shadow_mark(struct shadow *s, size_t first, size_t count, bool available)
{
	size_t i;

	for (i = first; i < first + count; i++)
		s->available[i] = available;
	s->free_pages = available ? s->free_pages + count : s->free_pages - count;
}

static void random_alloc(struct page_alloc *pa, struct shadow *s, uint64_t *state)
{
	static const size_t aligns[] = { 0, 1, 2, 3, 4, 8 };
	size_t count = 1 + test_random(state) % 6;
	size_t align = aligns[test_random(state) % ARRAY_SIZE(aligns)];
	long expected = shadow_find(s, count, align);
	uint64_t phys = 0;
	int ret = page_alloc_pages(pa, count, align, &phys);

	if (expected < 0) {
		EXPECT_EQ(ret, -ENOMEM);
		return;
	}
	if (!EXPECT_EQ(ret, 0) || !EXPECT_EQ(phys, (s->base_pfn + expected) * PAGE_SIZE))
		return;
	shadow_mark(s, (size_t)expected, count, false);
	s->block_phys[s->nblocks] = phys;
	s->block_count[s->nblocks++] = count;
}

static void random_free(struct page_alloc *pa, struct shadow *s, uint64_t *state)
{
	size_t i = test_random(state) % s->nblocks;
	uint64_t phys = s->block_phys[i];
	size_t count = s->block_count[i];

	EXPECT_EQ(page_alloc_free(pa, phys, count), 0);
	shadow_mark(s, phys / PAGE_SIZE - s->base_pfn, count, true);
	s->block_phys[i] = s->block_phys[--s->nblocks];
	s->block_count[i] = s->block_count[s->nblocks];
	/* Freeing the same block again must be refused. */
	if (test_random(state) % 4 == 0)
		EXPECT_EQ(page_alloc_free(pa, phys, count), -EINVAL);
}

static void shadow_compare(struct page_alloc *pa, const struct shadow *s)
{
	size_t i;

	EXPECT_EQ(page_alloc_free_count(pa), s->free_pages);
	for (i = 0; i < TEST_PAGES; i++)
		EXPECT_EQ(page_alloc_range_is_free(pa, (s->base_pfn + i) * PAGE_SIZE, PAGE_SIZE),
			  s->available[i]);
}

TEST(random_alloc_free_matches_shadow_model)
{
	static struct shadow s;
	struct page_alloc pa;
	uint64_t state = 0x2545f4914f6cdd1dULL;
	uint64_t base = 0x7000; /* 7 pages: not aligned to any of the alignments but 1 */
	size_t op;

	s.base_pfn = base / PAGE_SIZE;
	EXPECT_EQ(page_alloc_init(&pa, base, base + TEST_PAGES * PAGE_SIZE, test_bitmap, 4), 0);
	/* Usable RAM with holes, then reservations over some of it. */
	page_alloc_add_free(&pa, base, 100 * PAGE_SIZE);
	page_alloc_add_free(&pa, base + 120 * PAGE_SIZE, 136 * PAGE_SIZE);
	page_alloc_reserve(&pa, base + 40 * PAGE_SIZE, 3 * PAGE_SIZE);
	page_alloc_reserve(&pa, base + 200 * PAGE_SIZE + 5, 1);
	for (op = 0; op < TEST_PAGES; op++)
		s.available[op] = (op < 100 || op >= 120) && !(op >= 40 && op < 43) && op != 200;
	for (op = 0; op < TEST_PAGES; op++)
		s.free_pages += s.available[op];
	shadow_compare(&pa, &s);

	for (op = 0; op < 20000; op++) {
		/* Bias toward allocation until memory runs short, so both regimes are tested. */
		if (s.nblocks && test_random(&state) % 100 < (s.free_pages < 40 ? 70 : 35))
			random_free(&pa, &s, &state);
		else
			random_alloc(&pa, &s, &state);
		if (op % 64 == 0)
			shadow_compare(&pa, &s);
	}
	shadow_compare(&pa, &s);
}
