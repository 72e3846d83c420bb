/* SPDX-License-Identifier: BSD-3-Clause */
/* A Linux User VM's ACPI tables: RSDP, XSDT, MADT, FADT, FACS and a DSDT (\_S5, COM1, PCI0) in its BIOS area. */
#include <errno.h>
#include <string.h>

#include "acpi/acpi_vm_tables.h"
#include "x86/guest/vioapic.h"
#include "dm/acpi.h"
#include "dm/aml.h"
#include "dm/pci.h"
#include "dm/pm_timer.h"
#include "dm/power.h"
#include "dm/pvpanic.h"
#include "dm/reset.h"

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
#define FADT_RESET_REG	    116 /* a Generic Address Structure */
#define FADT_RESET_VALUE    128
#define GAS_SYSTEM_IO	    1
#define GAS_ACCESS_BYTE	    1
#define FLAG_RESET_REG_SUP  (1u << 10)
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

/* Name (_S5, Package (4) { 5, 5, 0, 0 }): SLP_TYPa = SLP_TYPb = 5 (dm/hw/power.c). */
static void aml_s5(struct aml *a)
{
	aml_name(a, "_S5");
	aml_mark pkg = aml_package(a, 4);
	aml_integer(a, DM_PM1A_SLP_TYP_S5);
	aml_integer(a, DM_PM1A_SLP_TYP_S5);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_close(a, pkg);
}

/*
 * Device (COM1): PNP0501 at 0x3F8 on IRQ 4. Without an 8259 Linux numbers the IOAPIC's
 * interrupts dynamically, so the 8250 driver's built-in "IRQ 4" of COM1 reaches no pin; the PNP
 * device makes Linux map GSI 4 for it.
 */
static void aml_com1(struct aml *a)
{
	aml_mark dev = aml_device(a, "COM1");
	aml_name(a, "_HID");
	aml_eisa_id(a, "PNP0501");
	aml_name(a, "_UID");
	aml_integer(a, 1);
	aml_name(a, "_CRS");
	aml_mark crs = aml_resources(a);
	aml_res_io(a, 0x3F8, 8);
	aml_res_irq(a, 4);
	aml_resources_end(a, crs);
	aml_close(a, dev);
}

/* Device (PEVT): QEMU's pvpanic (dm/hw/pvpanic.c), which Linux's pvpanic-mmio drives. */
static void aml_pvpanic(struct aml *a)
{
	aml_mark dev = aml_device(a, "PEVT");
	aml_name(a, "_HID");
	aml_string(a, "QEMU0001");
	aml_name(a, "_CRS");
	aml_mark crs = aml_resources(a);
	aml_res_io(a, DM_PVPANIC_PORT, 1);
	aml_resources_end(a, crs);
	aml_close(a, dev);
}

/*
 * Device (PCI0): the host bridge of cairn-dm's bus 0 (dm/pci), PNP0A03, segment 0, bus 0. With
 * ACPI Linux scans only the root bridges the DSDT names, and takes their windows from _CRS:
 * bus 0, configuration ports 0xCF8-0xCFF, the ports around them, and the 32-bit window the
 * device model places BARs in. No _PRT: its devices interrupt by MSI or MSI-X.
 */
static void aml_pci_root(struct aml *a)
{
	aml_mark dev = aml_device(a, "PCI0");
	aml_name(a, "_HID");
	aml_eisa_id(a, "PNP0A03");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_SEG");
	aml_integer(a, 0);
	aml_name(a, "_BBN");
	aml_integer(a, 0);
	aml_name(a, "_CRS");
	aml_mark crs = aml_resources(a);
	aml_res_bus_numbers(a, 0, 0);
	aml_res_io(a, 0xCF8, 8);
	aml_res_io_window(a, 0x0000, 0x0CF7);
	aml_res_io_window(a, 0x0D00, 0xFFFF);
	aml_res_mem32_window(a, (uint32_t)DM_PCI_MMIO32_BASE,
			     (uint32_t)(DM_PCI_MMIO32_BASE + DM_PCI_MMIO32_SIZE - 1));
	aml_resources_end(a, crs);
	aml_close(a, dev);
}

static int write_dsdt(uint8_t *dsdt, size_t size, bool com1)
{
	const size_t hdr = sizeof(struct acpi_sdt_header);
	struct aml a;

	aml_init(&a, dsdt + hdr, size - hdr);
	aml_s5(&a);
	aml_mark sb = aml_scope(&a, "\\_SB");
	if (com1)
		aml_com1(&a);
	aml_pvpanic(&a);
	aml_pci_root(&a);
	aml_close(&a, sb);
	if (a.overflow)
		return -ENOSPC;
	memset(dsdt, 0, hdr);
	header((struct acpi_sdt_header *)dsdt, "DSDT", (uint32_t)(hdr + a.len), DSDT_REVISION);
	acpi_table_set_checksum((struct acpi_sdt_header *)dsdt);
	return 0;
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
	fadt[FADT_RESET_REG] = GAS_SYSTEM_IO;
	fadt[FADT_RESET_REG + 1] = 8; /* bit width */
	fadt[FADT_RESET_REG + 3] = GAS_ACCESS_BYTE;
	put32(fadt, FADT_RESET_REG + 4, DM_RESET_PORT);
	fadt[FADT_RESET_VALUE] = DM_RESET_VALUE;
	put32(fadt, FADT_FLAGS,
	      FLAG_WBINVD | FLAG_TMR_VAL_EXT | FLAG_PWR_BUTTON | FLAG_SLP_BUTTON |
		      FLAG_RESET_REG_SUP);
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
	if (write_dsdt(area + (DM_ACPI_DSDT_GPA - DM_ACPI_AREA_GPA),
		       DM_ACPI_FACS_GPA - DM_ACPI_DSDT_GPA, com1))
		return -ENOSPC;
	write_facs(area + (DM_ACPI_FACS_GPA - DM_ACPI_AREA_GPA));
	platform_madt(madt);
	platform_fadt(fadt);
	return acpi_build_platform_vm_tables(area, DM_ACPI_AREA_GPA, &platform, &cpus, rsdp_gpa);
}
