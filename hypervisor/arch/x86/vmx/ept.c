/* SPDX-License-Identifier: BSD-3-Clause */
/* Intel extended page tables: the EPT entry format for the second-stage builder, and the EPTP. */
#include "ept.h"
#include "vmx.h"

static uint64_t ept_table_entry(uint64_t table_pa)
{
	/* A non-leaf entry's rights cap everything below: grant all, the leaves decide. */
	return table_pa | EPT_READ | EPT_WRITE | EPT_EXEC;
}

static uint64_t ept_leaf_entry(uint64_t hpa, uint32_t flags, int level)
{
	uint64_t type = flags & STAGE2_UNCACHED ? EPT_MT_UC : EPT_MT_WB;
	uint64_t e = hpa | EPT_READ | type << EPT_MT_SHIFT;

	if (flags & STAGE2_WRITE)
		e |= EPT_WRITE;
	if (flags & STAGE2_EXEC)
		e |= EPT_EXEC;
	if (level > 0)
		e |= EPT_LARGE;
	return e;
}

static uint32_t ept_leaf_flags(uint64_t e)
{
	uint32_t flags = 0;

	if (e & EPT_READ)
		flags |= STAGE2_READ;
	if (e & EPT_WRITE)
		flags |= STAGE2_WRITE;
	if (e & EPT_EXEC)
		flags |= STAGE2_EXEC;
	if (((e & EPT_MT_MASK) >> EPT_MT_SHIFT) == EPT_MT_UC)
		flags |= STAGE2_UNCACHED;
	return flags;
}

/* Any of R/W/X makes an entry present (no mode-based execute control: bit 10 stays 0). */
static bool ept_present(uint64_t e)
{
	return e & (EPT_READ | EPT_WRITE | EPT_EXEC);
}

static const struct stage2_format ept_format = {
	.name = "EPT",
	.table_entry = ept_table_entry,
	.leaf_entry = ept_leaf_entry,
	.leaf_flags = ept_leaf_flags,
	.present = ept_present,
};

_Static_assert(EPT_LARGE == STAGE2_LARGE, "EPT's large-page bit is the builder's");

int ept_init(struct stage2_pt *pt, const struct stage2_ops *ops, bool pages_2m, bool pages_1g)
{
	return stage2_init(pt, &ept_format, ops, pages_2m, pages_1g);
}

uint64_t ept_pointer(const struct stage2_pt *pt)
{
	return pt->root_pa | EPTP_MT_WB | EPTP_WALK_LENGTH_4;
}
