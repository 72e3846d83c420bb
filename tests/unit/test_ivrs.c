/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the AMD IOMMU's ACPI table parser in hypervisor/acpi/ivrs.c. */
#include <stdint.h>
#include <string.h>

#include "lib/errno.h"
#include "acpi/ivrs.h"
#include "acpi_fixtures.h"
#include "bytes.h"
#include "harness.h"

#define IVRS_BODY 48 /* header, IVinfo, reserved */

/* An IVRS being written: blocks are appended to `bytes` after the 48-byte start. */
static uint8_t bytes[4096];
static size_t used = IVRS_BODY;
static size_t block_start;
static struct ivrs_info info; /* fresh per test: each runs in its own process */

/* Starts an IVHD block (entries follow; block_end() sets its length). */
static void ivhd(uint8_t type, uint16_t devid, uint64_t base, uint16_t segment)
{
	size_t header = type == 0x10 ? 24 : 40;

	block_start = used;
	bytes[used] = type;
	bytes[used + 1] = 0xB0; /* flags, kept as is */
	put_le(bytes + used + 4, devid, 2);
	put_le(bytes + used + 6, 0x40, 2);
	put_le(bytes + used + 8, base, 8);
	put_le(bytes + used + 16, segment, 2);
	used += header;
}

static void entry(const uint8_t *e, size_t len)
{
	memcpy(bytes + used, e, len);
	used += len;
}

static void entry4(uint8_t type, uint16_t devid)
{
	uint8_t e[4] = { type, (uint8_t)devid, (uint8_t)(devid >> 8), 0 };
	entry(e, 4);
}

static void block_end(void)
{
	put_le(bytes + block_start + 2, used - block_start, 2);
}

static struct acpi_sdt_header *ivrs_table(void)
{
	struct acpi_sdt_header *t = table_new("IVRS", (uint32_t)used);

	memcpy((uint8_t *)t + 36, bytes + 36, used - 36);
	put_le((uint8_t *)t + 36, 0x2800, 4); /* IVinfo: 40-bit physical addresses */
	return table_seal(t);
}

static int parse(void)
{
	return acpi_parse_ivrs(ivrs_table(), &info);
}

/* What QEMU's amd-iommu puts there: its own function, device selects, the IOAPIC. */
TEST(qemu_like_table)
{
	uint8_t special[8] = { 0x48, 0, 0, 0xD7, 0 /* IOAPIC id */, 0xA0, 0x00, 1 };

	ivhd(0x10, 0x0018, 0xFED80000, 0);
	entry4(0x02, 0x0000);
	entry4(0x02, 0x0008);
	entry4(0x02, 0x0010);
	entry4(0x02, 0x0018);
	entry4(0x02, 0x0028);
	entry(special, 8);
	block_end();
	ASSERT_EQ(parse(), 0);
	EXPECT_EQ(info.iv_info, 0x2800);
	ASSERT_EQ(info.nunits, 1);
	EXPECT_EQ(info.units[0].mmio_base, 0xFED80000);
	EXPECT_EQ(info.units[0].devid, 0x18);
	EXPECT_EQ(info.units[0].type, 0x10);
	EXPECT_EQ(info.units[0].flags, 0xB0);
	/* Single functions stay apart (IDs 1-7 are not named); the IOAPIC is its own entry. */
	ASSERT_EQ(info.ndevices, 6);
	EXPECT_EQ(info.devices[0].first, 0);
	EXPECT_EQ(info.devices[0].last, 0);
	EXPECT_EQ(info.devices[4].first, 0x28);
	EXPECT_EQ(info.devices[5].first, 0xA0);
	EXPECT_EQ(info.devices[5].last, 0xA0);
	EXPECT_EQ(info.devices[5].special, IVRS_SPECIAL_IOAPIC);
	EXPECT_EQ(info.devices[5].handle, 0);
}

TEST(ranges_all_aliases_and_merging)
{
	uint8_t alias_select[8] = { 0x42, 0x00, 0x03, 0, 0, 0x10, 0x03, 0 };
	uint8_t alias_range[8] = { 0x43, 0x00, 0x05, 0, 0, 0x80, 0x06, 0 };
	uint8_t hid[24] = { 0xF0, 0x00, 0x07 }; /* ACPI HID device, 2-byte UID */

	hid[21] = 2;
	ivhd(0x11, 0x0002, 0xFEB80000, 0);
	entry4(0x03, 0x0100);
	entry4(0x04, 0x01FF);
	entry4(0x02, 0x0200); /* touches the range before: merged */
	entry(alias_select, 8);
	entry(alias_range, 8);
	entry4(0x04, 0x05FF);
	entry(hid, sizeof(hid));
	entry4(0x00, 0); /* padding */
	block_end();
	ASSERT_EQ(parse(), 0);
	ASSERT_EQ(info.nunits, 1);
	EXPECT_EQ(info.units[0].type, 0x11);
	ASSERT_EQ(info.ndevices, 6);
	EXPECT_EQ(info.devices[0].first, 0x100);
	EXPECT_EQ(info.devices[0].last, 0x200);
	EXPECT_EQ(info.devices[1].first, 0x300); /* alias select: the device ... */
	EXPECT_EQ(info.devices[2].first, 0x310); /* ... and the ID its requests carry */
	EXPECT_EQ(info.devices[3].first, 0x500);
	EXPECT_EQ(info.devices[3].last, 0x5FF);
	EXPECT_EQ(info.devices[4].first, 0x680); /* the range's alias */
	EXPECT_EQ(info.devices[5].first, 0x700);
}

