/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's physical memory: one page allocator over usable RAM, minus what is already in use. */
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/phys_mem.h"

#define LOW_MEMORY_END	  (1 * MiB)
#define BOOT_MAPPED_LIMIT (4 * GiB) /* the boot page tables identity-map this much */
#define MAX_KEEPOUTS	  (BOOT_MAX_MODULES + 2)

struct keepout {
	uint64_t start, end;
};

static struct page_alloc phys_pages;
static const struct boot_info *boot_map; /* the firmware's memory map, for phys_mem_is_ram() */
static uint64_t usable_bytes, highest_usable;
static spinlock_t claim_lock = SPINLOCK_INIT;

static bool overlaps(uint64_t a_start, uint64_t a_end, const struct keepout *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a_start < k[i].end && k[i].start < a_end)
			return true;
	return false;
}

/* Lowest page-aligned spot of `bytes` in usable RAM below the boot mapping that avoids keepouts. */
static uint64_t find_bitmap_spot(const struct boot_info *bi, uint64_t bytes,
				 const struct keepout *k, size_t nk)
{
	uint64_t best = 0;

	for (size_t i = 0; i < bi->nregions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (r->type != BOOT_MEM_USABLE)
			continue;
		uint64_t end = MIN(r->base + r->len, BOOT_MAPPED_LIMIT);
		for (uint64_t at = ALIGN_UP(MAX(r->base, LOW_MEMORY_END), PAGE_SIZE);
		     at + bytes <= end; at += PAGE_SIZE) {
			if (!overlaps(at, at + bytes, k, nk)) {
				if (!best || at < best)
					best = at;
				break;
			}
		}
	}
	return best;
}

static size_t collect_keepouts(const struct boot_info *bi, uint64_t image_start, uint64_t image_end,
			       struct keepout *k)
{
	size_t n = 0;

	k[n++] = (struct keepout){ 0, LOW_MEMORY_END };
	k[n++] = (struct keepout){ image_start, image_end };
	for (size_t i = 0; i < bi->nmodules; i++)
		k[n++] = (struct keepout){ ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
					   ALIGN_UP(bi->modules[i].end, PAGE_SIZE) };
	return n;
}

int phys_mem_init(const struct boot_info *bi, uint64_t image_start, uint64_t image_end)
{
	struct keepout keepouts[MAX_KEEPOUTS];
	size_t nk = collect_keepouts(bi, image_start, image_end, keepouts);

	boot_map = bi;

	for (size_t i = 0; i < bi->nregions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];
		if (r->type == BOOT_MEM_USABLE) {
			usable_bytes += r->len;
			highest_usable = MAX(highest_usable, r->base + r->len);
		}
	}
	if (!highest_usable)
		return -ENOMEM;

	size_t words = page_alloc_bitmap_words(0, highest_usable);
	uint64_t bitmap_bytes = ALIGN_UP(words * sizeof(uint64_t), PAGE_SIZE);
	uint64_t bitmap_pa = find_bitmap_spot(bi, bitmap_bytes, keepouts, nk);
	if (!bitmap_pa)
		return -ENOMEM;

	int err = page_alloc_init(&phys_pages, 0, highest_usable, phys_to_virt(bitmap_pa), words);
	if (err)
		return err;
	for (size_t i = 0; i < bi->nregions; i++)
		if (bi->regions[i].type == BOOT_MEM_USABLE)
			page_alloc_add_free(&phys_pages, bi->regions[i].base, bi->regions[i].len);
	/* Firmware maps may overlap: anything not usable stays out even if a usable range covers it. */
	for (size_t i = 0; i < bi->nregions; i++)
		if (bi->regions[i].type != BOOT_MEM_USABLE)
			page_alloc_reserve(&phys_pages, bi->regions[i].base, bi->regions[i].len);
	for (size_t i = 0; i < nk; i++)
		page_alloc_reserve(&phys_pages, keepouts[i].start,
				   keepouts[i].end - keepouts[i].start);
	page_alloc_reserve(&phys_pages, bitmap_pa, bitmap_bytes);
	return 0;
}

int phys_alloc_pages(size_t count, size_t align_pages, uint64_t *pa)
{
	int err = page_alloc_pages(&phys_pages, count, align_pages, pa);

	if (!err)
		memset(phys_to_virt(*pa), 0, count * PAGE_SIZE);
	return err;
}

int phys_free_pages(uint64_t pa, size_t count)
{
	return page_alloc_free(&phys_pages, pa, count);
}

int phys_claim_range(uint64_t base, uint64_t size)
{
	if ((base | size) & (PAGE_SIZE - 1) || size == 0)
		return -EINVAL;
	spin_lock(&claim_lock);
	int err = page_alloc_range_is_free(&phys_pages, base, size) ? 0 : -EBUSY;
	if (!err)
		page_alloc_reserve(&phys_pages, base, size);
	spin_unlock(&claim_lock);
	return err;
}

void phys_mem_get_stats(struct phys_mem_stats *stats)
{
	stats->usable_bytes = usable_bytes;
	stats->free_bytes = page_alloc_free_count(&phys_pages) * PAGE_SIZE;
	stats->highest_usable = highest_usable;
}

size_t phys_mem_take_free(uint64_t keep, uint64_t limit, uint64_t *bases, uint64_t *sizes,
			  size_t max)
{
	uint64_t start, end, at = 0, given = 0;
	size_t n = 0;

	spin_lock(&claim_lock);
	while (n < max && (!limit || given < limit) &&
	       page_alloc_next_free_run(&phys_pages, at, &start, &end)) {
		at = end;
		uint64_t skip = MIN(keep, end - start);
		keep -= skip;
		start += skip;
		if (limit)
			end = MIN(end, start + (limit - given));
		if (start == end)
			continue;
		page_alloc_reserve(&phys_pages, start, end - start);
		bases[n] = start;
		sizes[n++] = end - start;
		given += end - start;
	}
	spin_unlock(&claim_lock);
	return n;
}

bool phys_mem_touches_ram(uint64_t pa, uint64_t len)
{
	uint64_t end = pa + len;

	if (!boot_map || !len || end < pa)
		return false;
	for (size_t i = 0; i < boot_map->nregions; i++) {
		const struct boot_mem_region *r = &boot_map->regions[i];
		if (r->type == BOOT_MEM_USABLE && pa < r->base + r->len && r->base < end)
			return true;
	}
	return false;
}

bool phys_mem_is_ram(uint64_t pa, uint64_t len)
{
	uint64_t end = pa + len;
	bool inside = false;

	if (!boot_map || !len || end < pa)
		return false;
	for (size_t i = 0; i < boot_map->nregions; i++) {
		const struct boot_mem_region *r = &boot_map->regions[i];
		if (r->type == BOOT_MEM_USABLE && pa >= r->base && end <= r->base + r->len)
			inside = true;
		else if (r->type != BOOT_MEM_USABLE && pa < r->base + r->len && r->base < end)
			return false; /* firmware maps may overlap: non-usable wins */
	}
	return inside;
}
