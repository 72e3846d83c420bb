/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypercalls of a User VM's I/O: its request page, completions, MSIs and IRQ lines. */
#ifndef CAIRN_CORE_HYPERCALL_IO_H
#define CAIRN_CORE_HYPERCALL_IO_H

#include "core/vm.h"

/* Handlers for core/hypercall.c's table (p1, p2 as in abi/cairn/hypercall.h; docs/hypercalls.md). */
int64_t hc_set_ioreq_buffer(struct vcpu *vcpu, uint64_t vmid, uint64_t gpa);
int64_t hc_notify_request_finish(struct vcpu *vcpu, uint64_t vmid, uint64_t vcpu_id);
int64_t hc_inject_msi(struct vcpu *vcpu, uint64_t vmid, uint64_t gpa);
int64_t hc_set_irqline(struct vcpu *vcpu, uint64_t vmid, uint64_t op_gsi);

#endif
