/* SPDX-License-Identifier: BSD-3-Clause */
/* What the firmware says about this PC: CPUs and IOAPICs (MADT), PM timer (FADT), HPET. */
#ifndef CAIRN_X86_PLATFORM_H
#define CAIRN_X86_PLATFORM_H

#include "core/boot_info.h"
#include "acpi/acpi.h"

struct platform_info {
	const struct acpi_rsdp *rsdp;
	struct acpi_madt_info madt;
	bool has_fadt;
	struct acpi_fadt_info fadt;
	uint64_t hpet_base; /* 0 if no HPET table */
};

extern struct platform_info platform;

/*
 * Finds the RSDP (the loader's copy, else the EBDA and BIOS area scan) and parses the MADT (required),
 * FADT and HPET. Returns 0, or a negative errno after printing which table was missing or bad.
 */
int platform_discover(const struct boot_info *bi);

#endif
