/* SPDX-License-Identifier: BSD-3-Clause */
/* The AMD IOMMU driver: confines DMA by the Service VM's devices to the Service VM's RAM. */
#ifndef CAIRN_DRIVERS_AMD_IOMMU_H
#define CAIRN_DRIVERS_AMD_IOMMU_H

#include "acpi/acpi.h"

#define AMD_IOMMU_MMIO_SIZE (16 * KiB)

/*
 * Finds the IOMMUs the firmware's IVRS names, gives them one device table in which every
 * device ID is blocked (no DMA, no interrupts), a command buffer and an event log, and turns
 * them on. Without an IVRS (or with a malformed one) prints one warning and does nothing else.
 * Boot pCPU, before any VM is built, with the page allocator up.
 */
void amd_iommu_init(const struct acpi_rsdp *rsdp);

/* The IOMMUs in use (0 when none): their register pages and own PCI functions. */
size_t amd_iommu_count(void);
uint64_t amd_iommu_mmio_base(size_t i);
uint16_t amd_iommu_pci_function(size_t i);

/*
 * Adds [base, base + size) (page aligned) to the Service VM's DMA domain as an identity map.
 * Call for exactly the RAM it owns, then amd_iommu_service_attach(). 0 when there is no IOMMU.
 */
int amd_iommu_service_map(uint64_t base, uint64_t size);

/*
 * Points every device ID the IVRS names (but the IOMMUs' own functions) at the Service VM's
 * domain: DMA to its RAM only; fixed and arbitrated interrupts pass, INIT, NMI, SMI, ExtINT and
 * LINT0/1 are refused (when the IOMMU supports interrupt remapping). Then invalidates the
 * IOMMUs' caches and waits for them. 0 when there is no IOMMU.
 */
int amd_iommu_service_attach(void);

/* Prints new event-log entries (I/O page faults name the device and address), rate-limited. */
void amd_iommu_poll_events(void);

#endif
