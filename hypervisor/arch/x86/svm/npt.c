/* SPDX-License-Identifier: BSD-3-Clause */
/* Nested page tables (AMD NPT: x86-64 4-level format): map, unmap, translate with 4K/2M/1G pages. */
#include "lib/errno.h"
#include "npt.h"

#define PTE_P	    (1ull << 0)
#define PTE_RW	    (1ull << 1)
#define PTE_US	    (1ull << 2) /* nested walks are user accesses: required at every level */
#define PTE_PS	    (1ull << 7)
#define PTE_NX	    (1ull << 63)
#define PTE_ADDR    0x000FFFFFFFFFF000ull
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)
#define GPA_LIMIT   (1ull << 48)
#define HPA_LIMIT   (1ull << 52)
#define LEVEL_TOP   3 /* PML4; level 0 is the page table */

static unsigned level_shift(int level)
{
	return 12 + 9 * (unsigned)level;
}

static uint64_t level_span(int level)
{
	return 1ull << level_shift(level);
}

static uint64_t *table_at(const struct npt *npt, uint64_t pa)
{
	return npt->ops->to_virt(npt->ops->ctx, pa);
}

static bool leaf_allowed(const struct npt *npt, int level)
{
	return level == 0 || level == 1 || (level == 2 && npt->gbpages_supported);
}

static bool is_leaf(uint64_t entry, int level)
{
	return level == 0 || (level <= 2 && (entry & PTE_PS));
}

static uint64_t leaf_entry(const struct npt *npt, uint64_t hpa, uint32_t rights, int level)
{
	uint64_t e = hpa | PTE_P | PTE_US;

	if (rights & NPT_WRITE)
		e |= PTE_RW;
	if (!(rights & NPT_EXEC) && npt->nx_supported)
		e |= PTE_NX;
	if (level > 0)
		e |= PTE_PS;
	return e;
}

static uint32_t leaf_rights(const struct npt *npt, uint64_t e)
{
	uint32_t r = NPT_READ;

	if (e & PTE_RW)
		r |= NPT_WRITE;
	if (!npt->nx_supported || !(e & PTE_NX))
		r |= NPT_EXEC;
	return r;
}

static uint64_t leaf_address(uint64_t e, int level)
{
	return e & PTE_ADDR & ~(level_span(level) - 1);
}

static void free_subtree(struct npt *npt, uint64_t table_pa, int level)
{
	uint64_t *t = table_at(npt, table_pa);

	/* An entry of this table that is not a leaf points to a table one level down. */
	if (level > 0)
		for (int i = 0; i < 512; i++)
			if ((t[i] & PTE_P) && !is_leaf(t[i], level))
				free_subtree(npt, t[i] & PTE_ADDR, level - 1);
	npt->ops->free_page(npt->ops->ctx, table_pa);
}

/* Replaces a large leaf at `level` by a table of `level - 1` leaves with the same mapping. */
static int split_leaf(struct npt *npt, uint64_t *entry, int level)
{
	uint64_t pa, old = *entry;
	uint32_t rights = leaf_rights(npt, old);
	uint64_t base = leaf_address(old, level);

	if (npt->ops->alloc_page(npt->ops->ctx, &pa))
		return -ENOMEM;
	uint64_t *t = table_at(npt, pa);
	for (int i = 0; i < 512; i++)
		t[i] = leaf_entry(npt, base + (uint64_t)i * level_span(level - 1), rights,
				  level - 1);
	*entry = pa | TABLE_FLAGS;
	return 0;
}

/* The table under *entry, created (empty) or split from a large leaf as needed. */
static int ensure_table(struct npt *npt, uint64_t *entry, int level, uint64_t **table)
{
	if (!(*entry & PTE_P)) {
		uint64_t pa;
		if (npt->ops->alloc_page(npt->ops->ctx, &pa))
			return -ENOMEM;
		*entry = pa | TABLE_FLAGS;
	} else if (is_leaf(*entry, level)) {
		int err = split_leaf(npt, entry, level);
		if (err)
			return err;
	}
	*table = table_at(npt, *entry & PTE_ADDR);
	return 0;
}

