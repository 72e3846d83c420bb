/* SPDX-License-Identifier: BSD-3-Clause */
/* KVM's paravirtual ABI for stock Linux guests: CPUID leaves, kvmclock, KVM_HC_SEND_IPI. */
#ifndef CAIRN_X86_KVM_PV_H
#define CAIRN_X86_KVM_PV_H

#include "core/vcpu.h"
#include "x86/cpu.h"

/*
 * KVM's leaves live at 0x40000100 (Cairn's own are at 0x40000000); Linux scans in steps of 0x100
 * and, knowing no other hypervisor there, picks KVM.
 */
#define KVM_CPUID_BASE 0x40000100u

bool kvm_pv_enabled(const struct vcpu *vcpu);
/* A new VM in vm's slot: its kvmclock starts again at 0 with its first kvmclock MSR write. */
void kvm_pv_clock_reset(const struct vm *vm);
bool kvm_pv_cpuid(struct vcpu *vcpu, uint32_t leaf, struct cpuid_regs *out);
/* Returns true when msr is a KVM MSR (handled, *ok says whether the access was valid). */
bool kvm_pv_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t *value, bool *ok);
bool kvm_pv_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value, bool *ok);
/* A VMMCALL under KVM's ABI (RAX = number, args RBX RCX RDX RSI); sets RAX. */
void kvm_pv_hypercall(struct vcpu *vcpu);

/* kvmclock's mul/shift for a TSC of tsc_hz: ns = ((ticks << shift, or >> -shift) * mul) >> 32. */
void kvm_pv_time_scale(uint64_t tsc_hz, uint32_t *mul, int8_t *shift);

#endif
