/* SPDX-License-Identifier: BSD-3-Clause */
/* Starting the application processors (INIT-SIPI-SIPI through a real-mode trampoline). */
#ifndef CAIRN_X86_SMP_H
#define CAIRN_X86_SMP_H

#include "core/pcpu.h"

/* Starts every pCPU of pcpus[] but the boot one, one at a time; failures are reported, not fatal. */
void smp_start_aps(void);

/* Where each AP arrives in long mode, on its own stack. */
__noreturn void smp_ap_entry(struct pcpu *cpu);

#endif
