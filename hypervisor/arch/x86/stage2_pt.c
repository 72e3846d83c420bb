/* SPDX-License-Identifier: BSD-3-Clause */
/* Second-stage page tables: map, unmap, translate with 4K/2M/1G leaves, for any stage2_format. */
#include "lib/errno.h"
#include "x86/stage2_pt.h"

#define GPA_LIMIT (1ull << 48)
#define HPA_LIMIT (1ull << 52)
#define LEVEL_TOP 3 /* PML4; level 0 is the page table */

static unsigned level_shift(int level)
{
	return 12 + 9 * (unsigned)level;
}

static uint64_t level_span(int level)
{
	return 1ull << level_shift(level);
}

static uint64_t *table_at(const struct stage2_pt *pt, uint64_t pa)
{
	return pt->ops->to_virt(pt->ops->ctx, pa);
}

static bool present(const struct stage2_pt *pt, uint64_t entry)
{
	return pt->format->present(entry);
}

static bool leaf_allowed(const struct stage2_pt *pt, int level)
{
	return level == 0 || (level == 1 && pt->pages_2m) || (level == 2 && pt->pages_1g);
}

static bool is_leaf(uint64_t entry, int level)
{
	return level == 0 || (level <= 2 && (entry & STAGE2_LARGE));
}

static uint64_t leaf_address(uint64_t e, int level)
{
	return e & STAGE2_ADDR & ~(level_span(level) - 1);
}

static int new_table(struct stage2_pt *pt, uint64_t *entry)
{
	uint64_t pa;

	if (pt->ops->alloc_page(pt->ops->ctx, &pa))
		return -ENOMEM;
	*entry = pt->format->table_entry(pa);
	return 0;
}

static void free_subtree(struct stage2_pt *pt, uint64_t table_pa, int level)
{
	uint64_t *t = table_at(pt, table_pa);

	/* An entry of this table that is not a leaf points to a table one level down. */
	if (level > 0)
		for (int i = 0; i < 512; i++)
			if (present(pt, t[i]) && !is_leaf(t[i], level))
				free_subtree(pt, t[i] & STAGE2_ADDR, level - 1);
	pt->ops->free_page(pt->ops->ctx, table_pa);
}

/* Replaces a large leaf at `level` by a table of `level - 1` leaves with the same mapping. */
static int split_leaf(struct stage2_pt *pt, uint64_t *entry, int level)
{
	uint64_t old = *entry, table;
	uint32_t flags = pt->format->leaf_flags(old);
	uint64_t base = leaf_address(old, level);
	int err = new_table(pt, &table);

	if (err)
		return err;
	uint64_t *t = table_at(pt, table & STAGE2_ADDR);
	for (int i = 0; i < 512; i++)
		t[i] = pt->format->leaf_entry(base + (uint64_t)i * level_span(level - 1), flags,
					      level - 1);
	*entry = table;
	return 0;
}

/* The table under *entry, created (empty) or split from a large leaf as needed. */
static int ensure_table(struct stage2_pt *pt, uint64_t *entry, int level, uint64_t **table)
{
	int err = 0;

	if (!present(pt, *entry))
		err = new_table(pt, entry);
	else if (is_leaf(*entry, level))
		err = split_leaf(pt, entry, level);
	if (err)
		return err;
	*table = table_at(pt, *entry & STAGE2_ADDR);
	return 0;
}

static void clear_entry(struct stage2_pt *pt, uint64_t *entry, int level)
{
	if (present(pt, *entry) && !is_leaf(*entry, level))
		free_subtree(pt, *entry & STAGE2_ADDR, level - 1);
	*entry = 0;
}

/* Maps (map = true) or unmaps [gpa, end) inside the table at `level`. */
static int walk_range(struct stage2_pt *pt, uint64_t *table, int level, uint64_t gpa, uint64_t end,
		      uint64_t hpa, uint32_t flags, bool map)
{
	uint64_t span = level_span(level);

	while (gpa < end) {
		uint64_t *entry = &table[(gpa >> level_shift(level)) & 511];
		uint64_t next = (gpa & ~(span - 1)) + span;
		uint64_t chunk_end = next < end ? next : end;
		bool whole = (gpa & (span - 1)) == 0 && chunk_end == next;

		if (whole && (!map || (leaf_allowed(pt, level) && (hpa & (span - 1)) == 0))) {
			clear_entry(pt, entry, level);
			if (map)
				*entry = pt->format->leaf_entry(hpa, flags, level);
		} else if (map || present(pt, *entry)) {
			uint64_t *sub;
			int err = ensure_table(pt, entry, level, &sub);
			if (err)
				return err;
			err = walk_range(pt, sub, level - 1, gpa, chunk_end, hpa, flags, map);
			if (err)
				return err;
		}
		hpa += chunk_end - gpa;
		gpa = chunk_end;
	}
	return 0;
}

int stage2_init(struct stage2_pt *pt, const struct stage2_format *format,
		const struct stage2_ops *ops, bool pages_2m, bool pages_1g)
{
	pt->format = format;
	pt->ops = ops;
	pt->pages_2m = pages_2m;
	pt->pages_1g = pages_2m && pages_1g; /* a split 1 GiB leaf becomes 2 MiB leaves */
	pt->root_pa = 0;
	return ops->alloc_page(ops->ctx, &pt->root_pa) ? -ENOMEM : 0;
}

void stage2_destroy(struct stage2_pt *pt)
{
	if (pt->root_pa)
		free_subtree(pt, pt->root_pa, LEVEL_TOP);
	pt->root_pa = 0;
}

static bool range_ok(uint64_t addr, uint64_t size, uint64_t limit)
{
	return (addr & 0xFFF) == 0 && (size & 0xFFF) == 0 && size != 0 && addr < limit &&
	       size <= limit - addr;
}

int stage2_map(struct stage2_pt *pt, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t flags)
{
	if (!range_ok(gpa, size, GPA_LIMIT) || !range_ok(hpa, size, HPA_LIMIT) ||
	    !(flags & STAGE2_READ) || (flags & ~STAGE2_FLAGS_MASK))
		return -EINVAL;
	return walk_range(pt, table_at(pt, pt->root_pa), LEVEL_TOP, gpa, gpa + size, hpa, flags,
			  true);
}

int stage2_unmap(struct stage2_pt *pt, uint64_t gpa, uint64_t size)
{
	if (!range_ok(gpa, size, GPA_LIMIT))
		return -EINVAL;
	return walk_range(pt, table_at(pt, pt->root_pa), LEVEL_TOP, gpa, gpa + size, 0, 0, false);
}

int stage2_translate(const struct stage2_pt *pt, uint64_t gpa, uint64_t *hpa, uint32_t *flags,
		     uint64_t *page_size)
{
	if (gpa >= GPA_LIMIT)
		return -ENOENT;
	uint64_t *table = table_at(pt, pt->root_pa);
	for (int level = LEVEL_TOP; level >= 0; level--) {
		uint64_t e = table[(gpa >> level_shift(level)) & 511];
		if (!present(pt, e))
			return -ENOENT;
		if (is_leaf(e, level)) {
			uint64_t span = level_span(level);
			*hpa = leaf_address(e, level) + (gpa & (span - 1));
			if (flags)
				*flags = pt->format->leaf_flags(e);
			if (page_size)
				*page_size = span;
			return 0;
		}
		table = table_at(pt, e & STAGE2_ADDR);
	}
	return -ENOENT;
}
