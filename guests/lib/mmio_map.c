/* SPDX-License-Identifier: BSD-3-Clause */
/* Uncached identity mappings of device windows (guests/lib/mmio_map.h). */
#include "cpu.h"
#include "mmio_map.h"

#define PTE_P	 0x1ull
#define PTE_RW	 0x2ull
#define PTE_PWT	 0x8ull
#define PTE_PCD	 0x10ull
#define PTE_PS	 0x80ull
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define PAGE_2M	 (1ull << 21)

static uint64_t own_pd[512] __attribute__((aligned(4096)));
static bool own_pd_used;

bool guest_map_uncached(uint64_t base, unsigned int count)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t *pdpt = (uint64_t *)(uintptr_t)(pml4[0] & PTE_ADDR);
	unsigned int gib = (unsigned int)(base >> 30), slot = (unsigned int)((base >> 21) & 511);
	uint64_t *pd;

	if (gib >= 512 || slot + count > 512)
		return false;
	if (pdpt[gib] & PTE_P) {
		pd = (uint64_t *)(uintptr_t)(pdpt[gib] & PTE_ADDR);
	} else if (!own_pd_used) {
		own_pd_used = true;
		pd = own_pd;
		pdpt[gib] = (uint64_t)(uintptr_t)own_pd | PTE_P | PTE_RW;
	} else {
		return false;
	}
	for (unsigned int i = 0; i < count; i++)
		pd[slot + i] = ((base & ~(PAGE_2M - 1)) + i * PAGE_2M) | PTE_P | PTE_RW | PTE_PWT |
			       PTE_PCD | PTE_PS;
	write_cr3(read_cr3());
	return true;
}
