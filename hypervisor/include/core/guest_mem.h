/* SPDX-License-Identifier: BSD-3-Clause */
/* Copying to and from a guest's memory through its nested mapping, every byte checked. */
#ifndef CAIRN_CORE_GUEST_MEM_H
#define CAIRN_CORE_GUEST_MEM_H

#include "core/vcpu.h"
#include "core/vm.h"

/* -EFAULT when any byte of [gpa, gpa+len) is unmapped or lacks the needed right. */
int guest_phys_read(struct vm *vm, uint64_t gpa, void *dst, size_t len);
int guest_phys_write(struct vm *vm, uint64_t gpa, const void *src, size_t len);

/*
 * Host-physical address of [gpa, gpa+len), which must lie in one page, when the guest maps it
 * with `right` (VIRT_MEM_*) and it is RAM; -EFAULT otherwise. What the copies above check.
 */
int guest_phys_locate(struct vm *vm, uint64_t gpa, size_t len, uint32_t right, uint64_t *hpa);

/* Reads through the vCPU's current page tables (arch code walks them); -EFAULT on any miss. */
int guest_virt_read(struct vcpu *vcpu, uint64_t gva, void *dst, size_t len);

#endif
