/* SPDX-License-Identifier: BSD-3-Clause */
/* AMD IOMMU v1 I/O page tables (4 levels, 48-bit addresses): identity maps with 4K/2M pages. */
#ifndef CAIRN_DRIVERS_AMD_IOMMU_PGTABLE_H
#define CAIRN_DRIVERS_AMD_IOMMU_PGTABLE_H

#include "lib/compiler.h"

/*
 * Not shared with the NPT builder (arch/x86/svm/npt.c): an AMD IOMMU entry has a 3-bit "next
 * level" field (bits 11:9) where x86 has its PS bit and flags, read/write permissions in bits
 * 61/62 instead of RW/NX, and permissions are ANDed down the walk. What it shares is the shape
 * (512-entry tables, the same index bits), which is all this file needs.
 */

#define IOPT_LEVELS	4 /* DTE paging mode 4: IOVA bits 47:0 */
#define IOPT_ADDR_LIMIT (1ull << 48)
#define IOPT_PRESENT	(1ull << 0)
#define IOPT_NEXT_SHIFT 9
#define IOPT_NEXT_MASK	(7ull << IOPT_NEXT_SHIFT)
#define IOPT_ADDR_MASK	0x000FFFFFFFFFF000ull
#define IOPT_READ	(1ull << 61)
#define IOPT_WRITE	(1ull << 62)

/* Where table pages come from; host unit tests supply their own. */
struct iopt_ops {
	int (*alloc_page)(void *ctx, uint64_t *pa); /* zeroed 4 KiB page */
	void *(*to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct iopt {
	uint64_t root_pa; /* the level-4 table, for the DTE */
	const struct iopt_ops *ops;
};

int iopt_init(struct iopt *pt, const struct iopt_ops *ops);

/*
 * Maps [addr, addr + size) to itself, readable and writable by devices. Page aligned, below
 * 2^48. Everything never mapped stays an empty slot: devices are refused there. 2 MiB pages where the range covers them. -EINVAL on bad arguments,
 * -ENOMEM when a table page cannot be had (the range may then be partly mapped).
 */
int iopt_map_identity(struct iopt *pt, uint64_t addr, uint64_t size);

/*
 * Walks the table as the IOMMU does for a device access to addr: 0 with the target address when
 * the walk reaches a leaf with the permission asked for, -EFAULT otherwise.
 */
int iopt_translate(const struct iopt *pt, uint64_t addr, bool write, uint64_t *target);

#endif
