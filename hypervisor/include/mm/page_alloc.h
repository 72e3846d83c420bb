/* SPDX-License-Identifier: BSD-3-Clause */
/* Physical page allocator: one bit per 4 KiB page between a base and a limit; set = not available. */
#ifndef CAIRN_MM_PAGE_ALLOC_H
#define CAIRN_MM_PAGE_ALLOC_H

#include "lib/compiler.h"
#include "lib/spinlock.h"

struct page_alloc {
	uint64_t base;	   /* physical address of page 0, page aligned */
	size_t npages;	   /* pages covered by the bitmap */
	uint64_t *bitmap;  /* BITMAP_WORDS(npages) words, owned by the caller */
	size_t free_pages; /* pages currently available */
	spinlock_t lock;
};

/* Number of 64-bit bitmap words needed to cover [base, limit). */
size_t page_alloc_bitmap_words(uint64_t base, uint64_t limit);

/*
 * Covers [base, limit) (rounded out to pages) with `bitmap` of `bitmap_words` words. Every page
 * starts unavailable. Returns -EINVAL on a bad range or -ENOSPC if the bitmap is too small.
 */
int page_alloc_init(struct page_alloc *pa, uint64_t base, uint64_t limit, uint64_t *bitmap,
		    size_t bitmap_words);

/*
 * Makes the whole pages inside [base, base+len) available (rounded inward, clipped to the covered
 * range). Call for every usable RAM range first, then page_alloc_reserve() for everything that
 * must never be handed out: a reservation always wins over an earlier add.
 */
void page_alloc_add_free(struct page_alloc *pa, uint64_t base, uint64_t len);

/* Makes every page touching [base, base+len) unavailable (rounded outward, clipped). */
void page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t len);

/*
 * Allocates `count` contiguous pages whose physical address is a multiple of align_pages pages
 * (0 or 1: no constraint), lowest address first. Returns 0 and the address in *phys, -EINVAL for
 * count 0, or -ENOMEM when no such run is available.
 */
int page_alloc_pages(struct page_alloc *pa, size_t count, size_t align_pages, uint64_t *phys);

/*
 * Returns pages to the allocator. -EINVAL if phys is unaligned, count is 0, the range leaves the
 * covered range, or a page in it is already available (double free); nothing changes then.
 */
int page_alloc_free(struct page_alloc *pa, uint64_t phys, size_t count);

/* True if every page of [base, base+len) is available. */
bool page_alloc_range_is_free(struct page_alloc *pa, uint64_t base, uint64_t len);

size_t page_alloc_free_count(struct page_alloc *pa);

/* The first run of available pages at or above `from`: [*start, *end). False when there is none. */
bool page_alloc_next_free_run(struct page_alloc *pa, uint64_t from, uint64_t *start, uint64_t *end);

#endif
