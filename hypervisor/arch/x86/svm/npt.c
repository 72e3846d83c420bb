/* SPDX-License-Identifier: BSD-3-Clause */
/* AMD nested page tables: the x86-64 4-level entry format for the second-stage builder. */
#include "npt.h"

#define PTE_P	    (1ull << 0)
#define PTE_RW	    (1ull << 1)
#define PTE_US	    (1ull << 2) /* nested walks are user accesses: required at every level */
#define PTE_NX	    (1ull << 63)
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)

static uint64_t npt_table_entry(uint64_t table_pa)
{
	return table_pa | TABLE_FLAGS;
}

/* STAGE2_UNCACHED has no bit here: the host MTRRs still apply to nested accesses. */
static uint64_t npt_leaf(uint64_t hpa, uint32_t flags, int level, bool nx)
{
	uint64_t e = hpa | PTE_P | PTE_US;

	if (flags & STAGE2_WRITE)
		e |= PTE_RW;
	if (!(flags & STAGE2_EXEC) && nx)
		e |= PTE_NX;
	if (level > 0)
		e |= STAGE2_LARGE;
	return e;
}

static uint64_t npt_leaf_nx(uint64_t hpa, uint32_t flags, int level)
{
	return npt_leaf(hpa, flags, level, true);
}

static uint64_t npt_leaf_no_nx(uint64_t hpa, uint32_t flags, int level)
{
	return npt_leaf(hpa, flags, level, false);
}

/* Without EFER.NXE bit 63 is never set, so a leaf reads back executable either way. */
static uint32_t npt_leaf_flags(uint64_t e)
{
	uint32_t r = STAGE2_READ;

	if (e & PTE_RW)
		r |= STAGE2_WRITE;
	if (!(e & PTE_NX))
		r |= STAGE2_EXEC;
	return r;
}

static bool npt_present(uint64_t e)
{
	return e & PTE_P;
}

static const struct stage2_format npt_format_nx = {
	.name = "NPT",
	.table_entry = npt_table_entry,
	.leaf_entry = npt_leaf_nx,
	.leaf_flags = npt_leaf_flags,
	.present = npt_present,
};

static const struct stage2_format npt_format_no_nx = {
	.name = "NPT",
	.table_entry = npt_table_entry,
	.leaf_entry = npt_leaf_no_nx,
	.leaf_flags = npt_leaf_flags,
	.present = npt_present,
};

int npt_init(struct stage2_pt *pt, const struct stage2_ops *ops, bool nx_supported, bool gbpages)
{
	return stage2_init(pt, nx_supported ? &npt_format_nx : &npt_format_no_nx, ops, true,
			   gbpages);
}
