/* SPDX-License-Identifier: BSD-3-Clause */
/* ACPI tables for a VM that owns part of the machine: its own MADT and FADT, the rest from firmware. */
#ifndef CAIRN_ACPI_ACPI_VM_TABLES_H
#define CAIRN_ACPI_ACPI_VM_TABLES_H

#include "acpi/acpi.h"

#define ACPI_VM_TABLES_SIZE 8192

struct acpi_vm_cpus {
	const uint32_t *apic_ids; /* physical APIC IDs of the VM's pCPUs, boot vCPU first */
	size_t count;
};

/*
 * Writes RSDP, XSDT, MADT and FADT into buf (ACPI_VM_TABLES_SIZE bytes, at physical address
 * buf_pa) and returns the RSDP's physical address in *rsdp_pa. The XSDT lists every firmware
 * table except the IVRS (the IOMMU is the hypervisor's), the MADT and the FADT, which are replaced: the MADT has one local APIC entry per VM
 * CPU (its real APIC ID) and keeps the firmware's other entries (IOAPICs, overrides, NMI
 * sources); the FADT is the firmware's with FORCE_APIC_PHYSICAL_DESTINATION_MODE set.
 * Local APIC entries keep the firmware's ACPI processor UIDs. -ENOENT without a firmware MADT
 * or FADT, -EINVAL for a malformed one, -ERANGE for an APIC ID above 255, -ENOSPC when the
 * tables do not fit or the firmware lists 256 tables or more.
 */
int acpi_build_vm_tables(void *buf, uint64_t buf_pa, const struct acpi_rsdp *host_rsdp,
			 const struct acpi_vm_cpus *cpus, uint64_t *rsdp_pa);

/* A platform the VM's tables derive from: a firmware's (above), or one a device model describes. */
struct acpi_vm_platform {
	const struct acpi_sdt_header *madt; /* its IOAPICs, overrides and NMI sources are kept */
	const struct acpi_sdt_header *fadt; /* copied, FORCE_APIC_PHYSICAL_DESTINATION_MODE set */
	const struct acpi_sdt_header *const
		*tables; /* the rest the XSDT lists (not APIC, FACP, IVRS) */
	size_t ntables;
};

/*
 * acpi_build_vm_tables() from a platform given table by table: the same RSDP, XSDT, MADT and FADT
 * in buf. An XSDT entry is a table's address as its pointer says. -ENOENT without a MADT or FADT;
 * the other errors as above.
 */
int acpi_build_platform_vm_tables(void *buf, uint64_t buf_pa, const struct acpi_vm_platform *p,
				  const struct acpi_vm_cpus *cpus, uint64_t *rsdp_pa);

#endif
