/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for a Linux User VM's ACPI tables (dm/boot/acpi.c): checksums, lengths, MADT, FADT, DSDT. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/acpi.h"
#include "dm/acpi.h"
#include "dm/pci.h"
#include "dm/pm_timer.h"
#include "dm/power.h"
#include "dm/pvpanic.h"
#include "dm/reset.h"
#include "harness.h"

#define MEM (2ull << 20)

static struct dm_mem mem;
static uint64_t rsdp_gpa;

static void setup(void)
{
	static uint8_t *ram;

	if (!ram)
		ram = aligned_alloc(4096, MEM);
	mem = (struct dm_mem){ .hva = ram, .size = MEM, .fd = -1 };
	memset(mem.hva, 0xEE, MEM);
}

/* A table the guest finds at gpa, checked as the hypervisor's parser checks it, inside the area. */
static const struct acpi_sdt_header *table_at(uint64_t gpa, const char *sig)
{
	const struct acpi_sdt_header *t = dm_gpa_to_hva(&mem, gpa, sizeof(*t));

	if (gpa < DM_ACPI_AREA_GPA || !t || acpi_table_validate(t) || memcmp(t->signature, sig, 4))
		return NULL;
	if (gpa + t->length > DM_ACPI_AREA_GPA + DM_ACPI_AREA_SIZE)
		return NULL;
	return t;
}

static const struct acpi_sdt_header *xsdt_find(const char *sig)
{
	const struct acpi_rsdp *rsdp = dm_gpa_to_hva(&mem, rsdp_gpa, sizeof(*rsdp));
	const struct acpi_sdt_header *xsdt = table_at(rsdp->xsdt_address, "XSDT");

	if (!xsdt)
		return NULL;
	for (size_t i = 0; i < (xsdt->length - sizeof(*xsdt)) / 8; i++) {
		uint64_t addr;

		memcpy(&addr, (const uint8_t *)(xsdt + 1) + 8 * i, 8);
		if (table_at(addr, sig))
			return table_at(addr, sig);
	}
	return NULL;
}

static uint32_t u32_at(const void *t, size_t off)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)t + off, 4);
	return v;
}

TEST(rsdp_valid_in_the_bios_area_and_found_by_the_scan)
{
	const uint32_t ids[2] = { 1, 2 };

	setup();
	ASSERT_EQ(dm_acpi_build(&mem, ids, 2, false, &rsdp_gpa), 0);
	const struct acpi_rsdp *rsdp = dm_gpa_to_hva(&mem, rsdp_gpa, sizeof(*rsdp));
	EXPECT_EQ(acpi_rsdp_validate(rsdp), 0); /* both checksums, revision 2 */
	EXPECT_EQ(rsdp->revision, 2);
	EXPECT_EQ(rsdp_gpa % 16, 0);
	EXPECT_TRUE(acpi_rsdp_scan(mem.hva + 0xE0000, 0x20000) == rsdp);
	EXPECT_NOT_NULL(table_at(rsdp->xsdt_address, "XSDT"));
	EXPECT_NOT_NULL(xsdt_find("FACP"));
	EXPECT_NOT_NULL(xsdt_find("APIC"));
	EXPECT_NULL(xsdt_find("DSDT")); /* reached through the FADT only */
}

TEST(madt_lists_each_vcpu_and_the_virtual_ioapic)
{
	const uint32_t ids[3] = { 3, 1, 2 };
	struct acpi_madt_info *info = calloc(1, sizeof(*info));

	setup();
	ASSERT_EQ(dm_acpi_build(&mem, ids, 3, false, &rsdp_gpa), 0);
	const struct acpi_sdt_header *madt = xsdt_find("APIC");
	ASSERT_NOT_NULL(madt);
	ASSERT_EQ(acpi_parse_madt(madt, info), 0);
	EXPECT_EQ(info->lapic_address, 0xFEE00000);
	EXPECT_EQ(info->flags, 0); /* no 8259s */
	ASSERT_EQ(info->ncpus, 3);
	for (size_t i = 0; i < 3; i++) {
		EXPECT_EQ(info->cpus[i].apic_id, ids[i]); /* vCPU 0's first: Linux's boot CPU */
		EXPECT_TRUE(info->cpus[i].enabled);
		EXPECT_EQ(info->cpus[i].acpi_uid, i);
	}
	ASSERT_EQ(info->nioapics, 1);
	EXPECT_EQ(info->ioapics[0].address, 0xFEC00000);
	EXPECT_EQ(info->ioapics[0].id, DM_ACPI_IOAPIC_ID);
	EXPECT_EQ(info->ioapics[0].gsi_base, 0);
	EXPECT_EQ(madt->length, 44 + 12 + 3 * 8);
	free(info);
}

