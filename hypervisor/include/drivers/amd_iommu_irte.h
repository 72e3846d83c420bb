/* SPDX-License-Identifier: BSD-3-Clause */
/* AMD IOMMU legacy (32-bit) interrupt remapping table entries and the remapped MSI message. */
#ifndef CAIRN_DRIVERS_AMD_IOMMU_IRTE_H
#define CAIRN_DRIVERS_AMD_IOMMU_IRTE_H

#include "lib/compiler.h"

/*
 * A table of 2^9 entries: the IOMMU indexes it with MSI data[10:0], and data[10:8] is also the
 * message type (0 fixed, 1 arbitrated, the only types remapped), so 512 indexes are usable.
 */
#define AMD_IOMMU_IRTE_LOG2_ENTRIES 9
#define AMD_IOMMU_IRTE_ENTRIES	    (1u << AMD_IOMMU_IRTE_LOG2_ENTRIES)
#define AMD_IOMMU_REMAPPED_ADDRESS  0xFEE00000u /* what a remapped device's message says */

#define IRTE_REMAP_ENABLE   (1u << 0)
#define IRTE_INT_TYPE_SHIFT 2 /* bits 4:2: 0 fixed, 1 arbitrated */
#define IRTE_DEST_LOGICAL   (1u << 6)
#define IRTE_DEST_SHIFT	    8  /* bits 15:8 */
#define IRTE_VECTOR_SHIFT   16 /* bits 23:16 */
#define IRTE_INT_FIXED	    0u
#define IRTE_INT_ARBITRATED 1u

/* An entry delivering `vector` to `dest` (8-bit APIC ID or logical destination). */
static inline uint32_t amd_iommu_irte(uint8_t dest, bool logical, bool arbitrated, uint8_t vector)
{
	return IRTE_REMAP_ENABLE |
	       (arbitrated ? IRTE_INT_ARBITRATED : IRTE_INT_FIXED) << IRTE_INT_TYPE_SHIFT |
	       (logical ? IRTE_DEST_LOGICAL : 0) | (uint32_t)dest << IRTE_DEST_SHIFT |
	       (uint32_t)vector << IRTE_VECTOR_SHIFT;
}

#endif
