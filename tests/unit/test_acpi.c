/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for ACPI table discovery and parsing in hypervisor/acpi/acpi_tables.c. */
#include <stdint.h>
#include <string.h>

#include "lib/errno.h"
#include "acpi/acpi.h"
#include "acpi_fixtures.h"
#include "arena.h"
#include "bytes.h"
#include "harness.h"

#define FADT_LEN 276 /* ACPI 6 */

/* Every test runs in a fresh process, so these start out zeroed in each. */
static struct acpi_madt_info info;
static struct acpi_fadt_info fadt_info;

static int parse_body(void)
{
	return acpi_parse_madt(madt_build(0xfee00000), &info);
}

/* A FADT with a PM timer at port 0x608, 32 bits wide; `len` may cut it short. */
static struct acpi_sdt_header *fadt_new(uint32_t len)
{
	struct acpi_sdt_header *t = table_new("FACP", len);
	uint8_t *raw = (uint8_t *)t;

	put_le(raw + 76, 0x608, 4);
	raw[91] = 4;
	if (len >= 116)
		put_le(raw + 112, (1U << 8) | (1U << 4), 4);
	return t;
}

TEST(checksums_and_table_validation)
{
	uint8_t bytes[4] = { 0x10, 0x20, 0x30, 0xa0 };
	struct acpi_sdt_header *t = table_with_body("TEST", "abcd");

	EXPECT_TRUE(acpi_checksum_ok(bytes, 4));
	EXPECT_FALSE(acpi_checksum_ok(bytes, 3));
	EXPECT_TRUE(acpi_checksum_ok(bytes, 0));
	bytes[2]++;
	EXPECT_FALSE(acpi_checksum_ok(bytes, 4));
	EXPECT_EQ(acpi_table_validate(t), 0);
	t->oem_revision++;
	EXPECT_EQ(acpi_table_validate(t), -EINVAL);
	EXPECT_EQ(acpi_table_validate(table_seal(table_alloc("TEST", 36, 35))), -EINVAL);
	EXPECT_EQ(acpi_table_validate(table_seal(table_new("TEST", 36))), 0);
	EXPECT_EQ(acpi_table_validate(NULL), -EINVAL);
}

TEST(rsdp_validate)
{
	struct acpi_rsdp *v1 = rsdp_new(0, NULL, NULL);
	struct acpi_rsdp *v2 = rsdp_new(2, NULL, NULL);

	EXPECT_EQ(acpi_rsdp_validate(v1), 0);
	EXPECT_EQ(acpi_rsdp_validate(v2), 0);
	/* There is no ACPI 1.x RSDP beyond 20 bytes: revision 1 is read like revision 0. */
	EXPECT_EQ(acpi_rsdp_validate(rsdp_new(1, NULL, NULL)), 0);
	EXPECT_EQ(acpi_rsdp_validate(NULL), -EINVAL);
	v1->signature[0] = 'X';
	EXPECT_EQ(acpi_rsdp_validate(v1), -EINVAL);
	/* The first 20 bytes still sum to zero: only the extended checksum catches this. */
	v2->reserved[0] = 1;
	EXPECT_EQ(acpi_rsdp_validate(v2), -EINVAL);

	v2 = rsdp_new(2, NULL, NULL);
	v2->length = 20;
	v2->extended_checksum += 16;
	EXPECT_EQ(acpi_rsdp_validate(v2), -EINVAL);
	v2 = rsdp_new(2, NULL, NULL);
	v2->checksum++;
	v2->extended_checksum--;
	EXPECT_EQ(acpi_rsdp_validate(v2), -EINVAL);
}

TEST(rsdp_scan_looks_only_at_16_byte_boundaries)
{
	uint8_t *area = arena_alloc(256);
	struct acpi_rsdp *good = rsdp_new(0, NULL, NULL);

	memcpy(area + 8, good, 20);  /* valid, but not on a boundary */
	memcpy(area + 32, good, 20); /* on a boundary, but with a bad checksum */
	area[32 + 9] ^= 1;
	memcpy(area + 64, good, 20);
	EXPECT_TRUE(acpi_rsdp_scan(area, 256) == (const void *)(area + 64));
	/* Boundaries are of the address, not of the offset from the start. */
	EXPECT_TRUE(acpi_rsdp_scan(area + 4, 252) == (const void *)(area + 64));
	EXPECT_TRUE(acpi_rsdp_scan(area, 84) == (const void *)(area + 64));
	EXPECT_NULL(acpi_rsdp_scan(area, 83));
	EXPECT_NULL(acpi_rsdp_scan(area, 64));
	area[64 + 8]++;
	EXPECT_NULL(acpi_rsdp_scan(area, 256));
}

