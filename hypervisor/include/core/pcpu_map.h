/* SPDX-License-Identifier: BSD-3-Clause */
/* The pCPU ownership map behind allocate_pcpu()/free_pcpu(): which pCPUs exist and which are taken. */
#ifndef CAIRN_CORE_PCPU_MAP_H
#define CAIRN_CORE_PCPU_MAP_H

#include "lib/compiler.h"

#define PCPU_MAP_MAX 64

struct pcpu_map {
	uint64_t usable; /* online pCPUs that may be given to a vCPU */
	uint64_t owned;	 /* of those, the ones currently running (or reserved for) a vCPU */
};

void pcpu_map_init(struct pcpu_map *map, uint64_t usable);
/* Takes pCPU id: -ENODEV if it does not exist or is not usable, -EBUSY if already owned. */
int pcpu_map_allocate(struct pcpu_map *map, uint32_t id);
/* Takes the lowest free pCPU among `allowed`; -EBUSY when none is free. */
int pcpu_map_allocate_any(struct pcpu_map *map, uint64_t allowed, uint32_t *id);
/* Gives pCPU id back; -EINVAL if it was not owned. */
int pcpu_map_free(struct pcpu_map *map, uint32_t id);
bool pcpu_map_is_owned(const struct pcpu_map *map, uint32_t id);

#endif
