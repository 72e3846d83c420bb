/* SPDX-License-Identifier: BSD-3-Clause */
/* A do-nothing virt_vcpu_set_state for tests that link entry_state.c but never start a vCPU. */
#include "core/virt.h"

int virt_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *st)
{
	return 0;
}