/* Copies the first `len` bytes of an RSDP into an area of exactly that size and scans it. */
static const struct acpi_rsdp *scan_copy(const struct acpi_rsdp *rsdp, size_t len)
{
	uint8_t *area = arena_alloc(len);

	memcpy(area, rsdp, len);
	return acpi_rsdp_scan(area, len);
}

TEST(rsdp_scan_needs_the_whole_v2_structure_in_range)
{
	struct acpi_rsdp *rsdp = rsdp_new(2, NULL, NULL);
	struct acpi_rsdp *longer = rsdp_new(2, NULL, NULL);

	/* Signature and 20-byte checksum are fine, but the rest does not fit: ASan would tell. */
	EXPECT_NULL(scan_copy(rsdp, 20));
	EXPECT_NULL(scan_copy(rsdp, 32));
	EXPECT_TRUE(scan_copy(rsdp, 36) != NULL);
	/* A length past the end of the scanned area is not followed. */
	longer->length = 40;
	longer->extended_checksum -= 4;
	EXPECT_NULL(scan_copy(longer, 36));
}

TEST(find_table_prefers_xsdt)
{
	const void *in_xsdt[] = { table_with_body("TEST", "x") };
	const void *in_rsdt[] = { table_with_body("TEST", "r") };
	struct acpi_sdt_header *rsdt = root_new("RSDT", in_rsdt, 1);
	struct acpi_sdt_header *xsdt = root_new("XSDT", in_xsdt, 1);

	EXPECT_TRUE(acpi_find_table(rsdp_new(2, rsdt, xsdt), "TEST") == in_xsdt[0]);
	/* Revision 0 has no XSDT field (and only 20 bytes, so reading it would trip ASan). */
	EXPECT_TRUE(acpi_find_table(rsdp_new(0, rsdt, xsdt), "TEST") == in_rsdt[0]);
	EXPECT_TRUE(acpi_find_table(rsdp_new(2, rsdt, NULL), "TEST") == in_rsdt[0]);
	xsdt->oem_revision++;
	EXPECT_TRUE(acpi_find_table(rsdp_new(2, rsdt, xsdt), "TEST") == in_rsdt[0]);
}

TEST(find_table_skips_bad_and_null_entries)
{
	struct acpi_sdt_header *bad = table_with_body("TEST", "bad");
	struct acpi_sdt_header *good = table_with_body("TEST", "good");
	const void *tables[] = { table_with_body("OTHR", ""), bad, NULL, good };
	struct acpi_rsdp *via_rsdt, *via_xsdt;

	bad->creator_id++;
	via_rsdt = rsdp_new(0, root_new("RSDT", tables, 4), NULL);
	via_xsdt = rsdp_new(2, NULL, root_new("XSDT", tables, 4));
	EXPECT_TRUE(acpi_find_table(via_rsdt, "TEST") == good);
	EXPECT_TRUE(acpi_find_table(via_xsdt, "TEST") == good);
	EXPECT_NULL(acpi_find_table(rsdp_new(0, root_new("RSDT", tables, 3), NULL), "TEST"));
	EXPECT_NULL(acpi_find_table(rsdp_new(0, root_new("RSDT", tables, 4), NULL), "NONE"));
}

TEST(find_table_rejects_bad_roots)
{
	const void *tables[] = { table_with_body("TEST", "") };
	struct acpi_sdt_header *rsdt = root_new("RSDT", tables, 1);
	struct acpi_rsdp *rsdp = rsdp_new(0, rsdt, NULL);

	ASSERT_TRUE(acpi_find_table(rsdp, "TEST") == tables[0]);
	rsdp->checksum++;
	EXPECT_NULL(acpi_find_table(rsdp, "TEST"));
	EXPECT_NULL(acpi_find_table(NULL, "TEST"));
	/* A root table with the wrong signature, or with half an entry, is not used. */
	EXPECT_NULL(acpi_find_table(rsdp_new(0, root_new("XSDT", tables, 1), NULL), "TEST"));
	rsdt = root_new("RSDT", (const void *[]){ tables[0], tables[0] }, 2);
	rsdt->length -= 2;
	EXPECT_NULL(acpi_find_table(rsdp_new(0, table_seal(rsdt), NULL), "TEST"));
	rsdt->length = 20;
	EXPECT_NULL(acpi_find_table(rsdp_new(0, table_seal(rsdt), NULL), "TEST"));
	rsdt->length = 40;
	table_seal(rsdt)->checksum++;
	EXPECT_NULL(acpi_find_table(rsdp_new(0, rsdt, NULL), "TEST"));
}

