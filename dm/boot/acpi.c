/* SPDX-License-Identifier: BSD-3-Clause */
/* A Linux User VM's ACPI tables: RSDP, XSDT, MADT, FADT, FACS and a DSDT with \_S5, in its BIOS area. */
#include <errno.h>
#include <string.h>

#include "acpi/acpi_vm_tables.h"
#include "x86/guest/vioapic.h"
#include "dm/acpi.h"
#include "dm/pm_timer.h"
#include "dm/power.h"

/*
 * cairn-dm describes the User VM's platform as a firmware would (a MADT with the virtual IOAPIC,
 * a FADT, its DSDT and FACS); the hypervisor's own builder (acpi_vm_tables.c, linked) then
 * derives the VM's RSDP, XSDT, MADT (with the VM's CPUs) and FADT from it, as it does for the
 * Service VM from the real firmware's.
 */
#define LAPIC_BASE	    0xFEE00000u
#define MADT_IOAPIC	    1
#define MADT_IOAPIC_LEN	    12
#define MADT_HEADER_LEN	    44
#define FADT_LEN	    244 /* ACPI 3.0's FADT, revision 4 */
#define FADT_REVISION	    4
#define FADT_FIRMWARE_CTRL  36
#define FADT_DSDT	    40
#define FADT_SCI_INT	    46
#define FADT_SMI_CMD	    48
#define FADT_PM1A_EVT_BLK   56
#define FADT_PM1A_CNT_BLK   64
#define FADT_PM_TMR_BLK	    76
#define FADT_PM_TMR_LEN	    91
#define FADT_PM1_EVT_LEN    88
#define FADT_PM1_CNT_LEN    89
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS	    112
#define BOOT_ARCH_NO_VGA    (1u << 2)
#define BOOT_ARCH_NO_RTC    (1u << 5) /* the wall clock comes from kvmclock */
#define FLAG_WBINVD	    (1u << 0)
#define FLAG_TMR_VAL_EXT    (1u << 8) /* a 32-bit PM timer */
#define FLAG_PWR_BUTTON	    (1u << 4) /* set: no fixed-hardware power button */
#define FLAG_SLP_BUTTON	    (1u << 5)
#define FACS_LEN	    64
#define FACS_VERSION_OFFSET 32
#define DSDT_REVISION	    2 /* 64-bit AML integers */
#define MAX_CPUS	    16

/* clang-format off */
/* AML: Name (_S5, Package (4) { 5, 5, 0, 0 }): SLP_TYPa = SLP_TYPb = 5 (dm/hw/power.c). */
static const uint8_t aml_s5[] = {
	0x08, '_', 'S', '5', '_',		/* NameOp, NameSeg */
	0x12, 0x08, 0x04,			/* PackageOp, PkgLength 8, 4 elements */
	0x0A, DM_PM1A_SLP_TYP_S5,		/* BytePrefix 5 */
	0x0A, DM_PM1A_SLP_TYP_S5,
	0x00, 0x00,				/* ZeroOp, ZeroOp */
};

/*
 * AML: Scope (\_SB) { Device (COM1) { Name (_HID, EisaId ("PNP0501")) Name (_UID, 1)
 * Name (_CRS, ResourceTemplate () { IO (Decode16, 0x3F8, 0x3F8, 0, 8) IRQNoFlags () { 4 } }) } }.
 * Without an 8259 Linux numbers the IOAPIC's interrupts dynamically, so the 8250 driver's
 * built-in "IRQ 4" of COM1 reaches no pin; the PNP device makes Linux map GSI 4 for it.
 */
static const uint8_t aml_com1[] = {
	0x10, 0x33, '\\', '_', 'S', 'B', '_',	/* ScopeOp, PkgLength 51, \_SB_ */
	0x5B, 0x82, 0x2B, 'C', 'O', 'M', '1',	/* DeviceOp, PkgLength 43, COM1 */
	0x08, '_', 'H', 'I', 'D',		/* Name (_HID, */
	0x0C, 0x41, 0xD0, 0x05, 0x01,		/*   DWordConst: EISA ID PNP0501) */
	0x08, '_', 'U', 'I', 'D', 0x01,		/* Name (_UID, One) */
	0x08, '_', 'C', 'R', 'S',		/* Name (_CRS, */
	0x11, 0x10, 0x0A, 0x0D,			/*   BufferOp, PkgLength 16, 13 bytes: */
	0x47, 0x01, 0xF8, 0x03, 0xF8, 0x03, 0x00, 0x08,	/* I/O 0x3F8-0x3F8, align 0, 8 ports */
	0x22, 0x10, 0x00,			/* IRQ mask: 4 (edge, active high) */
	0x79, 0x00,				/* end tag) */
};
/* clang-format on */

static void put16(uint8_t *p, size_t off, uint16_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void header(struct acpi_sdt_header *h, const char *sig, uint32_t length, uint8_t revision)
{
	memcpy(h->signature, sig, 4);
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, "CAIRN ", 6);
	memcpy(h->oem_table_id, "CAIRNUVM", 8);
	h->oem_revision = 1;
	memcpy(&h->creator_id, "CDM ", 4);
	h->creator_revision = 1;
}

