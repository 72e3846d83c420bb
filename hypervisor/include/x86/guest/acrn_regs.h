/* SPDX-License-Identifier: BSD-3-Clause */
/* ACRN's start state (struct acrn_regs, HC_SET_VCPU_REGS) as a checked vcpu_arch_state. */
#ifndef CAIRN_X86_GUEST_ACRN_REGS_H
#define CAIRN_X86_GUEST_ACRN_REGS_H

#include "cairn/acrn.h"
#include "x86/vcpu_state.h"

/*
 * Builds the whole state a vCPU starts from out of ACRN's fields: the GPRs, RIP, RFLAGS, CR0/3/4,
 * EFER, GDTR/IDTR, CS (base, limit, VMX-format access rights) and the selectors. ACRN gives no
 * descriptors for the other segments: they are flat read/write data segments (base 0, limit
 * 4 GiB) in protected and long mode, and real-mode segments (base selector << 4, limit 64 KiB)
 * with CR0.PE clear; TR is a busy TSS, LDTR an LDT, both at base 0. Returns -EINVAL for a state
 * the CPU would refuse or that is not self-consistent (reserved bits, PG without PE, long mode
 * without PAE, CS.L with CS.D, a non-canonical RIP, ...); see docs/hypercalls.md.
 */
int acrn_regs_to_state(const struct acrn_regs *regs, struct vcpu_arch_state *st);

#endif
