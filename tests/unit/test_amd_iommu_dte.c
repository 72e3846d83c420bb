/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the AMD IOMMU device table entries (amd_iommu_dte.h) and remapping entries (amd_iommu_irte.h). */
#include <stdint.h>

#include "drivers/amd_iommu_dte.h"
#include "drivers/amd_iommu_irte.h"
#include "harness.h"

/* Bit numbers from the AMD IOMMU specification, written out so the tests check the format. */
#define BIT(n)	  (1ULL << (n))
#define Q2(n)	  BIT((n)-128) /* bits 128-191 live in quadword 2 */
#define PASS_BITS (Q2(184) | Q2(185) | Q2(186) | Q2(190) | Q2(191)) /* INIT ExtINT NMI LINT0/1 */

/* Bits QEMU 7.2's amd-iommu calls reserved (an entry with one set is refused as illegal). */
#define QEMU_RESERVED_0 0x80300000000000fcULL
#define QEMU_RESERVED_1 0x0000000000000100ULL
#define QEMU_RESERVED_2 0x08f0000000000000ULL

static void expect_no_reserved_bits(const uint64_t dte[4])
{
	EXPECT_EQ(dte[0] & QEMU_RESERVED_0, 0);
	EXPECT_EQ(dte[1] & QEMU_RESERVED_1, 0);
	EXPECT_EQ(dte[2] & QEMU_RESERVED_2, 0);
	EXPECT_EQ(dte[3], 0);
}

TEST(blocked_entry_allows_nothing)
{
	uint64_t dte[4] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL };

	amd_iommu_dte_blocked(dte, 0);
	EXPECT_EQ(dte[0] & (BIT(0) | BIT(1)), BIT(0) | BIT(1)); /* V, TV */
	EXPECT_EQ((dte[0] >> 9) & 7, 0);			/* paging mode 0 ... */
	EXPECT_EQ(dte[0] & (BIT(61) | BIT(62)), 0);		/* ... with IR = IW = 0 */
	EXPECT_EQ(dte[2] & Q2(128), Q2(128));			/* IV */
	EXPECT_EQ((dte[2] >> (188 - 128)) & 3, 0);		/* IntCtl: abort */
	EXPECT_EQ(dte[2] & PASS_BITS, 0);
	expect_no_reserved_bits(dte);
}

TEST(translated_entry_with_interrupt_filtering)
{
	uint64_t dte[4];

	amd_iommu_dte_translated(dte, 0x12345000, 4, 1, true);
	EXPECT_EQ(dte[0] & (BIT(0) | BIT(1)), BIT(0) | BIT(1));
	EXPECT_EQ((dte[0] >> 9) & 7, 4);
	EXPECT_EQ(dte[0] & 0x000FFFFFFFFFF000ULL, 0x12345000);
	EXPECT_EQ(dte[0] & (BIT(61) | BIT(62)), BIT(61) | BIT(62));
	EXPECT_EQ(dte[1] & 0xFFFF, 1); /* domain ID */
	EXPECT_EQ(dte[2] & Q2(128), Q2(128));
	EXPECT_EQ((dte[2] >> (188 - 128)) & 3, 1); /* IntCtl: forward fixed/arbitrated unmapped */
	EXPECT_EQ(dte[2] & PASS_BITS, 0);	   /* INIT, ExtINT, NMI, LINT0/1 refused */
	expect_no_reserved_bits(dte);
}

TEST(translated_entry_without_interrupt_filtering)
{
	uint64_t dte[4];

	amd_iommu_dte_translated(dte, 0x12345FFF, 4, 1, false);
	EXPECT_EQ(dte[0] & 0x000FFFFFFFFFF000ULL, 0x12345000); /* low bits never leak in */
	EXPECT_EQ(dte[2], 0);
	expect_no_reserved_bits(dte);
}

TEST(translated_entry_with_interrupts_remapped)
{
	uint64_t dte[4];

	amd_iommu_dte_translated(dte, 0x12345000, 4, 1, true);
	amd_iommu_dte_remap_interrupts(dte, 0xABCDE000, AMD_IOMMU_IRTE_LOG2_ENTRIES);
	EXPECT_EQ(dte[0] & 0x000FFFFFFFFFF000ULL, 0x12345000); /* DMA fields untouched */
	EXPECT_EQ(dte[2] & Q2(128), Q2(128));		       /* IV */
	EXPECT_EQ((dte[2] >> (129 - 128)) & 0xF, 9);	       /* IntTabLen: 512 entries */
	EXPECT_EQ(dte[2] & 0x000FFFFFFFFFFFC0ULL, 0xABCDE000); /* IntTablePtr, bits 179:134 */
	EXPECT_EQ((dte[2] >> (188 - 128)) & 3, 2);	       /* IntCtl: remap */
	EXPECT_EQ(dte[2] & PASS_BITS, 0);
	expect_no_reserved_bits(dte);
}

TEST(remap_table_pointer_low_bits_never_leak)
{
	uint64_t dte[4] = { 0, 0, 0, 0 };

	amd_iommu_dte_remap_interrupts(dte, 0xABCDE03F, 9);
	EXPECT_EQ(dte[2] & 0x000FFFFFFFFFFFC0ULL, 0xABCDE000);
	EXPECT_EQ((dte[2] >> 1) & 0xF, 9);
	EXPECT_EQ(dte[2] & PASS_BITS, 0);
	expect_no_reserved_bits(dte);
}

TEST(irte_fixed_physical)
{
	uint32_t e = amd_iommu_irte(3, false, false, 0x41);

	EXPECT_EQ(e & 1, 1);		   /* RemapEn */
	EXPECT_EQ((e >> 1) & 1, 0);	   /* SupIOPF */
	EXPECT_EQ((e >> 2) & 7, 0);	   /* IntType fixed */
	EXPECT_EQ((e >> 5) & 1, 0);	   /* RqEoi */
	EXPECT_EQ((e >> 6) & 1, 0);	   /* DM physical */
	EXPECT_EQ((e >> 7) & 1, 0);	   /* GuestMode */
	EXPECT_EQ((e >> 8) & 0xFF, 3);	   /* Destination */
	EXPECT_EQ((e >> 16) & 0xFF, 0x41); /* Vector */
	EXPECT_EQ(e >> 24, 0);
}

TEST(irte_arbitrated_logical)
{
	uint32_t e = amd_iommu_irte(0xF0, true, true, 0xEF);

	EXPECT_EQ((e >> 2) & 7, 1); /* IntType arbitrated */
	EXPECT_EQ((e >> 6) & 1, 1); /* DM logical */
	EXPECT_EQ((e >> 8) & 0xFF, 0xF0);
	EXPECT_EQ((e >> 16) & 0xFF, 0xEF);
	EXPECT_EQ(e & 1, 1);
}

TEST(irte_table_covers_fixed_and_arbitrated_indexes)
{
	/* MSI data[10:8] is the message type too: only indexes with type 0 or 1 are remapped. */
	EXPECT_EQ(AMD_IOMMU_IRTE_ENTRIES, 512);
	EXPECT_EQ(((AMD_IOMMU_IRTE_ENTRIES - 1) >> 8) & 7, 1);
	EXPECT_EQ(AMD_IOMMU_IRTE_ENTRIES * 4 <= 4096, 1); /* one page per table */
}
