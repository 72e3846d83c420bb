/* SPDX-License-Identifier: BSD-3-Clause */
/* AMD IOMMU device table entries: a blocked device, a translated one, its interrupt remapping. */
#ifndef CAIRN_DRIVERS_AMD_IOMMU_DTE_H
#define CAIRN_DRIVERS_AMD_IOMMU_DTE_H

#include "lib/compiler.h"

/* A DTE is 256 bits, four quadwords. */
#define DTE0_VALID	     (1ull << 0)
#define DTE0_TRANSLATE	     (1ull << 1)
#define DTE0_MODE_SHIFT	     9
#define DTE0_ROOT_MASK	     0x000FFFFFFFFFF000ull
#define DTE0_READ	     (1ull << 61)
#define DTE0_WRITE	     (1ull << 62)
#define DTE2_INT_VALID	     (1ull << 0)
#define DTE2_INTCTL_SHIFT    60 /* 00 abort, 01 forward unmapped, 10 remap */
#define DTE2_INTCTL_FORWARD  (1ull << DTE2_INTCTL_SHIFT)
#define DTE2_INTCTL_REMAP    (2ull << DTE2_INTCTL_SHIFT)
#define DTE2_INTTABLEN_SHIFT 1			   /* bits 4:1: log2 of the table's entries */
#define DTE2_INTTABLE_MASK   0x000FFFFFFFFFFFC0ull /* bits 51:6: the table, 64-byte aligned */
/* Pass bits (InitPass 56, EIntPass 57, NMIPass 58, Lint0Pass 62, Lint1Pass 63) are never set. */

/* No DMA (translation valid, paging mode 0, no permission), no interrupt of any kind. */
static inline void amd_iommu_dte_blocked(uint64_t dte[4], uint16_t domain)
{
	dte[0] = DTE0_VALID | DTE0_TRANSLATE;
	dte[1] = domain;
	dte[2] = DTE2_INT_VALID; /* IntCtl 00: fixed interrupts aborted; no pass bits */
	dte[3] = 0;
}

/*
 * DMA through the page table at root_pa (paging mode `levels`, read and write as its entries
 * say). With filter_interrupts: fixed and arbitrated interrupts forwarded unmapped, INIT, NMI,
 * SMI, ExtINT, LINT0/1 refused; without it the interrupt fields are off (all pass).
 */
static inline void amd_iommu_dte_translated(uint64_t dte[4], uint64_t root_pa, unsigned levels,
					    uint16_t domain, bool filter_interrupts)
{
	dte[0] = DTE0_VALID | DTE0_TRANSLATE | (uint64_t)(levels & 7) << DTE0_MODE_SHIFT |
		 (root_pa & DTE0_ROOT_MASK) | DTE0_READ | DTE0_WRITE;
	dte[1] = domain;
	dte[2] = filter_interrupts ? DTE2_INT_VALID | DTE2_INTCTL_FORWARD : 0;
	dte[3] = 0;
}

/*
 * Interrupts of the entry remapped through the table at table_pa (2^log2_entries legacy
 * entries): fixed and arbitrated messages as the table says, INIT, NMI, SMI, ExtINT, LINT0/1
 * refused. The DMA fields are left as they are.
 */
static inline void amd_iommu_dte_remap_interrupts(uint64_t dte[4], uint64_t table_pa,
						  unsigned log2_entries)
{
	dte[2] = DTE2_INT_VALID | (uint64_t)(log2_entries & 0xF) << DTE2_INTTABLEN_SHIFT |
		 (table_pa & DTE2_INTTABLE_MASK) | DTE2_INTCTL_REMAP;
}

#endif
