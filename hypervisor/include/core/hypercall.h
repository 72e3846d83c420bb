/* SPDX-License-Identifier: BSD-3-Clause */
/* Hypercalls as core serves them: ACRN's IDs and results; the architecture reads the registers. */
#ifndef CAIRN_CORE_HYPERCALL_H
#define CAIRN_CORE_HYPERCALL_H

#include "core/vm.h"

/* Whether vm may make hypercalls at all: the Service VM, or a VM with the `hypercalls` flag. */
bool hypercall_allowed(const struct vm *vm);

/*
 * Runs hypercall `id` (abi/cairn/hypercall.h) for vcpu with parameters p1 and p2, after the
 * per-call rights check. Returns the result for the guest: 0 or more, or a negative errno
 * (-ENOTTY for an unknown ID, -EPERM for a call the VM may not make).
 */
int64_t hypercall_dispatch(struct vcpu *vcpu, uint32_t id, uint64_t p1, uint64_t p2);

#endif