TEST(madt_good_path)
{
	uint8_t *nmi;

	madt_lapic(0, 0, 1);
	madt_lapic(1, 2, 0);
	madt_ioapic(3, 0xfec00000, 24);
	madt_entry(2, 10);	/* interrupt source override: skipped */
	nmi = madt_entry(4, 6); /* local APIC NMI: skipped */
	nmi[2] = 0xff;
	madt_x2apic(300, 1, 7);
	madt_x2apic(301, 0, 8);
	madt_lapic_override(0x1fee00000ULL);
	madt_entry(0x7f, 2); /* unknown type, as short as an entry can be */
	ASSERT_EQ(parse_body(), 0);

	EXPECT_EQ(info.lapic_address, 0x1fee00000ULL);
	EXPECT_EQ(info.flags, 1);
	ASSERT_EQ(info.ncpus, 4);
	EXPECT_EQ(info.cpus[0].apic_id, 0);
	EXPECT_EQ(info.cpus[0].acpi_uid, 0);
	EXPECT_TRUE(info.cpus[0].enabled);
	EXPECT_EQ(info.cpus[1].apic_id, 2);
	EXPECT_EQ(info.cpus[1].acpi_uid, 1);
	EXPECT_FALSE(info.cpus[1].enabled);
	EXPECT_EQ(info.cpus[2].apic_id, 300);
	EXPECT_EQ(info.cpus[2].acpi_uid, 7);
	EXPECT_TRUE(info.cpus[2].enabled);
	EXPECT_EQ(info.cpus[3].apic_id, 301);
	EXPECT_FALSE(info.cpus[3].enabled);
	ASSERT_EQ(info.nioapics, 1);
	EXPECT_EQ(info.ioapics[0].id, 3);
	EXPECT_EQ(info.ioapics[0].address, 0xfec00000);
	EXPECT_EQ(info.ioapics[0].gsi_base, 24);
}

TEST(madt_bad_checksum_or_signature)
{
	struct acpi_sdt_header *t;

	madt_lapic(0, 0, 1);
	t = madt_build(0xfee00000);
	((uint8_t *)t)[MADT_HDR_LEN + 3] = 5;
	EXPECT_EQ(acpi_parse_madt(t, &info), -EINVAL);
	memcpy(t->signature, "APIX", 4);
	EXPECT_EQ(acpi_parse_madt(table_seal(t), &info), -EINVAL);
	memcpy(t->signature, "APIC", 4);
	/* Once sound it parses, and nothing left in info from before survives. */
	memset(&info, 0xaa, sizeof(info));
	ASSERT_EQ(acpi_parse_madt(table_seal(t), &info), 0);
	EXPECT_EQ(info.lapic_address, 0xfee00000);
	EXPECT_EQ(info.ncpus, 1);
	EXPECT_EQ(info.nioapics, 0);
}

TEST(madt_truncated_lengths)
{
	struct acpi_sdt_header *t;

	/* Shorter than the MADT's fixed part, or even than a header. */
	EXPECT_EQ(acpi_parse_madt(table_seal(table_new("APIC", 40)), &info), -EINVAL);
	EXPECT_EQ(acpi_parse_madt(table_seal(table_alloc("APIC", 36, 20)), &info), -EINVAL);

	/* The table ends two bytes into the local APIC entry's flags. */
	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	t = madt_build(0xfee00000);
	t->length -= 2;
	EXPECT_EQ(acpi_parse_madt(table_seal(t), &info), -EINVAL);
	t->length -= 6;
	EXPECT_EQ(acpi_parse_madt(table_seal(t), &info), 0);

	/* One byte after the last entry: not even room for a type and a length. */
	madt_body.len = 0;
	madt_lapic(0, 0, 1);
	madt_body.bytes[madt_body.len++] = 0x7f;
	EXPECT_EQ(parse_body(), -EINVAL);
}

