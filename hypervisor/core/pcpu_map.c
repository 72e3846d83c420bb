/* SPDX-License-Identifier: BSD-3-Clause */
/* The pCPU ownership map behind allocate_pcpu()/free_pcpu(): which pCPUs exist and which are taken. */
#include "core/pcpu_map.h"
#include "lib/errno.h"

void pcpu_map_init(struct pcpu_map *map, uint64_t usable)
{
	map->usable = usable;
	map->owned = 0;
}

static uint64_t bit(uint32_t id)
{
	return id < PCPU_MAP_MAX ? 1ull << id : 0;
}

int pcpu_map_allocate(struct pcpu_map *map, uint32_t id)
{
	if (!(map->usable & bit(id)))
		return -ENODEV;
	if (map->owned & bit(id))
		return -EBUSY;
	map->owned |= bit(id);
	return 0;
}

int pcpu_map_allocate_any(struct pcpu_map *map, uint64_t allowed, uint32_t *id)
{
	uint64_t free = map->usable & ~map->owned & allowed;

	if (!free)
		return -EBUSY;
	*id = (uint32_t)__builtin_ctzll(free);
	map->owned |= bit(*id);
	return 0;
}

int pcpu_map_free(struct pcpu_map *map, uint32_t id)
{
	if (!(map->owned & bit(id)))
		return -EINVAL;
	map->owned &= ~bit(id);
	return 0;
}

bool pcpu_map_is_owned(const struct pcpu_map *map, uint32_t id)
{
	return map->owned & bit(id);
}
