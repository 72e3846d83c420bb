/* SPDX-License-Identifier: BSD-3-Clause */
/* Physical page allocator: a bitmap with one bit per 4 KiB page, set meaning not available. */
#include "lib/bitmap.h"
#include "lib/errno.h"
#include "mm/page_alloc.h"

#define PAGE_ALLOC_ADDR_MAX UINT64_MAX

/* A half-open range of page indexes inside the allocator's bitmap. */
struct page_alloc_span {
	size_t first;
	size_t end;
};

/* base + len, saturated: a range that runs past the top of the address space ends there. */
static uint64_t page_alloc_range_end(uint64_t base, uint64_t len)
{
	return len > PAGE_ALLOC_ADDR_MAX - base ? PAGE_ALLOC_ADDR_MAX : base + len;
}

static uint64_t page_alloc_limit(const struct page_alloc *pa)
{
	return pa->base + ((uint64_t)pa->npages << PAGE_SHIFT);
}

/*
 * Clips the page-aligned address range [start, end) to the pages the bitmap covers. Returns false
 * when nothing of it is covered.
 */
static bool page_alloc_clip(const struct page_alloc *pa, uint64_t start, uint64_t end,
			    struct page_alloc_span *span)
{
	start = MAX(start, pa->base);
	end = MIN(end, page_alloc_limit(pa));
	if (start >= end)
		return false;
	span->first = (start - pa->base) >> PAGE_SHIFT;
	span->end = (end - pa->base) >> PAGE_SHIFT;
	return true;
}

static bool page_alloc_is_available(const struct page_alloc *pa, size_t page)
{
	return !bitmap_test(pa->bitmap, page);
}

/* Marks pages available or not, keeping free_pages in step with the pages that change. */
static void page_alloc_mark(struct page_alloc *pa, const struct page_alloc_span *span,
			    bool available)
{
	size_t i;

	for (i = span->first; i < span->end; i++) {
		if (page_alloc_is_available(pa, i) == available)
			continue;
		if (available) {
			bitmap_clear(pa->bitmap, i);
			pa->free_pages++;
		} else {
			bitmap_set(pa->bitmap, i);
			pa->free_pages--;
		}
	}
}

size_t page_alloc_bitmap_words(uint64_t base, uint64_t limit)
{
	uint64_t first = base >> PAGE_SHIFT;
	uint64_t end = (limit >> PAGE_SHIFT) + ((limit & (PAGE_SIZE - 1)) ? 1 : 0);

	if (limit <= base)
		return 0;
	return BITMAP_WORDS(end - first);
}

int page_alloc_init(struct page_alloc *pa, uint64_t base, uint64_t limit, uint64_t *bitmap,
		    size_t bitmap_words)
{
	uint64_t start = ALIGN_DOWN(base, PAGE_SIZE);
	size_t words;

	/* The rounded-up limit must still be representable. */
	if (!pa || !bitmap || limit <= base || limit > PAGE_ALLOC_ADDR_MAX - PAGE_SIZE + 1)
		return -EINVAL;
	words = page_alloc_bitmap_words(base, limit);
	if (bitmap_words < words)
		return -ENOSPC;

	pa->base = start;
	pa->npages = (ALIGN_UP(limit, PAGE_SIZE) - start) >> PAGE_SHIFT;
	pa->bitmap = bitmap;
	pa->free_pages = 0;
	pa->lock = (spinlock_t)SPINLOCK_INIT;
	bitmap_set_range(bitmap, 0, words * BITMAP_WORD_BITS);
	return 0;
}

void page_alloc_add_free(struct page_alloc *pa, uint64_t base, uint64_t len)
{
	uint64_t end = ALIGN_DOWN(page_alloc_range_end(base, len), PAGE_SIZE);
	struct page_alloc_span span;

	/* A base in the last partial page of the address space holds no whole page. */
	if (base > PAGE_ALLOC_ADDR_MAX - PAGE_SIZE + 1)
		return;
	spin_lock(&pa->lock);
	if (page_alloc_clip(pa, ALIGN_UP(base, PAGE_SIZE), end, &span))
		page_alloc_mark(pa, &span, true);
	spin_unlock(&pa->lock);
}

