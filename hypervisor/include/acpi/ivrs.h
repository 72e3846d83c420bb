/* SPDX-License-Identifier: BSD-3-Clause */
/* The AMD IOMMU's ACPI table (IVRS): which IOMMUs exist and which device IDs sit behind each. */
#ifndef CAIRN_ACPI_IVRS_H
#define CAIRN_ACPI_IVRS_H

#include "acpi/acpi.h"

#define IVRS_MAX_UNITS	 8
#define IVRS_MAX_DEVICES 256 /* named device-ID ranges, after merging neighbours */

/* Special devices (IVHD entry type 0x48): what `variety` says. */
#define IVRS_SPECIAL_IOAPIC 1
#define IVRS_SPECIAL_HPET   2

/* One IOMMU (an IVHD block of type 0x10, 0x11 or 0x40; blocks with the same base are merged). */
struct ivrs_unit {
	uint64_t mmio_base; /* its registers (16 KiB) */
	uint16_t devid;	    /* its own PCI function (bus << 8 | devfn) */
	uint16_t segment;   /* PCI segment group */
	uint16_t cap_offset;
	uint8_t type; /* highest IVHD type seen for this base */
	uint8_t flags;
};

/* Device IDs [first, last] a unit translates. Aliases are listed under the ID they use. */
struct ivrs_devices {
	uint16_t first, last;
	uint8_t unit;	 /* index into units[] */
	uint8_t special; /* 0, or IVRS_SPECIAL_* for an IOAPIC/HPET entry */
	uint8_t handle;	 /* a special device's IOAPIC ID or HPET number */
};

struct ivrs_info {
	uint32_t iv_info;
	size_t nunits;
	struct ivrs_unit units[IVRS_MAX_UNITS];
	size_t ndevices;
	struct ivrs_devices devices[IVRS_MAX_DEVICES];
	size_t nmemory_blocks; /* IVMD blocks (unity-mapped or excluded memory), not honoured */
	size_t nskipped_units; /* IVHD blocks outside PCI segment 0, not used */
};

/*
 * Parses an IVRS table. Every IVHD block and device entry is bounds-checked against its block
 * and the table: -EINVAL on a bad checksum, a block or entry running past its container, a
 * range end without a start (or a start never ended, or end < start); -ENOSPC when more units or
 * ranges than fit. Unknown block and entry types are skipped by their length. Units outside PCI
 * segment 0 are counted in nskipped_units and not listed. *out is filled on success.
 */
int acpi_parse_ivrs(const struct acpi_sdt_header *ivrs, struct ivrs_info *out);

#endif
