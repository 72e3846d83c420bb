/* SPDX-License-Identifier: BSD-3-Clause */
/* VM lifecycle: start, pause, resume, stop, reset, and what a fault does; carried to pCPUs by mailbox. */
#ifndef CAIRN_CORE_VM_LIFECYCLE_H
#define CAIRN_CORE_VM_LIFECYCLE_H

#include "core/vm.h"

/* Each returns 0, or -EINVAL when the VM is not in a state the operation applies to. */
int vm_start(struct vm *vm);
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
int vm_stop(struct vm *vm, const char *why);
int vm_reset(struct vm *vm, const char *why);

/* A vCPU's exit handler failed (vcpu->fault says why): log, then stop or reset the VM per its flags. */
void vm_fault(struct vcpu *vcpu, enum exit_reason reason);
/* A fault found outside any vCPU (the watchdog): same policy. */
void vm_fault_external(struct vm *vm, const char *what);

/*
 * On the vCPU's own pCPU, when a stop request reaches it: the vCPU stops for good, the pCPU is
 * taken back from the guest and freed (it may adopt housekeeping), and the last vCPU out marks
 * the VM stopped and releases what it held.
 */
void vcpu_retire(struct vcpu *vcpu);
/* On the vCPU's own pCPU, for a reset request: vCPU 0 reloads the VM, the others wait. */
void vcpu_reset(struct vcpu *vcpu);

const char *vm_state_name(enum vm_state state);

#endif