void page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t len)
{
	uint64_t end = page_alloc_range_end(base, len);
	struct page_alloc_span span;

	/* A saturated end stays unrounded; the covered range never reaches that high anyway. */
	if (end <= PAGE_ALLOC_ADDR_MAX - PAGE_SIZE + 1)
		end = ALIGN_UP(end, PAGE_SIZE);
	spin_lock(&pa->lock);
	if (len && page_alloc_clip(pa, ALIGN_DOWN(base, PAGE_SIZE), end, &span))
		page_alloc_mark(pa, &span, false);
	spin_unlock(&pa->lock);
}

int page_alloc_pages(struct page_alloc *pa, size_t count, size_t align_pages, uint64_t *phys)
{
	size_t first;

	if (!count || !phys)
		return -EINVAL;
	spin_lock(&pa->lock);
	/* Alignment is of the physical address, and pa->base need not be aligned to it. */
	first = bitmap_find_clear_run_offset(pa->bitmap, pa->npages, count, align_pages,
					     pa->base >> PAGE_SHIFT);
	if (first >= pa->npages) {
		spin_unlock(&pa->lock);
		return -ENOMEM;
	}
	bitmap_set_range(pa->bitmap, first, count);
	pa->free_pages -= count;
	spin_unlock(&pa->lock);
	*phys = pa->base + ((uint64_t)first << PAGE_SHIFT);
	return 0;
}

/* True if every page of the span is available (or, with available false, none is). */
static bool page_alloc_span_all(const struct page_alloc *pa, const struct page_alloc_span *span,
				bool available)
{
	size_t i;

	for (i = span->first; i < span->end; i++) {
		if (page_alloc_is_available(pa, i) != available)
			return false;
	}
	return true;
}

/* Checks a free request against the covered range; the caller holds the lock. */
static int page_alloc_free_span(const struct page_alloc *pa, uint64_t phys, size_t count,
				struct page_alloc_span *span)
{
	size_t first;

	if (!count || (phys & (PAGE_SIZE - 1)) || phys < pa->base)
		return -EINVAL;
	first = (phys - pa->base) >> PAGE_SHIFT;
	if (first >= pa->npages || count > pa->npages - first)
		return -EINVAL;
	span->first = first;
	span->end = first + count;
	/* A page already available means a double free (or a free of something never handed out). */
	return page_alloc_span_all(pa, span, false) ? 0 : -EINVAL;
}

int page_alloc_free(struct page_alloc *pa, uint64_t phys, size_t count)
{
	struct page_alloc_span span;
	int ret;

	spin_lock(&pa->lock);
	ret = page_alloc_free_span(pa, phys, count, &span);
	if (!ret) {
		bitmap_clear_range(pa->bitmap, span.first, count);
		pa->free_pages += count;
	}
	spin_unlock(&pa->lock);
	return ret;
}

bool page_alloc_range_is_free(struct page_alloc *pa, uint64_t base, uint64_t len)
{
	uint64_t start = ALIGN_DOWN(base, PAGE_SIZE);
	uint64_t end = page_alloc_range_end(base, len);
	struct page_alloc_span span;
	bool is_free;

	if (!len)
		return true;
	spin_lock(&pa->lock);
	/* Pages outside the covered range are never available. */
	is_free = start >= pa->base && end <= page_alloc_limit(pa) &&
		  page_alloc_clip(pa, start, ALIGN_UP(end, PAGE_SIZE), &span) &&
		  page_alloc_span_all(pa, &span, true);
	spin_unlock(&pa->lock);
	return is_free;
}

size_t page_alloc_free_count(struct page_alloc *pa)
{
	size_t count;

	spin_lock(&pa->lock);
	count = pa->free_pages;
	spin_unlock(&pa->lock);
	return count;
}

bool page_alloc_next_free_run(struct page_alloc *pa, uint64_t from, uint64_t *start, uint64_t *end)
{
	size_t page =
		from <= pa->base ? 0 : (size_t)((from - pa->base + PAGE_SIZE - 1) / PAGE_SIZE);
	bool found = false;

	spin_lock(&pa->lock);
	while (page < pa->npages && !page_alloc_is_available(pa, page))
		page++;
	if (page < pa->npages) {
		size_t last = page;
		while (last < pa->npages && page_alloc_is_available(pa, last))
			last++;
		*start = pa->base + page * PAGE_SIZE;
		*end = pa->base + last * PAGE_SIZE;
		found = true;
	}
	spin_unlock(&pa->lock);
	return found;
}
