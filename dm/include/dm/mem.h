/* SPDX-License-Identifier: BSD-3-Clause */
/* User VM RAM: 2 MiB huge pages from a hugetlb memfd, mapped at GPA 0, and gpa_to_hva(). */
#ifndef CAIRN_DM_MEM_H
#define CAIRN_DM_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "dm/vm.h"

/*
 * The VM's RAM is one range, GPA [0, size), backed by a hugetlb memfd (MFD_HUGETLB |
 * MFD_HUGE_2MB): the HSM pins whole 2 MiB pages and the hypervisor maps them with large pages.
 * When the kernel has fewer free 2 MiB pages than the VM needs, dm_mem_alloc raises
 * /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages by the shortfall and dm_mem_free lowers
 * it again by what it added (docs/user-vms.md).
 */
struct dm_mem {
	uint8_t *hva;
	uint64_t size;
	int fd;
	uint64_t pages_added; /* huge pages this process reserved */
};

/* 0, or -errno (-ENOMEM: the kernel could not find the huge pages). size: a 2 MiB multiple. */
int dm_mem_alloc(struct dm_mem *mem, uint64_t size);
void dm_mem_free(struct dm_mem *mem);

/* Tells the HSM: SET_MEMSEG of the whole range at GPA 0. */
int dm_mem_map(const struct dm_mem *mem, struct dm_vm *vm);

/* A pointer to [gpa, gpa + len) of guest RAM, or NULL when any of it lies outside. */
void *dm_gpa_to_hva(const struct dm_mem *mem, uint64_t gpa, uint64_t len);

#endif
