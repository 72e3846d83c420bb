/* SPDX-License-Identifier: BSD-3-Clause */
/* The x86 exit handlers (arch/x86/guest/): each returns 0 to resume the guest, or VCPU_FAULT. */
#ifndef CAIRN_X86_GUEST_EXIT_HANDLERS_H
#define CAIRN_X86_GUEST_EXIT_HANDLERS_H

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

/*
 * hypercall.c: an ACRN hypercall (VMCALL or VMMCALL, 3 bytes) at the vCPU's RIP: rights and CPL
 * checked (#UD, #GP), ID in R8, parameters RDI and RSI, result in RAX, RIP stepped over it.
 */
int guest_hypercall(struct vcpu *vcpu);
/* Whether the vCPU is stopped at Intel's VMCALL (which raises #UD on AMD). */
bool guest_at_vmcall(struct vcpu *vcpu);
/*
 * A VMMCALL. Linux guests (KVM's ABI) use it for KVM hypercalls and VMCALL for ACRN's; small
 * guests use either for ACRN's (docs/hypercalls.md).
 */
int guest_vmmcall_exit(struct vcpu *vcpu, const struct vm_exit *exit);

#endif
