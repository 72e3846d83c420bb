/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's own page tables: the boot identity map of 0-4 GiB, extended over RAM above 4 GiB. */
#include "lib/errno.h"
#include "mm/phys_mem.h"
#include "x86/paging.h"

#define PTE_PRESENT   (1ull << 0)
#define PTE_WRITABLE  (1ull << 1)
#define PTE_LARGE     (1ull << 7)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull
#define LARGE_PAGE    (2 * MiB)

extern uint64_t boot_pml4[512];

/* The next-level table under entry `index` of `table`, allocated (zeroed) if absent. */
static uint64_t *next_table(uint64_t *table, unsigned index)
{
	if (!(table[index] & PTE_PRESENT)) {
		uint64_t pa;
		if (phys_alloc_pages(1, 1, &pa))
			return NULL;
		table[index] = pa | PTE_PRESENT | PTE_WRITABLE;
	}
	return phys_to_virt(table[index] & PTE_ADDR_MASK);
}

int paging_map_ram_above_4g(uint64_t end)
{
	for (uint64_t addr = 4 * GiB; addr < end; addr += LARGE_PAGE) {
		uint64_t *pdpt = next_table(boot_pml4, (addr >> 39) & 511);
		uint64_t *pd = pdpt ? next_table(pdpt, (addr >> 30) & 511) : NULL;
		if (!pd)
			return -ENOMEM;
		pd[(addr >> 21) & 511] = addr | PTE_PRESENT | PTE_WRITABLE | PTE_LARGE;
	}
	return 0;
}