static void clear_entry(struct npt *npt, uint64_t *entry, int level)
{
	if ((*entry & PTE_P) && !is_leaf(*entry, level))
		free_subtree(npt, *entry & PTE_ADDR, level - 1);
	*entry = 0;
}

/* Maps (map = true) or unmaps [gpa, end) inside the table at `level`. */
static int walk_range(struct npt *npt, uint64_t *table, int level, uint64_t gpa, uint64_t end,
		      uint64_t hpa, uint32_t rights, bool map)
{
	uint64_t span = level_span(level);

	while (gpa < end) {
		uint64_t *entry = &table[(gpa >> level_shift(level)) & 511];
		uint64_t next = (gpa & ~(span - 1)) + span;
		uint64_t chunk_end = next < end ? next : end;
		bool whole = (gpa & (span - 1)) == 0 && chunk_end == next;

		if (whole && (!map || (leaf_allowed(npt, level) && (hpa & (span - 1)) == 0))) {
			clear_entry(npt, entry, level);
			if (map)
				*entry = leaf_entry(npt, hpa, rights, level);
		} else if (map || (*entry & PTE_P)) {
			uint64_t *sub;
			int err = ensure_table(npt, entry, level, &sub);
			if (err)
				return err;
			err = walk_range(npt, sub, level - 1, gpa, chunk_end, hpa, rights, map);
			if (err)
				return err;
		}
		hpa += chunk_end - gpa;
		gpa = chunk_end;
	}
	return 0;
}

int npt_init(struct npt *npt, const struct npt_ops *ops, bool nx_supported, bool gbpages)
{
	npt->ops = ops;
	npt->nx_supported = nx_supported;
	npt->gbpages_supported = gbpages;
	return ops->alloc_page(ops->ctx, &npt->root_pa) ? -ENOMEM : 0;
}

void npt_destroy(struct npt *npt)
{
	if (npt->root_pa)
		free_subtree(npt, npt->root_pa, LEVEL_TOP);
	npt->root_pa = 0;
}

static bool range_ok(uint64_t addr, uint64_t size, uint64_t limit)
{
	return (addr & 0xFFF) == 0 && (size & 0xFFF) == 0 && size != 0 && addr < limit &&
	       size <= limit - addr;
}

int npt_map(struct npt *npt, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	if (!range_ok(gpa, size, GPA_LIMIT) || !range_ok(hpa, size, HPA_LIMIT) ||
	    !(rights & NPT_READ))
		return -EINVAL;
	return walk_range(npt, table_at(npt, npt->root_pa), LEVEL_TOP, gpa, gpa + size, hpa, rights,
			  true);
}

int npt_unmap(struct npt *npt, uint64_t gpa, uint64_t size)
{
	if (!range_ok(gpa, size, GPA_LIMIT))
		return -EINVAL;
	return walk_range(npt, table_at(npt, npt->root_pa), LEVEL_TOP, gpa, gpa + size, 0, 0,
			  false);
}

int npt_translate(const struct npt *npt, uint64_t gpa, uint64_t *hpa, uint32_t *rights,
		  uint64_t *page_size)
{
	if (gpa >= GPA_LIMIT)
		return -ENOENT;
	uint64_t *table = table_at(npt, npt->root_pa);
	for (int level = LEVEL_TOP; level >= 0; level--) {
		uint64_t e = table[(gpa >> level_shift(level)) & 511];
		if (!(e & PTE_P))
			return -ENOENT;
		if (is_leaf(e, level)) {
			uint64_t span = level_span(level);
			*hpa = leaf_address(e, level) + (gpa & (span - 1));
			if (rights)
				*rights = leaf_rights(npt, e);
			if (page_size)
				*page_size = span;
			return 0;
		}
		table = table_at(npt, e & PTE_ADDR);
	}
	return -ENOENT;
}
