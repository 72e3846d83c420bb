/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's own page tables: an identity map of low 4 GiB (from boot) plus all RAM above. */
#ifndef CAIRN_X86_PAGING_H
#define CAIRN_X86_PAGING_H

#include "lib/compiler.h"

/* Identity-maps [4 GiB, end) with 2 MiB pages on top of the boot map. -ENOMEM if tables run out. */
int paging_map_ram_above_4g(uint64_t end);

#endif
