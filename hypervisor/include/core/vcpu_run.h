/* SPDX-License-Identifier: BSD-3-Clause */
/* The loop a pCPU runs for its vCPU: enter the guest, count and handle exits, serve the mailbox. */
#ifndef CAIRN_CORE_VCPU_RUN_H
#define CAIRN_CORE_VCPU_RUN_H

#include "core/vcpu.h"

/* Runs vcpu on the calling pCPU until the vCPU is stopped; returns with the pCPU free. */
void vcpu_run_loop(struct vcpu *vcpu);

#endif
