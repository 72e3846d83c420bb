/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's own PCI configuration access (type-1 ports, serialised) and bus-wide chores. */
#ifndef CAIRN_DRIVERS_PCI_HOST_H
#define CAIRN_DRIVERS_PCI_HOST_H

#include "lib/compiler.h"

/* bus << 8 | device << 3 | function */
#define PCI_BDF(bus, dev, fn) ((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))

uint32_t pci_host_read32(uint16_t bdf, uint16_t offset);
void pci_host_write8(uint16_t bdf, uint16_t offset, uint8_t value);
void pci_host_write16(uint16_t bdf, uint16_t offset, uint16_t value);

/*
 * Turns bus mastering off on every PCI function of the machine but host bridges and the
 * functions the hypervisor drives (its IOMMUs), so that no
 * device DMAs or signals an MSI until its next owner enables it again. Returns how many it
 * turned off.
 */
unsigned pci_quiesce_bus_masters(void);

#endif
