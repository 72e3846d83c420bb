/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM's pCPUs given back (HC_SERVICE_VM_OFFLINE_CPU) and taken back (its start IPIs). */
#ifndef CAIRN_CORE_SERVICE_CPU_H
#define CAIRN_CORE_SERVICE_CPU_H

#include "core/vcpu.h"

/*
 * HC_SERVICE_VM_OFFLINE_CPU, p1 = the LAPIC ID of a Service VM vCPU. Asks that vCPU's pCPU
 * (PCPU_REQ_OFFLINE) whether the vCPU is in Linux's offline state; if so it is retired and its
 * pCPU is free. 0; -EINVAL for an APIC ID that is not a vCPU the Service VM holds, or the boot
 * pCPU's; -EBUSY when the vCPU is not offline (or did not answer within 1 s): nothing changed.
 */
int64_t service_cpu_hc_offline(struct vcpu *caller, uint64_t apic_id, uint64_t unused);

/* On the vCPU's own pCPU, for PCPU_REQ_OFFLINE: true when it was retired (leave the run loop). */
bool service_cpu_serve_offline(struct vcpu *vcpu);

/*
 * A start IPI (INIT) from the Service VM to the APIC ID of one of its retired vCPUs: binds the
 * vCPU to its pCPU again if the pCPU is free and starts its run loop, waiting for the STARTUP
 * IPI. 0; -EBUSY while another VM holds the pCPU; -EINVAL for a vCPU that was not given back.
 */
int service_cpu_take_back(struct vcpu *vcpu);

#endif
