/* SPDX-License-Identifier: BSD-3-Clause */
/* Post-launched User VMs: built, started, reset and destroyed by the Service VM's hypercalls. */
#ifndef CAIRN_CORE_USER_VM_H
#define CAIRN_CORE_USER_VM_H

#include "core/vm.h"

#define USER_VM_REGIONS_MAX 512 /* vm_memory_region_op entries in one HC_VM_SET_MEMORY_REGIONS */

/*
 * The hypercall handlers (core/hypercall.c's table; Service VM only). Arguments and error codes:
 * docs/hypercalls.md. A vmid names a User VM the caller created, else -EINVAL (unknown) or -EPERM
 * (a partition, the caller itself).
 */
/*
 * The User VM a call names (p1 = vmid): one the caller created and is not destroying, else NULL
 * with *err = -EINVAL (no such VM, or going away) or -EPERM (not the caller's: a partition, the
 * caller itself).
 */
struct vm *user_vm_target(struct vcpu *caller, uint64_t vmid, int64_t *err);

int64_t user_vm_hc_create(struct vcpu *caller, uint64_t creation_gpa, uint64_t unused);
int64_t user_vm_hc_destroy(struct vcpu *caller, uint64_t vmid, uint64_t unused);
int64_t user_vm_hc_start(struct vcpu *caller, uint64_t vmid, uint64_t unused);
int64_t user_vm_hc_pause(struct vcpu *caller, uint64_t vmid, uint64_t unused);
int64_t user_vm_hc_reset(struct vcpu *caller, uint64_t vmid, uint64_t unused);
int64_t user_vm_hc_set_vcpu_regs(struct vcpu *caller, uint64_t vmid, uint64_t regs_gpa);
int64_t user_vm_hc_set_memory_regions(struct vcpu *caller, uint64_t batch_gpa, uint64_t unused);

/* From the last vCPU out of vcpu_retire(): a User VM being destroyed is released here. */
void user_vm_stopped(struct vm *vm);
/* From vcpu_reset() on the vCPU's pCPU: this vCPU of a User VM is out of the guest, offline. */
void user_vm_vcpu_reset_done(struct vcpu *vcpu);

/* Destroys every User VM `creator` made (its restart or stop); with `wait`, until they are gone. */
void user_vms_destroy_all(struct vm *creator, bool wait);

/* Appends " user VM of <creator>, <n> MiB in <k> ranges" for the shell's `vms`; returns the length. */
int user_vm_describe(const struct vm *vm, char *line, size_t size, int len);

#endif
