/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's physical memory: usable RAM from the boot map minus everything already in use. */
#ifndef CAIRN_MM_PHYS_MEM_H
#define CAIRN_MM_PHYS_MEM_H

#include "core/boot_info.h"
#include "lib/compiler.h"

struct phys_mem_stats {
	uint64_t usable_bytes;	 /* RAM the memory map calls usable */
	uint64_t free_bytes;	 /* of it, still available for allocation */
	uint64_t highest_usable; /* end of the highest usable range */
};

/*
 * Sets up the page allocator over the usable RAM of bi, keeping out the first MiB (firmware, AP
 * trampoline), [image_start, image_end), every module and the allocator's own bitmap.
 */
int phys_mem_init(const struct boot_info *bi, uint64_t image_start, uint64_t image_end);

/* Zeroed, contiguous, aligned to align_pages pages (0/1: none). -ENOMEM when out of memory. */
int phys_alloc_pages(size_t count, size_t align_pages, uint64_t *pa);
int phys_free_pages(uint64_t pa, size_t count);
/* Takes the exact range [base, base+size) (page aligned); -EBUSY if any page of it is not free. */
int phys_claim_range(uint64_t base, uint64_t size);

void phys_mem_get_stats(struct phys_mem_stats *stats);

/*
 * True when [pa, pa+len) is RAM by the firmware's map (usable, and no non-usable range over it):
 * the only memory the hypervisor maps for sure and may read or write for a guest. Device memory
 * and holes are not, even inside a guest's mapping.
 */
bool phys_mem_is_ram(uint64_t pa, uint64_t len);
/* True when any byte of [pa, pa+len) is in a usable range of the firmware's map. */
bool phys_mem_touches_ram(uint64_t pa, uint64_t len);

/*
 * Hands free RAM over to a VM for good: leaves the lowest `keep` bytes of free memory to the
 * hypervisor, then claims up to `limit` bytes (0: no limit) of what is above, in at most max
 * page-aligned runs written to bases/sizes. Returns the number of runs.
 */
size_t phys_mem_take_free(uint64_t keep, uint64_t limit, uint64_t *bases, uint64_t *sizes,
			  size_t max);

/* The hypervisor identity-maps physical memory; the empty asm keeps GCC from reasoning about
 * low constant addresses as null-pointer arithmetic. */
static inline void *phys_to_virt(uint64_t pa)
{
	void *p;
	__asm__("" : "=r"(p) : "0"(pa));
	return p;
}

#endif