TEST(fadt_pm1a_blocks_no_smi_physical_destination)
{
	const uint32_t ids[1] = { 1 };
	struct acpi_fadt_info f;

	setup();
	ASSERT_EQ(dm_acpi_build(&mem, ids, 1, false, &rsdp_gpa), 0);
	const struct acpi_sdt_header *fadt = xsdt_find("FACP");
	ASSERT_NOT_NULL(fadt);
	ASSERT_EQ(acpi_parse_fadt(fadt, &f), 0);
	EXPECT_EQ(f.pm1a_cnt.space, ACPI_REG_IO);
	EXPECT_EQ(f.pm1a_cnt.address, DM_PM1A_CNT_PORT);
	EXPECT_EQ(f.pm1a_cnt.len, 2);
	EXPECT_EQ(f.pm1b_cnt.space, ACPI_REG_NONE);
	EXPECT_EQ(f.smi_cmd_port, 0);
	EXPECT_EQ(f.pm_timer_port, DM_PM_TIMER_PORT);
	EXPECT_TRUE(f.pm_timer_32bit);
	/* RESET_REG: a byte at port 0xCF9, written 0x06 (dm/hw/reset.c). */
	EXPECT_EQ(f.reset_reg.space, ACPI_REG_IO);
	EXPECT_EQ(f.reset_reg.address, DM_RESET_PORT);
	EXPECT_EQ(f.reset_value, DM_RESET_VALUE);
	EXPECT_TRUE(f.flags & (1u << 10));  /* RESET_REG_SUP */
	EXPECT_TRUE(f.flags & (1u << 19));  /* FORCE_APIC_PHYSICAL_DESTINATION_MODE */
	EXPECT_FALSE(f.flags & (1u << 20)); /* not hardware-reduced: PM1a is what powers off */
	EXPECT_TRUE(fadt->revision >= 3);
	EXPECT_EQ(u32_at(fadt, 56), DM_PM1A_EVT_PORT);
	EXPECT_EQ(((const uint8_t *)fadt)[88], 4);
	EXPECT_EQ(u32_at(fadt, 46) & 0xFFFF, DM_ACPI_SCI_IRQ);
	/* IAPC_BOOT_ARCH: no 8042 (bit 1), no VGA (2), no CMOS RTC (5). */
	EXPECT_EQ(u32_at(fadt, 109) & 0xFFFF, (1u << 2) | (1u << 5));
}

static const struct acpi_sdt_header *built_dsdt(bool com1)
{
	const uint32_t ids[1] = { 1 };

	setup();
	if (dm_acpi_build(&mem, ids, 1, com1, &rsdp_gpa))
		return NULL;
	const struct acpi_sdt_header *fadt = xsdt_find("FACP");
	return fadt ? table_at(u32_at(fadt, 40), "DSDT") : NULL;
}

TEST(dsdt_has_s5_first_and_facs_is_aligned)
{
	static const uint8_t s5[] = { 0x08, '_',  'S',	'5',  '_',  0x12, 0x08,
				      0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00 };
	const struct acpi_sdt_header *dsdt = built_dsdt(false);

	ASSERT_NOT_NULL(dsdt);
	EXPECT_MEMEQ(dsdt + 1, s5, sizeof(s5));
	uint32_t facs = u32_at(xsdt_find("FACP"), 36);
	EXPECT_EQ(facs % 64, 0);
	EXPECT_MEMEQ(mem.hva + facs, "FACS", 4);
	EXPECT_EQ(u32_at(mem.hva + facs, 4), 64);
}

/* Walks one AML package length (ACPI 20.2.4) at p: its value and how many bytes encode it. */
static size_t pkg_length(const uint8_t *p, size_t *bytes)
{
	size_t follow = p[0] >> 6, len = follow ? p[0] & 0xF : p[0] & 0x3F;

	for (size_t i = 0; i < follow; i++)
		len |= (size_t)p[1 + i] << (4 + 8 * i);
	*bytes = follow + 1;
	return len;
}

/* The Device (name) in \_SB's scope: its first byte after the name, and its end. */
static const uint8_t *sb_device(const struct acpi_sdt_header *dsdt, const char *name,
				const uint8_t **dev_end)
{
	const uint8_t *aml = (const uint8_t *)(dsdt + 1),
		      *end = (const uint8_t *)dsdt + dsdt->length;
	const uint8_t *scope = aml + 14; /* after \_S5 */
	size_t n;

	if (scope >= end || scope[0] != 0x10)
		return NULL;
	/* The scope's package length ends exactly at the table's end. */
	if (scope + 1 + pkg_length(scope + 1, &n) != end || memcmp(scope + 1 + n, "\\_SB_", 5))
		return NULL;
	for (const uint8_t *dev = scope + 1 + n + 5; dev + 2 < end;) {
		if (dev[0] != 0x5B || dev[1] != 0x82)
			return NULL;
		const uint8_t *next = dev + 2 + pkg_length(dev + 2, &n);
		if (next > end)
			return NULL;
		if (!memcmp(dev + 2 + n, name, 4)) {
			*dev_end = next;
			return dev + 2 + n + 4;
		}
		dev = next;
	}
	return NULL;
}

