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
int guest_cache_flush_exit(struct vcpu *vcpu, const struct vm_exit *exit);
/* A nested page fault (no fetch) on a range io_emul_find() serves: decode, emulate, finish. */
int guest_mmio_exit(struct vcpu *vcpu, const struct vm_exit *exit);

/* core/hypercall.c: a VMCALL/VMMCALL of insn_len bytes at the vCPU's RIP, under ACRN's ABI */
int hypercall_exit(struct vcpu *vcpu, unsigned insn_len);
/*
 * arch/x86/guest/events.c: a VMMCALL. Linux guests (KVM's ABI) use it for KVM hypercalls and
 * VMCALL for ACRN's; small guests use either for ACRN's (docs/hypercalls.md).
 */
int vmmcall_exit(struct vcpu *vcpu);

#endif
