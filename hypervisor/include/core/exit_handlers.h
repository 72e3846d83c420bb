/* Exit handlers: each returns 0 to resume the guest or vcpu_fault() to stop (or reset) its VM. */
#ifndef CAIRN_CORE_EXIT_HANDLERS_H
#define CAIRN_CORE_EXIT_HANDLERS_H

#include "core/vcpu.h"
#include "core/vm_exit.h"

/* arch/x86/guest/ */
int guest_cpuid_exit(struct vcpu *vcpu, const struct vm_exit *exit);
int guest_msr_exit(struct vcpu *vcpu, const struct vm_exit *exit);
int guest_io_exit(struct vcpu *vcpu, const struct vm_exit *exit);
int guest_exception_exit(struct vcpu *vcpu, const struct vm_exit *exit);
int guest_virt_insn_exit(struct vcpu *vcpu, const struct vm_exit *exit);
int guest_hlt_exit(struct vcpu *vcpu, const struct vm_exit *exit);

/* core/hypercall.c: a VMCALL/VMMCALL of insn_len bytes at the vCPU's RIP */
int hypercall_exit(struct vcpu *vcpu, unsigned insn_len);

#endif
