/* SPDX-License-Identifier: BSD-3-Clause */
/* Uncached identity mappings of device windows above the RAM the loader mapped (2 MiB pages). */
#ifndef GUEST_MMIO_MAP_H
#define GUEST_MMIO_MAP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Maps [base, base + count * 2 MiB) identity, uncached (PWT|PCD), with 2 MiB pages in the first
 * 512 GiB, through the loader's PDPT. A GiB the loader left unmapped gets the one page directory
 * this library owns; false when the range needs a second such GiB or crosses a GiB. base is
 * rounded down to 2 MiB.
 */
bool guest_map_uncached(uint64_t base, unsigned int count);

#endif
