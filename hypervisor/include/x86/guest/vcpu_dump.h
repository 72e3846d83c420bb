/* SPDX-License-Identifier: BSD-3-Clause */
/* A vCPU's registers and LAPIC, printed by its own pCPU (PCPU_REQ_DUMP, the shell's `vcpus`). */
#ifndef CAIRN_X86_GUEST_VCPU_DUMP_H
#define CAIRN_X86_GUEST_VCPU_DUMP_H

struct vcpu;

/* On vcpu's own pCPU, after an exit: prints one line (the LAPIC is the guest's, passed through). */
void vcpu_dump_here(struct vcpu *vcpu);

#endif