TEST(select_all)
{
	ivhd(0x10, 0x0010, 0xFED80000, 0);
	entry4(0x01, 0);
	block_end();
	ASSERT_EQ(parse(), 0);
	ASSERT_EQ(info.ndevices, 1);
	EXPECT_EQ(info.devices[0].first, 0);
	EXPECT_EQ(info.devices[0].last, 0xFFFF);
}

TEST(blocks_of_one_iommu_merge_other_segments_and_ivmd_are_counted)
{
	uint8_t ivmd[32] = { 0x21, 0, 32, 0 };

	ivhd(0x10, 0x0018, 0xFED80000, 0);
	entry4(0x02, 0x0008);
	block_end();
	ivhd(0x40, 0x0018, 0xFED80000, 0); /* the same IOMMU, newer block type */
	entry4(0x02, 0x0010);
	block_end();
	ivhd(0x10, 0x0018, 0xFEC80000, 1); /* PCI segment 1 */
	entry4(0x01, 0);
	block_end();
	entry(ivmd, sizeof(ivmd));
	ASSERT_EQ(parse(), 0);
	ASSERT_EQ(info.nunits, 1);
	EXPECT_EQ(info.units[0].type, 0x40);
	EXPECT_EQ(info.nskipped_units, 1);
	EXPECT_EQ(info.nmemory_blocks, 1);
	ASSERT_EQ(info.ndevices, 2); /* 0x08 and 0x10: not adjacent, both of unit 0 */
	EXPECT_EQ(info.devices[0].first, 0x8);
	EXPECT_EQ(info.devices[1].first, 0x10);
	EXPECT_EQ(info.devices[1].unit, 0);
}

TEST(bad_tables)
{
	struct acpi_sdt_header *t;

	ivhd(0x10, 0x0018, 0xFED80000, 0);
	entry4(0x02, 0x0008);
	block_end();
	t = ivrs_table();
	t->oem_revision++; /* checksum now wrong */
	EXPECT_EQ(acpi_parse_ivrs(t, &info), -EINVAL);
	EXPECT_EQ(acpi_parse_ivrs(table_seal(table_new("IVRS", 40)), &info), -EINVAL);
	t = ivrs_table();
	memcpy(t->signature, "IVRX", 4);
	EXPECT_EQ(acpi_parse_ivrs(table_seal(t), &info), -EINVAL);

	/* A block longer than the table. */
	put_le(bytes + block_start + 2, used - block_start + 4, 2);
	EXPECT_EQ(parse(), -EINVAL);
	/* A block shorter than its header. */
	put_le(bytes + block_start + 2, 20, 2);
	EXPECT_EQ(parse(), -EINVAL);
}

TEST(bad_entries)
{
	uint8_t eight[8] = { 0x42, 0, 1, 0, 0, 0, 2, 0 };

	ivhd(0x10, 0x0018, 0xFED80000, 0);
	entry4(0x04, 0x0010); /* an end with no start */
	block_end();
	EXPECT_EQ(parse(), -EINVAL);

	used = IVRS_BODY;
	ivhd(0x10, 0x0018, 0xFED80000, 0);
	entry4(0x03, 0x0010); /* a start never ended */
	block_end();
	EXPECT_EQ(parse(), -EINVAL);

	used = IVRS_BODY;
	ivhd(0x10, 0x0018, 0xFED80000, 0);
	entry4(0x03, 0x0010);
	entry4(0x04, 0x0008); /* end below start */
	block_end();
	EXPECT_EQ(parse(), -EINVAL);

	used = IVRS_BODY;
	ivhd(0x10, 0x0018, 0xFED80000, 0);
	entry(eight, 4); /* an 8-byte entry cut at the block's end */
	block_end();
	EXPECT_EQ(parse(), -EINVAL);
}

TEST(too_many_units_and_ranges)
{
	for (uint64_t i = 0; i <= IVRS_MAX_UNITS; i++) {
		ivhd(0x10, 0x0018, 0xFED80000 + i * 0x4000, 0);
		block_end();
	}
	EXPECT_EQ(parse(), -ENOSPC);

	used = IVRS_BODY;
	ivhd(0x10, 0x0018, 0xFED80000, 0);
	for (unsigned i = 0; i <= IVRS_MAX_DEVICES; i++)
		entry4(0x02, (uint16_t)(i * 2)); /* never adjacent: no merging */
	block_end();
	EXPECT_EQ(parse(), -ENOSPC);
}