/* Parses a MADT holding one local APIC and then an entry of this type and length. */
static int parse_one_entry(uint8_t type, uint8_t len)
{
	uint8_t used;

	madt_body.len = 0;
	madt_lapic(0, 0, 1);
	madt_entry(type, len);
	/* Even a length below 2 has its type and length bytes in the table. */
	used = len < 2 ? 2 : len;
	madt_body.len += used - len;
	/* A valid entry after it, so that the length alone is what can be wrong. */
	if (used <= 6)
		madt_entry(0x7e, (uint8_t)(8 - used));
	return parse_body();
}

TEST(madt_entry_lengths_are_checked)
{
	EXPECT_EQ(parse_one_entry(0x7f, 0), -EINVAL);
	EXPECT_EQ(parse_one_entry(0x7f, 1), -EINVAL);
	EXPECT_EQ(parse_one_entry(0x7f, 2), 0);
	EXPECT_EQ(parse_one_entry(0, 7), -EINVAL);
	EXPECT_EQ(parse_one_entry(0, 8), 0);
	EXPECT_EQ(parse_one_entry(1, 11), -EINVAL);
	EXPECT_EQ(parse_one_entry(1, 12), 0);
	EXPECT_EQ(parse_one_entry(5, 11), -EINVAL);
	EXPECT_EQ(parse_one_entry(5, 12), 0);
	EXPECT_EQ(parse_one_entry(9, 15), -EINVAL);
	EXPECT_EQ(parse_one_entry(9, 16), 0);
	/* Longer than its type needs is fine: later ACPI versions may add fields. */
	EXPECT_EQ(parse_one_entry(0, 10), 0);
}

TEST(madt_too_many_cpus_or_ioapics)
{
	size_t i;

	for (i = 0; i < ACPI_MAX_CPUS; i++)
		madt_lapic((uint8_t)i, (uint8_t)i, 1);
	ASSERT_EQ(parse_body(), 0);
	EXPECT_EQ(info.ncpus, ACPI_MAX_CPUS);
	EXPECT_EQ(info.cpus[ACPI_MAX_CPUS - 1].apic_id, ACPI_MAX_CPUS - 1);
	madt_x2apic(1000, 1, 1000);
	EXPECT_EQ(parse_body(), -ENOSPC);

	madt_body.len = 0;
	for (i = 0; i < ACPI_MAX_IOAPICS; i++)
		madt_ioapic((uint8_t)i, 0xfec00000 + (uint32_t)i * 0x1000, (uint32_t)i * 24);
	ASSERT_EQ(parse_body(), 0);
	EXPECT_EQ(info.nioapics, ACPI_MAX_IOAPICS);
	madt_ioapic(99, 0xfec99000, 999);
	EXPECT_EQ(parse_body(), -ENOSPC);
}

/* Seals the table after the test's changes and parses it into fadt_info. */
static int parse_fadt(struct acpi_sdt_header *t)
{
	return acpi_parse_fadt(table_seal(t), &fadt_info);
}

TEST(fadt_legacy_pm_timer)
{
	struct acpi_sdt_header *t = fadt_new(116);

	ASSERT_EQ(parse_fadt(t), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0x608);
	EXPECT_TRUE(fadt_info.pm_timer_32bit);
	EXPECT_EQ(fadt_info.flags, (1U << 8) | (1U << 4));
	/* Without TMR_VAL_EXT the timer is 24 bits wide. */
	put_le((uint8_t *)t + 112, 1U << 4, 4);
	ASSERT_EQ(parse_fadt(t), 0);
	EXPECT_FALSE(fadt_info.pm_timer_32bit);
	EXPECT_EQ(fadt_info.pm_timer_port, 0x608);
}

TEST(fadt_without_pm_timer)
{
	struct acpi_sdt_header *t = fadt_new(FADT_LEN);

	/* PM_TMR_LEN 0 means there is no PM timer, whatever PM_TMR_BLK says. */
	((uint8_t *)t)[91] = 0;
	ASSERT_EQ(parse_fadt(t), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0);
	((uint8_t *)t)[91] = 4;
	put_le((uint8_t *)t + 76, 0, 4);
	ASSERT_EQ(parse_fadt(t), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0);
}

