/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor's own pointer into a VM's RAM, for what it lays out there (images, tables). */
#ifndef CAIRN_CORE_GUEST_RAM_H
#define CAIRN_CORE_GUEST_RAM_H

#include "core/vm.h"
#include "mm/phys_mem.h"

/*
 * Guest-physical gpa as the hypervisor sees it: vm->mem_hpa + gpa (a partition's RAM is one host
 * range; the Service VM is identity-mapped, mem_hpa 0). Unchecked: only for addresses the
 * hypervisor itself chose inside RAM the VM owns. Anything a guest names goes through
 * guest_phys_read/write (core/guest_mem.h).
 */
static inline void *guest_ram_ptr(const struct vm *vm, uint64_t gpa)
{
	return phys_to_virt(vm->mem_hpa + gpa);
}

#endif
