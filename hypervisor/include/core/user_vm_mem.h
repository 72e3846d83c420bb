/* SPDX-License-Identifier: BSD-3-Clause */
/* A User VM's memory: HC_VM_SET_MEMORY_REGIONS's checks, what is mapped, and the NPT changes. */
#ifndef CAIRN_CORE_USER_VM_MEM_H
#define CAIRN_CORE_USER_VM_MEM_H

#include "cairn/acrn.h"
#include "core/vm.h"

#define USER_VM_MEM_RANGES 64		/* disjoint guest-physical ranges (adjacent ones merge) */
#define USER_VM_GPA_LIMIT  (1ull << 40) /* User VM guest-physical addresses stay below 1 TiB */

/* The guest-physical ranges a User VM has mapped, sorted, disjoint, never adjacent. */
struct user_vm_mem {
	struct ram_range ranges[USER_VM_MEM_RANGES];
	size_t n;
};

/*
 * Applies a batch of ACRN_MEM_REGION_ADD / _DEL ops, in order, to vm (created by svc), after
 * checking all of them: 4 KiB aligned, nonzero and below USER_VM_GPA_LIMIT (-EINVAL); rights a
 * nonzero subset of RWX, memory type WB or none (-EINVAL); an ADD's Service VM range wholly in
 * svc's RAM map (-EPERM) and its guest range neither mapped already, nor over a range the
 * hypervisor emulates (-EEXIST); no DEL unless vm is created
 * (or reset) or stopped (-EBUSY); the ranges fit (-ENOSPC). Nothing
 * changes on a check failure; a map that fails for lack of memory undoes the batch's ADDs.
 */
int user_vm_mem_apply(const struct vm *svc, struct vm *vm, struct user_vm_mem *mem,
		      const struct vm_memory_region_op *ops, size_t n);

/* Bytes mapped. */
uint64_t user_vm_mem_size(const struct user_vm_mem *mem);

#endif
