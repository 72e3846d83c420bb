/* SPDX-License-Identifier: BSD-3-Clause */
/* What dm/pci/'s files share and nothing else uses: the header's reads and MSI-X's hooks. */
#ifndef CAIRN_DM_PCI_INTERNAL_H
#define CAIRN_DM_PCI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dm/pci.h"

/* A 16-bit header register (f->lock held). */
uint16_t dm_pci_cfg16(const struct dm_pci_func *f, unsigned int off);

/* After a config write of [off, off + size) (f->lock held): MSI-X enable and mask-all took
 * effect, and vectors they released are delivered. */
void dm_pci_msix_cfg_written(struct dm_pci_func *f, uint64_t off, unsigned int size);

/* An access to BAR bar that hits the MSI-X table or PBA: served, true. Otherwise false. */
bool dm_pci_msix_bar_access(struct dm_pci_func *f, unsigned int bar, struct dm_access *a);

#endif