/* Sets X_PM_TMR_BLK to a 32-bit register in the given address space, and parses the FADT. */
static int parse_fadt_x_timer(struct acpi_sdt_header *t, uint8_t space_id, uint64_t address)
{
	uint8_t *gas = (uint8_t *)t + 208;

	gas[0] = space_id;
	gas[1] = 32;
	gas[3] = 3;
	put_le(gas + 4, address, 8);
	return parse_fadt(t);
}

TEST(fadt_x_pm_timer_block)
{
	struct acpi_sdt_header *t = fadt_new(FADT_LEN);

	ASSERT_EQ(parse_fadt_x_timer(t, 1, 0xb008), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0xb008);
	/* Not in I/O space, no address, or past the last port: the legacy field is used. */
	ASSERT_EQ(parse_fadt_x_timer(t, 0, 0xb008), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0x608);
	ASSERT_EQ(parse_fadt_x_timer(t, 1, 0), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0x608);
	ASSERT_EQ(parse_fadt_x_timer(t, 1, 0x10008), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0x608);
	/* A table ending inside X_PM_TMR_BLK does not have one. */
	t = fadt_new(219);
	put_le((uint8_t *)t + 208, 0x2001, 2);
	ASSERT_EQ(parse_fadt(t), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0x608);
}

TEST(fadt_too_short_or_corrupt)
{
	struct acpi_sdt_header *t = fadt_new(116);

	EXPECT_EQ(parse_fadt(fadt_new(115)), -EINVAL);
	EXPECT_EQ(parse_fadt(table_new("FACP", 36)), -EINVAL);
	EXPECT_EQ(acpi_parse_fadt(t, &fadt_info), -EINVAL); /* never sealed */
	memcpy(t->signature, "FADT", 4);
	EXPECT_EQ(parse_fadt(t), -EINVAL);
}

TEST(hpet_base_address)
{
	uint64_t base = 0;

	EXPECT_EQ(acpi_parse_hpet(hpet_new(HPET_LEN, 0, 0xfed00000), &base), 0);
	EXPECT_EQ(base, 0xfed00000);
	base = 0;
	EXPECT_EQ(acpi_parse_hpet(hpet_new(HPET_LEN, 1, 0xfed00000), &base), -EINVAL);
	EXPECT_EQ(acpi_parse_hpet(hpet_new(HPET_LEN, 0, 0), &base), -EINVAL);
	EXPECT_EQ(acpi_parse_hpet(hpet_new(HPET_LEN - 1, 0, 0xfed00000), &base), -EINVAL);
	EXPECT_EQ(base, 0);
}

TEST(end_to_end_from_rsdp_scan)
{
	const void *tables[3] = { table_seal(fadt_new(FADT_LEN)) };
	uint8_t *ebda = arena_alloc(1024);
	const struct acpi_rsdp *rsdp;
	uint64_t hpet_base = 0;

	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	madt_ioapic(0, 0xfec00000, 0);
	tables[1] = madt_build(0xfee00000);
	tables[2] = hpet_new(HPET_LEN, 0, 0xfed00000);
	memcpy(ebda + 0x200, rsdp_new(2, root_new("RSDT", tables, 3), root_new("XSDT", tables, 3)),
	       sizeof(struct acpi_rsdp));

	rsdp = acpi_rsdp_scan(ebda, 1024);
	ASSERT_TRUE(rsdp == (const void *)(ebda + 0x200));
	ASSERT_EQ(acpi_parse_madt(acpi_find_table(rsdp, "APIC"), &info), 0);
	EXPECT_EQ(info.ncpus, 2);
	EXPECT_EQ(info.nioapics, 1);
	ASSERT_EQ(acpi_parse_fadt(acpi_find_table(rsdp, "FACP"), &fadt_info), 0);
	EXPECT_EQ(fadt_info.pm_timer_port, 0x608);
	ASSERT_EQ(acpi_parse_hpet(acpi_find_table(rsdp, "HPET"), &hpet_base), 0);
	EXPECT_EQ(hpet_base, 0xfed00000);
	EXPECT_EQ(acpi_parse_hpet(acpi_find_table(rsdp, "DMAR"), &hpet_base), -EINVAL);
}
