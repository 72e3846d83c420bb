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

/*
 * Interrupt remapping (when the IVRS lists an IOAPIC, as platforms with remapping do): the
 * attached device IDs but the IOAPIC's start with an empty remapping table (every MSI, whatever
 * its address or data, is target-aborted). amd_iommu_intremap.c gives them tables of their own.
 */
bool amd_iommu_remaps_interrupts(void);
bool amd_iommu_interrupts_remapped(uint16_t devid);
/* Points devid's entry at a table of AMD_IOMMU_IRTE_ENTRIES legacy entries; invalidates, waits. */
int amd_iommu_set_interrupt_table(uint16_t devid, uint64_t table_pa);
/* INVALIDATE_INTERRUPT_TABLE for devid on every unit, then waits for it. */
int amd_iommu_flush_interrupts(uint16_t devid);
/* The IOAPICs' shared table (NULL without remapping), and its invalidation. */
uint32_t *amd_iommu_ioapic_table(void);
int amd_iommu_flush_ioapic(void);

/*
 * IOAPIC routes (an IOAPIC sends data = vector | delivery mode << 8, and that is the index):
 * amd_iommu_ioapic_route_begin() writes the entry for `pin`'s unmasked, checked route `rte`
 * and returns the entry the IOAPIC must hold: an edge-triggered route of pins 0-31 gets index
 * `pin` (its vector field becomes the pin number, fixed), a level-triggered one keeps its
 * vector (the EOI broadcast must match it) and shares index vector | mode << 8 with any pin
 * using the same. amd_iommu_ioapic_route_end() then releases the entry the pin used before
 * (an entry shared by pins is cleared when the last one leaves it).
 */
uint64_t amd_iommu_ioapic_route_begin(uint32_t pin, uint64_t rte);
void amd_iommu_ioapic_route_end(uint32_t pin);

/*
 * One MSI / MSI-X vector of the Service VM's device `devid` (its requester ID), slot `index`
 * (the MSI-X entry, 0 for MSI). amd_iommu_remap_msi() writes the remapping entry from the
 * message the Service VM wrote (address, data; already checked by irq_route_refusal()) and
 * returns NULL, or why it cannot (then nothing is delivered for that slot). The device must
 * then be given address AMD_IOMMU_REMAPPED_ADDRESS, data `index`. amd_iommu_unmap_msi() clears
 * the entry. amd_iommu_remapped_msi() says whether the slot is remapped, and with which message
 * of the Service VM (what the Service VM believes the device holds).
 */
const char *amd_iommu_remap_msi(uint16_t devid, uint32_t index, uint32_t address, uint32_t data);
void amd_iommu_unmap_msi(uint16_t devid, uint32_t index);
bool amd_iommu_remapped_msi(uint16_t devid, uint32_t index, uint32_t *address, uint32_t *data);
/* Remapping entries in use, and ever written (for `stats`). */
void amd_iommu_remap_counts(uint64_t *in_use, uint64_t *written);

/* Prints new event-log entries (I/O page faults name the device and address), rate-limited. */
void amd_iommu_poll_events(void);

#endif