TEST(dsdt_describes_com1_as_a_pnp_device_on_irq_4)
{
	static const uint8_t io[] = { 0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x01, 0x08 };
	static const uint8_t irq4[] = { 0x22, 0x10, 0x00, 0x79 };
	const uint8_t *end, *com1 = sb_device(built_dsdt(true), "COM1", &end);

	ASSERT_NOT_NULL(com1);
	EXPECT_MEMEQ(com1, "\x08_HID\x0C\x41\xD0\x05\x01", 10);
	EXPECT_NOT_NULL(memmem(com1, (size_t)(end - com1), io, sizeof(io)));
	EXPECT_NOT_NULL(memmem(com1, (size_t)(end - com1), irq4, sizeof(irq4)));
	/* Without COM1 the DSDT has the PCI root bridge alone. */
	EXPECT_NULL(sb_device(built_dsdt(false), "COM1", &end));
}

TEST(dsdt_describes_pvpanic_at_0x505)
{
	static const uint8_t io[] = { 0x47, 0x01, 0x05, 0x05, 0x05, 0x05, 0x01, 0x01 };
	const uint8_t *end, *dev = sb_device(built_dsdt(false), "PEVT", &end);

	ASSERT_NOT_NULL(dev);
	EXPECT_MEMEQ(dev, "\x08_HID\x0DQEMU0001\x00", 15);
	EXPECT_NOT_NULL(memmem(dev, (size_t)(end - dev), io, sizeof(io)));
	EXPECT_EQ(DM_PVPANIC_PORT, 0x505);
}

TEST(dsdt_describes_the_pci_root_bridge_and_its_windows)
{
	/* WordBusNumber 0-0; WordIO 0-0xCF7 and 0xD00-0xFFFF; DWordMemory over the BAR window. */
	static const uint8_t bus[] = { 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 };
	static const uint8_t io_low[] = { 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00,
					  0x00, 0x00, 0xF7, 0x0C, 0x00, 0x00, 0xF8, 0x0C };
	static const uint8_t io_high[] = { 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0x00, 0x00,
					   0x00, 0x0D, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xF3 };
	static const uint8_t conf1[] = { 0x47, 0x01, 0xF8, 0x0C, 0xF8, 0x0C, 0x01, 0x08 };
	uint8_t mem32[26] = { 0x87, 0x17, 0x00, 0x00, 0x0C, 0x01 };
	uint32_t v[5] = { 0, (uint32_t)DM_PCI_MMIO32_BASE,
			  (uint32_t)(DM_PCI_MMIO32_BASE + DM_PCI_MMIO32_SIZE - 1), 0,
			  (uint32_t)DM_PCI_MMIO32_SIZE };
	memcpy(mem32 + 6, v, sizeof(v));

	for (int com1 = 0; com1 < 2; com1++) {
		const uint8_t *end, *pci = sb_device(built_dsdt(com1), "PCI0", &end);
		ASSERT_NOT_NULL(pci);
		size_t n = (size_t)(end - pci);
		/* _HID PNP0A03 (EISA ID 0x030AD041) first, then _UID, _SEG and _BBN 0. */
		EXPECT_MEMEQ(pci, "\x08_HID\x0C\x41\xD0\x0A\x03", 10);
		EXPECT_NOT_NULL(memmem(pci, n, "\x08_UID\x00\x08_SEG\x00\x08_BBN\x00", 18));
		const uint8_t *crs = memmem(pci, n, "\x08_CRS\x11", 6);
		ASSERT_NOT_NULL(crs);
		EXPECT_NOT_NULL(memmem(crs, n, bus, sizeof(bus)));
		EXPECT_NOT_NULL(memmem(crs, n, conf1, sizeof(conf1)));
		EXPECT_NOT_NULL(memmem(crs, n, io_low, sizeof(io_low)));
		EXPECT_NOT_NULL(memmem(crs, n, io_high, sizeof(io_high)));
		EXPECT_NOT_NULL(memmem(crs, n, mem32, sizeof(mem32)));
		EXPECT_MEMEQ(end - 2, "\x79\x00", 2); /* the end tag closes the buffer and device */
	}
}

TEST(bad_cpu_lists_and_small_ram_refused)
{
	uint32_t ids[17] = { 1, 256 };

	setup();
	EXPECT_EQ(dm_acpi_build(&mem, ids, 2, false, &rsdp_gpa), -ERANGE);
	EXPECT_EQ(dm_acpi_build(&mem, ids, 0, false, &rsdp_gpa), -ENOSPC);
	for (unsigned int i = 0; i < 17; i++)
		ids[i] = i + 1;
	EXPECT_EQ(dm_acpi_build(&mem, ids, 17, false, &rsdp_gpa), -ENOSPC);
	EXPECT_EQ(dm_acpi_build(&mem, ids, 16, false, &rsdp_gpa), 0);
	mem.size = DM_ACPI_AREA_GPA + DM_ACPI_AREA_SIZE - 1;
	EXPECT_EQ(dm_acpi_build(&mem, ids, 1, false, &rsdp_gpa), -EINVAL);
}
