/* SPDX-License-Identifier: BSD-3-Clause */
/* Finds the ACPI tables a PC firmware leaves behind and keeps what the hypervisor needs from them. */
#include "core/console.h"
#include "lib/errno.h"
#include "mm/phys_mem.h"
#include "x86/platform.h"

#define EBDA_SEGMENT_PTR 0x40E
#define BIOS_AREA_START	 0xE0000
#define BIOS_AREA_LEN	 0x20000

struct platform_info platform;

static const struct acpi_rsdp *platform_find_rsdp(const struct boot_info *bi)
{
	if (bi->has_rsdp && acpi_rsdp_validate((const struct acpi_rsdp *)bi->rsdp) == 0)
		return (const struct acpi_rsdp *)bi->rsdp;

	uint64_t ebda = (uint64_t) * (volatile uint16_t *)phys_to_virt(EBDA_SEGMENT_PTR) << 4;
	const struct acpi_rsdp *rsdp = NULL;
	if (ebda >= 0x80000 && ebda < 0xA0000)
		rsdp = acpi_rsdp_scan(phys_to_virt(ebda), 1024);
	if (!rsdp)
		rsdp = acpi_rsdp_scan(phys_to_virt(BIOS_AREA_START), BIOS_AREA_LEN);
	return rsdp;
}

int platform_discover(const struct boot_info *bi)
{
	platform.rsdp = platform_find_rsdp(bi);
	if (!platform.rsdp) {
		printf("cairn: no valid ACPI RSDP found (loader tags, EBDA, 0xE0000-0xFFFFF)\n");
		return -ENODEV;
	}

	const struct acpi_sdt_header *madt = acpi_find_table(platform.rsdp, "APIC");
	int err = madt ? acpi_parse_madt(madt, &platform.madt) : -ENOENT;
	if (err) {
		printf("cairn: ACPI MADT %s (error %d)\n", madt ? "is malformed" : "not found",
		       err);
		return err;
	}

	const struct acpi_sdt_header *fadt = acpi_find_table(platform.rsdp, "FACP");
	platform.has_fadt = fadt && acpi_parse_fadt(fadt, &platform.fadt) == 0;

	const struct acpi_sdt_header *hpet = acpi_find_table(platform.rsdp, "HPET");
	if (!hpet || acpi_parse_hpet(hpet, &platform.hpet_base) != 0)
		platform.hpet_base = 0;
	return 0;
}