static void write_dsdt(uint8_t *dsdt, bool com1)
{
	size_t len = sizeof(struct acpi_sdt_header);

	memcpy(dsdt + len, aml_s5, sizeof(aml_s5));
	len += sizeof(aml_s5);
	if (com1) {
		memcpy(dsdt + len, aml_com1, sizeof(aml_com1));
		len += sizeof(aml_com1);
	}
	memset(dsdt, 0, sizeof(struct acpi_sdt_header));
	header((struct acpi_sdt_header *)dsdt, "DSDT", (uint32_t)len, DSDT_REVISION);
	acpi_table_set_checksum((struct acpi_sdt_header *)dsdt);
}

static void write_facs(uint8_t *facs)
{
	memset(facs, 0, FACS_LEN);
	memcpy(facs, "FACS", 4);
	put32(facs, 4, FACS_LEN);
	facs[FACS_VERSION_OFFSET] = 2;
}

/* The platform's MADT: the LAPIC address, no 8259s, the virtual IOAPIC with GSIs 0-23. */
static void platform_madt(uint8_t *madt)
{
	uint8_t *io = madt + MADT_HEADER_LEN;

	memset(madt, 0, MADT_HEADER_LEN + MADT_IOAPIC_LEN);
	header((struct acpi_sdt_header *)madt, "APIC", MADT_HEADER_LEN + MADT_IOAPIC_LEN, 3);
	put32(madt, 36, LAPIC_BASE);
	io[0] = MADT_IOAPIC;
	io[1] = MADT_IOAPIC_LEN;
	io[2] = DM_ACPI_IOAPIC_ID;
	put32(io, 4, (uint32_t)VIOAPIC_BASE);
	put32(io, 8, 0); /* GSI base */
	acpi_table_set_checksum((struct acpi_sdt_header *)madt);
}

static void platform_fadt(uint8_t *fadt)
{
	memset(fadt, 0, FADT_LEN);
	header((struct acpi_sdt_header *)fadt, "FACP", FADT_LEN, FADT_REVISION);
	put32(fadt, FADT_FIRMWARE_CTRL, (uint32_t)DM_ACPI_FACS_GPA);
	put32(fadt, FADT_DSDT, (uint32_t)DM_ACPI_DSDT_GPA);
	put16(fadt, FADT_SCI_INT, DM_ACPI_SCI_IRQ);
	put32(fadt, FADT_SMI_CMD,
	      0); /* no SMI command port: the VM is in ACPI mode from the start */
	put32(fadt, FADT_PM1A_EVT_BLK, DM_PM1A_EVT_PORT);
	put32(fadt, FADT_PM1A_CNT_BLK, DM_PM1A_CNT_PORT);
	fadt[FADT_PM1_EVT_LEN] = DM_PM1A_EVT_LEN;
	fadt[FADT_PM1_CNT_LEN] = 2;
	put32(fadt, FADT_PM_TMR_BLK, DM_PM_TIMER_PORT);
	fadt[FADT_PM_TMR_LEN] = DM_PM_TIMER_LEN;
	put16(fadt, FADT_IAPC_BOOT_ARCH, BOOT_ARCH_NO_VGA | BOOT_ARCH_NO_RTC);
	put32(fadt, FADT_FLAGS, FLAG_WBINVD | FLAG_TMR_VAL_EXT | FLAG_PWR_BUTTON | FLAG_SLP_BUTTON);
	acpi_table_set_checksum((struct acpi_sdt_header *)fadt);
}

int dm_acpi_build(struct dm_mem *mem, const uint32_t *apic_ids, size_t ncpus, bool com1,
		  uint64_t *rsdp_gpa)
{
	uint8_t *area = dm_gpa_to_hva(mem, DM_ACPI_AREA_GPA, DM_ACPI_AREA_SIZE);
	uint8_t madt[MADT_HEADER_LEN + MADT_IOAPIC_LEN], fadt[FADT_LEN];
	const struct acpi_vm_platform platform = {
		.madt = (const struct acpi_sdt_header *)madt,
		.fadt = (const struct acpi_sdt_header *)fadt,
	};
	const struct acpi_vm_cpus cpus = { .apic_ids = apic_ids, .count = ncpus };

	_Static_assert(DM_ACPI_AREA_GPA + ACPI_VM_TABLES_SIZE <= DM_ACPI_DSDT_GPA,
		       "the DSDT follows the built tables");
	if (!area)
		return -EINVAL;
	if (ncpus == 0 || ncpus > MAX_CPUS)
		return -ENOSPC;
	memset(area, 0, DM_ACPI_AREA_SIZE);
	write_dsdt(area + (DM_ACPI_DSDT_GPA - DM_ACPI_AREA_GPA), com1);
	write_facs(area + (DM_ACPI_FACS_GPA - DM_ACPI_AREA_GPA));
	platform_madt(madt);
	platform_fadt(fadt);
	return acpi_build_platform_vm_tables(area, DM_ACPI_AREA_GPA, &platform, &cpus, rsdp_gpa);
}
