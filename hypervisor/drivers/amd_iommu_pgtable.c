/* SPDX-License-Identifier: BSD-3-Clause */
/* AMD IOMMU v1 I/O page tables (4 levels, 48-bit addresses): identity maps with 4K/2M pages. */
#include "lib/errno.h"
#include "drivers/amd_iommu_pgtable.h"

#define RW (IOPT_READ | IOPT_WRITE)

static unsigned level_shift(int level) /* level 1 is the page table, 4 the root */
{
	return 12 + 9 * (unsigned)(level - 1);
}

static uint64_t level_span(int level)
{
	return 1ull << level_shift(level);
}

static uint64_t *table_at(const struct iopt *pt, uint64_t pa)
{
	return pt->ops->to_virt(pt->ops->ctx, pa);
}

static unsigned next_level(uint64_t e)
{
	return (unsigned)((e & IOPT_NEXT_MASK) >> IOPT_NEXT_SHIFT);
}

/* An entry pointing at a table one level down, with rights `perm`. */
static uint64_t table_entry(uint64_t pa, int level, uint64_t perm)
{
	return pa | (uint64_t)(level - 1) << IOPT_NEXT_SHIFT | perm | IOPT_PRESENT;
}

int iopt_init(struct iopt *pt, const struct iopt_ops *ops)
{
	pt->ops = ops;
	return ops->alloc_page(ops->ctx, &pt->root_pa) ? -ENOMEM : 0;
}

/* Maps [addr, end) identically inside the table at `level`. */
static int map_range(struct iopt *pt, uint64_t *table, int level, uint64_t addr, uint64_t end)
{
	uint64_t span = level_span(level);

	while (addr < end) {
		uint64_t *entry = &table[(addr >> level_shift(level)) & 511];
		uint64_t next = (addr & ~(span - 1)) + span;
		uint64_t chunk_end = MIN(next, end);
		bool whole = (addr & (span - 1)) == 0 && chunk_end == next;

		if (level == 1 || (level == 2 && whole)) {
			/* A leaf: 4 KiB, or 2 MiB (next level 0 in a level-2 table). A 2 MiB leaf
			 * over a table leaves the table's pages unused: maps only grow here. */
			*entry = (addr & ~(span - 1)) | RW | IOPT_PRESENT;
		} else {
			if (!(*entry & IOPT_PRESENT)) {
				uint64_t pa;
				if (pt->ops->alloc_page(pt->ops->ctx, &pa))
					return -ENOMEM;
				*entry = table_entry(pa, level, RW);
			} else if (next_level(*entry) == 0) {
				addr = chunk_end; /* inside a 2 MiB leaf already: mapped */
				continue;
			}
			int err = map_range(pt, table_at(pt, *entry & IOPT_ADDR_MASK), level - 1,
					    addr, chunk_end);
			if (err)
				return err;
		}
		addr = chunk_end;
	}
	return 0;
}

int iopt_map_identity(struct iopt *pt, uint64_t addr, uint64_t size)
{
	if ((addr | size) & (PAGE_SIZE - 1) || !size || addr >= IOPT_ADDR_LIMIT ||
	    size > IOPT_ADDR_LIMIT - addr)
		return -EINVAL;
	return map_range(pt, table_at(pt, pt->root_pa), IOPT_LEVELS, addr, addr + size);
}

int iopt_translate(const struct iopt *pt, uint64_t addr, bool write, uint64_t *target)
{
	uint64_t need = write ? IOPT_WRITE : IOPT_READ;
	uint64_t table_pa = pt->root_pa;

	if (addr >= IOPT_ADDR_LIMIT)
		return -EFAULT;
	for (int level = IOPT_LEVELS; level >= 1; level--) {
		uint64_t e = table_at(pt, table_pa)[(addr >> level_shift(level)) & 511];
		if (!(e & IOPT_PRESENT) || !(e & need))
			return -EFAULT;
		if (next_level(e) == 0) {
			uint64_t span = level_span(level);
			*target = (e & IOPT_ADDR_MASK & ~(span - 1)) + (addr & (span - 1));
			return 0;
		}
		if (next_level(e) != (unsigned)level - 1)
			return -EFAULT; /* this builder never skips levels */
		table_pa = e & IOPT_ADDR_MASK;
	}
	return -EFAULT;
}
